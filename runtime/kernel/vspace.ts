// Sv32 VSpaces written into emulated RAM (seL4 src/arch/riscv/kernel/vspace.c): page-table and frame
// map/unmap, ASID control and pools, lookupPTSlot, makeUserPTE. The MMU walks exactly these tables.
import { ASID_POOL_INDEX_BITS, MEGA_PAGE_BITS, PAGE_BITS, VM_ATTR_CACHED, VM_ATTR_UNCACHED } from '../../schema/abi.js';
import { InvocationLabel, USER_TOP, VM_EXECUTE_NEVER } from './abi.js';
import { cteInsert, ensureEmptySlot, ensureNoChildren, isPageTableMapped, lookupTargetSlot } from './cnode.js';
import {
  alignmentError,
  deleteFirst,
  failedLookup,
  illegalOperation,
  invalidArgument,
  invalidCapability,
  revokeFirst,
  truncatedMessage,
} from './errors.js';
import type { InvocationArgs, InvocationResult } from './invocation.js';
import type { Kernel } from './kernel.js';
import type { AsidPoolObject, CapOf, CSlot, PageTableObject } from './objects.js';

/** Sv32 PTE bits (RISC-V privileged spec). */
export const PTE_V = 1 << 0;
export const PTE_R = 1 << 1;
export const PTE_W = 1 << 2;
export const PTE_X = 1 << 3;
export const PTE_U = 1 << 4;
export const PTE_A = 1 << 6;
export const PTE_D = 1 << 7;
const PT_INDEX_BITS = 10;
const ASID_POOL_SIZE = 1 << ASID_POOL_INDEX_BITS;

export const pteIsLeaf = (pte: number): boolean => (pte & (PTE_R | PTE_W | PTE_X)) !== 0;
export const ptePaddr = (pte: number): number => (pte >>> 10) * 4096;

/** seL4 pte_next: a pointer to the next-level table (only V set). */
const pteNext = (tablePaddr: number): number => (((tablePaddr / 4096) << 10) | PTE_V) >>> 0;

/** seL4 makeUserPTE: A and D preset, U set; no R/W/X means no mapping. */
export function makeUserPte(paddr: number, executable: boolean, read: boolean, write: boolean): number {
  if (!read && !write && !executable) return 0;
  let pte = ((paddr / 4096) << 10) | PTE_V | PTE_U | PTE_A | PTE_D;
  if (read) pte |= PTE_R;
  if (write) pte |= PTE_W;
  if (executable) pte |= PTE_X;
  return pte >>> 0;
}

/** seL4 lookupPTSlot: the PTE slot for `vaddr` and how many bits it translates (22 or 12). */
export function lookupPtSlot(kernel: Kernel, rootPaddr: number, vaddr: number): { slot: number; bitsLeft: number } {
  const l1 = rootPaddr + ((vaddr >>> 22) << 2);
  const pte = kernel.memory.readU32(l1);
  if ((pte & PTE_V) === 0 || pteIsLeaf(pte)) return { slot: l1, bitsLeft: MEGA_PAGE_BITS };
  return { slot: ptePaddr(pte) + (((vaddr >>> 12) & ((1 << PT_INDEX_BITS) - 1)) << 2), bitsLeft: PAGE_BITS };
}

/** seL4 findVSpaceForASID. */
export function findVSpaceForAsid(kernel: Kernel, asid: number): PageTableObject | null {
  const pool = kernel.asidTable[asid >>> ASID_POOL_INDEX_BITS];
  return pool?.entries[asid & (ASID_POOL_SIZE - 1)] ?? null;
}

/** satp for a VSpace root: MODE = Sv32, ASID, PPN. */
export const satpFor = (root: PageTableObject): number => satpBitsFor(root) >>> 0;
/** satpFor as an int32 (MODE is the sign bit): no heap number on a thread switch. */
export const satpBitsFor = (root: PageTableObject): number => 0x8000_0000 | (root.asid << 22) | (root.paddr >>> 12);

/** sfence.vma of the ASID of `root`: of one page when a leaf at `vaddr` changed, else of all. */
function flush(kernel: Kernel, root: PageTableObject, vaddr?: number): void {
  kernel.hooks.tlbFlush?.(root.paddr, root.asid, vaddr);
}

/** The VSpace root a page-table cap names, checked as seL4 does for Map (InvalidCapability 1 / FailedLookup). */
function vspaceRootOf(kernel: Kernel, slot: CSlot | undefined): PageTableObject {
  const cap = slot?.cap;
  if (!cap || cap.kind !== 'pageTable' || !isPageTableMapped(cap)) throw invalidCapability(1);
  if (cap.obj.asid === 0) throw invalidCapability(1);
  const root = findVSpaceForAsid(kernel, cap.obj.asid);
  if (!root) throw failedLookup(false, { type: 'invalidRoot' });
  if (root !== cap.obj) throw invalidCapability(1);
  return root;
}

/** decodeRISCVPageTableInvocation. */
export function decodePageTableInvocation(kernel: Kernel, cap: CapOf<'pageTable'>, args: InvocationArgs): InvocationResult {
  const { label, mrs, extraCaps } = args;
  if (label === InvocationLabel.RISCVPageTableUnmap) {
    // Not the final cap, or a VSpace root with its ASID: RevokeFirst.
    if (cap.obj.capCount > 1) throw revokeFirst();
    if (cap.obj.asid !== 0 && findVSpaceForAsid(kernel, cap.obj.asid) === cap.obj) throw revokeFirst();
    if (cap.mapping) {
      unmapPageTable(kernel, cap);
      kernel.memory.fill(cap.obj.paddr, 4096, 0);
    }
    return { error: 0, mrs: [] };
  }
  if (label !== InvocationLabel.RISCVPageTableMap) throw illegalOperation();
  if (mrs.length < 2 || extraCaps.length < 1) throw truncatedMessage();
  if (isPageTableMapped(cap)) throw invalidCapability(0);
  const vaddr = mrs[0]!;
  // decodeRISCVPageTableInvocation: the level-1 cap, then the address, then the ASID's VSpace.
  const level1 = extraCaps[0]!.cap;
  if (level1.kind !== 'pageTable' || !isPageTableMapped(level1)) throw invalidCapability(1);
  if (vaddr >= USER_TOP) throw invalidArgument(0);
  const root = vspaceRootOf(kernel, extraCaps[0]);
  const found = lookupPtSlot(kernel, root.paddr, vaddr);
  if (found.bitsLeft === PAGE_BITS || (kernel.memory.readU32(found.slot) & PTE_V) !== 0) throw deleteFirst();
  kernel.memory.writeU32(found.slot, pteNext(cap.obj.paddr));
  cap.mapping = { vspace: root, vaddr: (vaddr >>> MEGA_PAGE_BITS) << MEGA_PAGE_BITS >>> 0 };
  flush(kernel, root);
  return { error: 0, mrs: [] };
}

/**
 * The cacheability a mapping records: the root task passes the plan's in vm-attribute bits seL4
 * RISC-V ignores (image/rootTask.ts VM_ATTR_*); without them RAM is cached and device memory not.
 */
function cachedOf(attr: number, isDevice: boolean): boolean {
  if ((attr & VM_ATTR_CACHED) !== 0) return true;
  if ((attr & VM_ATTR_UNCACHED) !== 0) return false;
  return !isDevice;
}

/** decodeRISCVFrameInvocation: Map, Unmap, GetAddress. */
export function decodeFrameInvocation(kernel: Kernel, cap: CapOf<'frame'>, args: InvocationArgs & { cached?: boolean }): InvocationResult {
  const { label, mrs, extraCaps } = args;
  switch (label) {
    case InvocationLabel.RISCVPageMap: {
      if (mrs.length < 3 || extraCaps.length < 1) throw truncatedMessage();
      const [vaddr, rightsMask, attr] = mrs as [number, number, number];
      const root = vspaceRootOf(kernel, extraCaps[0]);
      // decodeRISCVFrameInvocation order: top of the frame, alignment, the PTE slot, then an existing mapping.
      const frameBytes = 2 ** cap.obj.sizeBits;
      if (((vaddr + frameBytes - 1) >>> 0) >= USER_TOP) throw invalidArgument(0);
      if (vaddr % frameBytes !== 0) throw alignmentError();
      const found = lookupPtSlot(kernel, root.paddr, vaddr);
      if (found.bitsLeft !== cap.obj.sizeBits) {
        throw failedLookup(false, { type: 'missingCapability', bitsLeft: found.bitsLeft });
      }
      if (cap.mapping) {
        if (cap.mapping.vspace !== root) throw invalidCapability(1);
        if (cap.mapping.vaddr !== vaddr) throw invalidArgument(0);
      } else if ((kernel.memory.readU32(found.slot) & PTE_V) !== 0) {
        throw deleteFirst();
      }
      // maskVMRights: the mapping has at most the cap's rights; write needs read.
      const read = cap.read && (rightsMask & 2) !== 0;
      const write = read && cap.write && (rightsMask & 1) !== 0;
      const pte = makeUserPte(cap.obj.paddr, (attr & VM_EXECUTE_NEVER) === 0, read, write);
      kernel.memory.writeU32(found.slot, pte);
      cap.mapping = { vspace: root, vaddr: vaddr >>> 0, cached: args.cached ?? cachedOf(attr, cap.obj.isDevice) };
      flush(kernel, root, vaddr >>> 0);
      return { error: 0, mrs: [] };
    }
    case InvocationLabel.RISCVPageUnmap:
      if (cap.mapping) unmapPage(kernel, cap);
      return { error: 0, mrs: [] };
    case InvocationLabel.RISCVPageGetAddress:
      return { error: 0, mrs: [cap.obj.paddr >>> 0] };
    default:
      throw illegalOperation();
  }
}

/** seL4 unmapPage: clears the PTE if it still maps this frame. */
export function unmapPage(kernel: Kernel, cap: CapOf<'frame'>): void {
  const mapping = cap.mapping;
  if (!mapping) return;
  cap.mapping = null;
  if (findVSpaceForAsid(kernel, mapping.vspace.asid) !== mapping.vspace) return;
  const found = lookupPtSlot(kernel, mapping.vspace.paddr, mapping.vaddr);
  if (found.bitsLeft !== cap.obj.sizeBits) return;
  const pte = kernel.memory.readU32(found.slot);
  if ((pte & PTE_V) === 0 || !pteIsLeaf(pte) || ptePaddr(pte) !== cap.obj.paddr) return;
  kernel.memory.writeU32(found.slot, 0);
  flush(kernel, mapping.vspace, mapping.vaddr);
}

/** seL4 unmapPageTable: clears the level-1 PTE pointing at this table. */
export function unmapPageTable(kernel: Kernel, cap: CapOf<'pageTable'>): void {
  const mapping = cap.mapping;
  if (!mapping) return;
  cap.mapping = null;
  // Its VSpace lost the ASID (the root was deleted): nothing to do, as in seL4.
  if (findVSpaceForAsid(kernel, mapping.vspace.asid) !== mapping.vspace) return;
  const l1 = mapping.vspace.paddr + ((mapping.vaddr >>> 22) << 2);
  const pte = kernel.memory.readU32(l1);
  if ((pte & PTE_V) !== 0 && !pteIsLeaf(pte) && ptePaddr(pte) === cap.obj.paddr) {
    kernel.memory.writeU32(l1, 0);
    flush(kernel, mapping.vspace);
  }
}

/** seL4 deleteASID: a VSpace root loses its ASID. */
export function deleteAsid(kernel: Kernel, root: PageTableObject): void {
  const pool = kernel.asidTable[root.asid >>> ASID_POOL_INDEX_BITS];
  if (pool && pool.entries[root.asid & (ASID_POOL_SIZE - 1)] === root) pool.entries[root.asid & (ASID_POOL_SIZE - 1)] = null;
  flush(kernel, root);
  root.asid = 0;
}

/** Creates an ASID pool object (boot: the initial pool; MakePool: from a 4 KiB untyped). */
export function createAsidPool(kernel: Kernel, poolIndex: number, paddr: number, untyped: AsidPoolObject['untyped']): AsidPoolObject {
  const pool: AsidPoolObject = {
    type: 'asidPool',
    paddr,
    sizeBits: 12,
    untyped,
    capCount: 0,
    live: true,
    base: poolIndex << ASID_POOL_INDEX_BITS,
    entries: new Array(ASID_POOL_SIZE).fill(null),
  };
  kernel.asidTable[poolIndex] = pool;
  kernel.register(pool);
  return pool;
}

/** decodeRISCVMMUInvocation for ASIDControl_MakePool(untyped, root, index, depth). */
export function decodeAsidControlInvocation(kernel: Kernel, args: InvocationArgs): InvocationResult {
  const { label, mrs, extraCaps } = args;
  if (label !== InvocationLabel.RISCVASIDControlMakePool) throw illegalOperation();
  if (mrs.length < 2 || extraCaps.length < 2) throw truncatedMessage();
  const poolIndex = kernel.asidTable.findIndex((p) => p === null);
  if (poolIndex < 0) throw deleteFirst();
  const untypedSlot = extraCaps[0]!;
  const untypedCap = untypedSlot.cap;
  if (untypedCap.kind !== 'untyped' || untypedCap.obj.sizeBits !== 12 || untypedCap.obj.isDevice) throw invalidCapability(1);
  ensureNoChildren(untypedSlot);
  const dest = lookupTargetSlot(extraCaps[1]!.cap, mrs[0]!, mrs[1]!);
  ensureEmptySlot(dest);
  untypedCap.obj.freeIndex = 4096;
  const pool = createAsidPool(kernel, poolIndex, untypedCap.obj.paddr, untypedCap.obj);
  untypedCap.obj.children.add(pool);
  cteInsert({ kind: 'asidPool', obj: pool }, untypedSlot, dest);
  return { error: 0, mrs: [] };
}

/** ASIDPool_Assign(vspace): the VSpace root gets the pool's first free ASID (ASID 0 is invalid). */
export function decodeAsidPoolInvocation(kernel: Kernel, cap: CapOf<'asidPool'>, args: InvocationArgs): InvocationResult {
  const { label, extraCaps } = args;
  if (label !== InvocationLabel.RISCVASIDPoolAssign) throw illegalOperation();
  if (extraCaps.length < 1) throw truncatedMessage();
  const vspaceCap = extraCaps[0]!.cap;
  if (vspaceCap.kind !== 'pageTable' || isPageTableMapped(vspaceCap)) throw invalidCapability(1);
  const pool = cap.obj;
  if (kernel.asidTable[pool.base >>> ASID_POOL_INDEX_BITS] !== pool) throw failedLookup(false, { type: 'invalidRoot' });
  const i = pool.entries.findIndex((e, index) => e === null && pool.base + index !== 0 && pool.base + index !== ROOT_TASK_ASID);
  if (i < 0) throw deleteFirst();
  pool.entries[i] = vspaceCap.obj;
  vspaceCap.obj.asid = pool.base + i;
  return { error: 0, mrs: [] };
}

/** ASID 1 belongs to the root task's own VSpace in seL4's boot; the kaal root task has none, so it stays unused. */
const ROOT_TASK_ASID = 1;
