// The kernel invariant checker: holds on real systems, and finds dangling caps, overlaps, stray PTEs
// and broken derivation links when the state is corrupted by hand; each rule reports exactly the
// corruption it names, with nothing else broken beside it.
import { describe, it, expect } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { InvocationLabel } from '../../../runtime/kernel/abi.js';
import { checkInvariants } from '../../../runtime/kernel/invariants.js';
import { NULL_CAP, type KernelObject } from '../../../runtime/kernel/objects.js';
import { PTE_V, PTE_R, PTE_U, PTE_A, makeUserPte } from '../../../runtime/kernel/vspace.js';
import { bootTestKernel, capAt, createThread, IPC_BUFFER_VADDR, RAM_BASE, retype, rootInvoke, ROOT_CNODE, slotAt, type TestSystem } from './fixture.js';

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;
const named = (obj: KernelObject): string => `${obj.type}@${hex(obj.paddr)}`;
/** The object of the cap in root slot `slot`. */
function objAt(sys: TestSystem, slot: number): KernelObject {
  const cap = capAt(sys, slot);
  if (!('obj' in cap)) throw new Error(`no object in slot ${slot}`);
  return cap.obj;
}
/** Writes a field the types keep read-only (a corruption no kernel path makes). */
const corrupt = <T extends object>(obj: T, fields: Record<string, unknown>): void => void Object.assign(obj, fields);

describe('kernel invariant checker', () => {
  it('holds on a system built through invocations', () => {
    const sys = bootTestKernel();
    createThread(sys, 'a');
    createThread(sys, 'b');
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('checks a CNode of 2^17 slots (more than a spread of arguments can take) without throwing', () => {
    const sys = bootTestKernel();
    const slot = retype(sys, ObjectType.CNode, 17);
    expect(sys.kernel.rootCNode.slots[slot]!.cap.kind).toBe('cnode');
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('finds a ready bitmap out of step with the ready queues, both ways', () => {
    const sys = bootTestKernel();
    sys.kernel.readyBitmap[7] |= 1 << 3; // priority 227, nobody queued
    sys.kernel.readyWords |= 1 << 7;
    expect(checkInvariants(sys.kernel)).toEqual(['ready bitmap bit 227 is set with 0 threads queued']);
    sys.kernel.readyWords &= ~(1 << 7);
    expect(checkInvariants(sys.kernel)).toEqual([
      'ready bitmap bit 227 is set with 0 threads queued',
      'ready word bit 7 is clear with bitmap word 8',
    ]);
    sys.kernel.readyBitmap[7] = 0;
    sys.kernel.readyWords |= 1 << 6;
    expect(checkInvariants(sys.kernel)).toEqual(['ready word bit 6 is set with bitmap word 0']);
    sys.kernel.readyWords &= ~(1 << 6);
    sys.kernel.readyQueues[40]!.push(sys.kernel.rootTcb);
    expect(checkInvariants(sys.kernel)).toContain('ready bitmap bit 40 is clear with 1 threads queued');
  });

  it('finds a cap to a freed object', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    const cap = sys.kernel.rootCNode.slots[ep]!.cap;
    if (cap.kind !== 'endpoint') throw new Error('no endpoint');
    cap.obj.live = false;
    expect(checkInvariants(sys.kernel)).toContain(`a endpoint cap points to freed endpoint@0x${RAM_BASE.toString(16)}`);
  });

  it('finds overlapping objects and objects beyond the watermark', () => {
    const sys = bootTestKernel();
    retype(sys, ObjectType.Endpoint, 0, 2);
    sys.kernel.bootUntypeds[0]!.freeIndex = 16;
    const problems = checkInvariants(sys.kernel);
    expect(problems).toContain(`endpoint@0x${(RAM_BASE + 16).toString(16)} is outside the used part of its untyped untyped@0x${RAM_BASE.toString(16)}`);
  });

  it('finds a page-table entry no frame cap accounts for', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 'a');
    const root = t.tcb.vspaceRoot.cap;
    if (root.kind !== 'pageTable') throw new Error('no vspace');
    sys.memory.writeU32(root.obj.paddr + 4 * 100, (((RAM_BASE >>> 12) << 10) | PTE_V | PTE_R | PTE_U | PTE_A) >>> 0);
    expect(checkInvariants(sys.kernel).some((p) => p.includes('maps 0x19000000 → 0x80000000 without a frame cap'))).toBe(true);
  });

  it('finds one-sided derivation links and wrong cap counts', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    rootInvoke(sys, ROOT_CNODE, InvocationLabel.CNodeCopy, [300, 32, ep, 32, 15], [ROOT_CNODE]);
    sys.kernel.rootCNode.slots[ep]!.children.clear();
    const cap = sys.kernel.rootCNode.slots[ep]!.cap;
    if (cap.kind === 'endpoint') cap.obj.capCount = 5;
    const problems = checkInvariants(sys.kernel);
    expect(problems).toContain('derivation link of a endpoint cap is one-sided');
    expect(problems.some((p) => p.includes('has 2 caps but counts 5'))).toBe(true);
  });
});

describe('kernel invariant checker: each rule alone', () => {
  it('an object in two boot untypeds (rule 1: exactly one)', () => {
    const sys = bootTestKernel();
    const ep = objAt(sys, retype(sys, ObjectType.Endpoint));
    sys.kernel.bootUntypeds.push(sys.kernel.bootUntypeds[0]!);
    expect(checkInvariants(sys.kernel)).toEqual([`${named(ep)} lies in 2 boot untypeds`]);
  });

  it('an object below the start of its untyped (rule 1: the used part starts at the untyped)', () => {
    const sys = bootTestKernel();
    const ep = objAt(sys, retype(sys, ObjectType.Endpoint));
    const child = objAt(sys, retype(sys, ObjectType.Untyped, 12));
    corrupt(ep, { untyped: child });
    expect(checkInvariants(sys.kernel)).toEqual([`${named(ep)} is outside the used part of its untyped ${named(child)}`]);
  });

  it('an object not aligned to its size (rule 1)', () => {
    const sys = bootTestKernel();
    const ntfn = objAt(sys, retype(sys, ObjectType.Notification, 0, 2));
    corrupt(ntfn, { sizeBits: 5 });
    // 2^4-byte notifications at +0 and +0x10; the first, made 2^5, overlaps the second, the second is unaligned.
    const second = objAt(sys, sys.nextSlot - 1);
    corrupt(second, { sizeBits: 5 });
    sys.kernel.bootUntypeds[0]!.freeIndex = 0x40;
    expect(checkInvariants(sys.kernel)).toEqual([`${named(second)} is not aligned to its size`, `${named(ntfn)} overlaps ${named(second)}`]);
  });

  it('two objects that overlap (rule 2); adjacent objects do not', () => {
    const sys = bootTestKernel();
    const first = retype(sys, ObjectType.Endpoint, 0, 2);
    expect(checkInvariants(sys.kernel)).toEqual([]);
    const ep = objAt(sys, first);
    corrupt(ep, { sizeBits: 5 });
    expect(checkInvariants(sys.kernel)).toEqual([`${named(ep)} overlaps ${named(objAt(sys, first + 1))}`]);
  });

  it('a freed CNode\'s slots are not counted: only live objects hold caps', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    const cnodeSlot = retype(sys, ObjectType.CNode, 4);
    expect(rootInvoke(sys, cnodeSlot, InvocationLabel.CNodeCopy, [0, 4, ep, 32, 15], [ROOT_CNODE]).error).toBe(0);
    const cnode = objAt(sys, cnodeSlot);
    cnode.live = false;
    expect(checkInvariants(sys.kernel)).toEqual([`a cnode cap points to freed ${named(cnode)}`, `${named(objAt(sys, ep))} has 1 caps but counts 2`]);
  });

  it('a child whose parent link points elsewhere (rule 3: child links)', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    expect(rootInvoke(sys, ROOT_CNODE, InvocationLabel.CNodeCopy, [300, 32, ep, 32, 15], [ROOT_CNODE]).error).toBe(0);
    slotAt(sys, 300).parent = null;
    expect(checkInvariants(sys.kernel)).toEqual(['child link of a endpoint cap is one-sided']);
  });

  it('an empty slot that keeps its parent link (rule 3)', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    expect(rootInvoke(sys, ROOT_CNODE, InvocationLabel.CNodeCopy, [300, 32, ep, 32, 15], [ROOT_CNODE]).error).toBe(0);
    slotAt(sys, 300).cap = NULL_CAP;
    objAt(sys, ep).capCount--;
    expect(checkInvariants(sys.kernel)).toEqual(['an empty slot has derivation links']);
  });

  it('an empty slot that keeps a child link (rule 3)', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    expect(rootInvoke(sys, ROOT_CNODE, InvocationLabel.CNodeCopy, [300, 32, ep, 32, 15], [ROOT_CNODE]).error).toBe(0);
    const obj = objAt(sys, ep);
    // Emptied and cut from its untyped (no parent), with its copy's link kept.
    slotAt(sys, ep).cap = NULL_CAP;
    slotAt(sys, ep).parent!.children.delete(slotAt(sys, ep));
    slotAt(sys, ep).parent = null;
    obj.capCount--;
    expect(checkInvariants(sys.kernel)).toEqual(['an empty slot has derivation links']);
  });

  it('the root task\'s CNode, TCB and ASID pool have their cap counts checked too', () => {
    const sys = bootTestKernel();
    const pool = objAt(sys, 6);
    for (const obj of [sys.kernel.rootCNode, sys.kernel.rootTcb, pool]) {
      obj.capCount++;
      expect(checkInvariants(sys.kernel)).toEqual([`${named(obj)} has ${obj.capCount - 1} caps but counts ${obj.capCount}`]);
      obj.capCount--;
    }
  });

  it('a root entry pointing at a frame, not a page table (rule 4)', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 'a');
    const frame = objAt(sys, retype(sys, ObjectType.Page4K));
    const root = objAt(sys, t.vspaceSlot);
    sys.memory.writeU32(root.paddr + 4 * 7, (((frame.paddr >>> 12) << 10) | PTE_V) >>> 0);
    expect(checkInvariants(sys.kernel)).toEqual([`vspace ${named(root)} entry 7 points to ${hex(frame.paddr)}, not a live page table`]);
  });

  it('a second-level leaf without a frame cap, at the last entry (rule 4)', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 'a');
    const root = objAt(sys, t.vspaceSlot);
    const table = (sys.memory.readU32(root.paddr) >>> 10) * 4096;
    sys.memory.writeU32(table + 4 * 1023, makeUserPte(RAM_BASE, false, true, false));
    expect(checkInvariants(sys.kernel)).toEqual([`vspace ${named(root)} maps 0x3ff000 → ${hex(RAM_BASE)} without a frame cap`]);
  });

  it('a mapped frame\'s entry rewritten to another frame (rule 4: the PTE names the cap\'s frame)', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 'a');
    const root = objAt(sys, t.vspaceSlot);
    const table = (sys.memory.readU32(root.paddr) >>> 10) * 4096;
    const entry = table + 4 * (IPC_BUFFER_VADDR >>> 12);
    sys.memory.writeU32(entry, makeUserPte(t.bufferPaddr + 0x1000, false, true, true));
    expect(checkInvariants(sys.kernel)).toEqual([`vspace ${named(root)} maps ${hex(IPC_BUFFER_VADDR)} → ${hex(t.bufferPaddr + 0x1000)} without a frame cap`]);
  });

  it('a ready queue holding a thread that is not runnable, or at another priority (rule 5)', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 'a', 100);
    expect(t.tcb.state).toBe('inactive');
    sys.kernel.readyQueues[100]!.push(t.tcb);
    sys.kernel.readyBitmap[100 >>> 5]! |= 1 << (100 & 31);
    sys.kernel.readyWords |= 1 << (100 >>> 5);
    expect(checkInvariants(sys.kernel)).toEqual(['a is in ready queue 100 but inactive']);
    t.tcb.state = 'running';
    t.tcb.priority = 99;
    expect(checkInvariants(sys.kernel)).toEqual(['a is in ready queue 100 at priority 99']);
  });

  it('a thread blocked on nothing, or missing from its object\'s queue (rule 5)', () => {
    for (const state of ['blockedOnSend', 'blockedOnReceive', 'blockedOnNotification'] as const) {
      const sys = bootTestKernel();
      const t = createThread(sys, 'a');
      const ep = objAt(sys, retype(sys, ObjectType.Endpoint));
      t.tcb.state = state;
      expect(checkInvariants(sys.kernel), state).toEqual([`a is ${state} but not queued`]);
      if (ep.type !== 'endpoint') throw new Error('no endpoint');
      t.tcb.blockingObject = ep;
      expect(checkInvariants(sys.kernel), state).toEqual([`a is ${state} but not queued`]);
      ep.queue.push(t.tcb);
      expect(checkInvariants(sys.kernel), state).toEqual([]);
    }
  });
});
