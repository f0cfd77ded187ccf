// CNode addressing and invocations at the edges the other CNode tests leave (seL4 src/kernel/cspace.c
// resolveAddressBits, lookupSlotForCNodeOp; src/object/cnode.c decodeCNodeInvocation, cteSwap;
// src/object/objecttype.c deriveCap): a two-level CSpace resolved through a CNode cap in a slot,
// the root's type checked before the depth, a reply cap that cannot be copied, Move emptying its
// source, the words every successful method answers with, CancelBadgedSends through an unbadged
// cap, Rotate's pivot (looked up as a source, refused when it is an endpoint) and swaps of caps
// with children or with no parent.
import { describe, it, expect } from 'vitest';
import { cnodeCapData, ObjectType } from '../../../schema/abi.js';
import { InvocationLabel as L, LookupFaultType, SeL4Error, Syscall } from '../../../runtime/kernel/abi.js';
import { checkInvariants } from '../../../runtime/kernel/invariants.js';
import {
  bootTestKernel,
  capAt,
  createThread,
  grant,
  IRQ_CONTROL,
  resume,
  retype,
  ROOT_CNODE,
  rootInvoke,
  slotAt,
  syscall,
  type TestSystem,
} from './fixture.js';

const OK = { error: 0, mrs: [] };
const ASID_CONTROL = 5;
const objOf = (sys: TestSystem, slot: number) => {
  const c = capAt(sys, slot);
  return 'obj' in c ? c.obj : null;
};

describe('a two-level CSpace (resolveAddressBits into a CNode cap found on the way)', () => {
  it('24 bits through the first CNode, 8 through the second: the cap there; 24 bits alone: the CNode cap', () => {
    const sys = bootTestKernel();
    const outer = retype(sys, ObjectType.CNode, 8);
    const inner = retype(sys, ObjectType.CNode, 8);
    const ep = retype(sys, ObjectType.Endpoint);
    // The outer CNode with a 16-bit guard of 0 at root slot 200: 16 + 8 = 24 bits.
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [200, 32, outer, 32, 15, cnodeCapData(0, 16)], [ROOT_CNODE])).toEqual(OK);
    expect(rootInvoke(sys, 200, L.CNodeCopy, [7, 24, inner, 32, 15], [ROOT_CNODE])).toEqual(OK);
    expect(rootInvoke(sys, inner, L.CNodeCopy, [9, 8, ep, 32, 15], [ROOT_CNODE])).toEqual(OK);
    const cptr = (7 << 8) | 9;
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [300, 32, cptr, 32, 15], [200])).toEqual(OK);
    expect(objOf(sys, 300)).toBe(objOf(sys, ep));
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [301, 32, 7, 24, 15], [200])).toEqual(OK);
    expect(objOf(sys, 301)).toBe(objOf(sys, inner));
    // 32 bits ending in an empty slot of the inner CNode: missing capability, bits left 32 as asked.
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [302, 32, cptr + 1, 32, 15], [200])).toEqual({
      error: SeL4Error.FailedLookup,
      mrs: [1, LookupFaultType.missingCapability + 1, 32],
    });
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });
});

describe('lookupSlotForCNodeOp', () => {
  it('a source root that is not a CNode is FailedLookup (invalid root) before its depth is checked', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    const invalidRoot = { error: SeL4Error.FailedLookup, mrs: [1, LookupFaultType.invalidRoot + 1] };
    for (const depth of [0, 32, 33]) {
      expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [400, 32, 1, depth, 15], [ep])).toEqual(invalidRoot);
    }
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [400, 32, 1, 0, 15], [ROOT_CNODE])).toEqual({ error: SeL4Error.RangeError, mrs: [1, 32] });
  });
});

describe('CNode methods', () => {
  it('a reply cap saved in a CNode cannot be copied (deriveCap gives the null cap): IllegalOperation', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    const c = createThread(sys, 'c');
    const s = createThread(sys, 's');
    for (const t of [c, s]) {
      grant(sys, t, 1, ep);
      resume(sys, t);
    }
    grant(sys, s, 3, s.cnodeSlot);
    syscall(sys, s.tcb, Syscall.Recv, { a0: 1 });
    syscall(sys, c.tcb, Syscall.Call, { a0: 1, mrs: [1] });
    syscall(sys, s.tcb, Syscall.Call, { a0: 3, label: L.CNodeSaveCaller, mrs: [40, 8] });
    const sCnode = capAt(sys, s.cnodeSlot);
    if (sCnode.kind !== 'cnode') throw new Error(sCnode.kind);
    expect(sCnode.obj.slots.at(40)!.cap).toMatchObject({ kind: 'reply', tcb: c.tcb });
    for (const label of [L.CNodeCopy, L.CNodeMint]) {
      expect(rootInvoke(sys, s.cnodeSlot, label, [50, 8, 40, 8, 15, 0], [s.cnodeSlot])).toEqual({ error: SeL4Error.IllegalOperation, mrs: [] });
    }
    expect(sCnode.obj.slots.at(50)!.cap.kind).toBe('null');
  });

  it('Move empties the source; Revoke, Delete, SaveCaller, CancelBadgedSends and Rotate answer with no words', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    const frame = retype(sys, ObjectType.Page4K);
    const obj = objOf(sys, ep);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMove, [400, 32, ep, 32], [ROOT_CNODE])).toEqual(OK);
    expect([capAt(sys, ep).kind, objOf(sys, 400)]).toEqual(['null', obj]);
    expect(slotAt(sys, 400).parent?.children.has(slotAt(sys, 400))).toBe(true);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeRevoke, [400, 32])).toEqual(OK);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeSaveCaller, [401, 32])).toEqual(OK);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCancelBadgedSends, [400, 32])).toEqual(OK);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeRotate, [402, 32, 0, frame, 32, 0, 400, 32], [ROOT_CNODE, ROOT_CNODE])).toEqual({
      error: SeL4Error.IllegalOperation,
      mrs: [],
    });
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMutate, [403, 32, frame, 32, 0], [ROOT_CNODE])).toEqual(OK);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeRotate, [frame, 32, 0, 403, 32, 0, 401, 32], [ROOT_CNODE, ROOT_CNODE]).error).toBe(
      SeL4Error.FailedLookup,
    );
    const other = retype(sys, ObjectType.Page4K);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeRotate, [frame, 32, 0, 403, 32, 0, other, 32], [ROOT_CNODE, ROOT_CNODE])).toEqual(OK);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [frame, 32])).toEqual(OK);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('CancelBadgedSends through an unbadged cap cancels nothing: an unbadged sender stays queued', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    const t = createThread(sys, 't');
    grant(sys, t, 1, ep, 15, 0);
    resume(sys, t);
    syscall(sys, t.tcb, Syscall.Send, { a0: 1, mrs: [5] });
    expect(t.tcb.state).toBe('blockedOnSend');
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCancelBadgedSends, [ep, 32])).toEqual(OK);
    expect(t.tcb.state).toBe('blockedOnSend');
  });
});

describe('Rotate', () => {
  it('seven words with both caps is TruncatedMessage', () => {
    const sys = bootTestKernel();
    const a = retype(sys, ObjectType.Page4K);
    const b = retype(sys, ObjectType.Page4K);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeRotate, [300, 32, 0, b, 32, 0, a], [ROOT_CNODE, ROOT_CNODE])).toEqual({
      error: SeL4Error.TruncatedMessage,
      mrs: [],
    });
  });

  it('the pivot is looked up as a source (lookupPivotSlot): an invalid pivot root reports failedLookupWasSource 1', () => {
    const sys = bootTestKernel();
    const a = retype(sys, ObjectType.Page4K);
    const ep = retype(sys, ObjectType.Endpoint);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeRotate, [300, 32, 0, 5, 32, 0, a, 32], [ep, ROOT_CNODE])).toEqual({
      error: SeL4Error.FailedLookup,
      mrs: [1, LookupFaultType.invalidRoot + 1],
    });
  });

  it('an endpoint pivot cannot be mutated (updateCapData with preserve): IllegalOperation, nothing moves', () => {
    const sys = bootTestKernel();
    const a = retype(sys, ObjectType.Page4K);
    const ep = retype(sys, ObjectType.Endpoint);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeRotate, [300, 32, 0, ep, 32, 0, a, 32], [ROOT_CNODE, ROOT_CNODE])).toEqual({
      error: SeL4Error.IllegalOperation,
      mrs: [],
    });
    expect([capAt(sys, 300).kind, capAt(sys, ep).kind, capAt(sys, a).kind]).toEqual(['null', 'endpoint', 'frame']);
  });

  it('a swap moves the pivot\'s children with its cap: revoking where it went deletes them', () => {
    const sys = bootTestKernel();
    const a = retype(sys, ObjectType.Page4K);
    const b = retype(sys, ObjectType.Page4K);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [101, 32, b, 32, 15], [ROOT_CNODE])).toEqual(OK);
    const objB = objOf(sys, b);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeRotate, [a, 32, 0, b, 32, 0, a, 32], [ROOT_CNODE, ROOT_CNODE])).toEqual(OK);
    expect(objOf(sys, a)).toBe(objB);
    expect(slotAt(sys, 101).parent).toBe(slotAt(sys, a));
    expect([...slotAt(sys, a).children]).toEqual([slotAt(sys, 101)]);
    expect(slotAt(sys, b).children.size).toBe(0);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeRevoke, [a, 32])).toEqual(OK);
    expect(capAt(sys, 101).kind).toBe('null');
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('a swap of two caps the kernel made at boot (no parent): IRQControl and ASIDControl trade slots with the IRQ handler issued', () => {
    const sys = bootTestKernel();
    expect(rootInvoke(sys, IRQ_CONTROL, L.IRQIssueIRQHandler, [10, 300, 32], [ROOT_CNODE])).toEqual(OK);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeRotate, [IRQ_CONTROL, 32, 0, ASID_CONTROL, 32, 0, IRQ_CONTROL, 32], [ROOT_CNODE, ROOT_CNODE])).toEqual(OK);
    expect([capAt(sys, IRQ_CONTROL).kind, capAt(sys, ASID_CONTROL).kind]).toEqual(['asidControl', 'irqControl']);
    expect([slotAt(sys, IRQ_CONTROL).parent, slotAt(sys, ASID_CONTROL).parent]).toEqual([null, null]);
    expect(slotAt(sys, 300).parent).toBe(slotAt(sys, ASID_CONTROL));
    expect(rootInvoke(sys, ASID_CONTROL, L.IRQIssueIRQHandler, [11, 301, 32], [ROOT_CNODE])).toEqual(OK);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });
});
