// The kernel's object model and boot state (runtime/kernel/objects.ts, kernel.ts, bootstrap.ts):
// a CNode's slots made on first use (bounds, order, slices, pruning only what no lookup of the
// current entry holds), which object each cap names, a fresh kernel's defaults and the root task's
// initial caps as seL4 boot.c installs them.
import { describe, it, expect } from 'vitest';
import { InitialSlot, NUM_PRIORITIES, DEFAULT_MAX_IRQ } from '../../../runtime/kernel/abi.js';
import { bootstrapRootTask } from '../../../runtime/kernel/bootstrap.js';
import { createCNodeObject, createTcbObject, DEFAULT_TIME_SLICE, installRootCap, Kernel } from '../../../runtime/kernel/kernel.js';
import { capObject, enterKernel, NULL_CAP, type Cap, type CSlot } from '../../../runtime/kernel/objects.js';
import { PhysicalMemory } from '../../../runtime/machine/memory.js';
import { RAM_BASE } from './fixture.js';

const memory = (): PhysicalMemory => new PhysicalMemory(RAM_BASE, 1 << 20);
const indices = (slots: Iterable<CSlot>): number[] => [...slots].map((s) => s.index);

describe('CNode slots made on first use', () => {
  it('at() makes slots 0 to 2^radix - 1 and nothing outside or between', () => {
    const cnode = createCNodeObject(0, 4, null);
    expect(cnode.slots.length).toBe(16);
    for (const i of [-1, 16, 1.5, Number.NaN]) expect(cnode.slots.at(i), String(i)).toBeUndefined();
    const last = cnode.slots.at(15)!;
    expect([last.index, last.owner, last.cap, last.parent, last.children.size]).toEqual([15, cnode, NULL_CAP, null, 0]);
    expect(cnode.slots.at(15)).toBe(last);
    expect(cnode.slots[15]).toBe(last);
    expect(cnode.slots[3]).toBeUndefined();
    expect(indices(cnode.slots)).toEqual([15]);
  });

  it('iterates the slots it made in index order, whatever order they were made in', () => {
    const cnode = createCNodeObject(0, 4, null);
    for (const i of [9, 2, 12, 0]) cnode.slots.at(i);
    expect(indices(cnode.slots)).toEqual([0, 2, 9, 12]);
    cnode.slots.at(5);
    expect(indices(cnode.slots)).toEqual([0, 2, 5, 9, 12]);
  });

  it('slice() clamps to the CNode and makes the slots it returns', () => {
    const cnode = createCNodeObject(0, 3, null);
    expect(indices(cnode.slots.slice(-2, 2))).toEqual([0, 1]);
    expect(indices(cnode.slots.slice(6, 20))).toEqual([6, 7]);
    expect(cnode.slots.slice(3, 3)).toEqual([]);
    expect(indices(cnode.slots)).toEqual([0, 1, 6, 7]);
  });

  it('drops idle empty slots of earlier entries once 256 exist, never one with a cap or one this entry looked up', () => {
    const cnode = createCNodeObject(0, 12, null);
    const at = (i: number): CSlot => cnode.slots.at(i)!;
    enterKernel();
    const full = at(4001);
    full.cap = { kind: 'domain' };
    for (let i = 0; i < 255; i++) at(i);
    expect(indices(cnode.slots)).toHaveLength(256);
    enterKernel();
    // A later entry makes a slot: the 255 idle empty slots go, the one with a cap stays.
    const fresh = at(301);
    expect(indices(cnode.slots)).toEqual([301, 4001]);
    expect([cnode.slots[4001], cnode.slots[301], cnode.slots[0]]).toEqual([full, fresh, undefined]);
    // Within one entry nothing it looked up goes, though 256 slots exist again.
    for (let i = 0; i < 254; i++) at(i);
    const held = cnode.slots[0];
    at(302);
    expect(indices(cnode.slots)).toHaveLength(257);
    expect(cnode.slots[0]).toBe(held);
    // That prune kept 256, so the next waits for twice as many (512) slots.
    enterKernel();
    for (let i = 1000; i < 1255; i++) at(i);
    expect(indices(cnode.slots)).toHaveLength(512);
    at(303);
    const kept = indices(cnode.slots);
    expect([kept.length, kept.includes(4001), kept.includes(0), kept.includes(301), kept.includes(1000), kept.includes(303)]).toEqual([257, true, false, false, true, true]);
  });
});

describe('capObject', () => {
  it('names the object of each cap that has one, the caller\'s TCB for a reply cap, and nothing otherwise', () => {
    const tcb = createTcbObject(0x1000, null, 't', 100);
    const cnode = createCNodeObject(0x2000, 2, null);
    const rights = { write: true, read: true, grant: true, grantReply: true };
    const base = { sizeBits: 4, untyped: null, capCount: 0, live: true } as const;
    const ep = { ...base, type: 'endpoint', paddr: 0x3000, queue: [], state: 'idle' } as const;
    const caps: [Cap, unknown][] = [
      [{ kind: 'untyped', obj: { ...base, type: 'untyped', paddr: 0, isDevice: false, freeIndex: 0, children: new Set() } }, 'untyped'],
      [{ kind: 'endpoint', obj: { ...ep, queue: [] }, badge: 0, rights }, 'endpoint'],
      [{ kind: 'notification', obj: { ...base, type: 'notification', paddr: 0, state: 'idle', word: 0, queue: [], boundTcb: null }, badge: 0, rights }, 'notification'],
      [{ kind: 'cnode', obj: cnode, guard: 0, guardSize: 0 }, 'cnode'],
      [{ kind: 'tcb', obj: tcb }, 'tcb'],
      [{ kind: 'frame', obj: { ...base, type: 'frame', paddr: 0, isDevice: false }, read: true, write: true, mapping: null }, 'frame'],
      [{ kind: 'pageTable', obj: { ...base, type: 'pageTable', paddr: 0, asid: 0 }, mapping: null }, 'pageTable'],
      [{ kind: 'asidPool', obj: { ...base, type: 'asidPool', paddr: 0, base: 0, entries: [] } }, 'asidPool'],
    ];
    for (const [cap, type] of caps) expect(capObject(cap)?.type, cap.kind).toBe(type);
    expect(capObject({ kind: 'reply', tcb, canGrant: false })).toBe(tcb);
    for (const cap of [NULL_CAP, { kind: 'asidControl' }, { kind: 'irqControl' }, { kind: 'irqHandler', irq: 3 }, { kind: 'domain' }] as Cap[]) {
      expect(capObject(cap), cap.kind).toBeNull();
    }
  });
});

describe('a new kernel', () => {
  it('defaults: a debug kernel, DEFAULT_TIME_SLICE, IRQs 0..DEFAULT_MAX_IRQ, a 2^12-slot root CNode and a 2^9-byte root TCB at 0', () => {
    const k = new Kernel({ memory: memory() });
    expect([k.debug, k.timeSlice, k.maxIrq, k.irqStates.length, k.irqSlots.length, k.irqDeliveries.length, k.irqAcks.length]).toEqual([
      true,
      DEFAULT_TIME_SLICE,
      DEFAULT_MAX_IRQ,
      DEFAULT_MAX_IRQ + 1,
      DEFAULT_MAX_IRQ + 1,
      DEFAULT_MAX_IRQ + 1,
      DEFAULT_MAX_IRQ + 1,
    ]);
    expect(k.irqStates.every((s) => s === 'inactive')).toBe(true);
    expect([k.rootCNode.radixBits, k.rootCNode.paddr, k.rootTcb.sizeBits, k.rootTcb.paddr, k.tcbBits]).toEqual([12, 0, 9, 0, 9]);
    expect([k.rootTcb.priority, k.rootTcb.mcp, k.rootTcb.debugName, k.rootTcb.state]).toEqual([NUM_PRIORITIES - 1, NUM_PRIORITIES - 1, 'rootserver', 'inactive']);
    expect([k.readyQueues.length, k.readyBitmap.length, k.asidTable.length, k.current, k.action, k.halted, k.fastpath]).toEqual([256, 8, 32, null, 'resume', false, true]);
    expect([k.interrupts, k.objects, k.threads, k.bootUntypeds]).toEqual([null, [], [], []]);
  });

  it('takes each option', () => {
    const k = new Kernel({
      memory: memory(),
      debug: false,
      timeSlice: 77,
      maxIrq: 10,
      rootCNodeSizeBits: 5,
      rootServer: { cnode: 0x8001_0000, tcb: 0x8002_0000 },
      tcbBits: 10,
    });
    expect([k.debug, k.timeSlice, k.maxIrq, k.irqStates.length, k.irqSlots.length]).toEqual([false, 77, 10, 11, 11]);
    expect([k.rootCNode.radixBits, k.rootCNode.sizeBits, k.rootCNode.paddr, k.rootTcb.paddr, k.rootTcb.sizeBits, k.rootTcb.timeSlice]).toEqual([
      5, 9, 0x8001_0000, 0x8002_0000, 10, 77,
    ]);
    expect(k.irqSlots.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('a TCB starts inactive at priority 0 with zero registers and its four empty slots', () => {
    const t = createTcbObject(0x4000, null, 'x', 123);
    expect([t.state, t.priority, t.mcp, t.pc, t.faultIp, t.ipcBuffer, t.faultHandler, t.tlsBase, t.timeSlice, t.inReadyQueue, t.fault]).toEqual([
      'inactive', 0, 0, 0, 0, 0, 0, 0, 123, false, null,
    ]);
    expect([t.name, t.debugName, t.sizeBits, t.capCount, t.live, [...t.regs].every((r) => r === 0), t.regs.length]).toEqual(['x', '', 9, 0, true, true, 32]);
    expect([t.boundNotification, t.blockingObject, t.blockingBadge, t.blockingIsCall, t.blockingCanGrant, t.blockingCanGrantReply]).toEqual([null, null, 0, false, false, false]);
    expect([t.cspaceRoot, t.vspaceRoot, t.bufferFrame, t.caller].map((s) => [s.index, s.owner === t, s.cap.kind])).toEqual([
      [0, true, 'null'],
      [1, true, 'null'],
      [2, true, 'null'],
      [3, true, 'null'],
    ]);
    expect(createTcbObject(0, null, 'y', 1, 10).sizeBits).toBe(10);
  });

  it('register() lists every object, and TCBs also as threads', () => {
    const k = new Kernel({ memory: memory() });
    const t = createTcbObject(0x1000, null, 't', 1);
    const c = createCNodeObject(0x2000, 1, null);
    k.register(c);
    k.register(t);
    expect([k.objects, k.threads]).toEqual([[c, t], [t]]);
  });

  it('installRootCap puts an original cap (no parent) in a root slot and counts it', () => {
    const k = new Kernel({ memory: memory() });
    const t = createTcbObject(0x1000, null, 't', 1);
    const slot = k.rootCNode.slots.at(40)!;
    slot.parent = k.rootCNode.slots.at(41)!;
    expect(installRootCap(k, 40, { kind: 'tcb', obj: t })).toBe(slot);
    expect([slot.cap.kind, slot.parent, t.capCount]).toEqual(['tcb', null, 1]);
    installRootCap(k, 42, { kind: 'irqControl' });
    expect(k.rootCNode.slots[42]!.cap.kind).toBe('irqControl');
  });
});

describe('bootstrapRootTask: the root task\'s initial caps (seL4 boot.c)', () => {
  it('puts its CNode, TCB, IRQ control, ASID control, ASID pool and domain caps in their initial slots, then the untypeds', () => {
    const k = new Kernel({ memory: memory(), rootCNodeSizeBits: 8 });
    const untypeds = bootstrapRootTask(
      k,
      [
        { paddr: RAM_BASE, sizeBits: 20, isDevice: false },
        { paddr: 0x1000_0000, sizeBits: 12, isDevice: true },
      ],
      20,
    );
    const kindAt = (slot: number): string => k.rootCNode.slots[slot]?.cap.kind ?? 'none';
    expect(
      [InitialSlot.initThreadTcb, InitialSlot.initThreadCNode, InitialSlot.irqControl, InitialSlot.asidControl, InitialSlot.initThreadAsidPool, InitialSlot.domain].map(kindAt),
    ).toEqual(['tcb', 'cnode', 'irqControl', 'asidControl', 'asidPool', 'domain']);
    const root = k.rootCNode.slots[InitialSlot.initThreadCNode]!.cap;
    expect(root).toEqual({ kind: 'cnode', obj: k.rootCNode, guard: 0, guardSize: 24 });
    expect(k.rootTcb.cspaceRoot.cap).toBe(root);
    expect([k.rootCNode.capCount, k.rootTcb.capCount]).toEqual([2, 1]);
    const pool = k.rootCNode.slots[InitialSlot.initThreadAsidPool]!.cap;
    expect(pool.kind === 'asidPool' && [pool.obj.base, pool.obj.paddr, pool.obj.capCount, k.asidTable[0] === pool.obj]).toEqual([0, 0, 1, true]);
    expect(untypeds.map((u) => [u.paddr, u.sizeBits, u.isDevice, u.freeIndex, u.capCount])).toEqual([
      [RAM_BASE, 20, false, 0, 1],
      [0x1000_0000, 12, true, 0, 1],
    ]);
    expect([kindAt(20), kindAt(21), kindAt(22)]).toEqual(['untyped', 'untyped', 'none']);
    expect(k.bootUntypeds).toEqual(untypeds);
    expect(k.objects).toEqual(expect.arrayContaining([k.rootCNode, k.rootTcb, ...untypeds]));
    expect(k.threads).toEqual([k.rootTcb]);
  });
});
