// Orders the kernel invocations that realize a plan from the bootinfo untypeds (docs/plan.md
// "Invocations"), with arguments as the seL4 API takes them (sel4-abi.md §4.3) and cap arguments
// as root CNode slots. The root task is the kernel's boot, holding the caps described in docs/plan.md.
import {
  CNODE_GUARD_BITS,
  CNODE_RADIX_BITS,
  InitialSlot,
  InvocationLabel,
  ObjectType,
  RISCV_EXECUTE_NEVER,
  WORD_BITS,
  capRightsWord,
  cnodeCapData,
  notificationBadge,
} from '../../schema/abi.js';
import type { CapSlot, ComponentObjects, Invocation, IrqBinding, Mapping, PageTableUse, PlanObject } from '../../schema/plan.js';

/** What the invocation builder needs of one component. */
export interface ComponentRealization {
  readonly name: string;
  readonly objects: ComponentObjects;
  readonly cspace: readonly CapSlot[];
  readonly irqs: readonly IrqBinding[];
  readonly pageTables: readonly PageTableUse[];
  readonly mappings: readonly Mapping[];
  readonly priority: number;
  readonly entry: number;
  readonly stackTop: number;
  readonly ipcBuffer: number;
  readonly faultEndpointSlot: number;
}

const RETYPE_TYPE: Record<PlanObject['kind'], number> = {
  untyped: ObjectType.Untyped,
  asidPool: ObjectType.Untyped,
  tcb: ObjectType.Tcb,
  endpoint: ObjectType.Endpoint,
  notification: ObjectType.Notification,
  cnode: ObjectType.CNode,
  frame: ObjectType.Page4K,
  pageTable: ObjectType.PageTable,
  vspace: ObjectType.PageTable,
};

const ROOT = InitialSlot.initThreadCNode;

/** Initial ASID pool: ASID 0 is invalid and 1 is the root task's, so 14 of its 16 are free. */
export const INITIAL_POOL_FREE = 14;
export const POOL_SIZE = 16;

export function buildInvocations(
  objects: readonly PlanObject[],
  components: readonly ComponentRealization[],
  asidPools: readonly string[],
  firstDerivedSlot: number,
): { invocations: Invocation[]; usedSlots: number } {
  const slotOf = new Map(objects.map((o) => [o.name, o.rootSlot] as const));
  const slot = (name: string) => slotOf.get(name) ?? 0;
  let next = firstDerivedSlot;
  const invocations: Invocation[] = [];

  // 1. Every object, in creation order.
  for (const o of objects) {
    const sizeBits = o.kind === 'cnode' ? CNODE_RADIX_BITS : o.kind === 'untyped' || o.kind === 'asidPool' ? o.sizeBits : 0;
    invocations.push({
      op: 'Untyped_Retype', label: InvocationLabel.UntypedRetype, service: o.parentSlot, type: RETYPE_TYPE[o.kind], sizeBits,
      root: ROOT, nodeIndex: 0, nodeDepth: 0, nodeOffset: o.rootSlot, numObjects: 1, object: o.name,
    });
  }

  // 2. ASID pools, then one ASID per VSpace: the initial pool first.
  const poolSlots: number[] = [InitialSlot.initThreadAsidPool];
  for (const pool of asidPools) {
    const index = next++;
    invocations.push({ op: 'ASIDControl_MakePool', label: InvocationLabel.RISCVASIDControlMakePool, service: InitialSlot.asidControl, untyped: slot(pool), root: ROOT, index, depth: WORD_BITS });
    poolSlots.push(index);
  }
  components.forEach((c, i) => {
    const pool = i < INITIAL_POOL_FREE ? 0 : 1 + Math.floor((i - INITIAL_POOL_FREE) / POOL_SIZE);
    invocations.push({ op: 'ASIDPool_Assign', label: InvocationLabel.RISCVASIDPoolAssign, service: poolSlots[Math.min(pool, poolSlots.length - 1)]!, vspace: slot(c.objects.vspace) });
  });

  // 3. IRQ handler caps.
  const irqSlots = new Map<number, number>();
  for (const c of components) {
    for (const b of c.irqs) {
      if (irqSlots.has(b.irq)) continue;
      const index = next++;
      irqSlots.set(b.irq, index);
      invocations.push({ op: 'IRQControl_Get', label: InvocationLabel.IRQIssueIRQHandler, service: InitialSlot.irqControl, irq: b.irq, root: ROOT, index, depth: WORD_BITS });
    }
  }

  // 4. CSpace contents: Mint when badged, Copy otherwise.
  for (const c of components) {
    const cnode = slot(c.objects.cnode);
    for (const cap of c.cspace) {
      const source = cap.kind === 'irqHandler' ? irqSlots.get(Number(cap.object.slice(4))) ?? 0 : slot(cap.object);
      const rights = capRightsWord(cap.rights);
      // Object literals written out in full (no spread): tens of thousands of them, one shape each.
      invocations.push(
        cap.badge !== 0
          ? { op: 'CNode_Mint', label: InvocationLabel.CNodeMint, service: cnode, destIndex: cap.slot, destDepth: CNODE_RADIX_BITS, srcRoot: ROOT, srcIndex: source, srcDepth: WORD_BITS, rights, badge: cap.badge, component: c.name }
          : { op: 'CNode_Copy', label: InvocationLabel.CNodeCopy, service: cnode, destIndex: cap.slot, destDepth: CNODE_RADIX_BITS, srcRoot: ROOT, srcIndex: source, srcDepth: WORD_BITS, rights, component: c.name },
      );
    }
  }

  // 5. IRQ → badged notification.
  for (const c of components) {
    for (const b of c.irqs) {
      const badged = next++;
      invocations.push({
        op: 'CNode_Mint', label: InvocationLabel.CNodeMint, service: ROOT, destIndex: badged, destDepth: WORD_BITS, srcRoot: ROOT,
        srcIndex: slot(b.notification), srcDepth: WORD_BITS, rights: capRightsWord({ read: false, write: true, grant: false, grantReply: false }),
        badge: notificationBadge(b.channel), component: null,
      });
      invocations.push({ op: 'IRQHandler_SetNotification', label: InvocationLabel.IRQSetIRQHandler, service: irqSlots.get(b.irq)!, notification: badged });
    }
  }

  // 6. Page tables and pages; a frame's second and later mappings use copies of its cap.
  const mappedOnce = new Set<string>();
  for (const c of components) {
    const vspace = slot(c.objects.vspace);
    for (const pt of c.pageTables) {
      invocations.push({ op: 'PageTable_Map', label: InvocationLabel.RISCVPageTableMap, service: slot(pt.object), vspace, vaddr: pt.vaddr, attr: 0 });
    }
    for (const m of c.mappings) {
      let service = slot(m.frame);
      if (mappedOnce.has(m.frame)) {
        const copy = next++;
        invocations.push({
          op: 'CNode_Copy', label: InvocationLabel.CNodeCopy, service: ROOT, destIndex: copy, destDepth: WORD_BITS, srcRoot: ROOT,
          srcIndex: service, srcDepth: WORD_BITS, rights: capRightsWord({ read: true, write: true, grant: false, grantReply: false }), component: null,
        });
        service = copy;
      }
      mappedOnce.add(m.frame);
      invocations.push({
        op: 'Page_Map', label: InvocationLabel.RISCVPageMap, service, vspace, vaddr: m.vaddr,
        rights: capRightsWord({ read: m.perms.includes('r'), write: m.perms.includes('w'), grant: false, grantReply: false }),
        attr: m.perms.includes('x') ? 0 : RISCV_EXECUTE_NEVER, cached: m.cached,
      });
    }
  }

  // 7. Threads.
  for (const c of components) {
    const tcb = slot(c.objects.tcb);
    invocations.push({
      op: 'TCB_Configure', label: InvocationLabel.TCBConfigure, service: tcb, faultEp: c.faultEndpointSlot,
      cspaceRoot: slot(c.objects.cnode), cspaceRootData: cnodeCapData(0, CNODE_GUARD_BITS), vspaceRoot: slot(c.objects.vspace),
      vspaceRootData: 0, buffer: c.ipcBuffer, bufferFrame: slot(`frame_${c.name}_ipc`),
    });
    invocations.push({ op: 'TCB_SetPriority', label: InvocationLabel.TCBSetPriority, service: tcb, authority: InitialSlot.initThreadTcb, priority: c.priority });
    invocations.push({ op: 'TCB_BindNotification', label: InvocationLabel.TCBBindNotification, service: tcb, notification: slot(c.objects.notification) });
    invocations.push({ op: 'TCB_WriteRegisters', label: InvocationLabel.TCBWriteRegisters, service: tcb, resumeTarget: false, pc: c.entry, sp: c.stackTop });
  }

  // 8. Start them, in descriptor order.
  for (const c of components) invocations.push({ op: 'TCB_Resume', label: InvocationLabel.TCBResume, service: slot(c.objects.tcb) });
  return { invocations, usedSlots: next };
}
