// The slow path's syscall entry (runtime/kernel/syscall.ts, seL4 src/api/syscall.c handleInvocation,
// handleRecv, replyFromKernel): what each lookup failure becomes for each syscall, the message
// length a thread without an IPC buffer can send, a reply longer than the registers, a Call that
// stops its own caller, and the trace events of an entry.
import { describe, it, expect } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { encodeMessageInfo, InvocationLabel, IpcBufferOffset, Reg, SeL4Error, Syscall } from '../../../runtime/kernel/abi.js';
import type { KernelTraceEvent } from '../../../runtime/kernel/kernel.js';
import { badgeOf, bootTestKernel, createThread, expectOk, grant, infoOf, mr, resume, retype, rootInvoke, syscall } from './fixture.js';

const EP_SLOT = 1;
const NTFN_SLOT = 2;
const TCB_SLOT = 3;
/** Outside the 256-slot CNode: guard bits 0x000001 where the guard is 0. */
const UNRESOLVED = 0x100;
/** resolveAddressBits reports the CNode's guard (0) as guardFound, not the cptr's bits. */
const GUARD_MISMATCH = { type: 'guardMismatch', bitsLeft: 32, guardFound: 0, bitsFound: 24 } as const;

function system() {
  const sys = bootTestKernel();
  const ep = retype(sys, ObjectType.Endpoint);
  const ntfn = retype(sys, ObjectType.Notification);
  const t = createThread(sys, 't');
  const other = createThread(sys, 'other');
  grant(sys, t, EP_SLOT, ep, 15, 0x11);
  grant(sys, t, NTFN_SLOT, ntfn, 15, 0x4);
  grant(sys, t, TCB_SLOT, other.tcbSlot);
  resume(sys, t);
  return { sys, ep, ntfn, t, other };
}

describe('a cptr that does not resolve', () => {
  it('Call and Send raise a cap fault outside the receive phase; NBSend does nothing and runs on', () => {
    for (const no of [Syscall.Call, Syscall.Send]) {
      const { sys, t } = system();
      t.tcb.pc = 0x2000;
      syscall(sys, t.tcb, no, { a0: UNRESOLVED, mrs: [1] });
      expect(sys.faults, `syscall ${no}`).toEqual([{ thread: 't', fault: { type: 'cap', pc: 0x2000, address: UNRESOLVED, inRecvPhase: false, lookup: GUARD_MISMATCH } }]);
      expect(t.tcb.state).toBe('inactive');
    }
    const { sys, t } = system();
    t.tcb.pc = 0x2000;
    syscall(sys, t.tcb, Syscall.NBSend, { a0: UNRESOLVED, mrs: [1] });
    expect([sys.faults, t.tcb.state, t.tcb.pc]).toEqual([[], 'running', 0x2004]);
  });

  it('Recv and NBRecv raise a cap fault in the receive phase', () => {
    for (const no of [Syscall.Recv, Syscall.NBRecv]) {
      const { sys, t } = system();
      t.tcb.pc = 0x2000;
      syscall(sys, t.tcb, no, { a0: UNRESOLVED });
      expect(sys.faults, `syscall ${no}`).toEqual([{ thread: 't', fault: { type: 'cap', pc: 0x2000, address: UNRESOLVED, inRecvPhase: true, lookup: GUARD_MISMATCH } }]);
    }
  });

  it('Recv on a notification bound to another thread is a missing-capability fault with 0 bits left; bound to itself it waits', () => {
    const { sys, t, other, ntfn } = system();
    expectOk(rootInvoke(sys, other.tcbSlot, InvocationLabel.TCBBindNotification, [], [ntfn]));
    t.tcb.pc = 0x2000;
    syscall(sys, t.tcb, Syscall.Recv, { a0: NTFN_SLOT });
    expect(sys.faults).toEqual([
      { thread: 't', fault: { type: 'cap', pc: 0x2000, address: NTFN_SLOT, inRecvPhase: true, lookup: { type: 'missingCapability', bitsLeft: 0 } } },
    ]);
    const own = system();
    expectOk(rootInvoke(own.sys, own.t.tcbSlot, InvocationLabel.TCBBindNotification, [], [own.ntfn]));
    own.sys.kernel.fastpath = false;
    syscall(own.sys, own.t.tcb, Syscall.Recv, { a0: NTFN_SLOT });
    expect([own.sys.faults, own.t.tcb.state]).toEqual([[], 'blockedOnNotification']);
  });
});

describe('invocations through Call on the slow path', () => {
  it('a Call on a notification signals it and answers an empty success (replyFromKernel_success_empty)', () => {
    const { sys, t, ntfn } = system();
    sys.kernel.fastpath = false;
    t.tcb.regs[Reg.a0] = 0x55;
    syscall(sys, t.tcb, Syscall.Call, { a0: NTFN_SLOT, label: 9, mrs: [1, 2] });
    expect([badgeOf(t.tcb), infoOf(t.tcb)]).toEqual([0, { label: 0, length: 0, extraCaps: 0, capsUnwrapped: 0 }]);
    const obj = sys.kernel.rootCNode.slots[ntfn]!.cap;
    expect(obj.kind === 'notification' && [obj.obj.state, obj.obj.word]).toEqual(['active', 0x4]);
  });

  it('a Call on a notification without the write right is InvalidCapability 0 and signals nothing', () => {
    const { sys, t, ntfn } = system();
    grant(sys, t, 4, ntfn, 0b1110, 0x8);
    syscall(sys, t.tcb, Syscall.Call, { a0: 4, mrs: [1] });
    expect([infoOf(t.tcb).label, infoOf(t.tcb).length, mr(t.tcb, 0)]).toEqual([SeL4Error.InvalidCapability, 1, 0]);
    const obj = sys.kernel.rootCNode.slots[ntfn]!.cap;
    expect(obj.kind === 'notification' && obj.obj.state).toBe('idle');
  });

  it('a Send on a notification without the write right gets no reply: its registers stay as they were', () => {
    const { sys, t, ntfn } = system();
    grant(sys, t, 4, ntfn, 0b1110, 0x8);
    syscall(sys, t.tcb, Syscall.Send, { a0: 4, label: 9, mrs: [7] });
    expect([infoOf(t.tcb).label, infoOf(t.tcb).length, mr(t.tcb, 0), sys.faults]).toEqual([9, 1, 7, []]);
  });

  it('a read-only IPC buffer: the sender\'s words beyond the registers are read, a reply\'s are not written (seL4 lookupIPCBuffer)', () => {
    const { sys, t, other } = system();
    const readOnly = sys.nextSlot++;
    expectOk(rootInvoke(sys, 2, InvocationLabel.CNodeMint, [readOnly, 32, t.bufferSlot, 32, 0b0010, 0], [2]));
    expectOk(rootInvoke(sys, t.tcbSlot, InvocationLabel.TCBSetIPCBuffer, [0x0010_0000], [readOnly]));
    syscall(sys, t.tcb, Syscall.Call, { a0: TCB_SLOT, label: InvocationLabel.TCBWriteRegisters, mrs: [0, 3, 0x10, 0x20, 0x30] });
    expect(infoOf(t.tcb).label).toBe(0);
    expect(rootInvoke(sys, other.tcbSlot, InvocationLabel.TCBReadRegisters, [0, 3]).mrs).toEqual([0x10, 0x20, 0x30]);
    syscall(sys, t.tcb, Syscall.Call, { a0: TCB_SLOT, label: InvocationLabel.TCBReadRegisters, mrs: [0, 6] });
    expect(infoOf(t.tcb)).toEqual({ label: 0, length: 4, extraCaps: 0, capsUnwrapped: 0 });
  });

  it('without an IPC buffer a message has at most the 4 register words: WriteRegisters of 3 words (5 message words) is TruncatedMessage', () => {
    const { sys, t } = system();
    const call = () => syscall(sys, t.tcb, Syscall.Call, { a0: TCB_SLOT, label: InvocationLabel.TCBWriteRegisters, mrs: [0, 3, 0x10, 0x20, 0x30] });
    call();
    expect(infoOf(t.tcb).label).toBe(0);
    expectOk(rootInvoke(sys, t.tcbSlot, InvocationLabel.TCBSetIPCBuffer, [0], [t.bufferSlot]));
    call();
    expect(infoOf(t.tcb).label).toBe(SeL4Error.TruncatedMessage);
  });

  it('a length above seL4_MsgMaxLength (120) counts as 120: WriteRegisters of 119 words in 127 is TruncatedMessage, of 118 is not', () => {
    const { sys, t } = system();
    const call = (count: number) =>
      syscall(sys, t.tcb, Syscall.Call, { a0: TCB_SLOT, info: encodeMessageInfo(InvocationLabel.TCBWriteRegisters, 0, 0, 127), mrs: [0, count] });
    call(119);
    expect(infoOf(t.tcb).label).toBe(SeL4Error.TruncatedMessage);
    call(118);
    expect(infoOf(t.tcb).label).toBe(0);
  });

  it('a reply of 6 words puts MR4 and MR5 in the caller\'s IPC buffer', () => {
    const { sys, t, other } = system();
    other.tcb.regs.set([0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77], 0);
    other.tcb.pc = 0x4000;
    const expected = rootInvoke(sys, other.tcbSlot, InvocationLabel.TCBReadRegisters, [0, 6]);
    expect(expected.mrs).toHaveLength(6);
    syscall(sys, t.tcb, Syscall.Call, { a0: TCB_SLOT, label: InvocationLabel.TCBReadRegisters, mrs: [0, 6] });
    expect(infoOf(t.tcb)).toEqual({ label: 0, length: 6, extraCaps: 0, capsUnwrapped: 0 });
    const words = [0, 1, 2, 3].map((i) => mr(t.tcb, i));
    for (const i of [4, 5]) words.push(sys.memory.readU32(t.bufferPaddr + IpcBufferOffset.msg + 4 * i));
    expect(words).toEqual(expected.mrs);
  });

  it('a Call that suspends its own caller gets no reply', () => {
    const { sys, t } = system();
    grant(sys, t, 4, t.tcbSlot);
    t.tcb.regs[Reg.a2] = 0x5a;
    syscall(sys, t.tcb, Syscall.Call, { a0: 4, label: InvocationLabel.TCBSuspend });
    expect(t.tcb.state).toBe('inactive');
    // a1 still holds the request's info word, a2 its first word: nothing was written back.
    expect([infoOf(t.tcb), mr(t.tcb, 0)]).toEqual([{ label: InvocationLabel.TCBSuspend, length: 0, extraCaps: 0, capsUnwrapped: 0 }, 0x5a]);
  });
});

describe('what gets no reply, what is a fault', () => {
  it('Recv on a cap that is neither an endpoint nor a notification, or on an empty slot, is a missing-capability fault with 0 bits left', () => {
    for (const cptr of [TCB_SLOT, 7]) {
      const { sys, t } = system();
      // Twice: the first lookup makes the empty slot 7, the second (fast path first) finds it made.
      for (const pc of [0x2000, 0x3000]) {
        t.tcb.pc = pc;
        syscall(sys, t.tcb, Syscall.Recv, { a0: cptr });
      }
      expect(sys.faults).toEqual(
        [0x2000, 0x3000].map((pc) => ({ thread: 't', fault: { type: 'cap', pc, address: cptr, inRecvPhase: true, lookup: { type: 'missingCapability', bitsLeft: 0 } } })),
      );
    }
  });

  it('a Send of a kernel invocation is performed but not answered', () => {
    const { sys, t, other } = system();
    syscall(sys, t.tcb, Syscall.Send, { a0: TCB_SLOT, label: InvocationLabel.TCBSetPriority, mrs: [50] });
    expect(infoOf(t.tcb)).toEqual({ label: InvocationLabel.TCBSetPriority, length: 1, extraCaps: 0, capsUnwrapped: 0 });
    expect(mr(t.tcb, 0)).toBe(50);
    expect(other.tcb.priority).toBe(100);
    syscall(sys, t.tcb, Syscall.Send, { a0: TCB_SLOT, label: InvocationLabel.TCBReadRegisters, mrs: [0, 2] });
    expect([infoOf(t.tcb).label, mr(t.tcb, 0), mr(t.tcb, 1), sys.faults]).toEqual([InvocationLabel.TCBReadRegisters, 0, 2, []]);
  });

  it('NBSend to a waiting receiver delivers without a reply cap, and a kernel invocation by NBSend is not answered', () => {
    const { sys, t, other, ep } = system();
    grant(sys, other, 1, ep);
    resume(sys, other);
    syscall(sys, other.tcb, Syscall.Recv, { a0: 1 });
    syscall(sys, t.tcb, Syscall.NBSend, { a0: EP_SLOT, label: 4, mrs: [6] });
    expect([t.tcb.state, other.tcb.state, other.tcb.caller.cap.kind, infoOf(other.tcb).label, mr(other.tcb, 0)]).toEqual(['running', 'running', 'null', 4, 6]);
    syscall(sys, t.tcb, Syscall.NBSend, { a0: TCB_SLOT, label: InvocationLabel.TCBReadRegisters, mrs: [0, 2] });
    expect([infoOf(t.tcb).label, mr(t.tcb, 0), mr(t.tcb, 1)]).toEqual([InvocationLabel.TCBReadRegisters, 0, 2]);
  });

  it('without an IPC buffer a 1-word message stays 1 word: ReadRegisters is TruncatedMessage', () => {
    const { sys, t } = system();
    expectOk(rootInvoke(sys, t.tcbSlot, InvocationLabel.TCBSetIPCBuffer, [0], [t.bufferSlot]));
    t.tcb.regs.set([2, 2, 2], Reg.a3);
    syscall(sys, t.tcb, Syscall.Call, { a0: TCB_SLOT, label: InvocationLabel.TCBReadRegisters, mrs: [0] });
    expect(infoOf(t.tcb).label).toBe(SeL4Error.TruncatedMessage);
  });

  it('a Send on a saved reply cap answers the caller and gives the sender nothing back', () => {
    const { sys, t, other, ep } = system();
    grant(sys, other, 1, ep);
    grant(sys, t, 8, t.cnodeSlot);
    resume(sys, other);
    syscall(sys, t.tcb, Syscall.Recv, { a0: EP_SLOT });
    syscall(sys, other.tcb, Syscall.Call, { a0: 1, mrs: [1] });
    syscall(sys, t.tcb, Syscall.Call, { a0: 8, label: InvocationLabel.CNodeSaveCaller, mrs: [9, 8] });
    expect(infoOf(t.tcb).label).toBe(0);
    t.tcb.regs[Reg.a0] = 0x55;
    syscall(sys, t.tcb, Syscall.Send, { a0: 9, label: 5, mrs: [77] });
    expect([other.tcb.state, infoOf(other.tcb).label, mr(other.tcb, 0)]).toEqual(['running', 5, 77]);
    expect([infoOf(t.tcb).label, infoOf(t.tcb).length, mr(t.tcb, 0), badgeOf(t.tcb)]).toEqual([5, 1, 77, 9]);
  });

  it('Yield is no fault: the thread stays runnable behind the others of its priority', () => {
    const { sys, t, other } = system();
    resume(sys, other);
    syscall(sys, t.tcb, Syscall.Yield);
    expect(sys.faults).toEqual([]);
    expect([t.tcb.state, sys.kernel.current]).toEqual(['running', other.tcb]);
    expect(sys.kernel.readyQueues[100]).toEqual([t.tcb]);
  });
});

describe('trace events of a kernel entry', () => {
  it('a syscall event with the thread, number, cptr and info word, then the invocation with its error', () => {
    const events: KernelTraceEvent[] = [];
    const { sys, t } = system();
    sys.kernel.hooks.trace = (event) => events.push(event);
    syscall(sys, t.tcb, Syscall.Call, { a0: TCB_SLOT, label: InvocationLabel.TCBReadRegisters, mrs: [0, 0] });
    const info = (InvocationLabel.TCBReadRegisters << 12) | 2;
    expect(events).toEqual([
      { kind: 'syscall', thread: 't', syscall: Syscall.Call, cptr: TCB_SLOT, info },
      { kind: 'invocation', thread: 't', label: InvocationLabel.TCBReadRegisters, error: SeL4Error.RangeError },
    ]);
  });
});
