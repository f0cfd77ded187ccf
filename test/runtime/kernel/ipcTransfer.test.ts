// Message transfer at its edges (seL4 src/kernel/thread.c doIPCTransfer, doNormalTransfer, copyMRs,
// transferCaps, getReceiveSlots; src/api/syscall.c handleRecv's deleteCallerCap): a long message
// exactly at seL4_MsgMaxLength and past it, with and without either thread's IPC buffer (a receiver
// needs a writable one, a sender one it may read); extra caps looked up only as many as the message
// info says, unwrapped into badges when they name the endpoint itself, otherwise at most one
// granted into an empty receive slot, and none when the receive slot cannot be found, is full, or
// the cap cannot be derived.
import { describe, it, expect } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { encodeMessageInfo, InvocationLabel as L, IpcBufferOffset, MSG_MAX_LENGTH, Reg, Syscall } from '../../../runtime/kernel/abi.js';
import type { KernelTraceEvent } from '../../../runtime/kernel/kernel.js';
import type { Cap } from '../../../runtime/kernel/objects.js';
import {
  badgeOf,
  bufferMr,
  capAt,
  grant,
  infoOf,
  mr,
  retype,
  ROOT_CNODE,
  rootInvoke,
  spoilBuffer,
  syscall,
  threadsOnEndpoint,
  type TestSystem,
  type TestThread,
  UNRESOLVED_CPTR,
} from './fixture.js';

const EP_SLOT = 1;
/** The receiver's receive slot: slot RECV_SLOT of its own CNode, named through the CNode cap at RECV_CNODE. */
const RECV_CNODE = 8;
const RECV_SLOT = 9;

function pair(options: { trace?: KernelTraceEvent[] } = {}) {
  const events = options.trace;
  const hooks = events ? { trace: (e: KernelTraceEvent) => events.push(e) } : undefined;
  const { sys, epSlot, threads } = threadsOnEndpoint(['sender', 'receiver'], { slot: EP_SLOT, hooks });
  const [a, b] = threads as [TestThread, TestThread];
  return { sys, epSlot, a, b };
}

/** MRs 0..n-1 of a message: i + 0x100. */
function longMessage(n: number): number[] {
  return Array.from({ length: n }, (_, i) => 0x100 + i);
}

function receiveSlotIn(sys: TestSystem, t: TestThread, index = RECV_SLOT, depth = 8): void {
  grant(sys, t, RECV_CNODE, t.cnodeSlot);
  sys.memory.writeU32(t.bufferPaddr + IpcBufferOffset.receiveCNode, RECV_CNODE);
  sys.memory.writeU32(t.bufferPaddr + IpcBufferOffset.receiveIndex, index);
  sys.memory.writeU32(t.bufferPaddr + IpcBufferOffset.receiveDepth, depth);
}

function slotOf(sys: TestSystem, t: TestThread, i: number): Cap {
  const cnode = capAt(sys, t.cnodeSlot);
  if (cnode.kind !== 'cnode') throw new Error(cnode.kind);
  return cnode.obj.slots.at(i)!.cap;
}

function setCaps(sys: TestSystem, t: TestThread, cptrs: readonly number[]): void {
  cptrs.forEach((c, i) => sys.memory.writeU32(t.bufferPaddr + IpcBufferOffset.capsOrBadges + 4 * i, c));
}

describe('long messages', () => {
  it(`exactly seL4_MsgMaxLength (${MSG_MAX_LENGTH}) words arrive whole`, () => {
    const { sys, a, b } = pair();
    syscall(sys, b.tcb, Syscall.Recv, { a0: EP_SLOT });
    syscall(sys, a.tcb, Syscall.Send, { a0: EP_SLOT, label: 5, mrs: longMessage(MSG_MAX_LENGTH) });
    expect(infoOf(b.tcb)).toEqual({ label: 5, length: MSG_MAX_LENGTH, extraCaps: 0, capsUnwrapped: 0 });
    expect([mr(b.tcb, 0), mr(b.tcb, 3), bufferMr(sys, b, 4), bufferMr(sys, b, MSG_MAX_LENGTH - 1)]).toEqual([
      0x100,
      0x103,
      0x104,
      0x100 + MSG_MAX_LENGTH - 1,
    ]);
  });

  it('a length past seL4_MsgMaxLength is cut to it; the word after the last is not copied', () => {
    const { sys, a, b } = pair();
    // MR 120 would sit at offset 484 (userData): the sender's copy must not reach the receiver's.
    sys.memory.writeU32(a.bufferPaddr + IpcBufferOffset.msg + 4 * MSG_MAX_LENGTH, 0xaaaa);
    sys.memory.writeU32(b.bufferPaddr + IpcBufferOffset.msg + 4 * MSG_MAX_LENGTH, 0xbbbb);
    syscall(sys, b.tcb, Syscall.Recv, { a0: EP_SLOT });
    const mrs = longMessage(MSG_MAX_LENGTH);
    syscall(sys, a.tcb, Syscall.Send, { a0: EP_SLOT, mrs, length: MSG_MAX_LENGTH + 1 });
    expect(infoOf(b.tcb).length).toBe(MSG_MAX_LENGTH);
    expect(bufferMr(sys, b, MSG_MAX_LENGTH)).toBe(0xbbbb);
  });

  const cases: [string, (a: TestThread, b: TestThread) => void, number][] = [
    ['the sender has no IPC buffer', (a) => spoilBuffer(a, 'none'), 4],
    ['the receiver has no IPC buffer', (_, b) => spoilBuffer(b, 'none'), 4],
    ["the receiver's buffer frame is read-only (a receiver needs to write it)", (_, b) => spoilBuffer(b, 'readOnly'), 4],
    ["the sender's buffer frame is read-only (a sender only reads it)", (a) => spoilBuffer(a, 'readOnly'), 6],
  ];
  for (const [name, setup, length] of cases) {
    it(`six words when ${name}: ${length} arrive`, () => {
      const { sys, a, b } = pair();
      // What the sender's buffer holds either way (syscall writes only through a frame cap).
      sys.memory.writeU32(a.bufferPaddr + IpcBufferOffset.msg + 16, 0x104);
      sys.memory.writeU32(a.bufferPaddr + IpcBufferOffset.msg + 20, 0x105);
      sys.memory.writeU32(b.bufferPaddr + IpcBufferOffset.msg + 16, 0xdead);
      setup(a, b);
      syscall(sys, b.tcb, Syscall.Recv, { a0: EP_SLOT });
      syscall(sys, a.tcb, Syscall.Send, { a0: EP_SLOT, mrs: longMessage(6) });
      expect(infoOf(b.tcb).length).toBe(length);
      expect([0, 1, 2, 3].map((i) => mr(b.tcb, i))).toEqual([0x100, 0x101, 0x102, 0x103]);
      expect(bufferMr(sys, b, 4)).toBe(length > 4 ? 0x104 : 0xdead);
    });
  }
});

describe('extra caps', () => {
  it('only as many caps as the message info says are looked up: a bad cptr after them does not matter', () => {
    const { sys, a, b } = pair();
    const ntfn = retype(sys, ObjectType.Notification);
    grant(sys, a, 2, ntfn);
    setCaps(sys, a, [2, UNRESOLVED_CPTR, UNRESOLVED_CPTR]);
    receiveSlotIn(sys, b);
    syscall(sys, b.tcb, Syscall.Recv, { a0: EP_SLOT });
    syscall(sys, a.tcb, Syscall.Send, { a0: EP_SLOT, extraCaps: 1 });
    expect([a.tcb.state, infoOf(b.tcb).extraCaps, slotOf(sys, b, RECV_SLOT).kind]).toEqual(['running', 1, 'notification']);
  });

  it('caps naming the endpoint itself arrive as badges, each in its own word (capsUnwrapped)', () => {
    const { sys, epSlot, a, b } = pair();
    grant(sys, a, 2, epSlot, 15, 0x41);
    grant(sys, a, 3, epSlot, 15, 0x42);
    setCaps(sys, a, [2, 3]);
    receiveSlotIn(sys, b);
    syscall(sys, b.tcb, Syscall.Recv, { a0: EP_SLOT });
    syscall(sys, a.tcb, Syscall.Send, { a0: EP_SLOT, extraCaps: 2 });
    expect(infoOf(b.tcb)).toMatchObject({ extraCaps: 2, capsUnwrapped: 0b11 });
    const badges = [0, 1].map((i) => sys.memory.readU32(b.bufferPaddr + IpcBufferOffset.capsOrBadges + 4 * i));
    expect(badges).toEqual([0x41, 0x42]);
    expect(slotOf(sys, b, RECV_SLOT).kind).toBe('null');
  });

  it('a cap to another endpoint is granted, not unwrapped', () => {
    const { sys, a, b } = pair();
    const other = retype(sys, ObjectType.Endpoint);
    grant(sys, a, 2, other, 15, 0x43);
    setCaps(sys, a, [2]);
    receiveSlotIn(sys, b);
    syscall(sys, b.tcb, Syscall.Recv, { a0: EP_SLOT });
    syscall(sys, a.tcb, Syscall.Send, { a0: EP_SLOT, extraCaps: 1 });
    expect(infoOf(b.tcb)).toMatchObject({ extraCaps: 1, capsUnwrapped: 0 });
    expect(slotOf(sys, b, RECV_SLOT)).toMatchObject({ kind: 'endpoint', badge: 0x43 });
  });

  it('a receiver without an IPC buffer gets no cap and no badge', () => {
    const { sys, epSlot, a, b } = pair();
    grant(sys, a, 2, epSlot, 15, 0x41);
    setCaps(sys, a, [2]);
    spoilBuffer(b, 'none');
    syscall(sys, b.tcb, Syscall.Recv, { a0: EP_SLOT });
    syscall(sys, a.tcb, Syscall.Send, { a0: EP_SLOT, extraCaps: 1, mrs: [1] });
    expect(infoOf(b.tcb)).toEqual({ label: 0, length: 1, extraCaps: 0, capsUnwrapped: 0 });
  });

  const noSlot: [string, (sys: TestSystem, b: TestThread) => void][] = [
    ['the receive CNode cptr does not resolve', (sys, b) => sys.memory.writeU32(b.bufferPaddr + IpcBufferOffset.receiveCNode, UNRESOLVED_CPTR)],
    ['the receive slot is full', (sys, b) => grant(sys, b, RECV_SLOT, b.cnodeSlot)],
    ['the receive depth is wrong', (sys, b) => sys.memory.writeU32(b.bufferPaddr + IpcBufferOffset.receiveDepth, 5)],
  ];
  for (const [name, spoil] of noSlot) {
    it(`no cap is granted when ${name}; the message still arrives`, () => {
      const { sys, a, b } = pair();
      const ntfn = retype(sys, ObjectType.Notification);
      grant(sys, a, 2, ntfn);
      setCaps(sys, a, [2]);
      receiveSlotIn(sys, b);
      spoil(sys, b);
      const before = slotOf(sys, b, RECV_SLOT).kind;
      syscall(sys, b.tcb, Syscall.Recv, { a0: EP_SLOT });
      syscall(sys, a.tcb, Syscall.Send, { a0: EP_SLOT, extraCaps: 1, mrs: [7] });
      expect([infoOf(b.tcb).extraCaps, mr(b.tcb, 0), slotOf(sys, b, RECV_SLOT).kind]).toEqual([0, 7, before]);
    });
  }

  it('an empty slot or a cap deriveCap refuses (an unmapped page table) ends the transfer', () => {
    for (const setup of [
      // CNode_Move, not Mint: an unmapped page table cannot be derived (Arch_deriveCap), only moved.
      (sys: TestSystem, a: TestThread) => {
        const pt = retype(sys, ObjectType.PageTable);
        expect(rootInvoke(sys, a.cnodeSlot, L.CNodeMove, [2, 8, pt, 32], [ROOT_CNODE]).error).toBe(0);
        expect(slotOf(sys, a, 2).kind).toBe('pageTable');
      },
      () => undefined,
    ]) {
      const { sys, a, b } = pair();
      setup(sys, a);
      setCaps(sys, a, [2]);
      receiveSlotIn(sys, b);
      syscall(sys, b.tcb, Syscall.Recv, { a0: EP_SLOT });
      syscall(sys, a.tcb, Syscall.Send, { a0: EP_SLOT, extraCaps: 1, mrs: [7] });
      expect([infoOf(b.tcb).extraCaps, mr(b.tcb, 0), slotOf(sys, b, RECV_SLOT).kind]).toEqual([0, 7, 'null']);
    }
  });

  it('caps looked up when the transfer happens: a queued sender whose cptr no longer resolves sends none', () => {
    const { sys, a, b } = pair();
    const ntfn = retype(sys, ObjectType.Notification);
    grant(sys, a, 2, ntfn);
    setCaps(sys, a, [2]);
    receiveSlotIn(sys, b);
    syscall(sys, a.tcb, Syscall.Send, { a0: EP_SLOT, extraCaps: 1, mrs: [7] });
    expect(a.tcb.state).toBe('blockedOnSend');
    setCaps(sys, a, [UNRESOLVED_CPTR]);
    syscall(sys, b.tcb, Syscall.Recv, { a0: EP_SLOT });
    expect([a.tcb.state, infoOf(b.tcb).extraCaps, mr(b.tcb, 0), slotOf(sys, b, RECV_SLOT).kind]).toEqual(['running', 0, 7, 'null']);
  });
});

describe('the caller slot', () => {
  it('a second Recv without a Reply drops the reply cap: a Reply after it answers nobody', () => {
    const { sys, a, b } = pair();
    syscall(sys, b.tcb, Syscall.Recv, { a0: EP_SLOT });
    syscall(sys, a.tcb, Syscall.Call, { a0: EP_SLOT, mrs: [1] });
    expect(b.tcb.caller.cap.kind).toBe('reply');
    syscall(sys, b.tcb, Syscall.NBRecv, { a0: EP_SLOT });
    expect(b.tcb.caller.cap.kind).toBe('null');
    syscall(sys, b.tcb, Syscall.Reply, { mrs: [2] });
    expect(a.tcb.state).toBe('blockedOnReply');
  });
});

describe('trace events', () => {
  it('a message is traced with sender, receiver, badge, label and length', () => {
    const events: KernelTraceEvent[] = [];
    const { sys, a, b } = pair({ trace: events });
    syscall(sys, b.tcb, Syscall.Recv, { a0: EP_SLOT });
    syscall(sys, a.tcb, Syscall.Send, { a0: EP_SLOT, label: 3, mrs: [1, 2] });
    expect(events.filter((e) => e.kind === 'ipc')).toEqual([{ kind: 'ipc', from: 'sender', to: 'receiver', badge: 1, label: 3, length: 2 }]);
    expect([badgeOf(b.tcb), b.tcb.regs[Reg.a1]! >>> 0]).toEqual([1, encodeMessageInfo(3, 0, 0, 2)]);
  });
});
