// The debug system calls of a debug kernel (seL4 src/api/syscall.c handleUnknownSyscall under
// CONFIG_PRINTING / CONFIG_DEBUG_BUILD, include/api/debug.h debug_dumpScheduler, src/arch/riscv/idle.c
// halt): DebugPutChar, DebugDumpScheduler, DebugHalt, DebugCapIdentify, DebugSnapshot and
// DebugNameThread. A kernel built without `debug` has none of them: they are unknown syscalls.
import { CapTag, IpcBufferOffset, MSG_MAX_LENGTH, Reg, Syscall } from './abi.js';
import { lookupSlot } from './cnode.js';
import { lookupIpcBuffer } from './ipc.js';
import type { Kernel } from './kernel.js';
import type { Cap, TcbObject, ThreadState } from './objects.js';

/** Handles `syscall` if it is a debug syscall of this kernel; false: it is an unknown syscall. */
export function handleDebugSyscall(kernel: Kernel, thread: TcbObject, syscall: number): boolean {
  if (!kernel.debug) return false;
  switch (syscall) {
    case Syscall.DebugPutChar:
      kernel.hooks.putChar?.(thread.regs[Reg.a0]! & 0xff, thread);
      return true;
    case Syscall.DebugDumpScheduler:
      dumpScheduler(kernel, thread);
      return true;
    case Syscall.DebugHalt:
      kernelPrint(kernel, thread, `Debug halt syscall from user thread ${pointer(thread.paddr)} "${thread.debugName}"\n`);
      halt(kernel, thread, syscall);
      return true;
    case Syscall.DebugSnapshot:
      // seL4 then prints the capDL of the whole system (debug_capDL); this kernel prints the header only.
      kernelPrint(kernel, thread, `Debug snapshot syscall from user thread ${pointer(thread.paddr)} "${thread.debugName}"\n`);
      return true;
    case Syscall.DebugCapIdentify: {
      const found = lookupSlot(thread, thread.regs[Reg.a0]! >>> 0);
      thread.regs[Reg.a0] = found.ok ? capTag(found.slot.cap) : CapTag.null;
      return true;
    }
    case Syscall.DebugNameThread:
      nameThread(kernel, thread, syscall);
      return true;
    default:
      return false;
  }
}

/** seL4_DebugCapIdentify's answer: the cap's type tag. */
export function capTag(cap: Cap): number {
  switch (cap.kind) {
    case 'tcb':
      return CapTag.thread;
    default:
      return CapTag[cap.kind];
  }
}

/** seL4 TCB_NAME_LENGTH: the TCB's first half minus its 4 CNode slots and the debug links (two words). */
export const tcbNameLength = (tcb: TcbObject): number => 2 ** (tcb.sizeBits - 1) - 4 * 16 - 8;

/** SysDebugNameThread: a0 names a TCB, the name is a NUL-terminated string at msg[0] of the caller's IPC buffer. */
function nameThread(kernel: Kernel, thread: TcbObject, syscall: number): void {
  const found = lookupSlot(thread, thread.regs[Reg.a0]! >>> 0);
  const cap = found.ok ? found.slot.cap : null;
  if (cap === null || cap.kind !== 'tcb') return userHalt(kernel, thread, syscall, 'SysDebugNameThread: cap is not a TCB, halting');
  const buffer = lookupIpcBuffer(kernel, thread, true);
  if (buffer < 0) return userHalt(kernel, thread, syscall, 'SysDebugNameThread: Failed to lookup IPC buffer, halting');
  const max = MSG_MAX_LENGTH * 4;
  const bytes: number[] = [];
  for (let i = 0; i < max; i++) {
    const word = kernel.memory.readU32(buffer + IpcBufferOffset.msg + (i & ~3));
    const byte = (word >>> (8 * (i & 3))) & 0xff;
    if (byte === 0) break;
    bytes.push(byte);
  }
  if (bytes.length === max) return userHalt(kernel, thread, syscall, 'SysDebugNameThread: Name too long, halting');
  // strlcpy into tcbName: at most TCB_NAME_LENGTH - 1 bytes.
  cap.obj.debugName = String.fromCharCode(...bytes.slice(0, tcbNameLength(cap.obj) - 1));
}

/** userError (KernelPrinting) then halt. */
function userHalt(kernel: Kernel, thread: TcbObject, syscall: number, message: string): void {
  kernelPrint(kernel, thread, `<<seL4(CPU 0) [${message}]>>\n`);
  halt(kernel, thread, syscall);
}

/** seL4 halt() on RISC-V: "halting...", the kernel entry reason, then an SBI shutdown; nothing runs after it. */
function halt(kernel: Kernel, thread: TcbObject, syscall: number): void {
  kernelPrint(kernel, thread, `halting...\nKernel entry via Unknown syscall, word: ${syscall >>> 0}`);
  kernel.halted = true;
  kernel.hooks.halt?.();
}

const STATE_NAMES: Record<ThreadState, string> = {
  inactive: 'inactive',
  running: 'running',
  restart: 'restart',
  blockedOnReceive: 'blocked on recv',
  blockedOnSend: 'blocked on send',
  blockedOnReply: 'blocked on reply',
  blockedOnNotification: 'blocked on ntfn',
};

/**
 * debug_dumpScheduler: every live TCB, newest first (ksDebugTCBs is prepended to), then the idle
 * thread and the initial thread, as boot's init_core_state put them. The IP is the restart pc.
 * This kernel has no idle thread object; its line shows IP 0.
 */
function dumpScheduler(kernel: Kernel, thread: TcbObject): void {
  const line = (name: string, state: string, ip: number, prio: number): string =>
    `${name.padEnd(40)}   ${state.padEnd(16)}   ${pointer(ip).padEnd(18)}   ${String(prio).padStart(4)}\n`;
  let out = 'Dumping all tcbs!\n';
  out += `${'Name'.padEnd(40)}   ${'State'.padEnd(16)}   ${'IP'.padEnd(18)}   ${'Prio'.padEnd(4)}\n`;
  out += `${'-'.repeat(88)}\n`;
  const created = kernel.threads.filter((t) => t !== kernel.rootTcb && t.live).reverse();
  for (const t of created) out += line(t.debugName, STATE_NAMES[t.state], t.faultIp, t.priority);
  out += line('idle_thread', 'idle', 0, 0);
  const root = kernel.rootTcb;
  out += line(root.debugName, STATE_NAMES[root.state], root.faultIp, root.priority);
  kernelPrint(kernel, thread, out);
}

/** printf's %p: 0x and lower-case hex (a TCB prints as its physical address; seL4 prints its kernel pointer). */
const pointer = (value: number): string => `0x${(value >>> 0).toString(16)}`;

/** The kernel's own console output (KernelPrinting): through the same character sink as DebugPutChar. */
function kernelPrint(kernel: Kernel, thread: TcbObject, text: string): void {
  const put = kernel.hooks.putChar;
  if (!put) return;
  for (let i = 0; i < text.length; i++) put(text.charCodeAt(i) & 0xff, thread);
}
