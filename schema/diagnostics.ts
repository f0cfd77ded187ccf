// The diagnostic registry: every code kaal-compose can report, by stable name (`D.irqGrantedTwice`).
// Bands by stage, one file each under diagnostics/: KC0 CLI/files, KC1 descriptor, KC2 device tree,
// KC3 checks, KC4 planning, KC5 component build, KC6 image formats, KC7 boot/run, KC8 import/export,
// KC9 internal.
// docs/diagnostics.md is generated from this registry (npm run docs:diagnostics).
import type { DiagnosticDefinition } from './diagnosticDefinition.js';
import { cliDiagnostics } from './diagnostics/cli.js';
import { descriptorDiagnostics } from './diagnostics/descriptor.js';
import { devicetreeDiagnostics } from './diagnostics/devicetree.js';
import { checksDiagnostics } from './diagnostics/checks.js';
import { planDiagnostics } from './diagnostics/plan.js';
import { buildDiagnostics } from './diagnostics/build.js';
import { sel4Diagnostics } from './diagnostics/sel4.js';
import { imageDiagnostics } from './diagnostics/image.js';
import { bootDiagnostics } from './diagnostics/boot.js';
import { machineDiagnostics } from './diagnostics/machine.js';
import { debuggerDiagnostics } from './diagnostics/debugger.js';
import { interopDiagnostics } from './diagnostics/interop.js';
import { internalDiagnostics } from './diagnostics/internal.js';
import { trustDiagnostics } from './diagnostics/trust.js';

export * from './diagnosticDefinition.js';
export * from './diagnosticBag.js';
export * from './lineIndex.js';

type Named<T> = {
  readonly [K in keyof T]: T[K] extends { __placeholders?: infer P }
    ? DiagnosticDefinition<P extends string ? P : never> & { readonly name: K }
    : never;
};

function named<T extends Record<string, Omit<DiagnosticDefinition, 'name'>>>(band: T): Named<T> {
  const result: Record<string, DiagnosticDefinition> = {};
  for (const [name, def] of Object.entries(band)) result[name] = { ...def, name };
  return result as Named<T>;
}

/** The registry. Use `D.someName` with `DiagnosticBag.add` or `fail`. */
export const D = {
  ...named(cliDiagnostics),
  ...named(descriptorDiagnostics),
  ...named(devicetreeDiagnostics),
  ...named(checksDiagnostics),
  ...named(planDiagnostics),
  ...named(buildDiagnostics),
  ...named(sel4Diagnostics),
  ...named(imageDiagnostics),
  ...named(bootDiagnostics),
  ...named(machineDiagnostics),
  ...named(debuggerDiagnostics),
  ...named(interopDiagnostics),
  ...named(internalDiagnostics),
  ...named(trustDiagnostics),
} as const;

/** Every registry entry, sorted by code. */
export const allDiagnostics: readonly DiagnosticDefinition[] = Object.values(D)
  .map((d) => d as DiagnosticDefinition)
  .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
