// CNodes, capability addressing and the mapping database (seL4 src/kernel/cspace.c and
// src/object/cnode.c): resolveAddressBits with guards, lookups for CNode operations, derive, mint,
// copy, move, mutate, rotate, delete, revoke and the CNode invocations (labels in sel4-abi.md §4.2).
import { BADGE_MASK, InvocationLabel, rightsFromWord, type CapRights } from './abi.js';
import type { Kernel } from './kernel.js';
import type { Cap, CNodeObject, CSlot, LookupFault, TcbObject } from './objects.js';
import { capObject, NULL_CAP } from './objects.js';
import {
  deleteFirst,
  failedLookup,
  illegalOperation,
  rangeError,
  revokeFirst,
  truncatedMessage,
} from './errors.js';
import { finaliseCap } from './finalise.js';
import type { InvocationArgs, InvocationResult } from './invocation.js';
import { cancelBadgedSends } from './endpoint.js';

/** CPtrs are one machine word (seL4_WordBits). */
const WORD_BITS_32 = 32;
export const mask = (bits: number): number => (bits >= 32 ? 0xffff_ffff : ((1 << bits) >>> 0) - 1);
export const shr = (value: number, bits: number): number => (bits >= 32 ? 0 : value >>> bits);

export type ResolveResult =
  | { readonly ok: true; readonly slot: CSlot; readonly bitsRemaining: number }
  | { readonly ok: false; readonly fault: LookupFault };

/** seL4 resolveAddressBits: walks CNodes by guard and radix for `nBits` bits of `cptr`. */
export function resolveAddressBits(nodeCap: Cap, cptr: number, nBits: number): ResolveResult {
  if (nodeCap.kind !== 'cnode') return { ok: false, fault: { type: 'invalidRoot' } };
  let cap: Cap = nodeCap;
  let n = nBits;
  const ptr = cptr >>> 0;
  for (;;) {
    const radixBits = cap.obj.radixBits;
    const guardBits = cap.guardSize;
    const levelBits = radixBits + guardBits;
    const guard = shr(ptr, n - guardBits) & mask(guardBits);
    if (guardBits > n || guard !== cap.guard) {
      return { ok: false, fault: { type: 'guardMismatch', bitsLeft: n, guardFound: cap.guard, bitsFound: guardBits } };
    }
    if (levelBits > n) return { ok: false, fault: { type: 'depthMismatch', bitsLeft: n, bitsFound: levelBits } };
    const offset = shr(ptr, n - levelBits) & mask(radixBits);
    const slot: CSlot = cap.obj.slots.at(offset)!;
    if (n === levelBits) return { ok: true, slot, bitsRemaining: 0 };
    n -= levelBits;
    const next: Cap = slot.cap;
    if (next.kind !== 'cnode') return { ok: true, slot, bitsRemaining: n };
    cap = next;
  }
}

/** seL4 lookupSlot/lookupCap: a thread's cptr resolved with all 32 bits in its CSpace. */
export function lookupSlot(thread: TcbObject, cptr: number): ResolveResult {
  return resolveAddressBits(thread.cspaceRoot.cap, cptr, WORD_BITS_32);
}

/** seL4 lookupSlotForCNodeOp: FailedLookup / RangeError as syscall errors. */
export function lookupSlotForCNodeOp(isSource: boolean, root: Cap, cptr: number, depth: number): CSlot {
  if (root.kind !== 'cnode') throw failedLookup(isSource, { type: 'invalidRoot' });
  if (depth < 1 || depth > WORD_BITS_32) throw rangeError(1, WORD_BITS_32);
  const result = resolveAddressBits(root, cptr, depth);
  if (!result.ok) throw failedLookup(isSource, result.fault);
  if (result.bitsRemaining !== 0) {
    // lookup_fault_depth_mismatch_new(0, bitsRemaining): bitsFound 0, bitsLeft what remained.
    throw failedLookup(isSource, { type: 'depthMismatch', bitsLeft: result.bitsRemaining, bitsFound: 0 });
  }
  return result.slot;
}
export const lookupTargetSlot = (root: Cap, cptr: number, depth: number): CSlot => lookupSlotForCNodeOp(false, root, cptr, depth);
export const lookupSourceSlot = (root: Cap, cptr: number, depth: number): CSlot => lookupSlotForCNodeOp(true, root, cptr, depth);

export function ensureEmptySlot(slot: CSlot): void {
  if (slot.cap.kind !== 'null') throw deleteFirst();
}

/** seL4 ensureNoChildren: an untyped with derived caps cannot be reset or copied. */
export function ensureNoChildren(slot: CSlot): void {
  if (slot.children.size > 0) throw revokeFirst();
}

/** seL4 maskCapRights: a copy never has more rights than its source. */
export function maskCapRights(rights: CapRights, cap: Cap): Cap {
  switch (cap.kind) {
    case 'endpoint':
    case 'notification':
      return {
        ...cap,
        rights: {
          read: cap.rights.read && rights.read,
          write: cap.rights.write && rights.write,
          grant: cap.rights.grant && rights.grant,
          grantReply: cap.rights.grantReply && rights.grantReply,
        },
      };
    // No case for reply caps (seL4 masks their canGrant): they are never derived (deriveCap gives
    // the null cap), so Copy and Mint refuse them whatever their rights.
    case 'frame': {
      // maskVMRights: write survives only with read (RISC-V has no write-only pages).
      const read = cap.read && rights.read;
      return { ...cap, read, write: read && cap.write && rights.write };
    }
    default:
      return cap;
  }
}

/** seL4 updateCapData: set a badge once (Mint) or a CNode guard (Mint/Mutate). */
export function updateCapData(preserve: boolean, data: number, cap: Cap): Cap {
  switch (cap.kind) {
    case 'endpoint':
    case 'notification':
      if (!preserve && cap.badge === 0) return { ...cap, badge: (data & BADGE_MASK) >>> 0 };
      return NULL_CAP;
    case 'cnode': {
      const guardSize = (data >>> 3) & 0x1f;
      if (guardSize + cap.obj.radixBits > WORD_BITS_32) return NULL_CAP;
      const guard = ((data >>> 8) & 0x3_ffff & mask(guardSize)) >>> 0;
      return { ...cap, guard, guardSize };
    }
    default:
      return cap;
  }
}

/**
 * seL4 deriveCap: what a copy of `cap` in `slot` may be (Arch_deriveCap for frames and tables).
 * Frame and page-table caps come back as new objects: their mapping fields belong to one slot.
 */
export function deriveCap(slot: CSlot, cap: Cap): Cap {
  switch (cap.kind) {
    case 'irqControl':
    case 'reply':
      return NULL_CAP;
    case 'untyped':
      ensureNoChildren(slot);
      return cap;
    case 'frame':
      return { ...cap, mapping: null };
    case 'pageTable':
      if (!isPageTableMapped(cap)) throw illegalOperation();
      return { ...cap };
    default:
      return cap;
  }
}

export function isPageTableMapped(cap: Extract<Cap, { kind: 'pageTable' }>): boolean {
  return cap.mapping !== null || cap.obj.asid !== 0;
}

/** seL4 cteInsert: `cap` goes into empty `dest` as a child of `src` in the derivation tree. */
export function cteInsert(cap: Cap, src: CSlot | null, dest: CSlot): void {
  dest.cap = cap;
  dest.parent = src;
  if (src) src.children.add(dest);
  const obj = capObject(cap);
  if (obj) obj.capCount++;
}

/** seL4 cteMove: the cap and its place in the derivation tree move to `dest`. */
export function cteMove(cap: Cap, src: CSlot, dest: CSlot): void {
  dest.cap = cap;
  dest.parent = src.parent;
  if (src.parent) {
    src.parent.children.delete(src);
    src.parent.children.add(dest);
  }
  for (const child of src.children) {
    child.parent = dest;
    dest.children.add(child);
  }
  src.children.clear();
  src.parent = null;
  src.cap = NULL_CAP;
}

/** seL4 cteSwap (CNode_Rotate's building block). */
function cteSwap(capA: Cap, a: CSlot, capB: Cap, b: CSlot): void {
  const parentA = a.parent;
  const childrenA = [...a.children];
  const parentB = b.parent;
  const childrenB = [...b.children];
  a.children.clear();
  b.children.clear();
  parentA?.children.delete(a);
  parentB?.children.delete(b);
  a.cap = capB;
  b.cap = capA;
  a.parent = parentB === a ? b : parentB;
  b.parent = parentA === b ? a : parentA;
  a.parent?.children.add(a);
  b.parent?.children.add(b);
  // When one slot was the other's child, that child's cap has moved into the other slot.
  for (const c of childrenB) {
    const child = c === a ? b : c;
    child.parent = a;
    a.children.add(child);
  }
  for (const c of childrenA) {
    const child = c === b ? a : c;
    child.parent = b;
    b.children.add(child);
  }
}

/** seL4 cteDelete: empties `slot`, finalising the object when this was its last cap. */
export function cteDelete(kernel: Kernel, slot: CSlot): void {
  const cap = slot.cap;
  if (cap.kind === 'null') return;
  // Children keep the tree: they move up to the deleted slot's parent, as seL4's MDB list does.
  for (const child of slot.children) {
    child.parent = slot.parent;
    slot.parent?.children.add(child);
  }
  slot.children.clear();
  slot.parent?.children.delete(slot);
  slot.parent = null;
  slot.cap = NULL_CAP;
  const obj = capObject(cap);
  // isFinalCapability: the last cap to its object; an IRQ handler cap has no object, but its copies
  // are caps to the same IRQ (sameObjectAs), so only the last of them clears the handler.
  const final = obj === null ? cap.kind !== 'irqHandler' || !otherIrqHandlerCap(kernel, cap.irq) : --obj.capCount === 0;
  finaliseCap(kernel, cap, final);
}

/** Whether a CNode slot still holds an IRQ handler cap for `irq` (IRQ handler caps live in CNodes only). */
function otherIrqHandlerCap(kernel: Kernel, irq: number): boolean {
  for (const obj of kernel.objects) {
    if (obj.type !== 'cnode' || !obj.live) continue;
    for (const s of obj.slots) if (s.cap.kind === 'irqHandler' && s.cap.irq === irq) return true;
  }
  return false;
}

/** seL4 cteRevoke: deletes every cap derived from `slot`. */
export function cteRevoke(kernel: Kernel, slot: CSlot): void {
  while (slot.children.size > 0) {
    const child = slot.children.values().next().value as CSlot;
    cteRevoke(kernel, child);
    cteDelete(kernel, child);
  }
}

/** Deletes every cap in a CNode (finalising a CNode; seL4 does this through zombies). */
export function deleteAllSlots(kernel: Kernel, cnode: CNodeObject): void {
  for (const slot of cnode.slots) cteDelete(kernel, slot);
}

/** decodeCNodeInvocation and the invoke* functions it calls. */
export function decodeCNodeInvocation(
  kernel: Kernel,
  thread: TcbObject,
  cap: Extract<Cap, { kind: 'cnode' }>,
  args: InvocationArgs,
): InvocationResult {
  const { label, mrs, extraCaps } = args;
  if (label < InvocationLabel.CNodeRevoke || label > InvocationLabel.CNodeSaveCaller) throw illegalOperation();
  if (mrs.length < 2) throw truncatedMessage();
  const destSlot = lookupTargetSlot(cap, mrs[0]!, mrs[1]!);

  if (label >= InvocationLabel.CNodeCopy && label <= InvocationLabel.CNodeMutate) {
    if (mrs.length < 4 || extraCaps.length < 1) throw truncatedMessage();
    ensureEmptySlot(destSlot);
    const srcDepth = mrs[3]!;
    const srcSlot = lookupSourceSlot(extraCaps[0]!.cap, mrs[2]!, srcDepth);
    if (srcSlot.cap.kind === 'null') throw failedLookup(true, { type: 'missingCapability', bitsLeft: srcDepth });
    let newCap: Cap;
    let isMove = false;
    switch (label) {
      case InvocationLabel.CNodeCopy:
        if (mrs.length < 5) throw truncatedMessage();
        newCap = deriveCap(srcSlot, maskCapRights(rightsFromWord(mrs[4]!), srcSlot.cap));
        break;
      case InvocationLabel.CNodeMint:
        if (mrs.length < 6) throw truncatedMessage();
        newCap = deriveCap(srcSlot, updateCapData(false, mrs[5]!, maskCapRights(rightsFromWord(mrs[4]!), srcSlot.cap)));
        break;
      case InvocationLabel.CNodeMove:
        newCap = srcSlot.cap;
        isMove = true;
        break;
      default:
        if (mrs.length < 5) throw truncatedMessage();
        newCap = updateCapData(true, mrs[4]!, srcSlot.cap);
        isMove = true;
    }
    if (newCap.kind === 'null') throw illegalOperation();
    if (isMove) cteMove(newCap, srcSlot, destSlot);
    else cteInsert(newCap, srcSlot, destSlot);
    return { error: 0, mrs: [] };
  }

  switch (label) {
    case InvocationLabel.CNodeRevoke:
      cteRevoke(kernel, destSlot);
      return { error: 0, mrs: [] };
    case InvocationLabel.CNodeDelete:
      cteDelete(kernel, destSlot);
      return { error: 0, mrs: [] };
    case InvocationLabel.CNodeSaveCaller:
      ensureEmptySlot(destSlot);
      if (thread.caller.cap.kind !== 'null') cteMove(thread.caller.cap, thread.caller, destSlot);
      return { error: 0, mrs: [] };
    case InvocationLabel.CNodeCancelBadgedSends: {
      // hasCancelSendRights: an endpoint cap with all four rights; a badge of 0 cancels nothing.
      const target = destSlot.cap;
      if (target.kind !== 'endpoint') throw illegalOperation();
      const { read, write, grant, grantReply } = target.rights;
      if (!(read && write && grant && grantReply)) throw illegalOperation();
      if (target.badge !== 0) cancelBadgedSends(kernel, target.obj, target.badge);
      return { error: 0, mrs: [] };
    }
    default:
      return rotate(args, destSlot);
  }
}

/** CNode_Rotate: dest ← pivot (mutated), pivot ← src (mutated). */
function rotate(args: InvocationArgs, destSlot: CSlot): InvocationResult {
  const { mrs, extraCaps } = args;
  if (mrs.length < 8 || extraCaps.length < 2) throw truncatedMessage();
  const [, , pivotNewData, pivotIndex, pivotDepth, srcNewData, srcIndex, srcDepth] = mrs as number[];
  // The source is looked up before the pivot (lookupSourceSlot, then lookupPivotSlot).
  const srcSlot = lookupSourceSlot(extraCaps[1]!.cap, srcIndex!, srcDepth!);
  const pivotSlot = lookupSlotForCNodeOp(true, extraCaps[0]!.cap, pivotIndex!, pivotDepth!);
  if (pivotSlot === srcSlot || pivotSlot === destSlot) throw illegalOperation();
  if (srcSlot !== destSlot) ensureEmptySlot(destSlot);
  if (srcSlot.cap.kind === 'null') throw failedLookup(true, { type: 'missingCapability', bitsLeft: srcDepth! });
  // An empty pivot reports failedLookupWasSource = 0.
  if (pivotSlot.cap.kind === 'null') throw failedLookup(false, { type: 'missingCapability', bitsLeft: pivotDepth! });
  const newSrc = updateCapData(true, srcNewData!, srcSlot.cap);
  const newPivot = updateCapData(true, pivotNewData!, pivotSlot.cap);
  if (newSrc.kind === 'null' || newPivot.kind === 'null') throw illegalOperation();
  if (srcSlot === destSlot) {
    cteSwap(newSrc, srcSlot, newPivot, pivotSlot);
  } else {
    cteMove(newPivot, pivotSlot, destSlot);
    cteMove(newSrc, srcSlot, pivotSlot);
  }
  return { error: 0, mrs: [] };
}
