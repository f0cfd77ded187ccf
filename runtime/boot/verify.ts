// The boot-time proof of the grants: reads the kernel's real CSpaces, the Sv32 tables in emulated
// RAM and the IRQ table, and checks both ways against the plan — every grant, capability and mapping
// is there exactly, and nothing else is reachable (no device frame, IRQ handler or cap not granted).
import { createDiagnostic, D, type Diagnostic, type DiagnosticArgs, type DiagnosticDefinition } from '../../schema/diagnostics.js';
import type { CapSlot, ComponentPlan, Grant, Mapping, Plan } from '../../schema/plan.generated.js';
import { Reg } from '../kernel/abi.js';
import { allSlots, checkInvariants } from '../kernel/invariants.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Cap, KernelObject, PageTableObject, TcbObject } from '../kernel/objects.js';
import { capObject } from '../kernel/objects.js';
import { PTE_R, PTE_V, PTE_W, PTE_X, pteIsLeaf, ptePaddr } from '../kernel/vspace.js';

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/** One leaf translation found in a VSpace. */
export interface RealizedMapping {
  readonly vaddr: number;
  readonly paddr: number;
  readonly size: number;
  readonly perms: string;
  readonly cached: boolean;
}

/** What the verification needs from the machine: which device a physical address belongs to. */
export interface DeviceLookup {
  deviceAt(paddr: number): { readonly path: string } | undefined;
  isRam(paddr: number): boolean;
}

export interface BootedComponent {
  readonly plan: ComponentPlan;
  readonly tcb: TcbObject;
  readonly vspace: PageTableObject;
}

const permsOf = (pte: number): string =>
  `${pte & PTE_R ? 'r' : ''}${pte & PTE_W ? 'w' : ''}${pte & PTE_X ? 'x' : ''}`;

/** The cacheability the kernel recorded for each mapped frame, by VSpace and vaddr: one pass over every slot. */
function frameCacheability(kernel: Kernel): Map<PageTableObject, Map<number, boolean>> {
  const byVSpace = new Map<PageTableObject, Map<number, boolean>>();
  for (const slot of allSlots(kernel)) {
    const cap = slot.cap;
    if (cap.kind !== 'frame' || !cap.mapping) continue;
    let cachedAt = byVSpace.get(cap.mapping.vspace);
    if (!cachedAt) byVSpace.set(cap.mapping.vspace, (cachedAt = new Map()));
    cachedAt.set(cap.mapping.vaddr, cap.mapping.cached);
  }
  return byVSpace;
}

/** Every leaf PTE of a VSpace, sorted by vaddr, with the cacheability the kernel recorded. */
export function realizedMappings(kernel: Kernel, root: PageTableObject, cacheability = frameCacheability(kernel)): RealizedMapping[] {
  const cachedAt = cacheability.get(root) ?? new Map<number, boolean>();
  const out: RealizedMapping[] = [];
  const mem = kernel.memory;
  const leaf = (vaddr: number, pte: number, size: number): void => {
    out.push({ vaddr: vaddr >>> 0, paddr: ptePaddr(pte), size, perms: permsOf(pte), cached: cachedAt.get(vaddr >>> 0) ?? false });
  };
  for (let i = 0; i < 1024; i++) {
    const pte = mem.readU32(root.paddr + 4 * i);
    if ((pte & PTE_V) === 0) continue;
    if (pteIsLeaf(pte)) {
      leaf(i << 22, pte, 1 << 22);
      continue;
    }
    const table = ptePaddr(pte);
    if (!mem.contains(table, 4096)) continue;
    for (let j = 0; j < 1024; j++) {
      const l0 = mem.readU32(table + 4 * j);
      if ((l0 & PTE_V) !== 0 && pteIsLeaf(l0)) leaf((i << 22) | (j << 12), l0, 4096);
    }
  }
  return out;
}

/** The kernel object behind a plan object name (its cap in the root CNode). */
export function objectsByName(kernel: Kernel, plan: Plan): Map<string, KernelObject> {
  const byName = new Map<string, KernelObject>();
  for (const o of plan.objects) {
    const obj = capObject(kernel.rootCNode.slots[o.rootSlot]?.cap ?? { kind: 'null' });
    if (obj) byName.set(o.name, obj);
  }
  return byName;
}

function describeCap(cap: Cap, names: Map<KernelObject, string>): string {
  const obj = capObject(cap);
  const name = obj ? (names.get(obj) ?? `${obj.type}@${hex(obj.paddr)}`) : '';
  switch (cap.kind) {
    case 'endpoint':
    case 'notification':
      return `'${cap.kind} ${name} badge ${hex(cap.badge)} rights ${rightsText(cap.rights)}'`;
    case 'irqHandler':
      return `'irqHandler ${cap.irq}'`;
    case 'null':
      return 'nothing';
    default:
      return `'${cap.kind} ${name}'`;
  }
}

const rightsText = (r: { read: boolean; write: boolean; grant: boolean; grantReply: boolean }): string =>
  `${r.read ? 'R' : '-'}${r.write ? 'W' : '-'}${r.grant ? 'G' : '-'}${r.grantReply ? 'P' : '-'}`;

const plannedCapText = (p: CapSlot): string =>
  `'${p.kind} ${p.object}${p.kind === 'endpoint' || p.kind === 'notification' ? ` badge ${hex(p.badge)} rights ${rightsText(p.rights)}` : ''}'`;

const capKindFor: Record<CapSlot['kind'], Cap['kind']> = {
  tcb: 'tcb',
  endpoint: 'endpoint',
  notification: 'notification',
  cnode: 'cnode',
  vspace: 'pageTable',
  irqHandler: 'irqHandler',
};

/** Checks the whole booted state against the plan; returns every difference. */
export function verifyBoot(
  kernel: Kernel,
  plan: Plan,
  components: readonly BootedComponent[],
  devices: DeviceLookup,
  file?: string,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const where = file !== undefined ? { file } : {};
  const report = <P extends string>(def: DiagnosticDefinition<P>, args: DiagnosticArgs<P>): void => {
    out.push(createDiagnostic(def, args, where));
  };
  const byName = objectsByName(kernel, plan);
  const names = new Map<KernelObject, string>();
  for (const [name, obj] of byName) if (!names.has(obj)) names.set(obj, name);

  const cacheability = frameCacheability(kernel);
  for (const { plan: c, tcb, vspace } of components) {
    const component = c.name;
    // The thread as the plan configures it.
    const threadChecks: [string, number, number][] = [
      ['priority', c.tcb.priority, tcb.priority],
      ['entry pc', c.tcb.entry, tcb.pc],
      ['stack pointer', c.tcb.stackTop, tcb.regs[Reg.sp]! >>> 0],
      ['IPC buffer', c.tcb.ipcBuffer, tcb.ipcBuffer],
      ['fault endpoint cptr', c.tcb.faultEndpointSlot, tcb.faultHandler],
    ];
    for (const [field, planned, found] of threadChecks) {
      if (planned >>> 0 !== found >>> 0) report(D.threadDiffers, { component, field, planned: hex(planned), found: hex(found) });
    }

    // CSpace: every planned cap exactly; nothing else (IRQ handlers are checked with the IRQ grants).
    const cspace = tcb.cspaceRoot.cap;
    const slots = cspace.kind === 'cnode' ? cspace.obj.slots : [];
    const planned = new Map(c.cspace.map((s) => [s.slot, s]));
    // The kernel creates CNode slots on first use: a slot never used holds nothing.
    const visited = new Set<number>();
    for (const slot of slots) {
      visited.add(slot.index);
      const p = planned.get(slot.index);
      const cap = slot.cap;
      if (cap.kind === 'irqHandler' || p?.kind === 'irqHandler') continue;
      if (!p) {
        if (cap.kind !== 'null') report(D.grantExtra, { component, what: `a ${describeCap(cap, names)} capability in slot ${slot.index}` });
        continue;
      }
      const want = byName.get(p.object);
      const plannedText = plannedCapText(p);
      const same =
        cap.kind === capKindFor[p.kind] &&
        capObject(cap) === want &&
        (cap.kind !== 'endpoint' && cap.kind !== 'notification'
          ? true
          : cap.badge === p.badge && rightsText(cap.rights) === rightsText(p.rights));
      if (!same) report(D.capabilityDiffers, { component, slot: slot.index, planned: plannedText, found: describeCap(cap, names) });
    }
    for (const p of c.cspace) {
      if (!visited.has(p.slot) && p.kind !== 'irqHandler') {
        report(D.capabilityDiffers, { component, slot: p.slot, planned: plannedCapText(p), found: 'nothing' });
      }
    }

    // VSpace: MMIO grants first, then the other planned mappings, then whatever is left over.
    const realized = realizedMappings(kernel, vspace, cacheability);
    const at = new Map(realized.map((m) => [m.vaddr, m]));
    const covered = new Set<number>();
    const grants = plan.grants.filter((g) => g.component === component);
    for (const g of grants.filter((x) => x.kind === 'mmio')) checkMmioGrant(g, at, covered, report);
    for (const m of c.vspace) {
      if (m.purpose === 'mmio') continue;
      checkMapping(component, m, at, covered, report);
    }
    for (const m of realized) {
      if (covered.has(m.vaddr)) continue;
      const device = devices.deviceAt(m.paddr);
      const what = device
        ? `device '${device.path}' registers at '${hex(m.paddr)}' (mapped at '${hex(m.vaddr)}', ${m.perms})`
        : devices.isRam(m.paddr)
          ? `RAM frame '${hex(m.paddr)}' at '${hex(m.vaddr)}'`
          : `physical address '${hex(m.paddr)}' at '${hex(m.vaddr)}'`;
      report(D.grantExtra, { component, what });
    }

    // IRQ grants: IRQ → handler cap in the planned slot → the component's notification with the badge.
    const irqGrants = grants.filter((g) => g.kind === 'irq');
    const grantedIrqs = new Set(irqGrants.map((g) => g.irq!));
    for (const g of irqGrants) checkIrqGrant(kernel, c, g, slots, byName, report);
    for (const slot of slots) {
      if (slot.cap.kind === 'irqHandler' && !grantedIrqs.has(slot.cap.irq)) {
        report(D.grantExtra, { component, what: `an IRQ handler for IRQ ${slot.cap.irq} in slot ${slot.index}` });
      }
    }
    const ownNotification = byName.get(c.objects.notification);
    kernel.irqSlots.forEach((irqSlot, irq) => {
      const cap = irqSlot.cap;
      if (cap.kind === 'notification' && cap.obj === ownNotification && !grantedIrqs.has(irq)) {
        report(D.grantExtra, { component, what: `interrupts of IRQ ${irq}, delivered to its notification` });
      }
    });
  }

  for (const problem of checkInvariants(kernel)) report(D.kernelInvariantBroken, { problem });
  return out;
}

type Report = <P extends string>(def: DiagnosticDefinition<P>, args: DiagnosticArgs<P>) => void;

function checkMmioGrant(g: Grant, at: Map<number, RealizedMapping>, covered: Set<number>, report: Report): void {
  const grant = `${g.device} ${hex(g.paddr)}+${hex(g.size)}`;
  for (let off = 0; off < g.size; off += 4096) {
    const vaddr = (g.vaddr + off) >>> 0;
    const m = at.get(vaddr);
    if (!m) {
      report(D.grantMissing, { component: g.component, kind: 'mmio', grant, detail: `nothing is mapped at '${hex(vaddr)}'` });
      return;
    }
    covered.add(vaddr);
    const want = `'${hex(g.paddr + off)}' ${g.perms} ${g.cached ? 'cached' : 'uncached'} at '${hex(vaddr)}'`;
    const found = `'${hex(m.paddr)}' ${m.perms} ${m.cached ? 'cached' : 'uncached'} at '${hex(vaddr)}'`;
    if (m.paddr !== g.paddr + off || m.perms !== g.perms || m.cached !== g.cached) {
      report(D.grantDiffers, { component: g.component, kind: 'mmio', grant, planned: want, found });
      return;
    }
  }
}

function checkMapping(component: string, m: Mapping, at: Map<number, RealizedMapping>, covered: Set<number>, report: Report): void {
  const r = at.get(m.vaddr >>> 0);
  const planned = `'${hex(m.paddr)}' ${m.perms} (${m.purpose} ${m.frame})`;
  if (!r) {
    report(D.mappingDiffers, { component, vaddr: hex(m.vaddr), planned, found: 'nothing' });
    return;
  }
  covered.add(r.vaddr);
  if (r.paddr !== m.paddr || r.perms !== m.perms || r.cached !== m.cached) {
    report(D.mappingDiffers, { component, vaddr: hex(m.vaddr), planned, found: `'${hex(r.paddr)}' ${r.perms}${r.cached ? '' : ' uncached'}` });
  }
}

function checkIrqGrant(
  kernel: Kernel,
  c: ComponentPlan,
  g: Grant,
  slots: { readonly [index: number]: { readonly cap: Cap } | undefined },
  byName: Map<string, KernelObject>,
  report: Report,
): void {
  const irq = g.irq!;
  const grant = `${g.device} IRQ ${irq}`;
  const binding = c.irqs.find((b) => b.irq === irq);
  const base = { component: c.name, kind: 'irq', grant };
  if (!binding) {
    report(D.grantMissing, { ...base, detail: 'the component plan has no binding for it' });
    return;
  }
  if (kernel.irqStates[irq] !== 'signal') {
    report(D.grantMissing, { ...base, detail: `IRQ ${irq} has no handler issued` });
    return;
  }
  const handler = slots[binding.handlerSlot]?.cap;
  if (!handler || handler.kind !== 'irqHandler' || handler.irq !== irq) {
    report(D.grantMissing, { ...base, detail: `slot ${binding.handlerSlot} does not hold the IRQ ${irq} handler` });
  }
  const target = kernel.irqSlots[irq]!.cap;
  const want = byName.get(binding.notification);
  if (target.kind !== 'notification') {
    report(D.grantMissing, { ...base, detail: `IRQ ${irq} signals no notification` });
  } else if (target.obj !== want || target.badge !== binding.badge) {
    report(D.grantDiffers, {
      ...base,
      planned: `notification '${binding.notification}' badge ${hex(binding.badge)}`,
      found: `notification at '${hex(target.obj.paddr)}' badge ${hex(target.badge)}`,
    });
  }
}
