// CNode addressing with guards and the CNode invocations (Copy, Mint, Move, Mutate, Rotate, Delete,
// Revoke, CancelBadgedSends) with their seL4 errors (seL4 src/kernel/cspace.c, src/object/cnode.c).
import { describe, it, expect } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { InvocationLabel, SeL4Error, Syscall } from '../../../runtime/kernel/abi.js';
import { resolveAddressBits } from '../../../runtime/kernel/cnode.js';
import { checkInvariants } from '../../../runtime/kernel/invariants.js';
import { bootTestKernel, createThread, grant, resume, retype, ROOT_CNODE, ROOT_TCB, rootInvoke, syscall, UNTYPED_SLOT } from './fixture.js';

const L = InvocationLabel;

describe('capability addressing (resolveAddressBits)', () => {
  it('a 12-bit root CNode with a 20-bit guard resolves a 32-bit cptr to its slot', () => {
    const sys = bootTestKernel();
    const root = sys.kernel.rootTcb.cspaceRoot.cap;
    const r = resolveAddressBits(root, 0x10, 32);
    expect(r.ok && r.slot.index).toBe(0x10);
    expect(r.ok && r.bitsRemaining).toBe(0);
  });

  it('a cptr whose guard bits are not zero is a guard mismatch', () => {
    const sys = bootTestKernel();
    const r = resolveAddressBits(sys.kernel.rootTcb.cspaceRoot.cap, 0x0010_0010, 32);
    expect(r).toEqual({ ok: false, fault: { type: 'guardMismatch', bitsLeft: 32, guardFound: 0, bitsFound: 20 } });
  });

  it('resolution continues into a second-level CNode and stops where bits run out', () => {
    const sys = bootTestKernel();
    const slot = retype(sys, ObjectType.CNode, 4);
    // cptr: 20 guard bits 0, 12 bits root index = slot; depth 36 is impossible, so resolve 32 then the child.
    const second = sys.kernel.rootCNode.slots[slot]!.cap;
    expect(second.kind).toBe('cnode');
    const r = resolveAddressBits(second, 0x5, 4);
    expect(r.ok && r.slot.index).toBe(5);
    const tooShort = resolveAddressBits(second, 0x5, 3);
    expect(tooShort).toEqual({ ok: false, fault: { type: 'depthMismatch', bitsLeft: 3, bitsFound: 4 } });
    expect(resolveAddressBits({ kind: 'null' }, 1, 32)).toEqual({ ok: false, fault: { type: 'invalidRoot' } });
  });
});

describe('CNode invocations', () => {
  it('Mint sets a badge and masks rights; a badged cap cannot be re-badged', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [100, 32, ep, 32, 0b0001, 0x42], [ROOT_CNODE]).error).toBe(0);
    const cap = sys.kernel.rootCNode.slots[100]!.cap;
    expect(cap.kind === 'endpoint' && cap.badge).toBe(0x42);
    expect(cap.kind === 'endpoint' && cap.rights).toEqual({ read: false, write: true, grant: false, grantReply: false });
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [101, 32, 100, 32, 15, 0x7], [ROOT_CNODE]).error).toBe(SeL4Error.IllegalOperation);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('Copy keeps the badge, never adds rights, and derives a child', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [100, 32, ep, 32, 0b0010, 9], [ROOT_CNODE]);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [101, 32, 100, 32, 15], [ROOT_CNODE]).error).toBe(0);
    const copy = sys.kernel.rootCNode.slots[101]!.cap;
    expect(copy.kind === 'endpoint' && copy.badge).toBe(9);
    expect(copy.kind === 'endpoint' && copy.rights.write).toBe(false);
    expect(sys.kernel.rootCNode.slots[101]!.parent).toBe(sys.kernel.rootCNode.slots[100]);
  });

  it('Move and Mutate move the cap and empty the source', () => {
    const sys = bootTestKernel();
    const cn = retype(sys, ObjectType.CNode, 8);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMove, [200, 32, cn, 32], [ROOT_CNODE]).error).toBe(0);
    expect(sys.kernel.rootCNode.slots[cn]!.cap.kind).toBe('null');
    // Mutate sets a guard of 24 bits on the CNode cap.
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMutate, [201, 32, 200, 32, 24 << 3], [ROOT_CNODE]).error).toBe(0);
    const cap = sys.kernel.rootCNode.slots[201]!.cap;
    expect(cap.kind === 'cnode' && cap.guardSize).toBe(24);
    // A guard that does not fit the word makes Mutate fail.
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMutate, [202, 32, 201, 32, 30 << 3], [ROOT_CNODE]).error).toBe(SeL4Error.IllegalOperation);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('Rotate moves pivot to dest and source to pivot', () => {
    const sys = bootTestKernel();
    const a = retype(sys, ObjectType.Page4K);
    const b = retype(sys, ObjectType.CNode, 2);
    const r = rootInvoke(sys, ROOT_CNODE, L.CNodeRotate, [300, 32, 0, b, 32, 0, a, 32], [ROOT_CNODE, ROOT_CNODE]);
    expect(r.error).toBe(0);
    expect(sys.kernel.rootCNode.slots[300]!.cap.kind).toBe('cnode');
    expect(sys.kernel.rootCNode.slots[b]!.cap.kind).toBe('frame');
    expect(sys.kernel.rootCNode.slots[a]!.cap.kind).toBe('null');
    // updateCapData(preserve) refuses endpoint caps, so they cannot be rotated (seL4 cnode.c).
    const ep = retype(sys, ObjectType.Endpoint);
    const r2 = rootInvoke(sys, ROOT_CNODE, L.CNodeRotate, [301, 32, 0, b, 32, 0, ep, 32], [ROOT_CNODE, ROOT_CNODE]);
    expect(r2.error).toBe(SeL4Error.IllegalOperation);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('reports DeleteFirst, FailedLookup, RangeError and TruncatedMessage', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [1, 32, ep, 32, 15], [ROOT_CNODE]).error).toBe(SeL4Error.DeleteFirst);
    const empty = rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [400, 32, 401, 32, 15], [ROOT_CNODE]);
    // failedLookupWasSource = 1, then missing_capability (type 1 + 1) with 32 bits left.
    expect(empty).toEqual({ error: SeL4Error.FailedLookup, mrs: [1, 2, 32] });
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [400, 0])).toEqual({ error: SeL4Error.RangeError, mrs: [1, 32] });
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [400, 33])).toEqual({ error: SeL4Error.RangeError, mrs: [1, 32] });
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [400]).error).toBe(SeL4Error.TruncatedMessage);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [400, 32, ep, 32], [ROOT_CNODE]).error).toBe(SeL4Error.TruncatedMessage);
    expect(rootInvoke(sys, ROOT_CNODE, L.UntypedRetype, [400, 32]).error).toBe(SeL4Error.IllegalOperation);
    // Guard mismatch on the destination: FailedLookup with wasSource = 0 and a guard_mismatch fault.
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [0xffff_ffff, 32])).toEqual({
      error: SeL4Error.FailedLookup,
      mrs: [0, 4, 32, 0, 20],
    });
  });

  it('an untyped with children cannot be copied (RevokeFirst), IRQ control cannot be copied at all', () => {
    const sys = bootTestKernel();
    retype(sys, ObjectType.Endpoint);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [500, 32, UNTYPED_SLOT, 32, 15], [ROOT_CNODE]).error).toBe(SeL4Error.RevokeFirst);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [500, 32, 4, 32, 15], [ROOT_CNODE]).error).toBe(SeL4Error.IllegalOperation);
  });

  it('deleting the last cap frees the object; deleting a copy does not', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [100, 32, ep, 32, 15], [ROOT_CNODE]);
    const cap = sys.kernel.rootCNode.slots[ep]!.cap;
    rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [100, 32]);
    expect('obj' in cap && cap.obj.live).toBe(true);
    rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [ep, 32]);
    expect('obj' in cap && cap.obj.live).toBe(false);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('CancelBadgedSends needs an endpoint cap with all four rights (hasCancelSendRights); badge 0 cancels nothing', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    // The unbadged original has every right: accepted, and with badge 0 nothing is cancelled.
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCancelBadgedSends, [ep, 32]).error).toBe(0);
    rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [100, 32, ep, 32, 15, 5], [ROOT_CNODE]);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCancelBadgedSends, [100, 32]).error).toBe(0);
    // Lacking exactly one right: write, read, grant, grantReply.
    for (const [slot, rights] of [
      [101, 0b1110],
      [102, 0b1101],
      [103, 0b1011],
      [104, 0b0111],
    ] as const) {
      expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [slot, 32, ep, 32, rights, 5], [ROOT_CNODE]).error).toBe(0);
      expect([rights, rootInvoke(sys, ROOT_CNODE, L.CNodeCancelBadgedSends, [slot, 32]).error]).toEqual([rights, SeL4Error.IllegalOperation]);
    }
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCancelBadgedSends, [ROOT_TCB, 32]).error).toBe(SeL4Error.IllegalOperation);
  });

  it('CancelBadgedSends restarts the senders blocked with that badge and leaves the others queued', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    const five = createThread(sys, 'five');
    const six = createThread(sys, 'six');
    grant(sys, five, 2, ep, 15, 5);
    grant(sys, six, 2, ep, 15, 6);
    resume(sys, five);
    resume(sys, six);
    syscall(sys, five.tcb, Syscall.Send, { a0: 2, mrs: [1] });
    syscall(sys, six.tcb, Syscall.Send, { a0: 2, mrs: [2] });
    expect([five.tcb.state, six.tcb.state]).toEqual(['blockedOnSend', 'blockedOnSend']);
    rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [100, 32, ep, 32, 15, 5], [ROOT_CNODE]);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCancelBadgedSends, [100, 32]).error).toBe(0);
    expect([five.tcb.state, six.tcb.state]).toEqual(['restart', 'blockedOnSend']);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });
});
