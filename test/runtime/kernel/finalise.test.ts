// What deleting a cap does to its object (seL4 src/object/objecttype.c finaliseCap,
// src/arch/riscv/object/objecttype.c Arch_finaliseCap): a frame cap's own mapping goes with it,
// final or not; the last cap of a mapped page table unmaps it; the last cap of a CNode deletes the
// caps inside; the last cap of an endpoint restarts its waiters.
import { describe, it, expect } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { InvocationLabel as L, Syscall } from '../../../runtime/kernel/abi.js';
import { checkInvariants } from '../../../runtime/kernel/invariants.js';
import {
  ASID_POOL,
  bootTestKernel,
  capAt,
  createThread,
  grant,
  resume,
  retype,
  ROOT_CNODE,
  rootInvoke,
  syscall,
  UNTYPED_SLOT,
  type TestSystem,
} from './fixture.js';

const OK = { error: 0, mrs: [] };
const del = (sys: TestSystem, slot: number) => rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [slot, 32]);

function vspace(sys: TestSystem) {
  const root = retype(sys, ObjectType.PageTable);
  expect(rootInvoke(sys, ASID_POOL, L.RISCVASIDPoolAssign, [], [root])).toEqual(OK);
  const rootCap = capAt(sys, root);
  if (rootCap.kind !== 'pageTable') throw new Error('no root');
  return { root, rootPaddr: rootCap.obj.paddr };
}

describe('finaliseCap', () => {
  it('deleting a copy of a frame cap unmaps that copy only; the original stays mapped', () => {
    const sys = bootTestKernel();
    const { root, rootPaddr } = vspace(sys);
    const pt = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, pt, L.RISCVPageTableMap, [0, 0], [root])).toEqual(OK);
    const frame = retype(sys, ObjectType.Page4K);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [400, 32, frame, 32, 15], [ROOT_CNODE])).toEqual(OK);
    expect(rootInvoke(sys, frame, L.RISCVPageMap, [0x1000, 3, 0], [root])).toEqual(OK);
    expect(rootInvoke(sys, 400, L.RISCVPageMap, [0x2000, 3, 0], [root])).toEqual(OK);
    const ptCap = capAt(sys, pt);
    const table = ptCap.kind === 'pageTable' ? ptCap.obj.paddr : 0;
    expect(del(sys, 400)).toEqual(OK);
    expect(sys.memory.readU32(table + 8)).toBe(0);
    expect(sys.memory.readU32(table + 4)).not.toBe(0);
    expect(sys.memory.readU32(rootPaddr)).not.toBe(0);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('the last cap of a mapped page table clears its level-1 entry; a copy deleted first leaves it', () => {
    const sys = bootTestKernel();
    const { root, rootPaddr } = vspace(sys);
    const pt = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, pt, L.RISCVPageTableMap, [0x40_0000, 0], [root])).toEqual(OK);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [400, 32, pt, 32, 15], [ROOT_CNODE])).toEqual(OK);
    expect(del(sys, 400)).toEqual(OK);
    expect(sys.memory.readU32(rootPaddr + 4)).not.toBe(0);
    expect(del(sys, pt)).toEqual(OK);
    expect(sys.memory.readU32(rootPaddr + 4)).toBe(0);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('the last cap of a CNode deletes the caps inside it: their objects are freed', () => {
    const sys = bootTestKernel();
    const cnode = retype(sys, ObjectType.CNode, 4);
    expect(rootInvoke(sys, UNTYPED_SLOT, L.UntypedRetype, [ObjectType.Endpoint, 0, cnode, 32, 3, 1], [ROOT_CNODE])).toEqual(OK);
    const c = capAt(sys, cnode);
    const inner = c.kind === 'cnode' ? c.obj.slots.at(3)!.cap : null;
    expect(inner?.kind).toBe('endpoint');
    expect(del(sys, cnode)).toEqual(OK);
    expect(inner && 'obj' in inner && inner.obj.live).toBe(false);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('the last cap of an endpoint restarts the threads waiting on it; a copy deleted first does not', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    const t = createThread(sys, 't');
    grant(sys, t, 1, ep);
    resume(sys, t);
    syscall(sys, t.tcb, Syscall.Recv, { a0: 1 });
    expect(t.tcb.state).toBe('blockedOnReceive');
    expect(rootInvoke(sys, t.cnodeSlot, L.CNodeDelete, [1, 8])).toEqual(OK);
    expect(t.tcb.state).toBe('blockedOnReceive');
    expect(del(sys, ep)).toEqual(OK);
    expect([t.tcb.state, t.tcb.inReadyQueue]).toEqual(['restart', true]);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });
});
