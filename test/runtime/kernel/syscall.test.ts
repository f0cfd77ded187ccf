// Every syscall of the pinned non-MCS ABI entered as the CPU would (registers in the TCB): IPC with
// badges and MRs, Call/Reply, notifications, bound notifications, faults and their messages.
import { describe, it, expect } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { FaultType, InvocationLabel, IpcBufferOffset, Reg, SeL4Error, Syscall } from '../../../runtime/kernel/abi.js';
import { checkInvariants } from '../../../runtime/kernel/invariants.js';
import { schedule } from '../../../runtime/kernel/scheduler.js';
import { faultFromTrap } from '../../../runtime/kernel/faults.js';
import { handleUserFault } from '../../../runtime/kernel/syscall.js';
import { Cause } from '../../../runtime/machine/trap.js';
import {
  badgeOf,
  bootTestKernel,
  createThread,
  grant,
  infoOf,
  mr,
  resume,
  retype,
  rootInvoke,
  syscall,
  type TestSystem,
} from './fixture.js';

const EP_SLOT = 1;
const NTFN_SLOT = 5;

function pair(priorityA = 100, priorityB = 100) {
  const sys = bootTestKernel();
  const ep = retype(sys, ObjectType.Endpoint);
  const a = createThread(sys, 'client', priorityA);
  const b = createThread(sys, 'server', priorityB);
  grant(sys, a, EP_SLOT, ep, 15, 0x11);
  grant(sys, b, EP_SLOT, ep, 15, 0);
  resume(sys, a);
  resume(sys, b);
  return { sys, ep, a, b };
}

describe('Send and Recv', () => {
  it('a receiver blocks, a sender delivers label, MRs and its badge', () => {
    const { sys, a, b } = pair();
    syscall(sys, b.tcb, Syscall.Recv, { a0: EP_SLOT });
    expect(b.tcb.state).toBe('blockedOnReceive');
    syscall(sys, a.tcb, Syscall.Send, { a0: EP_SLOT, label: 7, mrs: [1, 2, 3, 4, 5, 6] });
    expect(b.tcb.state).toBe('running');
    expect(a.tcb.state).toBe('running');
    expect(badgeOf(b.tcb)).toBe(0x11);
    expect(infoOf(b.tcb)).toEqual({ label: 7, length: 6, extraCaps: 0, capsUnwrapped: 0 });
    expect([0, 1, 2, 3].map((i) => mr(b.tcb, i))).toEqual([1, 2, 3, 4]);
    // MR4 and MR5 travel through the IPC buffers.
    expect(sys.memory.readU32(b.bufferPaddr + IpcBufferOffset.msg + 16)).toBe(5);
    expect(sys.memory.readU32(b.bufferPaddr + IpcBufferOffset.msg + 20)).toBe(6);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('a sender blocks until a receiver arrives', () => {
    const { sys, a, b } = pair();
    syscall(sys, a.tcb, Syscall.Send, { a0: EP_SLOT, label: 3, mrs: [42] });
    expect(a.tcb.state).toBe('blockedOnSend');
    syscall(sys, b.tcb, Syscall.Recv, { a0: EP_SLOT });
    expect(mr(b.tcb, 0)).toBe(42);
    expect(a.tcb.state).toBe('running');
  });

  it('NBSend without a receiver is dropped; NBRecv without a sender returns badge 0', () => {
    const { sys, a, b } = pair();
    syscall(sys, a.tcb, Syscall.NBSend, { a0: EP_SLOT, mrs: [1] });
    expect(a.tcb.state).toBe('running');
    b.tcb.regs[Reg.a0] = 99;
    syscall(sys, b.tcb, Syscall.NBRecv, { a0: EP_SLOT });
    expect(b.tcb.state).toBe('running');
    expect(badgeOf(b.tcb)).toBe(0);
  });

  it('Call leaves a reply cap; Reply answers and wakes the caller', () => {
    const { sys, a, b } = pair();
    syscall(sys, b.tcb, Syscall.Recv, { a0: EP_SLOT });
    syscall(sys, a.tcb, Syscall.Call, { a0: EP_SLOT, label: 1, mrs: [10] });
    expect(a.tcb.state).toBe('blockedOnReply');
    expect(b.tcb.caller.cap.kind).toBe('reply');
    syscall(sys, b.tcb, Syscall.Reply, { label: 0, mrs: [mr(b.tcb, 0) + 1] });
    expect(a.tcb.state).toBe('running');
    expect(mr(a.tcb, 0)).toBe(11);
    expect(badgeOf(a.tcb)).toBe(0);
    expect(b.tcb.caller.cap.kind).toBe('null');
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('ReplyRecv replies and waits again in one syscall', () => {
    const { sys, a, b } = pair();
    syscall(sys, b.tcb, Syscall.Recv, { a0: EP_SLOT });
    syscall(sys, a.tcb, Syscall.Call, { a0: EP_SLOT, mrs: [5] });
    syscall(sys, b.tcb, Syscall.ReplyRecv, { a0: EP_SLOT, mrs: [6] });
    expect(mr(a.tcb, 0)).toBe(6);
    expect(b.tcb.state).toBe('blockedOnReceive');
  });

  it('Reply with no reply cap does nothing', () => {
    const { sys, b } = pair();
    syscall(sys, b.tcb, Syscall.Reply, { mrs: [1] });
    expect(b.tcb.state).toBe('running');
  });

  it('an endpoint cap without the write right cannot send; without read it cannot receive', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    const t = createThread(sys, 't');
    grant(sys, t, EP_SLOT, ep, 0b0010);
    grant(sys, t, 2, ep, 0b0001);
    resume(sys, t);
    syscall(sys, t.tcb, Syscall.Call, { a0: EP_SLOT, mrs: [1] });
    expect(infoOf(t.tcb).label).toBe(SeL4Error.InvalidCapability);
    syscall(sys, t.tcb, Syscall.Recv, { a0: 2 });
    expect(t.tcb.state).toBe('inactive');
    expect(sys.faults).toHaveLength(1);
    expect(sys.faults[0]!.fault).toMatchObject({ type: 'cap', address: 2, inRecvPhase: true });
  });

  it('a Call on an empty slot returns InvalidCapability; a cptr beyond the guard is a cap fault', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    resume(sys, t);
    syscall(sys, t.tcb, Syscall.Call, { a0: 77, label: InvocationLabel.TCBSuspend });
    expect(infoOf(t.tcb).label).toBe(SeL4Error.InvalidCapability);
    expect(mr(t.tcb, 0)).toBe(0);
    syscall(sys, t.tcb, Syscall.Call, { a0: 0x1000, label: 1 });
    expect(t.tcb.state).toBe('inactive');
    expect(sys.faults[0]!.fault).toMatchObject({ type: 'cap', address: 0x1000, inRecvPhase: false, lookup: { type: 'guardMismatch' } });
  });
});

describe('kernel invocations through Call', () => {
  it('an invocation error comes back as the reply label with its MRs', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    grant(sys, t, 3, t.cnodeSlot, 15);
    resume(sys, t);
    // CNode_Delete with depth 40: RangeError(1, 32).
    syscall(sys, t.tcb, Syscall.Call, { a0: 3, label: InvocationLabel.CNodeDelete, mrs: [9, 40] });
    expect(infoOf(t.tcb)).toMatchObject({ label: SeL4Error.RangeError, length: 2 });
    expect([mr(t.tcb, 0), mr(t.tcb, 1)]).toEqual([1, 32]);
    syscall(sys, t.tcb, Syscall.Call, { a0: 3, label: InvocationLabel.CNodeDelete, mrs: [9, 8] });
    expect(infoOf(t.tcb)).toMatchObject({ label: 0, length: 0 });
  });

  it('extra caps come from the IPC buffer', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    const ep = retype(sys, ObjectType.Endpoint);
    grant(sys, t, 3, t.cnodeSlot, 15);
    grant(sys, t, 4, ep, 15);
    resume(sys, t);
    sys.memory.writeU32(t.bufferPaddr + IpcBufferOffset.capsOrBadges, 3);
    // CNode_Mint(dest 20, depth 8, src_root = cap 3, src 4, depth 8, rights all, badge 5)
    syscall(sys, t.tcb, Syscall.Call, { a0: 3, label: InvocationLabel.CNodeMint, extraCaps: 1, mrs: [20, 8, 4, 8, 15, 5] });
    expect(infoOf(t.tcb).label).toBe(0);
    const cnode = sys.kernel.rootCNode.slots[t.cnodeSlot]!.cap;
    const minted = cnode.kind === 'cnode' ? cnode.obj.slots[20]!.cap : null;
    expect(minted?.kind === 'endpoint' && minted.badge).toBe(5);
  });
});

describe('notifications', () => {
  function withNotification(sys: TestSystem) {
    const ntfn = retype(sys, ObjectType.Notification);
    const a = createThread(sys, 'a');
    const b = createThread(sys, 'b');
    grant(sys, a, NTFN_SLOT, ntfn, 0b0001, 0b100);
    grant(sys, b, NTFN_SLOT, ntfn, 0b0010);
    resume(sys, a);
    resume(sys, b);
    return { ntfn, a, b };
  }

  it('signals OR their badges until a wait collects them', () => {
    const sys = bootTestKernel();
    const { a, b, ntfn } = withNotification(sys);
    grant(sys, a, 6, ntfn, 0b0001, 0b001);
    syscall(sys, a.tcb, Syscall.Send, { a0: NTFN_SLOT });
    syscall(sys, a.tcb, Syscall.Send, { a0: 6 });
    syscall(sys, b.tcb, Syscall.Recv, { a0: NTFN_SLOT });
    expect(b.tcb.state).toBe('running');
    expect(badgeOf(b.tcb)).toBe(0b101);
    syscall(sys, b.tcb, Syscall.NBRecv, { a0: NTFN_SLOT });
    expect(badgeOf(b.tcb)).toBe(0);
  });

  it('a waiter blocks and is woken with the badge', () => {
    const sys = bootTestKernel();
    const { a, b } = withNotification(sys);
    syscall(sys, b.tcb, Syscall.Recv, { a0: NTFN_SLOT });
    expect(b.tcb.state).toBe('blockedOnNotification');
    syscall(sys, a.tcb, Syscall.Send, { a0: NTFN_SLOT });
    expect(b.tcb.state).toBe('running');
    expect(badgeOf(b.tcb)).toBe(0b100);
  });

  it('a bound notification wakes a thread waiting on its endpoint', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    const { a, b, ntfn } = withNotification(sys);
    grant(sys, b, EP_SLOT, ep, 15);
    syscall(sys, b.tcb, Syscall.Recv, { a0: EP_SLOT });
    expect(b.tcb.state).toBe('blockedOnReceive');
    // Bind through the root task, then signal.
    expect(rootInvoke(sys, b.tcbSlot, InvocationLabel.TCBBindNotification, [], [ntfn]).error).toBe(0);
    syscall(sys, a.tcb, Syscall.Send, { a0: NTFN_SLOT });
    expect(b.tcb.state).toBe('running');
    expect(badgeOf(b.tcb)).toBe(0b100);
    // An active bound notification is collected by the next endpoint Recv without blocking.
    syscall(sys, a.tcb, Syscall.Send, { a0: NTFN_SLOT });
    syscall(sys, b.tcb, Syscall.Recv, { a0: EP_SLOT });
    expect(b.tcb.state).toBe('running');
    expect(badgeOf(b.tcb)).toBe(0b100);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });
});

describe('other syscalls', () => {
  it('DebugPutChar writes a0 to the console', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    resume(sys, t);
    for (const c of 'hi\n') syscall(sys, t.tcb, Syscall.DebugPutChar, { a0: c.charCodeAt(0) });
    expect(Buffer.from(sys.output).toString()).toBe('hi\n');
  });

  it('Yield lets the next thread of the same priority run', () => {
    const { sys, a, b } = pair();
    schedule(sys.kernel);
    const first = sys.kernel.current!;
    const other = first === a.tcb ? b.tcb : a.tcb;
    syscall(sys, first, Syscall.Yield);
    expect(sys.kernel.current).toBe(other);
  });

  it('an unknown syscall number is an UnknownSyscall fault; the ecall pc is reported', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't');
    resume(sys, t);
    t.tcb.pc = 0x1234;
    syscall(sys, t.tcb, -42);
    expect(sys.faults[0]!.fault).toEqual({ type: 'unknownSyscall', pc: 0x1234, syscall: -42 >>> 0 });
    expect(t.tcb.state).toBe('inactive');
  });
});

describe('fault messages to a fault handler', () => {
  function handled() {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    const faulter = createThread(sys, 'faulter', 100, 2);
    const handler = createThread(sys, 'handler', 200);
    grant(sys, faulter, 2, ep, 0b0101, 0x77);
    grant(sys, handler, EP_SLOT, ep, 15);
    resume(sys, faulter);
    resume(sys, handler);
    syscall(sys, handler.tcb, Syscall.Recv, { a0: EP_SLOT });
    return { sys, faulter, handler };
  }

  it('a VM fault arrives as label VMFault with IP, Addr, PrefetchFault, FSR', () => {
    const { sys, faulter, handler } = handled();
    faulter.tcb.pc = 0x2000;
    handleUserFault(sys.kernel, faulter.tcb, faultFromTrap(Cause.LoadPageFault, 0x1000_0004, 0x2000));
    expect(infoOf(handler.tcb)).toMatchObject({ label: FaultType.VMFault, length: 4 });
    expect([0, 1, 2, 3].map((i) => mr(handler.tcb, i))).toEqual([0x2000, 0x1000_0004, 0, 5]);
    expect(badgeOf(handler.tcb)).toBe(0x77);
    expect(faulter.tcb.state).toBe('blockedOnReply');
    // Replying with label 0 restarts the thread at the faulting pc.
    syscall(sys, handler.tcb, Syscall.Reply, { label: 0 });
    expect([faulter.tcb.state, faulter.tcb.pc]).toEqual(['restart', 0x2000]);
    expect(sys.faults).toEqual([]);
  });

  it('a user exception carries FaultIP, SP, Number, Code; a non-zero reply label stops the thread', () => {
    const { sys, faulter, handler } = handled();
    faulter.tcb.regs[Reg.sp] = 0x9000;
    faulter.tcb.pc = 0x3000;
    handleUserFault(sys.kernel, faulter.tcb, { type: 'userException', pc: 0x3000, number: 2, code: 0 });
    expect(infoOf(handler.tcb)).toMatchObject({ label: FaultType.UserException, length: 4 });
    expect([0, 1, 2, 3].map((i) => mr(handler.tcb, i))).toEqual([0x3000, 0x9000, 2, 0]);
    syscall(sys, handler.tcb, Syscall.Reply, { label: 1 });
    expect(faulter.tcb.state).toBe('inactive');
  });

  it('an UnknownSyscall fault carries 11 words ending with the syscall number', () => {
    const { sys, faulter, handler } = handled();
    faulter.tcb.pc = 0x4000;
    syscall(sys, faulter.tcb, -20, { a0: 5 });
    expect(infoOf(handler.tcb)).toMatchObject({ label: FaultType.UnknownSyscall, length: 11 });
    expect(mr(handler.tcb, 0)).toBe(0x4000);
    expect(sys.memory.readU32(handler.bufferPaddr + IpcBufferOffset.msg + 4 * 10)).toBe(-20 >>> 0);
    expect(mr(handler.tcb, 3)).toBe(5);
  });

  it('without a handler the fault is recorded and only that thread stops', () => {
    const { sys, a, b } = pair();
    handleUserFault(sys.kernel, a.tcb, faultFromTrap(Cause.InstructionPageFault, 0, 0x10));
    expect(sys.faults).toEqual([{ thread: 'client', fault: { type: 'vm', pc: 0x10, address: 0, prefetch: true, fsr: 1, cause: 12 } }]);
    expect(a.tcb.state).toBe('inactive');
    expect(['running', 'restart']).toContain(b.tcb.state);
  });
});
