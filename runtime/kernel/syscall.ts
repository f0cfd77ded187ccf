// System call entry and exit (seL4 src/api/syscall.c handleSyscall, handleInvocation, handleRecv,
// handleReply, handleYield; src/arch/riscv/c_traps.c): the thread's registers are in its TCB, a7 is
// the syscall number, a0 the cptr, a1 the message info. After each entry the scheduler runs.
import {
  decodeMessageInfo,
  encodeMessageInfo,
  MSG_MAX_LENGTH,
  MSG_REGISTER_COUNT,
  Reg,
  Syscall,
} from './abi.js';
import { lookupSlot } from './cnode.js';
import { receiveIPC, sendIPC } from './endpoint.js';
import { handleDebugSyscall } from './debug.js';
import { fastpathCall, fastpathReplyRecv, fastpathSignal, fastpathWait } from './fastpath.js';
import { handleFault } from './faults.js';
import { handleInterrupt } from './interrupt.js';
import { decodeKernelInvocation } from './invocation.js';
import { deleteCallerCap, doReplyTransfer, getMR, lookupExtraCaps, lookupIpcBuffer, setMR } from './ipc.js';
import type { Kernel } from './kernel.js';
import { enterKernel, type Fault, type TcbObject } from './objects.js';
import { receiveSignal, sendSignal } from './notification.js';
import { handleYield, schedule } from './scheduler.js';

/** seL4 handleSyscall for the current thread; `pc` is the ecall's address. Then schedule + activate. */
export function handleSyscall(kernel: Kernel, thread: TcbObject, syscall: number): void {
  if (kernel.fastpath && kernel.current === thread) {
    switch (syscall) {
      case Syscall.Call:
        if (fastpathCall(kernel, thread)) return;
        break;
      case Syscall.ReplyRecv:
        if (fastpathReplyRecv(kernel, thread)) return;
        break;
      case Syscall.Send:
        if (fastpathSignal(kernel, thread)) return;
        break;
      case Syscall.Recv:
        if (fastpathWait(kernel, thread)) return;
        break;
    }
  }
  enterKernel();
  // NextIP = sepc + 4; FaultIP stays on the ecall so a restarted syscall runs again.
  thread.faultIp = thread.pc;
  thread.pc = (thread.pc + 4) >>> 0;
  if (kernel.hooks.trace) kernel.trace({
    kind: 'syscall',
    thread: thread.name,
    syscall,
    cptr: thread.regs[Reg.a0]! >>> 0,
    info: thread.regs[Reg.a1]! >>> 0,
  });
  switch (syscall) {
    case Syscall.Call:
      handleInvocation(kernel, thread, true, true);
      break;
    case Syscall.Send:
      handleInvocation(kernel, thread, false, true);
      break;
    case Syscall.NBSend:
      handleInvocation(kernel, thread, false, false);
      break;
    case Syscall.Recv:
      handleRecv(kernel, thread, true);
      break;
    case Syscall.NBRecv:
      handleRecv(kernel, thread, false);
      break;
    case Syscall.Reply:
      handleReply(kernel, thread);
      break;
    case Syscall.ReplyRecv:
      handleReply(kernel, thread);
      handleRecv(kernel, thread, true);
      break;
    case Syscall.Yield:
      handleYield(kernel, thread);
      break;
    default:
      // Outside SYSCALL_MIN..MAX: handleUnknownSyscall, a debug syscall or an UnknownSyscall fault.
      if (handleDebugSyscall(kernel, thread, syscall)) break;
      thread.pc = thread.faultIp;
      handleFault(kernel, thread, { type: 'unknownSyscall', pc: thread.faultIp, syscall: syscall >>> 0 });
  }
  schedule(kernel);
  activateThread(kernel);
}

/** A trap other than ecall from the running thread: VM faults and user exceptions (c_traps.c). */
export function handleUserFault(kernel: Kernel, thread: TcbObject, fault: Fault): void {
  thread.faultIp = thread.pc;
  handleFault(kernel, thread, fault);
  schedule(kernel);
  activateThread(kernel);
}

/** An external interrupt is pending: deliver it, then schedule. */
export function handleInterruptEntry(kernel: Kernel): number {
  const irq = handleInterrupt(kernel);
  schedule(kernel);
  activateThread(kernel);
  return irq;
}

/** seL4 activateThread: a restarted thread resumes at FaultIP. */
export function activateThread(kernel: Kernel): void {
  const t = kernel.current;
  if (t && t.state === 'restart') {
    t.pc = t.faultIp;
    t.state = 'running';
  }
}

/**
 * seL4 handleInvocation: Call/Send/NBSend on a cap. The invoked cap and then every extra cap are
 * looked up first; a failure is a cap fault for Call and Send and nothing at all for NBSend, before
 * anything is sent or decoded.
 */
function handleInvocation(kernel: Kernel, thread: TcbObject, isCall: boolean, isBlocking: boolean): void {
  const infoWord = thread.regs[Reg.a1]! >>> 0;
  const info = decodeMessageInfo(infoWord);
  const cptr = thread.regs[Reg.a0]! >>> 0;
  const found = lookupSlot(thread, cptr);
  if (!found.ok) {
    if (isBlocking) handleFault(kernel, thread, { type: 'cap', pc: thread.faultIp, address: cptr, inRecvPhase: false, lookup: found.fault });
    return;
  }
  const buffer = lookupIpcBuffer(kernel, thread, false);
  const extra = lookupExtraCaps(kernel, thread, buffer, info.extraCaps);
  if (!('slots' in extra)) {
    if (isBlocking) handleFault(kernel, thread, { type: 'cap', pc: thread.faultIp, address: extra.cptr, inRecvPhase: false, lookup: extra.fault });
    return;
  }
  const slot = found.slot;
  const cap = slot.cap;
  switch (cap.kind) {
    case 'endpoint':
      if (!cap.rights.write) break;
      sendIPC(kernel, isBlocking, isCall, cap.badge, cap.rights.grant, cap.rights.grantReply, thread, cap.obj);
      return;
    case 'notification':
      if (!cap.rights.write) break;
      sendSignal(kernel, cap.obj, cap.badge);
      if (isCall) replyFromKernel(kernel, thread, 0, []);
      return;
    case 'reply':
      doReplyTransfer(kernel, thread, cap.tcb, slot, cap.canGrant);
      // The invoker stayed in Restart: a Call gets replyFromKernel_success_empty.
      if (isCall) replyFromKernel(kernel, thread, 0, []);
      return;
    default: {
      let length = Math.min(info.length, MSG_MAX_LENGTH);
      if (length > MSG_REGISTER_COUNT && buffer < 0) length = MSG_REGISTER_COUNT;
      const mrs: number[] = [];
      for (let i = 0; i < length; i++) mrs.push(getMR(kernel, thread, buffer, i));
      const result = decodeKernelInvocation(kernel, thread, slot, cap, { label: info.label, mrs, extraCaps: extra.slots });
      if (kernel.hooks.trace) kernel.trace({ kind: 'invocation', thread: thread.name, label: info.label, error: result.error });
      // A thread that suspended itself or was otherwise stopped gets no reply.
      if (isCall && (thread.state === 'running' || thread.state === 'restart')) {
        replyFromKernel(kernel, thread, result.error, result.mrs);
      }
      return;
    }
  }
  // An endpoint or notification cap without the send right: InvalidCapability 0.
  if (isCall) replyFromKernel(kernel, thread, 2, [0]);
}

/** replyFromKernel_success / _error: label = error, MRs, badge register 0. */
function replyFromKernel(kernel: Kernel, thread: TcbObject, error: number, mrs: readonly number[]): void {
  const buffer = mrs.length > MSG_REGISTER_COUNT ? lookupIpcBuffer(kernel, thread, true) : -1;
  let length = 0;
  for (let i = 0; i < mrs.length; i++) length = setMR(kernel, thread, buffer, i, mrs[i]!);
  thread.regs[Reg.a0] = 0;
  thread.regs[Reg.a1] = encodeMessageInfo(error, 0, 0, length) | 0;
}

/** seL4 handleRecv: Recv/NBRecv on an endpoint or notification; anything else is a cap fault. */
function handleRecv(kernel: Kernel, thread: TcbObject, isBlocking: boolean): void {
  const cptr = thread.regs[Reg.a0]! >>> 0;
  const found = lookupSlot(thread, cptr);
  if (!found.ok) {
    handleFault(kernel, thread, { type: 'cap', pc: thread.faultIp, address: cptr, inRecvPhase: true, lookup: found.fault });
    return;
  }
  const cap = found.slot.cap;
  if (cap.kind === 'endpoint' && cap.rights.read) {
    deleteCallerCap(kernel, thread);
    receiveIPC(kernel, thread, cap, isBlocking);
    return;
  }
  // A notification bound to another thread cannot be waited on (its boundTCB, not the waiter's binding).
  if (cap.kind === 'notification' && cap.rights.read && (cap.obj.boundTcb === null || cap.obj.boundTcb === thread)) {
    receiveSignal(kernel, thread, cap, isBlocking);
    return;
  }
  handleFault(kernel, thread, {
    type: 'cap',
    pc: thread.faultIp,
    address: cptr,
    inRecvPhase: true,
    lookup: { type: 'missingCapability', bitsLeft: 0 },
  });
}

/** seL4 handleReply (non-MCS): answer through the reply cap in the caller slot, if any. */
function handleReply(kernel: Kernel, thread: TcbObject): void {
  const slot = thread.caller;
  const cap = slot.cap;
  if (cap.kind === 'reply') doReplyTransfer(kernel, thread, cap.tcb, slot, cap.canGrant);
}
