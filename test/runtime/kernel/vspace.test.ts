// VSpace invocations checked through the real Sv32 MMU walking the tables the kernel wrote into RAM
// (seL4 src/arch/riscv/kernel/vspace.c), with every error result.
import { describe, it, expect } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { InvocationLabel, SeL4Error } from '../../../runtime/kernel/abi.js';
import { checkInvariants } from '../../../runtime/kernel/invariants.js';
import { satpFor } from '../../../runtime/kernel/vspace.js';
import { Bus } from '../../../runtime/machine/bus.js';
import { ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE, Sv32Mmu } from '../../../runtime/machine/mmu.js';
import type { PageTableObject } from '../../../runtime/kernel/objects.js';
import { ASID_POOL, bootTestKernel, DEVICE_BASE, DEVICE_UNTYPED_SLOT, retype, rootInvoke, type TestSystem } from './fixture.js';

const L = InvocationLabel;

function vspace(sys: TestSystem): { slot: number; root: PageTableObject; mmu: Sv32Mmu } {
  const slot = retype(sys, ObjectType.PageTable);
  expect(rootInvoke(sys, ASID_POOL, L.RISCVASIDPoolAssign, [], [slot]).error).toBe(0);
  const cap = sys.kernel.rootCNode.slots[slot]!.cap;
  if (cap.kind !== 'pageTable') throw new Error('no page table');
  const bus = new Bus();
  bus.attachRam(sys.memory);
  const mmu = new Sv32Mmu(bus);
  mmu.satp = satpFor(cap.obj);
  return { slot, root: cap.obj, mmu };
}

describe('VSpace invocations write real Sv32 tables the MMU walks', () => {
  it('PageTable_Map then Page_Map makes the frame reachable with the mapped rights', () => {
    const sys = bootTestKernel();
    const { slot, root, mmu } = vspace(sys);
    expect(root.asid).toBe(2);
    const pt = retype(sys, ObjectType.PageTable);
    const frame = retype(sys, ObjectType.Page4K);
    expect(rootInvoke(sys, pt, L.RISCVPageTableMap, [0x0040_0000, 0], [slot]).error).toBe(0);
    // Read-only (rights word 2), executable.
    expect(rootInvoke(sys, frame, L.RISCVPageMap, [0x0040_3000, 2, 0], [slot]).error).toBe(0);
    const framePaddr = rootInvoke(sys, frame, L.RISCVPageGetAddress, []).mrs[0]!;
    expect(mmu.translate(0x0040_3abc, ACCESS_LOAD)).toBe(framePaddr + 0xabc);
    expect(mmu.translate(0x0040_3abc, ACCESS_FETCH)).toBe(framePaddr + 0xabc);
    expect(mmu.translate(0x0040_3abc, ACCESS_STORE)).toBe(-1);
    expect(mmu.faultCause).toBe(15);
    expect(mmu.translate(0x0040_4000, ACCESS_LOAD)).toBe(-1);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('ExecuteNever and read-write rights give a non-executable writable page', () => {
    const sys = bootTestKernel();
    const { slot, mmu } = vspace(sys);
    const pt = retype(sys, ObjectType.PageTable);
    const frame = retype(sys, ObjectType.Page4K);
    rootInvoke(sys, pt, L.RISCVPageTableMap, [0, 0], [slot]);
    expect(rootInvoke(sys, frame, L.RISCVPageMap, [0x1000, 3, 1], [slot]).error).toBe(0);
    expect(mmu.translate(0x1000, ACCESS_STORE)).toBeGreaterThan(0);
    expect(mmu.translate(0x1000, ACCESS_FETCH)).toBe(-1);
  });

  it('a 4 MiB page maps at level 1 without a page table', () => {
    const sys = bootTestKernel();
    const { slot, mmu } = vspace(sys);
    const mega = retype(sys, ObjectType.MegaPage);
    expect(rootInvoke(sys, mega, L.RISCVPageMap, [0x0080_0000, 3, 0], [slot]).error).toBe(0);
    const paddr = rootInvoke(sys, mega, L.RISCVPageGetAddress, []).mrs[0]!;
    expect(paddr % (1 << 22)).toBe(0);
    expect(mmu.translate(0x00a1_2344, ACCESS_LOAD)).toBe(paddr + 0x21_2344);
  });

  it('a device frame maps its device page', () => {
    const sys = bootTestKernel();
    const { slot, root } = vspace(sys);
    const pt = retype(sys, ObjectType.PageTable);
    const frame = retype(sys, ObjectType.Page4K, 0, 1, DEVICE_UNTYPED_SLOT);
    rootInvoke(sys, pt, L.RISCVPageTableMap, [0x0100_0000, 0], [slot]);
    expect(rootInvoke(sys, frame, L.RISCVPageMap, [0x0100_0000, 3, 1], [slot]).error).toBe(0);
    const l1 = sys.memory.readU32(root.paddr + (0x0100_0000 >>> 22) * 4);
    const leaf = sys.memory.readU32((l1 >>> 10) * 4096);
    expect((leaf >>> 10) * 4096).toBe(DEVICE_BASE);
    // V R W U A D, no X.
    expect(leaf & 0xff).toBe(0b1101_0111);
  });

  it('reports AlignmentError, FailedLookup, DeleteFirst, InvalidArgument and InvalidCapability', () => {
    const sys = bootTestKernel();
    const { slot } = vspace(sys);
    const pt = retype(sys, ObjectType.PageTable);
    const frame = retype(sys, ObjectType.Page4K);
    const frame2 = retype(sys, ObjectType.Page4K);
    // No page table for the 4 KiB slot yet: missing capability with 22 bits left.
    expect(rootInvoke(sys, frame, L.RISCVPageMap, [0x1000, 3, 0], [slot])).toEqual({ error: SeL4Error.FailedLookup, mrs: [0, 2, 22] });
    rootInvoke(sys, pt, L.RISCVPageTableMap, [0, 0], [slot]);
    expect(rootInvoke(sys, frame, L.RISCVPageMap, [0x1004, 3, 0], [slot]).error).toBe(SeL4Error.AlignmentError);
    expect(rootInvoke(sys, frame, L.RISCVPageMap, [0x8000_0000, 3, 0], [slot])).toEqual({ error: SeL4Error.InvalidArgument, mrs: [0] });
    expect(rootInvoke(sys, frame, L.RISCVPageMap, [0x1000, 3, 0], [slot]).error).toBe(0);
    expect(rootInvoke(sys, frame2, L.RISCVPageMap, [0x1000, 3, 0], [slot]).error).toBe(SeL4Error.DeleteFirst);
    // A mapped frame cap can only be remapped at the same address.
    expect(rootInvoke(sys, frame, L.RISCVPageMap, [0x2000, 3, 0], [slot])).toEqual({ error: SeL4Error.InvalidArgument, mrs: [0] });
    const pt2 = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, pt2, L.RISCVPageTableMap, [0x10, 0], [slot]).error).toBe(SeL4Error.DeleteFirst);
    expect(rootInvoke(sys, pt, L.RISCVPageTableMap, [0x0040_0000, 0], [slot])).toEqual({ error: SeL4Error.InvalidCapability, mrs: [0] });
    // A VSpace without an ASID is not a valid root.
    const unassigned = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, frame2, L.RISCVPageMap, [0x3000, 3, 0], [unassigned])).toEqual({ error: SeL4Error.InvalidCapability, mrs: [1] });
    expect(rootInvoke(sys, frame2, L.RISCVPageMap, [0x3000, 3], [slot]).error).toBe(SeL4Error.TruncatedMessage);
    expect(rootInvoke(sys, frame2, L.CNodeCopy, []).error).toBe(SeL4Error.IllegalOperation);
  });

  it('Page_Unmap and deleting the frame cap clear the PTE', () => {
    const sys = bootTestKernel();
    const { slot, mmu } = vspace(sys);
    const pt = retype(sys, ObjectType.PageTable);
    const frame = retype(sys, ObjectType.Page4K);
    rootInvoke(sys, pt, L.RISCVPageTableMap, [0, 0], [slot]);
    rootInvoke(sys, frame, L.RISCVPageMap, [0x5000, 3, 0], [slot]);
    expect(rootInvoke(sys, frame, L.RISCVPageUnmap, []).error).toBe(0);
    mmu.satp = mmu.satp;
    expect(mmu.translate(0x5000, ACCESS_LOAD)).toBe(-1);
    rootInvoke(sys, frame, L.RISCVPageMap, [0x5000, 3, 0], [slot]);
    expect(rootInvoke(sys, 2, L.CNodeDelete, [frame, 32]).error).toBe(0);
    mmu.satp = mmu.satp;
    expect(mmu.translate(0x5000, ACCESS_LOAD)).toBe(-1);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('ASID pools hand out ASIDs; MakePool needs a 4 KiB RAM untyped', () => {
    const sys = bootTestKernel();
    const { slot } = vspace(sys);
    expect(rootInvoke(sys, ASID_POOL, L.RISCVASIDPoolAssign, [], [slot])).toEqual({ error: SeL4Error.InvalidCapability, mrs: [1] });
    const ut = retype(sys, ObjectType.Untyped, 12);
    expect(rootInvoke(sys, 5, L.RISCVASIDControlMakePool, [300, 32], [ut, 2]).error).toBe(0);
    const vs = retype(sys, ObjectType.PageTable);
    expect(rootInvoke(sys, 300, L.RISCVASIDPoolAssign, [], [vs]).error).toBe(0);
    const cap = sys.kernel.rootCNode.slots[vs]!.cap;
    expect(cap.kind === 'pageTable' && cap.obj.asid).toBe(16);
    const big = retype(sys, ObjectType.Untyped, 13);
    expect(rootInvoke(sys, 5, L.RISCVASIDControlMakePool, [301, 32], [big, 2])).toEqual({ error: SeL4Error.InvalidCapability, mrs: [1] });
  });
});
