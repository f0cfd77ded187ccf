// Kernel invariants as a checker (in the spirit of seL4's proof invariants: valid_objs, valid_mdb,
// no dangling caps, valid_vspace_objs). Tests and the boot call it; it returns every broken rule.
import type { Kernel } from './kernel.js';
import type { CapOf, CSlot, KernelObject, PageTableObject } from './objects.js';
import { capObject } from './objects.js';
import { isRunnable } from './scheduler.js';
import { PTE_V, pteIsLeaf, ptePaddr } from './vspace.js';

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;
const describe = (obj: KernelObject): string => `${obj.type}@${hex(obj.paddr)}`;

/** Every slot the kernel holds caps in: live CNodes, TCB slots, the IRQ table. */
export function allSlots(kernel: Kernel): CSlot[] {
  const slots: CSlot[] = [];
  for (const obj of kernel.objects) {
    if (!obj.live) continue;
    // A loop, not a spread: a CNode can hold 2^20 slots and more, past any argument-count limit.
    if (obj.type === 'cnode') for (const slot of obj.slots) slots.push(slot);
    if (obj.type === 'tcb') slots.push(obj.cspaceRoot, obj.vspaceRoot, obj.bufferFrame, obj.caller);
  }
  for (const slot of kernel.irqSlots) slots.push(slot);
  return slots;
}

export function checkInvariants(kernel: Kernel): string[] {
  const problems: string[] = [];
  const live = kernel.objects.filter((o) => o.live);

  // 1. Every object retyped from memory lies inside exactly one boot untyped, below its parent's watermark.
  for (const obj of live) {
    if (obj.untyped === null) continue;
    const end = obj.paddr + 2 ** obj.sizeBits;
    const containing = kernel.bootUntypeds.filter((u) => obj.paddr >= u.paddr && end <= u.paddr + 2 ** u.sizeBits);
    if (containing.length !== 1) problems.push(`${describe(obj)} lies in ${containing.length} boot untypeds`);
    const parent = obj.untyped;
    if (obj.paddr < parent.paddr || end > parent.paddr + parent.freeIndex) {
      problems.push(`${describe(obj)} is outside the used part of its untyped ${describe(parent)}`);
    }
    if (obj.paddr % 2 ** obj.sizeBits !== 0) problems.push(`${describe(obj)} is not aligned to its size`);
  }

  // 2. Objects other than untypeds do not overlap.
  const placed = live
    .filter((o) => o.untyped !== null && o.type !== 'untyped')
    .sort((a, b) => a.paddr - b.paddr);
  for (let i = 1; i < placed.length; i++) {
    const prev = placed[i - 1]!;
    if (prev.paddr + 2 ** prev.sizeBits > placed[i]!.paddr) problems.push(`${describe(prev)} overlaps ${describe(placed[i]!)}`);
  }

  // 3. No cap to a freed object; cap counts match; derivation links are symmetric.
  const counts = new Map<KernelObject, number>();
  for (const slot of allSlots(kernel)) {
    const obj = capObject(slot.cap);
    if (obj) {
      if (!obj.live) problems.push(`a ${slot.cap.kind} cap points to freed ${describe(obj)}`);
      counts.set(obj, (counts.get(obj) ?? 0) + 1);
    }
    if (slot.parent && !slot.parent.children.has(slot)) problems.push(`derivation link of a ${slot.cap.kind} cap is one-sided`);
    for (const child of slot.children) if (child.parent !== slot) problems.push(`child link of a ${slot.cap.kind} cap is one-sided`);
    if (slot.cap.kind === 'null' && (slot.children.size > 0 || slot.parent)) problems.push('an empty slot has derivation links');
  }
  for (const obj of live) {
    const n = counts.get(obj) ?? 0;
    if (n !== obj.capCount) problems.push(`${describe(obj)} has ${n} caps but counts ${obj.capCount}`);
  }

  // 4. Page tables: each mapped frame cap is backed by its PTE; each valid PTE is accounted for.
  const mappedFrames = new Map<string, CapOf<'frame'>>();
  for (const slot of allSlots(kernel)) {
    const cap = slot.cap;
    if (cap.kind !== 'frame' || !cap.mapping) continue;
    const key = `${cap.mapping.vspace.paddr}:${cap.mapping.vaddr}`;
    mappedFrames.set(key, cap);
  }
  const tables = new Map<number, PageTableObject>();
  for (const obj of live) if (obj.type === 'pageTable') tables.set(obj.paddr, obj);
  for (const root of live) {
    if (root.type !== 'pageTable' || root.asid === 0) continue;
    for (let i = 0; i < 1024; i++) {
      const pte = kernel.memory.readU32(root.paddr + 4 * i);
      if ((pte & PTE_V) === 0) continue;
      const vaddr = i << 22;
      if (pteIsLeaf(pte)) {
        checkLeaf(problems, mappedFrames, root, vaddr >>> 0, pte);
        continue;
      }
      const table = tables.get(ptePaddr(pte));
      if (!table) {
        problems.push(`vspace ${describe(root)} entry ${i} points to ${hex(ptePaddr(pte))}, not a live page table`);
        continue;
      }
      for (let j = 0; j < 1024; j++) {
        const leaf = kernel.memory.readU32(table.paddr + 4 * j);
        if ((leaf & PTE_V) !== 0) checkLeaf(problems, mappedFrames, root, (vaddr | (j << 12)) >>> 0, leaf);
      }
    }
  }

  // 5. Scheduler: queued threads are runnable; blocked threads sit in their object's queue.
  kernel.readyQueues.forEach((queue, prio) => {
    for (const t of queue) {
      if (!isRunnable(t)) problems.push(`${t.name} is in ready queue ${prio} but ${t.state}`);
      if (t.priority !== prio) problems.push(`${t.name} is in ready queue ${prio} at priority ${t.priority}`);
    }
    const marked = (kernel.readyBitmap[prio >>> 5]! & (1 << (prio & 31))) !== 0;
    if (marked !== queue.length > 0) problems.push(`ready bitmap bit ${prio} is ${marked ? 'set' : 'clear'} with ${queue.length} threads queued`);
  });
  kernel.readyBitmap.forEach((bits, word) => {
    const marked = (kernel.readyWords & (1 << word)) !== 0;
    if (marked !== (bits !== 0)) problems.push(`ready word bit ${word} is ${marked ? 'set' : 'clear'} with bitmap word ${bits}`);
  });
  for (const t of kernel.threads) {
    if (t.state === 'blockedOnSend' || t.state === 'blockedOnReceive' || t.state === 'blockedOnNotification') {
      const obj = t.blockingObject;
      if (!obj || !obj.queue.includes(t)) problems.push(`${t.name} is ${t.state} but not queued`);
    }
  }
  return problems;
}

function checkLeaf(problems: string[], frames: Map<string, CapOf<'frame'>>, root: PageTableObject, vaddr: number, pte: number): void {
  const cap = frames.get(`${root.paddr}:${vaddr}`);
  if (!cap || cap.obj.paddr !== ptePaddr(pte)) {
    problems.push(`vspace ${describe(root)} maps ${hex(vaddr)} → ${hex(ptePaddr(pte))} without a frame cap`);
  }
}
