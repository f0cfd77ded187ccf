// `kaal-compose build --report <file.html>` (issue 8): one self-contained HTML page about a planned
// system — summary, physical memory map, channel graph, each component's TCB, VSpace and CSpace,
// the grant table and the diagnostics. Pure: the same input gives the same bytes (no clock, no I/O).
import type { Plan, ComponentPlan, Mapping } from '../../schema/plan.js';
import type { Diagnostic } from '../../schema/diagnostics.js';
import type { Platform } from '../../image/platformModel.js';
import type { SystemModel } from '../resolvePlatform.js';
import { graphView } from '../export/graph.js';
import { renderTemplate } from '../renderTemplate.js';
import { byteSize, componentColour, escapeHtml, hexAddress, hexNumber } from './html.js';
import { memoryMap, memoryMapSvg } from './memoryMap.js';
import { channelGraphSvg } from './channelGraph.js';

export interface ReportInput {
  /** The resolved system; null when the build stopped before it (only diagnostics are shown). */
  readonly model: SystemModel | null;
  readonly plan: Plan | null;
  readonly diagnostics: readonly Diagnostic[];
  /** The platform the plan was made for; adds the device regions nobody was granted to the map. */
  readonly platform: Platform | null;
  /** Shown in the title when there is no plan (the descriptor file, say). */
  readonly title?: string;
}

/** `RWG` letters of a cap's rights (`R` read, `W` write, `G` grant, `g` grant-reply), `-` for none. */
function rightsText(rights: { read: boolean; write: boolean; grant: boolean; grantReply: boolean }): string {
  const letters = `${rights.read ? 'R' : ''}${rights.write ? 'W' : ''}${rights.grant ? 'G' : ''}${rights.grantReply ? 'g' : ''}`;
  return letters === '' ? '–' : letters;
}

/** Contiguous mappings of one purpose, source and attributes as one table line. */
function vspaceRuns(mappings: readonly Mapping[]) {
  const runs: { first: Mapping; last: Mapping; count: number }[] = [];
  for (const m of mappings) {
    const run = runs[runs.length - 1];
    const follows =
      run &&
      run.last.vaddr + run.last.size === m.vaddr &&
      run.last.paddr + run.last.size === m.paddr &&
      run.first.purpose === m.purpose &&
      run.first.source === m.source &&
      run.first.perms === m.perms &&
      run.first.cached === m.cached;
    if (follows) {
      run.last = m;
      run.count += 1;
    } else {
      runs.push({ first: m, last: m, count: 1 });
    }
  }
  return runs.map(({ first, last, count }) => ({
    vaddr: `${hexAddress(first.vaddr)}–${hexAddress(last.vaddr + last.size - 1)}`,
    paddr: `${hexAddress(first.paddr)}–${hexAddress(last.paddr + last.size - 1)}`,
    size: byteSize(last.vaddr + last.size - first.vaddr),
    pages: count,
    perms: first.perms,
    cached: first.cached ? 'cached' : 'uncached',
    purpose: first.purpose,
    source: first.source,
    frames: count === 1 ? first.frame : `${first.frame} … ${last.frame}`,
  }));
}

function componentView(c: ComponentPlan, model: SystemModel | null) {
  const modelComponent = model?.components.find((m) => m.name === c.name);
  return {
    name: c.name,
    anchor: `component-${c.name}`,
    colour: componentColour(c.index),
    priority: c.tcb.priority,
    tcb: [
      ['priority', String(c.tcb.priority)],
      ['entry', hexAddress(c.tcb.entry)],
      ['stack', `${hexAddress(c.tcb.stackBottom)}–${hexAddress(c.tcb.stackTop - 1)} (${byteSize(c.tcb.stackTop - c.tcb.stackBottom)})`],
      ['IPC buffer', hexAddress(c.tcb.ipcBuffer)],
      ['fault endpoint', c.tcb.faultEndpointSlot === 0 ? 'none (faults recorded by the runtime)' : `slot ${c.tcb.faultEndpointSlot}${modelComponent?.faultHandler ? ` → ${modelComponent.faultHandler}` : ''}`],
      ['code', c.elfPlaceholder ? 'placeholder layout (no ELF yet)' : (modelComponent?.code.sources.join(', ') || modelComponent?.code.elf || 'ELF')],
      ['objects', [c.objects.tcb, c.objects.cnode, c.objects.vspace, c.objects.notification, c.objects.endpoint].filter((o) => o !== null).join(', ')],
    ].map(([key, value]) => ({ key, value })),
    vspace: vspaceRuns(c.vspace),
    mappingCount: c.vspace.length,
    pageTables: c.pageTables.map((p) => `${p.object} (${hexAddress(p.vaddr)})`).join(', '),
    cspace: c.cspace.map((s) => ({
      slot: s.slot,
      role: s.role,
      object: s.object,
      kind: s.kind,
      rights: rightsText(s.rights),
      badge: s.badge === 0 ? '–' : hexNumber(s.badge),
    })),
    channels: c.channels.map((ch) => ({ id: ch.id, name: ch.name, peer: ch.peer, peerId: ch.peerId, notify: ch.notify ? 'yes' : 'no', ppc: ch.ppc })),
    irqs: c.irqs.map((i) => ({ irq: i.irq, channel: i.channel, slot: i.handlerSlot, device: i.device, badge: hexNumber(i.badge) })),
  };
}

function diagnosticView(d: Diagnostic) {
  const where = d.file === undefined ? (d.path ?? '') : `${d.file}${d.line !== undefined ? `:${d.line}:${d.column ?? 1}` : ''}`;
  return { severity: d.severity, code: d.code, message: d.message, where, path: d.path ?? '', hint: d.hint ?? '' };
}

/** Every string of `value` escaped for HTML (the template renderer does not escape). */
function escapeView<T>(value: T): T {
  if (typeof value === 'string') return escapeHtml(value) as T;
  if (Array.isArray(value)) return value.map(escapeView) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeView(v)])) as T;
  }
  return value;
}

/** The whole report as an HTML document. */
export function renderHtmlReport(input: ReportInput): string {
  const { model, plan, platform } = input;
  const diagnostics = input.diagnostics.map(diagnosticView);
  const errors = input.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = input.diagnostics.length - errors;
  const name = plan?.system ?? model?.name ?? input.title ?? 'system';
  const data = {
    name,
    hasPlan: plan !== null,
    summary: plan
      ? [
          ['platform', `${plan.platform.name}${plan.platform.model && plan.platform.model !== plan.platform.name ? ` (${plan.platform.model})` : ''}`],
          ['RAM', plan.platform.ram.map((r) => `${hexAddress(r.base)}–${hexAddress(r.base + r.size - 1)} (${byteSize(r.size)})`).join(', ')],
          ['kernel reserved', `${hexAddress(plan.platform.kernelReserved.base)}–${hexAddress(plan.platform.kernelReserved.base + plan.platform.kernelReserved.size - 1)} (${byteSize(plan.platform.kernelReserved.size)})`],
          ['components', String(plan.components.length)],
          ['kernel objects', `${plan.utilisation.objects} (${plan.utilisation.perKind.map((k) => `${k.count} ${k.kind}`).join(', ')})`],
          ['RAM used by objects', `${byteSize(plan.utilisation.objectBytes)} of ${byteSize(plan.utilisation.ramBytes)} untyped RAM`],
          ['root CNode slots', `${plan.utilisation.rootSlots} of ${2 ** plan.rootTask.cnodeSizeBits}`],
          ['kernel invocations', String(plan.invocations.length)],
          ['grants', `${plan.grants.filter((g) => g.kind === 'mmio').length} MMIO, ${plan.grants.filter((g) => g.kind === 'irq').length} IRQ`],
          ['diagnostics', `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`],
        ].map(([key, value]) => ({ key, value }))
      : [{ key: 'diagnostics', value: `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}` }],
    components: plan ? plan.components.map((c) => componentView(c, model)) : [],
    grants: plan
      ? plan.grants.map((g) => ({
          component: g.component,
          colour: componentColour(plan.components.find((c) => c.name === g.component)?.index ?? 0),
          kind: g.kind,
          device: g.device,
          paddr: g.kind === 'mmio' ? hexAddress(g.paddr) : '–',
          size: g.kind === 'mmio' ? byteSize(g.size) : '–',
          vaddr: g.kind === 'mmio' ? hexAddress(g.vaddr) : '–',
          access: g.kind === 'mmio' ? `${g.perms}${g.cached ? ', cached' : ', uncached'}` : `IRQ ${g.irq} on channel ${g.channel}`,
        }))
      : [],
    regions: model
      ? model.memoryRegions.map((r) => ({
          name: r.name,
          size: byteSize(r.size),
          paddr: r.paddr === null ? 'allocated' : hexAddress(r.paddr),
          users: model.components.flatMap((c) => c.memory.filter((m) => m.region === r.name).map((m) => `${c.name} (${m.perms})`)).join(', '),
        }))
      : [],
    objects: plan
      ? plan.objects.map((o) => ({
          id: o.id,
          name: o.name,
          kind: o.kind,
          size: byteSize(2 ** o.sizeBits),
          paddr: hexAddress(o.paddr),
          untyped: o.untyped,
          slot: o.rootSlot,
          owner: o.owner ?? '–',
          purpose: o.purpose,
        }))
      : [],
    diagnostics,
    errors,
    warnings,
  };
  const view = {
    ...escapeView(data),
    memoryMapSvg: plan ? memoryMapSvg(memoryMap(plan, platform)) : '',
    channelGraphSvg: plan && model ? channelGraphSvg(graphView(model, plan)) : '',
  };
  return renderTemplate('report/report.html.hbs', view);
}
