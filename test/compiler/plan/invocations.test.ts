// compiler/plan/invocations.ts: the kernel invocations of a plan, argument by argument (sel4-abi.md
// §3 object types, §4.3 arguments): Untyped_Retype's type and size_bits per kind (a CNode's radix,
// an untyped's size, 0 for fixed-size objects), which ASID pool each VSpace gets (14 in the initial
// pool, then 16 per pool), one IRQ handler per interrupt, Mint for badged caps, a frame's second
// mapping through a copy of its cap, the rights and execute-never of each Page_Map, the threads.
import { describe, expect, it } from 'vitest';
import { buildInvocations, INITIAL_POOL_FREE, POOL_SIZE, type ComponentRealization } from '../../../compiler/plan/invocations.js';
import { RIGHTS_CALL, RIGHTS_NONE, RIGHTS_RW, componentObjects } from '../../../compiler/plan/cspace.js';
import { CNODE_GUARD_BITS, InitialSlot, InvocationLabel, ObjectType, capRightsWord, cnodeCapData, notificationBadge, ppcBadge } from '../../../schema/abi.js';
import type { PlanObject } from '../../../schema/plan.js';

const object = (id: number, name: string, kind: PlanObject['kind'], sizeBits: number): PlanObject => ({
  id, name, kind, sizeBits, paddr: 0x8040_0000 + id * 0x1000, untyped: 0, parentSlot: 20, rootSlot: 100 + id, owner: null, fixed: false, purpose: 'test',
});

const objects = [
  object(0, 'filler_00000', 'untyped', 12),
  object(1, 'asid_pool_000', 'asidPool', 12),
  object(2, 'cnode_a', 'cnode', 12),
  object(3, 'tcb_a', 'tcb', 9),
  object(4, 'vspace_a', 'vspace', 12),
  object(5, 'ntfn_a', 'notification', 4),
  object(6, 'ep_b', 'endpoint', 4),
  object(7, 'pt_a', 'pageTable', 12),
  object(8, 'frame_a_ipc', 'frame', 12),
  object(9, 'f', 'frame', 12),
];

const component = (name: string, extra: Partial<ComponentRealization> = {}): ComponentRealization => ({
  name, objects: componentObjects(name, false), cspace: [], irqs: [], pageTables: [], mappings: [],
  priority: 0, entry: 0, stackTop: 0, ipcBuffer: 0, faultEndpointSlot: 0, ...extra,
});

const mapping = (vaddr: number, frame: string, perms: 'r' | 'rw' | 'rx' | 'rwx', cached: boolean) => ({ vaddr, size: 0x1000, frame, paddr: 0, perms, cached, purpose: 'elf' as const, source: '', name: '' });

const a = component('a', {
  cspace: [
    { slot: 1, object: 'ntfn_a', kind: 'notification', rights: RIGHTS_RW, badge: 0, role: 'input' },
    { slot: 74, object: 'ep_b', kind: 'endpoint', rights: RIGHTS_CALL, badge: ppcBadge(0), role: 'ppc:0' },
    { slot: 138, object: 'irq_10', kind: 'irqHandler', rights: RIGHTS_NONE, badge: 0, role: 'irq:0' },
  ],
  irqs: [{ irq: 10, channel: 0, handlerSlot: 138, notification: 'ntfn_a', badge: notificationBadge(0), device: '/soc/serial@10000000', name: 'uart' }],
  pageTables: [{ vaddr: 0, object: 'pt_a' }],
  mappings: [mapping(0x1000, 'f', 'rx', true), mapping(0x2000, 'f', 'rw', false), mapping(0x7fff_f000, 'frame_a_ipc', 'rw', true)],
  priority: 77, entry: 0x1040, stackTop: 0x7fff_e000, ipcBuffer: 0x7fff_f000, faultEndpointSlot: 2,
});
// b takes the same interrupt (the checks refuse that; the builder still makes one handler).
const b = component('b', { irqs: [{ irq: 10, channel: 3, handlerSlot: 141, notification: 'ntfn_b', badge: notificationBadge(3), device: '/soc/serial@10000000', name: 'uart' }], priority: 5 });

const RW = capRightsWord(RIGHTS_RW);
const WRITE = capRightsWord({ read: false, write: true, grant: false, grantReply: false });
const READ = capRightsWord({ read: true, write: false, grant: false, grantReply: false });

describe('buildInvocations', () => {
  // Built inside each test: Stryker switches a mutant on before each test, after the file's
  // describe bodies ran (docs/testing.md, "Module-level code").
  const build = () => {
    const { invocations, usedSlots } = buildInvocations(objects, [a, b], ['asid_pool_000'], 200);
    const retypes = invocations.filter((i) => i.op === 'Untyped_Retype');
    return { retypes, rest: invocations.slice(retypes.length), usedSlots };
  };

  it('retypes every object in creation order with its seL4 type and size_bits', () => {
    const { retypes } = build();
    expect(retypes.map((i) => [i.object, i.type, i.sizeBits])).toEqual([
      ['filler_00000', ObjectType.Untyped, 12],
      ['asid_pool_000', ObjectType.Untyped, 12],
      ['cnode_a', ObjectType.CNode, 8],
      ['tcb_a', ObjectType.Tcb, 0],
      ['vspace_a', ObjectType.PageTable, 0],
      ['ntfn_a', ObjectType.Notification, 0],
      ['ep_b', ObjectType.Endpoint, 0],
      ['pt_a', ObjectType.PageTable, 0],
      ['frame_a_ipc', ObjectType.Page4K, 0],
      ['f', ObjectType.Page4K, 0],
    ]);
    expect(retypes[3]).toEqual({
      op: 'Untyped_Retype', label: InvocationLabel.UntypedRetype, service: 20, type: ObjectType.Tcb, sizeBits: 0,
      root: InitialSlot.initThreadCNode, nodeIndex: 0, nodeDepth: 0, nodeOffset: 103, numObjects: 1, object: 'tcb_a',
    });
  });

  it('then makes the ASID pools, assigns each VSpace, and gets each interrupt’s handler once', () => {
    const { rest } = build();
    expect(rest.slice(0, 4)).toEqual([
      { op: 'ASIDControl_MakePool', label: InvocationLabel.RISCVASIDControlMakePool, service: InitialSlot.asidControl, untyped: 101, root: InitialSlot.initThreadCNode, index: 200, depth: 32 },
      { op: 'ASIDPool_Assign', label: InvocationLabel.RISCVASIDPoolAssign, service: InitialSlot.initThreadAsidPool, vspace: 104 },
      { op: 'ASIDPool_Assign', label: InvocationLabel.RISCVASIDPoolAssign, service: InitialSlot.initThreadAsidPool, vspace: 0 },
      { op: 'IRQControl_Get', label: InvocationLabel.IRQIssueIRQHandler, service: InitialSlot.irqControl, irq: 10, root: InitialSlot.initThreadCNode, index: 201, depth: 32 },
    ]);
  });

  it('copies unbadged caps and mints badged ones into the component’s CNode; the IRQ handler cap from its slot', () => {
    const { rest } = build();
    const common = { service: 102, destDepth: 8, srcRoot: InitialSlot.initThreadCNode, srcDepth: 32, component: 'a' };
    expect(rest.slice(4, 7)).toEqual([
      { op: 'CNode_Copy', label: InvocationLabel.CNodeCopy, ...common, destIndex: 1, srcIndex: 105, rights: RW },
      { op: 'CNode_Mint', label: InvocationLabel.CNodeMint, ...common, destIndex: 74, srcIndex: 106, rights: capRightsWord(RIGHTS_CALL), badge: ppcBadge(0) },
      { op: 'CNode_Copy', label: InvocationLabel.CNodeCopy, ...common, destIndex: 138, srcIndex: 201, rights: 0 },
    ]);
  });

  it('binds each IRQ to a badged copy of the notification, write only', () => {
    const { rest } = build();
    const mint = (destIndex: number, srcIndex: number, channel: number) => ({
      op: 'CNode_Mint', label: InvocationLabel.CNodeMint, service: InitialSlot.initThreadCNode, destIndex, destDepth: 32, srcRoot: InitialSlot.initThreadCNode,
      srcIndex, srcDepth: 32, rights: WRITE, badge: notificationBadge(channel), component: null,
    });
    const set = (notification: number) => ({ op: 'IRQHandler_SetNotification', label: InvocationLabel.IRQSetIRQHandler, service: 201, notification });
    expect(rest.slice(7, 11)).toEqual([mint(202, 105, 0), set(202), mint(203, 0, 3), set(203)]);
  });

  it('maps page tables, then pages: read-only r, executable only with x, a second mapping through a copy', () => {
    const { rest } = build();
    const map = (service: number, vaddr: number, rights: number, attr: number, cached: boolean) => ({ op: 'Page_Map', label: InvocationLabel.RISCVPageMap, service, vspace: 104, vaddr, rights, attr, cached });
    expect(rest.slice(11, 16)).toEqual([
      { op: 'PageTable_Map', label: InvocationLabel.RISCVPageTableMap, service: 107, vspace: 104, vaddr: 0, attr: 0 },
      map(109, 0x1000, READ, 0, true),
      { op: 'CNode_Copy', label: InvocationLabel.CNodeCopy, service: InitialSlot.initThreadCNode, destIndex: 204, destDepth: 32, srcRoot: InitialSlot.initThreadCNode, srcIndex: 109, srcDepth: 32, rights: RW, component: null },
      map(204, 0x2000, RW, 1, false),
      map(108, 0x7fff_f000, RW, 1, true),
    ]);
    expect(READ).not.toBe(RW);
  });

  it('configures, prioritises, binds and starts each thread, resuming them in descriptor order', () => {
    const { rest, usedSlots } = build();
    expect(rest.slice(16, 20)).toEqual([
      {
        op: 'TCB_Configure', label: InvocationLabel.TCBConfigure, service: 103, faultEp: 2, cspaceRoot: 102, cspaceRootData: cnodeCapData(0, CNODE_GUARD_BITS),
        vspaceRoot: 104, vspaceRootData: 0, buffer: 0x7fff_f000, bufferFrame: 108,
      },
      { op: 'TCB_SetPriority', label: InvocationLabel.TCBSetPriority, service: 103, authority: InitialSlot.initThreadTcb, priority: 77 },
      { op: 'TCB_BindNotification', label: InvocationLabel.TCBBindNotification, service: 103, notification: 105 },
      { op: 'TCB_WriteRegisters', label: InvocationLabel.TCBWriteRegisters, service: 103, resumeTarget: false, pc: 0x1040, sp: 0x7fff_e000 },
    ]);
    expect(rest.slice(20, 24).map((i) => i.op)).toEqual(['TCB_Configure', 'TCB_SetPriority', 'TCB_BindNotification', 'TCB_WriteRegisters']);
    expect(rest.slice(24)).toEqual([
      { op: 'TCB_Resume', label: InvocationLabel.TCBResume, service: 103 },
      { op: 'TCB_Resume', label: InvocationLabel.TCBResume, service: 0 },
    ]);
    expect(usedSlots).toBe(205);
  });
});

describe('ASID pools', () => {
  it(`puts the first ${INITIAL_POOL_FREE} VSpaces in the initial pool, then ${POOL_SIZE} in each new pool, the last pool taking any beyond`, () => {
    const many = Array.from({ length: 31 }, (_, i) => component(`c${i}`));
    const pools = (names: string[]) =>
      buildInvocations([], many, names, 300).invocations.filter((i) => i.op === 'ASIDPool_Assign').map((i) => i.service);
    const one = pools(['p0']);
    expect(one.slice(0, 14)).toEqual(Array(14).fill(InitialSlot.initThreadAsidPool));
    expect(one.slice(14)).toEqual(Array(17).fill(300));
    const two = pools(['p0', 'p1']);
    expect(two.slice(13, 16)).toEqual([InitialSlot.initThreadAsidPool, 300, 300]);
    expect(two.slice(29)).toEqual([300, 301]);
    expect(pools([])).toEqual(Array(31).fill(InitialSlot.initThreadAsidPool));
  });
});

describe('Page_Map rights', () => {
  it('an execute-only page is mapped without the read right', () => {
    const x = component('x', { mappings: [{ ...mapping(0x1000, 'f', 'rx', true), perms: 'x' }] });
    const map = buildInvocations(objects, [x], [], 200).invocations.find((i) => i.op === 'Page_Map')!;
    expect(map).toMatchObject({ rights: 0, attr: 0 });
  });
});
