// Stage `emit`: renders each component's `kaal_system.h` and linker script from the plan with the
// handlebars templates in templates/ (DESIGN.md "Component code"). Pure: plan and names in, text
// out; the slot layout and badges come from schema/abi.ts, never retyped; what the header says is
// compiler/headerView.ts.
import { createHash } from 'node:crypto';
import { PAGE_BITS } from '../schema/abi.js';
import type { Diagnostic } from '../schema/diagnostics.js';
import type { ComponentPlan, Plan } from '../schema/plan.js';
import { renderTemplate } from './renderTemplate.js';
import { COMPONENT_LINK_ADDRESS, headerView, hex32, type HeaderNames, type HeaderView } from './headerView.js';

export {
  COMPONENT_LINK_ADDRESS,
  abiView,
  headerNamesOf,
  headerView,
  hex32,
  macroName,
  type DeviceHeaderName,
  type HeaderNames,
  type HeaderView,
  type RegionHeaderName,
} from './headerView.js';

/** The rendered files of one component. */
export interface EmittedComponent {
  readonly name: string;
  readonly header: string;
  readonly linkerScript: string;
}

/** Stands in for the hash while the text that is hashed is rendered. */
const HASH_PLACEHOLDER = '0'.repeat(16);

/**
 * Renders `kaal_system.h`. Its `KAAL_HEADER_SHA256` is the first 16 hex digits of the SHA-256 of
 * the header rendered with a placeholder there; the SDK compiles it into the ELF
 * (`kaal_header_sha256`), which is how `build` recognises a prebuilt ELF made from another header.
 */
export function renderHeader(view: HeaderView): string {
  const text = renderTemplate('component.h.hbs', { ...view, headerSha256: HASH_PLACEHOLDER });
  const hash = headerHash(text);
  return text.replace(`KAAL_HEADER_SHA256 "${HASH_PLACEHOLDER}"`, `KAAL_HEADER_SHA256 "${hash}"`);
}

function headerHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, HASH_PLACEHOLDER.length);
}

/** The `KAAL_HEADER_SHA256` a rendered header declares. */
export function headerSha256(header: string): string | undefined {
  return /KAAL_HEADER_SHA256 "([0-9a-f]+)"/.exec(header)?.[1];
}

export function renderLinkerScript(systemName: string, componentName: string): string {
  return renderTemplate('component.ld.hbs', {
    systemName,
    componentName,
    linkAddress: hex32(COMPONENT_LINK_ADDRESS),
    pageSize: hex32(1 << PAGE_BITS),
  });
}

/** Renders the header and linker script of every component, in plan order. */
export function emitComponents(
  plan: Plan,
  namesOf: (component: ComponentPlan) => HeaderNames,
): { components: EmittedComponent[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const components = plan.components.map((component) => ({
    name: component.name,
    header: renderHeader(headerView(plan, component, namesOf(component), diagnostics)),
    linkerScript: renderLinkerScript(plan.system, component.name),
  }));
  return { components, diagnostics };
}
