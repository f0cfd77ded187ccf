// VSpace invocations at every decoding branch (seL4 src/arch/riscv/kernel/vspace.c
// decodeRISCVPageTableInvocation, decodeRISCVFrameInvocation, decodeRISCVMMUInvocation, unmapPage,
// unmapPageTable, deleteASID): labels, message lengths one short, caps of the wrong kind, the
// cacheability a mapping records, and unmapping after the VSpace or the page table under it is gone.
import { describe, it, expect } from 'vitest';
import { InitialSlot, ObjectType, VM_ATTR_CACHED, VM_ATTR_UNCACHED } from '../../../schema/abi.js';
import { InvocationLabel as L, SeL4Error, USER_TOP } from '../../../runtime/kernel/abi.js';
import { checkInvariants } from '../../../runtime/kernel/invariants.js';
import type { PageTableObject } from '../../../runtime/kernel/objects.js';
import { ASID_POOL, bootTestKernel, capAt, DEVICE_UNTYPED_SLOT, retype, ROOT_CNODE, rootInvoke, type TestSystem } from './fixture.js';

const OK = { error: 0, mrs: [] };
const tableAt = (sys: TestSystem, slot: number): PageTableObject => {
  const c = capAt(sys, slot);
  if (c.kind !== 'pageTable') throw new Error(`slot ${slot} holds ${c.kind}`);
  return c.obj;
};
const makePool = (sys: TestSystem, untyped: number, slot: number) =>
  rootInvoke(sys, InitialSlot.asidControl, L.RISCVASIDControlMakePool, [slot, 32], [untyped, ROOT_CNODE]);

/** A VSpace root with an ASID and a page table mapped at 0 (addresses 0 … 4 MiB). */
function vspace(sys: TestSystem) {
  const root = retype(sys, ObjectType.PageTable);
  expect(rootInvoke(sys, ASID_POOL, L.RISCVASIDPoolAssign, [], [root])).toEqual(OK);
  const pt = retype(sys, ObjectType.PageTable);
  expect(rootInvoke(sys, pt, L.RISCVPageTableMap, [0, 0], [root])).toEqual(OK);
  return { root, pt };
}

describe('PageTable invocations', () => {
  it('Map needs 2 words and the VSpace cap (TruncatedMessage); another label is IllegalOperation', () => {
    const sys = bootTestKernel();
    const root = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, ASID_POOL, L.RISCVASIDPoolAssign, [], [root])).toEqual(OK);
    const pt = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, pt, L.RISCVPageTableMap, [0x40_0000, 0], []).error).toBe(SeL4Error.TruncatedMessage);
    expect(rootInvoke(sys, pt, L.RISCVPageTableMap, [0x40_0000], [root]).error).toBe(SeL4Error.TruncatedMessage);
    expect(rootInvoke(sys, pt, L.RISCVPageMap, [0x40_0000, 0, 0], [root])).toEqual({ error: SeL4Error.IllegalOperation, mrs: [] });
    expect(rootInvoke(sys, pt, L.RISCVPageTableMap, [0x40_0000, 0], [root])).toEqual(OK);
    expect(rootInvoke(sys, pt, L.RISCVPageTableUnmap, [])).toEqual(OK);
  });

  it('the level-1 cap is checked before the address: not a page table, or not mapped, is InvalidCapability 1 even at USER_TOP', () => {
    const sys = bootTestKernel();
    const pt = retype(sys, ObjectType.PageTable);
    const ep = retype(sys, ObjectType.Endpoint);
    const unassigned = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, pt, L.RISCVPageTableMap, [USER_TOP, 0], [ep])).toEqual({ error: SeL4Error.InvalidCapability, mrs: [1] });
    expect(rootInvoke(sys, pt, L.RISCVPageTableMap, [USER_TOP, 0], [unassigned])).toEqual({ error: SeL4Error.InvalidCapability, mrs: [1] });
  });

  it('Unmap of a table whose VSpace root is gone leaves the root\'s old memory alone (unmapPageTable: no VSpace for the ASID)', () => {
    const sys = bootTestKernel();
    // The root gets a 4 KiB untyped of its own, so its memory is free again once it is deleted.
    const small = retype(sys, ObjectType.Untyped, 12);
    const root = retype(sys, ObjectType.PageTable, 0, 1, small);
    expect(rootInvoke(sys, ASID_POOL, L.RISCVASIDPoolAssign, [], [root])).toEqual(OK);
    const rootPaddr = tableAt(sys, root).paddr;
    const pt = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, pt, L.RISCVPageTableMap, [0, 0], [root])).toEqual(OK);
    const pointer = sys.memory.readU32(rootPaddr);
    expect(pointer & 0xf).toBe(1);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [root, 32])).toEqual(OK);
    // The memory becomes a user frame holding, by chance, the very word the old root had.
    const frame = retype(sys, ObjectType.Page4K, 0, 1, small);
    const f = capAt(sys, frame);
    expect(f.kind === 'frame' && f.obj.paddr).toBe(rootPaddr);
    sys.memory.writeU32(rootPaddr, pointer);
    expect(rootInvoke(sys, pt, L.RISCVPageTableUnmap, [])).toEqual(OK);
    expect(sys.memory.readU32(rootPaddr)).toBe(pointer);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });
});

describe('Frame invocations', () => {
  it('Map needs 3 words and the VSpace cap; Map and Unmap answer with no words; Unmap of an unmapped frame is a no-op', () => {
    const sys = bootTestKernel();
    const { root } = vspace(sys);
    const frame = retype(sys, ObjectType.Page4K);
    expect(rootInvoke(sys, frame, L.RISCVPageMap, [0x1000, 3, 0], []).error).toBe(SeL4Error.TruncatedMessage);
    expect(rootInvoke(sys, frame, L.RISCVPageUnmap, [])).toEqual(OK);
    expect(rootInvoke(sys, frame, L.RISCVPageMap, [0x1000, 3, 0], [root])).toEqual(OK);
    expect(rootInvoke(sys, frame, L.RISCVPageUnmap, [])).toEqual(OK);
    expect(rootInvoke(sys, frame, L.RISCVPageUnmap, [])).toEqual(OK);
  });

  it('a mapped page table is not a VSpace root: InvalidCapability 1', () => {
    const sys = bootTestKernel();
    const { pt } = vspace(sys);
    const frame = retype(sys, ObjectType.Page4K);
    expect(rootInvoke(sys, frame, L.RISCVPageMap, [0x1000, 3, 0], [pt])).toEqual({ error: SeL4Error.InvalidCapability, mrs: [1] });
  });

  it('the mapping records cacheability: the Cached attribute wins, then Uncached, else RAM cached and device memory not', () => {
    const sys = bootTestKernel();
    const { root } = vspace(sys);
    const cachedAfter = (untyped: number, vaddr: number, attr: number): boolean | undefined => {
      const frame = retype(sys, ObjectType.Page4K, 0, 1, untyped);
      expect(rootInvoke(sys, frame, L.RISCVPageMap, [vaddr, 3, attr], [root])).toEqual(OK);
      const c = capAt(sys, frame);
      const cached = c.kind === 'frame' ? c.mapping?.cached : undefined;
      expect(rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [frame, 32])).toEqual(OK);
      return cached;
    };
    expect(cachedAfter(16, 0x1000, 0)).toBe(true);
    expect(cachedAfter(16, 0x2000, VM_ATTR_UNCACHED)).toBe(false);
    expect(cachedAfter(16, 0x3000, VM_ATTR_CACHED | VM_ATTR_UNCACHED)).toBe(true);
    expect(cachedAfter(DEVICE_UNTYPED_SLOT, 0x4000, 0)).toBe(false);
    // The device untyped resets once its only frame is gone, so it can be retyped again.
    expect(cachedAfter(DEVICE_UNTYPED_SLOT, 0x5000, VM_ATTR_CACHED)).toBe(true);
    expect(cachedAfter(DEVICE_UNTYPED_SLOT, 0x6000, VM_ATTR_UNCACHED)).toBe(false);
  });

  it('Unmap of a frame whose table was unmapped leaves another frame mapped there since (the PTE names another page)', () => {
    const sys = bootTestKernel();
    const { root, pt } = vspace(sys);
    const a = retype(sys, ObjectType.Page4K);
    const b = retype(sys, ObjectType.Page4K);
    expect(rootInvoke(sys, a, L.RISCVPageMap, [0x1000, 3, 0], [root])).toEqual(OK);
    expect(rootInvoke(sys, pt, L.RISCVPageTableUnmap, [])).toEqual(OK);
    expect(rootInvoke(sys, pt, L.RISCVPageTableMap, [0, 0], [root])).toEqual(OK);
    expect(rootInvoke(sys, b, L.RISCVPageMap, [0x1000, 3, 0], [root])).toEqual(OK);
    const leaf = tableAt(sys, pt).paddr + 4;
    const before = sys.memory.readU32(leaf);
    expect(before).not.toBe(0);
    expect(rootInvoke(sys, a, L.RISCVPageUnmap, [])).toEqual(OK);
    expect(sys.memory.readU32(leaf)).toBe(before);
  });

  it('Unmap of a frame whose VSpace root is gone leaves the orphaned table alone (unmapPage: no VSpace for the ASID)', () => {
    const sys = bootTestKernel();
    const { root, pt } = vspace(sys);
    const a = retype(sys, ObjectType.Page4K);
    expect(rootInvoke(sys, a, L.RISCVPageMap, [0x1000, 3, 0], [root])).toEqual(OK);
    const leaf = tableAt(sys, pt).paddr + 4;
    const before = sys.memory.readU32(leaf);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [root, 32])).toEqual(OK);
    expect(rootInvoke(sys, a, L.RISCVPageUnmap, [])).toEqual(OK);
    expect(sys.memory.readU32(leaf)).toBe(before);
  });
});

describe('ASID control and pools', () => {
  it('deleting an assigned VSpace root frees its ASID for the next Assign (deleteASID), with a TLB flush', () => {
    const flushed: number[] = [];
    const sys = bootTestKernel({ hooks: { tlbFlush: (paddr) => flushed.push(paddr) } });
    const first = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, ASID_POOL, L.RISCVASIDPoolAssign, [], [first])).toEqual(OK);
    const obj = tableAt(sys, first);
    expect(obj.asid).toBe(2);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [first, 32])).toEqual(OK);
    expect(obj.asid).toBe(0);
    expect(flushed).toEqual([obj.paddr]);
    const pool = capAt(sys, ASID_POOL);
    expect(pool.kind === 'asidPool' && pool.obj.entries.slice(0, 3)).toEqual([null, null, null]);
    const second = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, ASID_POOL, L.RISCVASIDPoolAssign, [], [second])).toEqual(OK);
    expect(tableAt(sys, second).asid).toBe(2);
  });

  it('Assign needs the VSpace cap (TruncatedMessage); another label is IllegalOperation', () => {
    const sys = bootTestKernel();
    const root = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, ASID_POOL, L.RISCVASIDPoolAssign, [], []).error).toBe(SeL4Error.TruncatedMessage);
    expect(rootInvoke(sys, ASID_POOL, L.RISCVASIDControlMakePool, [], [root])).toEqual({ error: SeL4Error.IllegalOperation, mrs: [] });
    expect(tableAt(sys, root).asid).toBe(0);
  });

  it('MakePool needs 2 words and 2 caps; another label is IllegalOperation; a RAM frame is not an untyped (InvalidCapability 1)', () => {
    const sys = bootTestKernel();
    const ut = retype(sys, ObjectType.Untyped, 12);
    const frame = retype(sys, ObjectType.Page4K);
    const control = InitialSlot.asidControl;
    expect(rootInvoke(sys, control, L.RISCVASIDControlMakePool, [400], [ut, ROOT_CNODE]).error).toBe(SeL4Error.TruncatedMessage);
    expect(rootInvoke(sys, control, L.RISCVASIDControlMakePool, [400, 32], [ut]).error).toBe(SeL4Error.TruncatedMessage);
    expect(rootInvoke(sys, control, L.RISCVASIDPoolAssign, [400, 32], [ut, ROOT_CNODE])).toEqual({ error: SeL4Error.IllegalOperation, mrs: [] });
    expect(makePool(sys, frame, 400)).toEqual({ error: SeL4Error.InvalidCapability, mrs: [1] });
    expect(makePool(sys, ut, 400)).toEqual(OK);
    const pool = capAt(sys, 400);
    expect(pool.kind === 'asidPool' && [pool.obj.type, pool.obj.base]).toEqual(['asidPool', 16]);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('the ASID table holds 32 pools: the 31 after the initial one are made, the next is DeleteFirst', () => {
    const sys = bootTestKernel();
    const uts = retype(sys, ObjectType.Untyped, 12, 32);
    for (let i = 0; i < 31; i++) expect(makePool(sys, uts + i, 400 + i)).toEqual(OK);
    expect(makePool(sys, uts + 31, 500)).toEqual({ error: SeL4Error.DeleteFirst, mrs: [] });
    const last = capAt(sys, 430);
    expect(last.kind === 'asidPool' && last.obj.base).toBe(31 << 4);
  });
});
