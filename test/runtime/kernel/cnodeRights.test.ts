// CNode invocations at their edges: each right masked alone (maskCapRights, maskVMRights), the badge
// and guard fields of updateCapData, the label range and every message length exactly at its bound
// and one short, and the derivation tree after Delete, Move and Rotate (seL4 src/object/cnode.c,
// src/object/objecttype.c, src/kernel/cspace.c).
import { describe, it, expect } from 'vitest';
import { cnodeCapData, ObjectType } from '../../../schema/abi.js';
import { InvocationLabel as L, SeL4Error } from '../../../runtime/kernel/abi.js';
import { checkInvariants } from '../../../runtime/kernel/invariants.js';
import { bootTestKernel, capAt, createThread, retype, ROOT_CNODE, rootInvoke, slotAt, UNTYPED_SLOT } from './fixture.js';

const RIGHTS = ['write', 'read', 'grant', 'grantReply'] as const;

describe('maskCapRights', () => {
  for (const type of [ObjectType.Endpoint, ObjectType.Notification]) {
    it(`${type === ObjectType.Endpoint ? 'endpoint' : 'notification'}: each right cleared alone in Mint clears exactly that right`, () => {
      const sys = bootTestKernel();
      const obj = retype(sys, type);
      RIGHTS.forEach((name, bit) => {
        const dest = 100 + bit;
        expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [dest, 32, obj, 32, 15 & ~(1 << bit), 0], [ROOT_CNODE]).error).toBe(0);
        const cap = capAt(sys, dest);
        if (cap.kind !== 'endpoint' && cap.kind !== 'notification') throw new Error(cap.kind);
        for (const other of RIGHTS) expect(cap.rights[other]).toBe(other !== name);
      });
      // A copy of a cap without a right never regains it, whatever the rights word asks.
      RIGHTS.forEach((name, bit) => {
        expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [110 + bit, 32, 100 + bit, 32, 15], [ROOT_CNODE]).error).toBe(0);
        const cap = capAt(sys, 110 + bit);
        if (cap.kind !== 'endpoint' && cap.kind !== 'notification') throw new Error(cap.kind);
        for (const other of RIGHTS) expect(cap.rights[other]).toBe(other !== name);
      });
    });
  }

  it('frame: read only keeps read; write without read is no access (maskVMRights); both keep both', () => {
    const sys = bootTestKernel();
    const frame = retype(sys, ObjectType.Page4K);
    const copy = (dest: number, src: number, rights: number) =>
      rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [dest, 32, src, 32, rights], [ROOT_CNODE]).error;
    const vm = (slot: number) => {
      const c = capAt(sys, slot);
      return c.kind === 'frame' ? { read: c.read, write: c.write } : c.kind;
    };
    expect(copy(100, frame, 0b11)).toBe(0);
    expect(vm(100)).toEqual({ read: true, write: true });
    expect(copy(101, frame, 0b10)).toBe(0);
    expect(vm(101)).toEqual({ read: true, write: false });
    expect(copy(102, frame, 0b01)).toBe(0);
    expect(vm(102)).toEqual({ read: false, write: false });
    // A read-only frame asked for read-write stays read-only.
    expect(copy(103, 101, 0b11)).toBe(0);
    expect(vm(103)).toEqual({ read: true, write: false });
  });

  it('a copy of a mapped frame is unmapped (Arch_deriveCap); the original keeps its mapping', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [400, 32, t.bufferSlot, 32, 15], [ROOT_CNODE]).error).toBe(0);
    const orig = capAt(sys, t.bufferSlot);
    const copy = capAt(sys, 400);
    expect(orig.kind === 'frame' && orig.mapping).not.toBeNull();
    expect(copy.kind === 'frame' && copy.mapping).toBeNull();
  });

  it('an unmapped page table cannot be copied (IllegalOperation); a mapped one can', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    const pt = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [400, 32, pt, 32, 15], [ROOT_CNODE]).error).toBe(SeL4Error.IllegalOperation);
    expect(capAt(sys, 400).kind).toBe('null');
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [401, 32, t.vspaceSlot, 32, 15], [ROOT_CNODE]).error).toBe(0);
    expect(capAt(sys, 401).kind).toBe('pageTable');
  });
});

describe('updateCapData', () => {
  it('a badge keeps its low 28 bits (seL4 badge width on 32-bit)', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [100, 32, ep, 32, 15, 0xffff_ffff], [ROOT_CNODE]).error).toBe(0);
    const cap = capAt(sys, 100);
    expect(cap.kind === 'endpoint' && cap.badge).toBe(0x0fff_ffff);
  });

  it('a guard keeps only guardSize bits and only the 18-bit guard field', () => {
    const sys = bootTestKernel();
    const cn = retype(sys, ObjectType.CNode, 8);
    // guardSize 3, guard 0xff: the guard is 0b111.
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMutate, [100, 32, cn, 32, (0xff << 8) | (3 << 3)], [ROOT_CNODE]).error).toBe(0);
    let cap = capAt(sys, 100);
    expect(cap.kind === 'cnode' && [cap.guard, cap.guardSize]).toEqual([7, 3]);
    // guardSize 24, guard field all ones and a bit above it: 0x3ffff, the bit above dropped.
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMutate, [101, 32, 100, 32, (0x7ffff << 8) | (24 << 3) | 0b111], [ROOT_CNODE]).error).toBe(0);
    cap = capAt(sys, 101);
    expect(cap.kind === 'cnode' && [cap.guard, cap.guardSize]).toEqual([0x3ffff, 24]);
    expect(cnodeCapData(5, 24)).toBe((5 << 8) | (24 << 3));
  });

  it('Mint of an unbadged endpoint with badge 0 stays unbadged and may then be badged', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [100, 32, ep, 32, 15, 0], [ROOT_CNODE]).error).toBe(0);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [101, 32, 100, 32, 15, 3], [ROOT_CNODE]).error).toBe(0);
    const cap = capAt(sys, 101);
    expect(cap.kind === 'endpoint' && cap.badge).toBe(3);
  });
});

describe('CNode decode bounds', () => {
  it('labels 17..25 are CNode methods; 16 and 26 on a CNode cap are IllegalOperation', () => {
    const sys = bootTestKernel();
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeRevoke - 1, [100, 32]).error).toBe(SeL4Error.IllegalOperation);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeSaveCaller + 1, [100, 32]).error).toBe(SeL4Error.IllegalOperation);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeRevoke, [100, 32]).error).toBe(0);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeSaveCaller, [100, 32]).error).toBe(0);
    expect(capAt(sys, 100).kind).toBe('null');
  });

  it('every method: one message word short is TruncatedMessage, exactly enough is accepted', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    const frames = retype(sys, ObjectType.Page4K, 0, 3);
    const call = (label: number, mrs: number[], caps: number[] = [ROOT_CNODE]) => rootInvoke(sys, ROOT_CNODE, label, mrs, caps).error;
    const T = SeL4Error.TruncatedMessage;
    expect(call(L.CNodeDelete, [100])).toBe(T);
    expect(call(L.CNodeDelete, [100, 32])).toBe(0);
    expect(call(L.CNodeCopy, [100, 32, ep])).toBe(T);
    expect(call(L.CNodeCopy, [100, 32, ep, 32], [])).toBe(T);
    expect(call(L.CNodeCopy, [100, 32, ep, 32])).toBe(T);
    expect(call(L.CNodeCopy, [100, 32, ep, 32, 15])).toBe(0);
    expect(call(L.CNodeMint, [101, 32, ep, 32, 15])).toBe(T);
    expect(call(L.CNodeMint, [101, 32, ep, 32, 15, 1])).toBe(0);
    expect(call(L.CNodeMove, [102, 32, 101])).toBe(T);
    expect(call(L.CNodeMove, [102, 32, 101, 32], [])).toBe(T);
    expect(call(L.CNodeMove, [102, 32, 101, 32])).toBe(0);
    expect(call(L.CNodeMutate, [103, 32, frames, 32])).toBe(T);
    expect(call(L.CNodeMutate, [103, 32, frames, 32, 0])).toBe(0);
    expect(call(L.CNodeRotate, [104, 32, 0, frames + 1, 32, 0, frames + 2])).toBe(T);
    expect(call(L.CNodeRotate, [104, 32, 0, frames + 1, 32, 0, frames + 2, 32], [ROOT_CNODE])).toBe(T);
    expect(call(L.CNodeRotate, [104, 32, 0, frames + 1, 32, 0, frames + 2, 32], [ROOT_CNODE, ROOT_CNODE])).toBe(0);
    expect(capAt(sys, 104).kind).toBe('frame');
    expect(capAt(sys, frames + 1).kind).toBe('frame');
    expect(capAt(sys, frames + 2).kind).toBe('null');
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('an empty source names its depth in the lookup fault (missingCapability, bitsLeft = srcDepth)', () => {
    const sys = bootTestKernel();
    const r = rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [100, 32, 300, 32, 15], [ROOT_CNODE]);
    expect(r.error).toBe(SeL4Error.FailedLookup);
    expect(r.mrs).toEqual([1, 2, 32]);
    const rot = rootInvoke(sys, ROOT_CNODE, L.CNodeRotate, [100, 32, 0, 301, 32, 0, 300, 32], [ROOT_CNODE, ROOT_CNODE]);
    expect(rot.error).toBe(SeL4Error.FailedLookup);
    expect(rot.mrs).toEqual([1, 2, 32]);
  });

  it('a source root that is not a CNode is an invalid root (FailedLookup, wasSource 1, lookup type 0 + 1)', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    const r = rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [100, 32, ep, 32, 15], [ep]);
    expect(r.error).toBe(SeL4Error.FailedLookup);
    expect(r.mrs).toEqual([1, 1]);
    expect(capAt(sys, 100).kind).toBe('null');
  });
});

describe('the derivation tree', () => {
  it('Delete moves the deleted cap\'s children up to its parent', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [100, 32, ep, 32, 15], [ROOT_CNODE]);
    rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [101, 32, 100, 32, 15], [ROOT_CNODE]);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [100, 32]).error).toBe(0);
    expect(slotAt(sys, 101).parent).toBe(slotAt(sys, ep));
    expect([...slotAt(sys, ep).children]).toEqual([slotAt(sys, 101)]);
    expect(slotAt(sys, 100).children.size).toBe(0);
    expect(slotAt(sys, 100).parent).toBeNull();
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('Move carries the parent and the children to the new slot', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [100, 32, ep, 32, 15], [ROOT_CNODE]);
    rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [101, 32, 100, 32, 15], [ROOT_CNODE]);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMove, [102, 32, 100, 32], [ROOT_CNODE]).error).toBe(0);
    expect(slotAt(sys, 102).parent).toBe(slotAt(sys, ep));
    expect([...slotAt(sys, ep).children]).toEqual([slotAt(sys, 102)]);
    expect(slotAt(sys, 101).parent).toBe(slotAt(sys, 102));
    expect([...slotAt(sys, 102).children]).toEqual([slotAt(sys, 101)]);
    expect(slotAt(sys, 100).parent).toBeNull();
    expect(slotAt(sys, 100).children.size).toBe(0);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('Rotate with source = destination swaps two caps with their places in the tree', () => {
    const sys = bootTestKernel();
    const a = retype(sys, ObjectType.Page4K);
    const b = retype(sys, ObjectType.Page4K);
    rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [100, 32, a, 32, 15], [ROOT_CNODE]); // child of a
    rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [101, 32, b, 32, 15], [ROOT_CNODE]); // child of b
    rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [102, 32, 100, 32, 15], [ROOT_CNODE]); // grandchild of a
    const objOf = (slot: number) => {
      const c = capAt(sys, slot);
      return c.kind === 'frame' ? c.obj : null;
    };
    const objA = objOf(a);
    const objB = objOf(b);
    // dest = src = 100 (a's child), pivot = 101 (b's child).
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeRotate, [100, 32, 0, 101, 32, 0, 100, 32], [ROOT_CNODE, ROOT_CNODE]).error).toBe(0);
    expect(objOf(100)).toBe(objB);
    expect(objOf(101)).toBe(objA);
    expect(slotAt(sys, 100).parent).toBe(slotAt(sys, b));
    expect(slotAt(sys, 101).parent).toBe(slotAt(sys, a));
    expect(slotAt(sys, 102).parent).toBe(slotAt(sys, 101));
    expect([...slotAt(sys, 101).children]).toEqual([slotAt(sys, 102)]);
    expect(slotAt(sys, 100).children.size).toBe(0);
    expect([...slotAt(sys, a).children]).toEqual([slotAt(sys, 101)]);
    expect([...slotAt(sys, b).children]).toEqual([slotAt(sys, 100)]);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('Rotate swapping a cap with its own child keeps the link, reversed', () => {
    const sys = bootTestKernel();
    const a = retype(sys, ObjectType.Page4K);
    rootInvoke(sys, ROOT_CNODE, L.CNodeCopy, [100, 32, a, 32, 15], [ROOT_CNODE]);
    // dest = src = a, pivot = 100 (a's child).
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeRotate, [a, 32, 0, 100, 32, 0, a, 32], [ROOT_CNODE, ROOT_CNODE]).error).toBe(0);
    // The original (a child of the untyped) is in 100 now, with its parent; its copy in `a` under it.
    expect(slotAt(sys, a).parent).toBe(slotAt(sys, 100));
    expect(slotAt(sys, 100).parent).toBe(slotAt(sys, UNTYPED_SLOT));
    expect([...slotAt(sys, 100).children]).toEqual([slotAt(sys, a)]);
    expect(slotAt(sys, a).children.size).toBe(0);
    // and the other way round: pivot is the parent of the source.
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeRotate, [a, 32, 0, 100, 32, 0, a, 32], [ROOT_CNODE, ROOT_CNODE]).error).toBe(0);
    expect(slotAt(sys, 100).parent).toBe(slotAt(sys, a));
    expect(slotAt(sys, a).parent).toBe(slotAt(sys, UNTYPED_SLOT));
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });
});
