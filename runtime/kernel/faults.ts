// Faults (seL4 src/kernel/faulthandler.c handleFault/sendFaultIPC, src/api/faults.c setMRs_fault
// and handleFaultReply): a fault goes as a message to the thread's fault endpoint; without one the
// runtime records it and the thread stops (seL4's double fault), while the others run on.
import { FaultType, Reg, decodeMessageInfo, MSG_REGISTER_COUNT } from './abi.js';
import { lookupSlot } from './cnode.js';
import { lookupFaultWords } from './errors.js';
import { getMR, lookupIpcBuffer, setMRs } from './ipc.js';
import type { Kernel } from './kernel.js';
import type { Fault, TcbObject } from './objects.js';
import { Cause } from '../machine/trap.js';
import { sendIPC } from './endpoint.js';
import { setThreadState } from './scheduler.js';

/**
 * The fault a trap other than ecall raises (seL4 c_handle_exception and riscv handleVMFault): a page
 * fault and an access fault of the same kind both give the access-fault cause as the FSR
 * (instruction 1, load 5, store 7), PrefetchFault 1 for instruction fetches; any other trap is a
 * user exception with scause as its Number and Code 0 (handleUserLevelFault(scause, 0)).
 */
export function faultFromTrap(cause: number, tval: number, pc: number): Fault {
  switch (cause) {
    case Cause.InstructionPageFault:
    case Cause.InstructionAccessFault:
      return { type: 'vm', pc, address: tval, prefetch: true, fsr: Cause.InstructionAccessFault, cause };
    case Cause.LoadPageFault:
    case Cause.LoadAccessFault:
      return { type: 'vm', pc, address: tval, prefetch: false, fsr: Cause.LoadAccessFault, cause };
    case Cause.StorePageFault:
    case Cause.StoreAccessFault:
      return { type: 'vm', pc, address: tval, prefetch: false, fsr: Cause.StoreAccessFault, cause };
    default:
      return { type: 'userException', pc, number: cause, code: 0 };
  }
}

/** seL4 handleFault: send the fault to the handler, or stop the thread and tell the runtime. */
export function handleFault(kernel: Kernel, tptr: TcbObject, fault: Fault): void {
  const lookup = lookupSlot(tptr, tptr.faultHandler);
  const cap = lookup.ok ? lookup.slot.cap : null;
  if (
    cap !== null &&
    cap.kind === 'endpoint' &&
    cap.rights.write &&
    (cap.rights.grant || cap.rights.grantReply)
  ) {
    tptr.fault = fault;
    if (kernel.hooks.trace) kernel.trace({ kind: 'fault', thread: tptr.name, fault, handled: true });
    sendIPC(kernel, true, true, cap.badge, cap.rights.grant, true, tptr, cap.obj);
    return;
  }
  // handleDoubleFault: no usable handler; the thread becomes inactive.
  tptr.fault = null;
  if (kernel.hooks.trace) kernel.trace({ kind: 'fault', thread: tptr.name, fault, handled: false });
  setThreadState(kernel, tptr, 'inactive');
  kernel.hooks.unhandledFault?.(tptr, fault);
}

/** seL4 setMRs_fault: the fault message of `sender` into `receiver`; returns label and length. */
export function setMRsFault(
  kernel: Kernel,
  sender: TcbObject,
  receiver: TcbObject,
  recvBuf: number,
): { label: number; length: number } {
  const fault = sender.fault!;
  const r = sender.regs;
  const put = (values: readonly number[]): number => setMRs(kernel, receiver, recvBuf, values);
  switch (fault.type) {
    case 'cap': {
      const words = [fault.pc, fault.address, fault.inRecvPhase ? 1 : 0, ...lookupFaultWords(fault.lookup)];
      return { label: FaultType.CapFault, length: put(words) };
    }
    case 'unknownSyscall': {
      const words = [fault.pc, r[Reg.sp]!, r[Reg.ra]!];
      for (let i = 0; i < 7; i++) words.push(r[Reg.a0 + i]!);
      words.push(fault.syscall);
      return { label: FaultType.UnknownSyscall, length: put(words.map((w) => w >>> 0)) };
    }
    case 'userException': {
      const words = [fault.pc, r[Reg.sp]! >>> 0, fault.number, fault.code];
      return { label: FaultType.UserException, length: put(words) };
    }
    case 'vm': {
      const words = [fault.pc, fault.address, fault.prefetch ? 1 : 0, fault.fsr];
      return { label: FaultType.VMFault, length: put(words) };
    }
  }
}

/** Registers a fault reply may set: syscallMessage (FaultIP, sp, ra, a0..a6) and exceptionMessage (FaultIP, sp). */
const SYSCALL_MESSAGE_REGS = [-1, Reg.sp, Reg.ra, 10, 11, 12, 13, 14, 15, 16];
const EXCEPTION_MESSAGE_REGS = [-1, Reg.sp];

/**
 * seL4 handleFaultReply / Arch_handleFaultReply: whether the faulted thread restarts. A cap fault
 * or a VM fault always restarts it, whatever the reply's label; an UnknownSyscall or UserException
 * reply sets the message's registers and restarts only with label 0.
 */
export function handleFaultReply(kernel: Kernel, receiver: TcbObject, sender: TcbObject): boolean {
  const info = decodeMessageInfo(sender.regs[Reg.a1]! >>> 0);
  const fault = receiver.fault!;
  if (fault.type === 'cap' || fault.type === 'vm') return true;
  const regs = fault.type === 'unknownSyscall' ? SYSCALL_MESSAGE_REGS : EXCEPTION_MESSAGE_REGS;
  const n = Math.min(info.length, regs.length);
  const sendBuf = n > MSG_REGISTER_COUNT ? lookupIpcBuffer(kernel, sender, false) : -1;
  // copyMRsFaultReply: words past the registers only when the sender has an IPC buffer.
  const count = sendBuf < 0 ? Math.min(n, MSG_REGISTER_COUNT) : n;
  for (let i = 0; i < count; i++) {
    const value = getMR(kernel, sender, sendBuf, i);
    const reg = regs[i]!;
    if (reg < 0) {
      receiver.faultIp = value;
      receiver.pc = value;
    } else {
      receiver.regs[reg] = value | 0;
    }
  }
  return info.label === 0;
}
