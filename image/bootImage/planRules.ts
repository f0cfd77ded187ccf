// The system rules applied to the plan an image carries, against the device tree it carries: the
// boot proof shows the kernel state equals the plan, this shows the plan is one a valid descriptor
// could have produced — exclusive MMIO unless shared, one holder per IRQ, PPC only upwards and
// acyclic, W^X, no kernel-owned device, grants inside their device's registers, frames only inside
// grants, capabilities only to a component's own objects, the entry point of its code section.
// The rules themselves are image/systemRules.ts, which compiler/check uses too.
import { createDiagnostic, D, type Diagnostic, type DiagnosticLocation } from '../../schema/diagnostics.js';
import { Slot } from '../../schema/abi.js';
import type { ComponentPlan, Grant, Plan, PlanObject } from '../../schema/plan.generated.js';
import type { Platform, PlatformDevice } from '../platformModel.js';
import { isEnabled } from '../platform.js';
import { deviceSharingWindow, irqConflicts, kernelRole, mmioConflicts, ppcProblems, writableAndExecutable } from '../systemRules.js';

const PAGE = 0x1000;
const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/** What the rules need of the image besides the plan: each component section's name and entry. */
export interface PlanRuleInput {
  /** Shape-checked (runtime/boot/planShape.ts) but otherwise untrusted. */
  readonly plan: Plan;
  readonly components: readonly { readonly name: string; readonly entry: number }[];
  readonly platform: Platform;
}

/** Every rule the plan breaks, as KC73xx errors; empty for a plan built from a valid descriptor. */
export function planRuleDiagnostics(input: PlanRuleInput, where: DiagnosticLocation = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report: Report = (def, args) => out.push(createDiagnostic(def, args as never, where));
  const { plan, platform } = input;
  const objects = new Map<string, PlanObject>();
  for (const o of plan.objects) if (!objects.has(o.name)) objects.set(o.name, o);
  checkEntries(input, report);
  for (const g of plan.grants) checkGrantOnDevice(g, platform, report);
  checkExclusiveMmio(plan, report);
  for (const { claim, first } of irqConflicts(plan.grants.filter((g) => g.kind === 'irq').map((g) => ({ irq: g.irq!, component: g.component })))) {
    report(D.planIrqShared, { irq: claim.irq, first, second: claim.component });
  }
  checkPpcs(plan, report);
  // Built once for all components (per component, they made a large plan's check quadratic).
  const ownerOf = objectOwners(plan);
  const mmioGrants = new Map<string, Grant[]>();
  for (const g of plan.grants) {
    if (g.kind !== 'mmio') continue;
    const list = mmioGrants.get(g.component);
    if (list) list.push(g);
    else mmioGrants.set(g.component, [g]);
  }
  for (const c of plan.components) {
    checkCapabilities(c, ownerOf, report);
    checkMappings(c, mmioGrants.get(c.name) ?? [], objects, platform, report);
  }
  return out;
}

type Report = (def: (typeof D)[keyof typeof D], args: Record<string, string | number>) => void;

function checkEntries(input: PlanRuleInput, report: Report): void {
  const sections = new Map<string, PlanRuleInput['components'][number]>();
  for (const s of input.components) if (!sections.has(s.name)) sections.set(s.name, s);
  for (const c of input.plan.components) {
    const section = sections.get(c.name);
    if (section && section.entry >>> 0 !== c.tcb.entry >>> 0) {
      report(D.planEntryDiffers, { component: c.name, planned: hex(c.tcb.entry), entry: hex(section.entry) });
    }
  }
}

/** The device must be in the image's tree, enabled and not the kernel's; a window inside its registers; an IRQ its own. */
function checkGrantOnDevice(g: Grant, platform: Platform, report: Report): void {
  const device = platform.devices.find((d) => d.path === g.device);
  const off = (detail: string) => report(D.planGrantOffDevice, { kind: g.kind, component: g.component, device: g.device, detail });
  if (!device) return off('the device tree has no such device');
  if (!isEnabled(device)) return off(`its status is '${device.status}'`);
  const role = kernelRole(device);
  if (role !== null) return report(D.planKernelDevice, { component: g.component, role, device: g.device });
  if (g.kind === 'irq') {
    if (!device.interrupts.includes(g.irq!)) off(`IRQ ${String(g.irq)} is not one of its interrupts (${device.interrupts.join(', ') || 'none'})`);
    return;
  }
  const end = g.paddr + g.size;
  if (g.size === 0 || g.paddr % PAGE !== 0 || g.size % PAGE !== 0) return off(`the window '${hex(g.paddr)}'+'${hex(g.size)}' is not whole pages`);
  if (!device.reg.some((r) => g.paddr >= pageDown(r.base) && end <= pageUp(r.base + r.size))) {
    const reg = device.reg.map((r) => `'${hex(r.base)}'..'${hex(r.base + r.size)}'`).join(', ') || 'none';
    return off(`the window '${hex(g.paddr)}'..'${hex(end)}' is outside its registers (${reg})`);
  }
  const other = deviceSharingWindow(platform.devices, device, g.paddr, g.size);
  if (other) off(`the window '${hex(g.paddr)}'..'${hex(end)}' also holds the registers of '${other.path}'`);
  if (g.perms.includes('x')) report(D.planWritableExecutable, { what: `the registers of '${g.device}'`, vaddr: hex(g.vaddr), component: g.component, perms: g.perms, rule: 'device registers are never executable' });
}

const pageDown = (a: number): number => a - (a % PAGE);
const pageUp = (a: number): number => Math.ceil(a / PAGE) * PAGE;

function checkExclusiveMmio(plan: Plan, report: Report): void {
  const windows = plan.grants
    .filter((g) => g.kind === 'mmio')
    .map((g) => ({ base: g.paddr, end: g.paddr + g.size, component: g.component, shared: g.shared === true, device: g.device }));
  const reported = new Set<string>();
  for (const [a, b] of mmioConflicts(windows)) {
    const key = `${a.component}|${b.component}|${b.device}`;
    if (reported.has(key)) continue;
    reported.add(key);
    report(D.planMmioShared, { first: a.component, second: b.component, start: hex(Math.max(a.base, b.base)), end: hex(Math.min(a.end, b.end)), device: b.device });
  }
}

/**
 * A PPC edge is an endpoint capability that may send (write right) to another component's input
 * endpoint; the fault endpoint in its pinned slot is not one (faults go to any handler, as in the
 * descriptor rules).
 */
function checkPpcs(plan: Plan, report: Report): void {
  const serverOf = new Map<string, string>();
  for (const c of plan.components) if (c.objects.endpoint !== null) serverOf.set(c.objects.endpoint, c.name);
  const priority = new Map<string, number>();
  for (const c of plan.components) if (!priority.has(c.name)) priority.set(c.name, c.tcb.priority);
  const edges: { from: string; to: string; slot: number }[] = [];
  for (const c of plan.components) {
    for (const s of c.cspace) {
      const server = serverOf.get(s.object);
      if (s.kind !== 'endpoint' || !s.rights.write || server === undefined || server === c.name) continue;
      if (s.slot === Slot.faultEndpoint && c.tcb.faultEndpointSlot === Slot.faultEndpoint) continue;
      edges.push({ from: c.name, to: server, slot: s.slot });
    }
  }
  for (const problem of ppcProblems(priority, edges)) {
    if (problem.kind === 'cycle') report(D.planPpcCycle, { cycle: problem.cycle.map((n) => `'${n}'`).join(' → ') });
    else report(D.planPpcNotHigher, { from: problem.edge.from, to: problem.edge.to, fromPriority: problem.fromPriority, toPriority: problem.toPriority, slot: problem.edge.slot });
  }
}

/** The component each TCB, CNode, VSpace, notification and endpoint belongs to (the first to name it). */
function objectOwners(plan: Plan): Map<string, string> {
  const ownerOf = new Map<string, string>();
  for (const other of plan.components) {
    for (const role of ['tcb', 'cnode', 'vspace', 'notification', 'endpoint'] as const) {
      const name = other.objects[role];
      if (name !== null && !ownerOf.has(name)) ownerOf.set(name, other.name);
    }
  }
  return ownerOf;
}

/**
 * A component holds the TCB, CNode and VSpace only of itself, and may receive (read right) only on
 * its own notification and endpoint: another's would let it control that component or take its
 * messages and interrupts.
 */
function checkCapabilities(c: ComponentPlan, ownerOf: ReadonlyMap<string, string>, report: Report): void {
  for (const s of c.cspace) {
    const owner = ownerOf.get(s.object);
    if (owner === undefined || owner === c.name) continue;
    if (s.kind === 'tcb' || s.kind === 'cnode' || s.kind === 'vspace') {
      report(D.planForeignCapability, { component: c.name, slot: s.slot, what: `the ${s.kind} '${s.object}'`, owner });
    } else if ((s.kind === 'notification' || s.kind === 'endpoint') && s.rights.read) {
      report(D.planForeignCapability, { component: c.name, slot: s.slot, what: `a right to receive on the ${s.kind} '${s.object}'`, owner });
    }
  }
}

/**
 * Device frames only inside the component's MMIO grant for that device; every other frame in RAM
 * and the component's own (a shared region's frames belong to no component); W^X everywhere.
 */
function checkMappings(c: ComponentPlan, grants: readonly Grant[], objects: Map<string, PlanObject>, platform: Platform, report: Report): void {
  const inRam = (paddr: number, size: number) => platform.ram.some((r) => paddr >= r.base && paddr + size <= r.base + r.size);
  for (const m of c.vspace) {
    const at = { frame: m.frame, vaddr: hex(m.vaddr), component: c.name };
    if (writableAndExecutable(m.perms)) {
      report(D.planWritableExecutable, { what: `the ${m.purpose} frame '${m.frame}'`, vaddr: hex(m.vaddr), component: c.name, perms: m.perms, rule: 'a page is never both writable and executable' });
    }
    const object = objects.get(m.frame);
    if (!object || object.kind !== 'frame') {
      report(D.planFrameOutsideGrant, { ...at, detail: 'it is not a frame object of the plan' });
      continue;
    }
    if (m.purpose === 'mmio') {
      const grant = grants.find((g) => g.device === m.source && m.paddr >= g.paddr && m.paddr + m.size <= g.paddr + g.size && m.vaddr - g.vaddr === m.paddr - g.paddr);
      if (!grant) report(D.planFrameOutsideGrant, { ...at, detail: `'${hex(m.paddr)}' is in no MMIO grant of '${c.name}' for '${m.source}'` });
      continue;
    }
    if (!inRam(m.paddr, m.size)) {
      const device = platform.devices.find((d: PlatformDevice) => d.reg.some((r) => m.paddr < r.base + r.size && r.base < m.paddr + m.size));
      report(D.planFrameOutsideGrant, { ...at, detail: `its ${m.purpose} frame '${hex(m.paddr)}' is not RAM${device ? ` but the registers of '${device.path}'` : ''}` });
      continue;
    }
    const owner = m.purpose === 'region' ? null : c.name;
    if (object.owner !== owner || (m.purpose === 'region' && object.purpose !== `region:${m.source}`)) {
      const whose = object.owner === null ? `no component's (purpose '${object.purpose}')` : `'${object.owner}''s`;
      report(D.planFrameOutsideGrant, { ...at, detail: `a ${m.purpose} mapping of ${whose} frame` });
    }
  }
}
