// Untyped_Retype through the root task: placement at the aligned watermark, reset, device untyped,
// and every seL4 error with its argument number (seL4 src/object/untyped.c).
import { describe, it, expect } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { InvocationLabel, SeL4Error } from '../../../runtime/kernel/abi.js';
import { checkInvariants } from '../../../runtime/kernel/invariants.js';
import {
  bootTestKernel,
  DEVICE_BASE,
  DEVICE_UNTYPED_SLOT,
  RAM_BASE,
  retype,
  ROOT_CNODE,
  ROOT_TCB,
  rootInvoke,
  UNTYPED_SLOT,
} from './fixture.js';

const capAt = (sys: ReturnType<typeof bootTestKernel>, slot: number) => sys.kernel.rootCNode.slots[slot]!.cap;
const paddrAt = (sys: ReturnType<typeof bootTestKernel>, slot: number): number => {
  const cap = capAt(sys, slot);
  if (!('obj' in cap)) throw new Error(`slot ${slot} holds ${cap.kind}`);
  return cap.obj.paddr;
};

describe('Untyped_Retype', () => {
  it('places objects at the watermark aligned to their own size', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    const tcb = retype(sys, ObjectType.Tcb);
    const frame = retype(sys, ObjectType.Page4K);
    expect(paddrAt(sys, ep)).toBe(RAM_BASE);
    // The TCB (2^9) skips to the next 512-byte boundary; the frame to the next 4 KiB.
    expect(paddrAt(sys, tcb)).toBe(RAM_BASE + 0x200);
    expect(paddrAt(sys, frame)).toBe(RAM_BASE + 0x1000);
    expect(sys.kernel.bootUntypeds[0]!.freeIndex).toBe(0x2000);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('creates several objects in consecutive slots', () => {
    const sys = bootTestKernel();
    const first = retype(sys, ObjectType.Notification, 0, 3);
    expect([0, 1, 2].map((i) => paddrAt(sys, first + i))).toEqual([RAM_BASE, RAM_BASE + 16, RAM_BASE + 32]);
    expect(capAt(sys, first + 2).kind).toBe('notification');
  });

  it('a CNode of 2^20 slots costs host memory for the slots used, not for its radix (reliability finding 3)', () => {
    const sys = bootTestKernel();
    const before = process.memoryUsage().heapUsed;
    const slot = retype(sys, ObjectType.CNode, 20);
    const cap = capAt(sys, slot);
    if (cap.kind !== 'cnode') throw new Error(`slot ${slot} holds ${cap.kind}`);
    // Eagerly made, its 2^20 slot objects took 228 MiB; each used slot is a few hundred bytes.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(16 * 2 ** 20);
    expect([cap.obj.slots.length, [...cap.obj.slots].length]).toEqual([2 ** 20, 0]);
    // Its last slot works like any other: a copy lands there and the checker sees it.
    expect(rootInvoke(sys, slot, InvocationLabel.CNodeCopy, [0xf_ffff, 20, ROOT_TCB, 32, 15], [ROOT_CNODE]).error).toBe(0);
    expect(cap.obj.slots[0xf_ffff]!.cap.kind).toBe('tcb');
    expect([...cap.obj.slots].map((s) => s.index)).toEqual([0xf_ffff]);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('looking up many empty slots of a 2^20-slot CNode keeps only a bounded number of slot objects', () => {
    const sys = bootTestKernel();
    const slot = retype(sys, ObjectType.CNode, 20);
    const cap = capAt(sys, slot);
    if (cap.kind !== 'cnode') throw new Error(`slot ${slot} holds ${cap.kind}`);
    expect(rootInvoke(sys, slot, InvocationLabel.CNodeCopy, [7, 20, ROOT_TCB, 32, 15], [ROOT_CNODE]).error).toBe(0);
    // Each delete of an empty slot is one kernel entry that looks the slot up and finds nothing.
    for (let i = 0; i < 20_000; i++) {
      expect(rootInvoke(sys, slot, InvocationLabel.CNodeDelete, [1000 + 37 * i, 20], []).error).toBe(0);
    }
    const used = [...cap.obj.slots];
    expect(used.length).toBeLessThanOrEqual(256);
    expect(used.filter((s) => s.cap.kind !== 'null').map((s) => s.index)).toEqual([7]);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('takes the root task\'s arguments as 32-bit words: nodeOffset -1 is 0xffffffff, a RangeError; 0.5 is 0', () => {
    const sys = bootTestKernel();
    const r = rootInvoke(sys, UNTYPED_SLOT, InvocationLabel.UntypedRetype, [ObjectType.Endpoint, 0, 0, 0, -1, 1], [ROOT_CNODE]);
    expect([r.error, r.mrs]).toEqual([SeL4Error.RangeError, [0, 4095]]);
    const half = rootInvoke(sys, UNTYPED_SLOT, InvocationLabel.UntypedRetype, [ObjectType.Endpoint, 0, 0, 0, 0.5, 1], [ROOT_CNODE]);
    expect(half.error).toBe(0);
    expect(capAt(sys, 0).kind).toBe('endpoint');
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('makes a CNode of 2^size slots of 16 bytes', () => {
    const sys = bootTestKernel();
    const slot = retype(sys, ObjectType.CNode, 8);
    const cap = capAt(sys, slot);
    expect(cap.kind === 'cnode' && cap.obj.slots.length).toBe(256);
    expect(cap.kind === 'cnode' && cap.obj.sizeBits).toBe(12);
  });

  it('zeroes a RAM frame it creates', () => {
    const sys = bootTestKernel();
    sys.memory.writeU32(RAM_BASE + 8, 0xdeadbeef);
    retype(sys, ObjectType.Page4K);
    expect(sys.memory.readU32(RAM_BASE + 8)).toBe(0);
  });

  it('fails with NotEnoughMemory and the bytes left when the untyped is full', () => {
    const sys = bootTestKernel();
    const r = rootInvoke(sys, DEVICE_UNTYPED_SLOT, InvocationLabel.UntypedRetype, [ObjectType.Page4K, 0, 0, 0, 40, 2], [ROOT_CNODE]);
    expect(r.error).toBe(SeL4Error.NotEnoughMemory);
    expect(r.mrs).toEqual([4096]);
  });

  it('device untyped yields frames but not kernel objects', () => {
    const sys = bootTestKernel();
    const bad = rootInvoke(sys, DEVICE_UNTYPED_SLOT, InvocationLabel.UntypedRetype, [ObjectType.Tcb, 0, 0, 0, 40, 1], [ROOT_CNODE]);
    expect(bad).toEqual({ error: SeL4Error.InvalidArgument, mrs: [1] });
    const frame = retype(sys, ObjectType.Page4K, 0, 1, DEVICE_UNTYPED_SLOT);
    const cap = capAt(sys, frame);
    expect(cap.kind === 'frame' && cap.obj.isDevice).toBe(true);
    expect(paddrAt(sys, frame)).toBe(DEVICE_BASE);
  });

  it('rejects bad arguments with the seL4 error and argument number', () => {
    const sys = bootTestKernel();
    const call = (mrs: number[]) => rootInvoke(sys, UNTYPED_SLOT, InvocationLabel.UntypedRetype, mrs, [ROOT_CNODE]);
    expect(call([8, 0, 0, 0, 40, 1])).toEqual({ error: SeL4Error.InvalidArgument, mrs: [0] });
    expect(call([ObjectType.CNode, 0, 0, 0, 40, 1])).toEqual({ error: SeL4Error.InvalidArgument, mrs: [1] });
    expect(call([ObjectType.Untyped, 3, 0, 0, 40, 1])).toEqual({ error: SeL4Error.InvalidArgument, mrs: [1] });
    expect(call([ObjectType.Untyped, 30, 0, 0, 40, 1])).toEqual({ error: SeL4Error.RangeError, mrs: [0, 29] });
    expect(call([ObjectType.Endpoint, 0, 0, 0, 4096, 1])).toEqual({ error: SeL4Error.RangeError, mrs: [0, 4095] });
    expect(call([ObjectType.Endpoint, 0, 0, 0, 40, 0])).toEqual({ error: SeL4Error.RangeError, mrs: [1, 256] });
    expect(call([ObjectType.Endpoint, 0, 0, 0, 4090, 10])).toEqual({ error: SeL4Error.RangeError, mrs: [1, 6] });
    expect(call([ObjectType.Endpoint, 0, 0, 0]).error).toBe(SeL4Error.TruncatedMessage);
    // Slot 1 holds the initial TCB cap.
    expect(call([ObjectType.Endpoint, 0, 0, 0, 1, 1]).error).toBe(SeL4Error.DeleteFirst);
    expect(rootInvoke(sys, UNTYPED_SLOT, InvocationLabel.CNodeCopy, [], [ROOT_CNODE]).error).toBe(SeL4Error.IllegalOperation);
  });

  it('starts again from the base once every child is deleted', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    expect(rootInvoke(sys, ROOT_CNODE, InvocationLabel.CNodeDelete, [ep, 32]).error).toBe(0);
    const frame = retype(sys, ObjectType.Page4K);
    expect(paddrAt(sys, frame)).toBe(RAM_BASE);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('revoking the untyped frees every object made from it', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint, 0, 4);
    const made = [0, 1, 2, 3].map((i) => capAt(sys, ep + i));
    expect(made.map((c) => c.kind)).toEqual(['endpoint', 'endpoint', 'endpoint', 'endpoint']);
    expect(rootInvoke(sys, ROOT_CNODE, InvocationLabel.CNodeRevoke, [UNTYPED_SLOT, 32]).error).toBe(0);
    expect([0, 1, 2, 3].map((i) => capAt(sys, ep + i).kind)).toEqual(['null', 'null', 'null', 'null']);
    expect(made.map((c) => 'obj' in c && c.obj.live)).toEqual([false, false, false, false]);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('retypes into a CNode named by node index and depth', () => {
    const sys = bootTestKernel();
    const cnode = retype(sys, ObjectType.CNode, 4);
    const r = rootInvoke(sys, UNTYPED_SLOT, InvocationLabel.UntypedRetype, [ObjectType.Endpoint, 0, cnode, 32, 3, 1], [ROOT_CNODE]);
    expect(r.error).toBe(0);
    const cap = capAt(sys, cnode);
    expect(cap.kind === 'cnode' && cap.obj.slots[3]!.cap.kind).toBe('endpoint');
    const notCNode = rootInvoke(sys, UNTYPED_SLOT, InvocationLabel.UntypedRetype, [ObjectType.Endpoint, 0, 1, 32, 3, 1], [ROOT_CNODE]);
    // seL4: the destination is not a CNode: FailedLookup, not the source, missing capability with the node depth left.
    expect(notCNode).toEqual({ error: SeL4Error.FailedLookup, mrs: [0, 2, 32] });
    const rootNotCNode = rootInvoke(sys, UNTYPED_SLOT, InvocationLabel.UntypedRetype, [ObjectType.Endpoint, 0, 0, 0, 3, 1], [ROOT_TCB]);
    expect(rootNotCNode).toEqual({ error: SeL4Error.FailedLookup, mrs: [0, 2, 0] });
  });
});

describe('Untyped_Retype: the message, the objects made, and memory that is not RAM', () => {
  it('needs six words and the root CNode cap (TruncatedMessage); a retype answers with no words', () => {
    const sys = bootTestKernel();
    const r = (mrs: number[], caps: number[]) => rootInvoke(sys, UNTYPED_SLOT, InvocationLabel.UntypedRetype, mrs, caps);
    expect(r([ObjectType.Endpoint, 0, 0, 0, 40, 1], []).error).toBe(SeL4Error.TruncatedMessage);
    expect(r([ObjectType.Endpoint, 0, 0, 0, 40], [ROOT_CNODE]).error).toBe(SeL4Error.TruncatedMessage);
    expect(r([ObjectType.Endpoint, 0, 0, 0, 40, 1], [ROOT_CNODE])).toEqual({ error: 0, mrs: [] });
  });

  it('a notification is 16 bytes whatever size is asked for (getObjectSize ignores it)', () => {
    const sys = bootTestKernel();
    const first = retype(sys, ObjectType.Notification, 8, 2);
    expect(paddrAt(sys, first + 1) - paddrAt(sys, first)).toBe(16);
    const ep = retype(sys, ObjectType.Endpoint, 8);
    expect(paddrAt(sys, ep) - paddrAt(sys, first + 1)).toBe(16);
  });

  it('new objects start empty: an idle endpoint, an idle unbound notification with word 0, a TCB named by its address', () => {
    const sys = bootTestKernel();
    const ep = capAt(sys, retype(sys, ObjectType.Endpoint));
    expect(ep.kind === 'endpoint' && [ep.obj.type, ep.obj.state, ep.obj.queue.length]).toEqual(['endpoint', 'idle', 0]);
    const n = capAt(sys, retype(sys, ObjectType.Notification));
    expect(n.kind === 'notification' && [n.obj.type, n.obj.state, n.obj.word, n.obj.queue.length, n.obj.boundTcb]).toEqual([
      'notification',
      'idle',
      0,
      0,
      null,
    ]);
    const tcb = capAt(sys, retype(sys, ObjectType.Tcb));
    expect(tcb.kind === 'tcb' && tcb.obj.name).toBe(`tcb@0x${(tcb.kind === 'tcb' ? tcb.obj.paddr : 0).toString(16)}`);
    const frame = capAt(sys, retype(sys, ObjectType.Page4K));
    expect(frame.kind === 'frame' && frame.obj.type).toBe('frame');
  });

  it('zeroes a page table it creates', () => {
    const sys = bootTestKernel();
    const base = RAM_BASE + sys.kernel.bootUntypeds[0]!.freeIndex;
    sys.memory.fill(base, 0x4000, 0xa5);
    const pt = retype(sys, ObjectType.PageTable);
    const paddr = paddrAt(sys, pt);
    for (let off = 0; off < 4096; off += 4) if (sys.memory.readU32(paddr + off) !== 0) throw new Error(`PTE ${off / 4} not zeroed`);
  });

  it('device memory is never zeroed, even where the machine backs it with RAM; a 4 MiB device frame is allowed', () => {
    const device = RAM_BASE + (1 << 23);
    const sys = bootTestKernel({
      untypeds: [
        { paddr: RAM_BASE, sizeBits: 23, isDevice: false },
        { paddr: device, sizeBits: 22, isDevice: true },
      ],
    });
    sys.memory.writeU32(device + 8, 0x1234_5678);
    const mega = retype(sys, ObjectType.MegaPage, 0, 1, DEVICE_UNTYPED_SLOT);
    expect(paddrAt(sys, mega)).toBe(device);
    expect(sys.memory.readU32(device + 8)).toBe(0x1234_5678);
    const cap = capAt(sys, mega);
    expect(cap.kind === 'frame' && cap.obj.isDevice).toBe(true);
  });

  it('an untyped the machine has no RAM behind yields frames and page tables without touching memory', () => {
    const sys = bootTestKernel({
      untypeds: [
        { paddr: RAM_BASE, sizeBits: 23, isDevice: false },
        { paddr: RAM_BASE + (1 << 25), sizeBits: 16, isDevice: false },
      ],
    });
    const frame = retype(sys, ObjectType.Page4K, 0, 1, DEVICE_UNTYPED_SLOT);
    const pt = retype(sys, ObjectType.PageTable, 0, 1, DEVICE_UNTYPED_SLOT);
    expect([paddrAt(sys, frame), paddrAt(sys, pt)]).toEqual([RAM_BASE + (1 << 25), RAM_BASE + (1 << 25) + 0x1000]);
  });
});
