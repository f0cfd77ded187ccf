// Message transfer between threads (seL4 src/kernel/thread.c doIPCTransfer, doNormalTransfer,
// doFaultTransfer, doReplyTransfer, transferCaps; src/api/syscall.c lookupExtraCaps): message
// registers a2..a5 then the 512-byte IPC buffer, badges, capability transfer and unwrapping.
import {
  decodeMessageInfo,
  encodeMessageInfo,
  IpcBufferOffset,
  MSG_MAX_EXTRA_CAPS,
  MSG_MAX_LENGTH,
  MSG_REGISTER_COUNT,
  Reg,
} from './abi.js';
import { cteDelete, cteInsert, deriveCap, lookupSlot, lookupTargetSlot } from './cnode.js';
import { SyscallError } from './errors.js';
import { handleFaultReply, setMRsFault } from './faults.js';
import type { Kernel } from './kernel.js';
import type { CSlot, EndpointObject, LookupFault, TcbObject } from './objects.js';
import { possibleSwitchTo, setThreadState } from './scheduler.js';

/** seL4 lookupIPCBuffer: physical address of the thread's IPC buffer, or -1 when it has none usable. */
export function lookupIpcBuffer(kernel: Kernel, tcb: TcbObject, isReceiver: boolean): number {
  const cap = tcb.bufferFrame.cap;
  if (cap.kind !== 'frame' || cap.obj.isDevice) return -1;
  if (!(cap.write || (!isReceiver && cap.read))) return -1;
  const paddr = cap.obj.paddr + (tcb.ipcBuffer & ((1 << cap.obj.sizeBits) - 1));
  return kernel.memory.contains(paddr, 512) ? paddr : -1;
}

/** Message register `i` of `tcb` (a2..a5, then `msg[i]` in the IPC buffer at `buffer`). */
export function getMR(kernel: Kernel, tcb: TcbObject, buffer: number, i: number): number {
  if (i < MSG_REGISTER_COUNT) return tcb.regs[Reg.a2 + i]! >>> 0;
  return buffer < 0 ? 0 : kernel.memory.readU32(buffer + IpcBufferOffset.msg + 4 * i);
}

/** seL4 setMR: returns how many MRs are now set (stops at 4 without an IPC buffer). */
export function setMR(kernel: Kernel, tcb: TcbObject, buffer: number, i: number, value: number): number {
  if (i < MSG_REGISTER_COUNT) {
    tcb.regs[Reg.a2 + i] = value | 0;
    return i + 1;
  }
  if (buffer < 0) return MSG_REGISTER_COUNT;
  kernel.memory.writeU32(buffer + IpcBufferOffset.msg + 4 * i, value >>> 0);
  return i + 1;
}

/** Sets MRs 0.. from `values`; returns the message length actually set. */
export function setMRs(kernel: Kernel, tcb: TcbObject, buffer: number, values: readonly number[], from = 0): number {
  let n = from;
  for (let i = 0; i < values.length; i++) n = setMR(kernel, tcb, buffer, from + i, values[i]!);
  return n;
}

/** seL4 copyMRs: registers always, buffer words only when both threads have a buffer. */
function copyMRs(kernel: Kernel, sender: TcbObject, sendBuf: number, receiver: TcbObject, recvBuf: number, n: number): number {
  let i = 0;
  for (; i < n && i < MSG_REGISTER_COUNT; i++) receiver.regs[Reg.a2 + i] = sender.regs[Reg.a2 + i]!;
  if (sendBuf < 0 || recvBuf < 0) return i;
  const mem = kernel.memory;
  for (; i < n; i++) {
    mem.writeU32(recvBuf + IpcBufferOffset.msg + 4 * i, mem.readU32(sendBuf + IpcBufferOffset.msg + 4 * i));
  }
  return i;
}

/** seL4 lookupExtraCaps: the sender's caps_or_badges cptrs resolved in its CSpace. */
export function lookupExtraCaps(
  kernel: Kernel,
  thread: TcbObject,
  buffer: number,
  count: number,
): { readonly slots: CSlot[] } | { readonly cptr: number; readonly fault: LookupFault } {
  const slots: CSlot[] = [];
  if (buffer < 0) return { slots };
  for (let i = 0; i < count && i < MSG_MAX_EXTRA_CAPS; i++) {
    const cptr = kernel.memory.readU32(buffer + IpcBufferOffset.capsOrBadges + 4 * i);
    const result = lookupSlot(thread, cptr);
    if (!result.ok) return { cptr, fault: result.fault };
    slots.push(result.slot);
  }
  return { slots };
}

/** seL4 getReceiveSlots: the one empty slot named by the receiver's receiveCNode/Index/Depth. */
function getReceiveSlot(kernel: Kernel, receiver: TcbObject, buffer: number): CSlot | null {
  const mem = kernel.memory;
  const cnode = lookupSlot(receiver, mem.readU32(buffer + IpcBufferOffset.receiveCNode));
  if (!cnode.ok) return null;
  try {
    const slot = lookupTargetSlot(
      cnode.slot.cap,
      mem.readU32(buffer + IpcBufferOffset.receiveIndex),
      mem.readU32(buffer + IpcBufferOffset.receiveDepth),
    );
    return slot.cap.kind === 'null' ? slot : null;
  } catch (error) {
    if (error instanceof SyscallError) return null;
    throw error;
  }
}

/** seL4 transferCaps: unwrap caps to the same endpoint into badges, grant at most one other cap. */
function transferCaps(
  kernel: Kernel,
  caps: readonly CSlot[],
  endpoint: EndpointObject | null,
  receiver: TcbObject,
  recvBuf: number,
): { extraCaps: number; capsUnwrapped: number } {
  let capsUnwrapped = 0;
  if (caps.length === 0 || recvBuf < 0) return { extraCaps: 0, capsUnwrapped };
  let dest = getReceiveSlot(kernel, receiver, recvBuf);
  let i = 0;
  for (; i < caps.length; i++) {
    const slot = caps[i]!;
    const cap = slot.cap;
    if (cap.kind === 'endpoint' && cap.obj === endpoint) {
      kernel.memory.writeU32(recvBuf + IpcBufferOffset.capsOrBadges + 4 * i, cap.badge);
      capsUnwrapped |= 1 << i;
      continue;
    }
    if (!dest) break;
    let derived;
    try {
      derived = deriveCap(slot, cap);
    } catch (error) {
      if (error instanceof SyscallError) break;
      throw error;
    }
    if (derived.kind === 'null') break;
    cteInsert(derived, slot, dest);
    dest = null;
  }
  return { extraCaps: i, capsUnwrapped };
}

/** seL4 doNormalTransfer. */
function doNormalTransfer(
  kernel: Kernel,
  sender: TcbObject,
  sendBuf: number,
  endpoint: EndpointObject | null,
  badge: number,
  canGrant: boolean,
  receiver: TcbObject,
  recvBuf: number,
): void {
  const info = decodeMessageInfo(sender.regs[Reg.a1]! >>> 0);
  let caps: CSlot[] = [];
  if (canGrant && info.extraCaps > 0) {
    const found = lookupExtraCaps(kernel, sender, sendBuf, info.extraCaps);
    if ('slots' in found) caps = found.slots;
  }
  const length = copyMRs(kernel, sender, sendBuf, receiver, recvBuf, Math.min(info.length, MSG_MAX_LENGTH));
  const transferred = transferCaps(kernel, caps, endpoint, receiver, recvBuf);
  receiver.regs[Reg.a1] = encodeMessageInfo(info.label, transferred.capsUnwrapped, transferred.extraCaps, length) | 0;
  receiver.regs[Reg.a0] = badge | 0;
  if (kernel.hooks.trace) kernel.trace({ kind: 'ipc', from: sender.name, to: receiver.name, badge, label: info.label, length });
}

/** seL4 doFaultTransfer: the sender's fault becomes the message. */
function doFaultTransfer(kernel: Kernel, badge: number, sender: TcbObject, receiver: TcbObject, recvBuf: number): void {
  const { label, length } = setMRsFault(kernel, sender, receiver, recvBuf);
  receiver.regs[Reg.a1] = encodeMessageInfo(label, 0, 0, length) | 0;
  receiver.regs[Reg.a0] = badge | 0;
  if (kernel.hooks.trace) kernel.trace({ kind: 'ipc', from: sender.name, to: receiver.name, badge, label, length });
}

/** seL4 doIPCTransfer. */
export function doIpcTransfer(
  kernel: Kernel,
  sender: TcbObject,
  endpoint: EndpointObject | null,
  badge: number,
  canGrant: boolean,
  receiver: TcbObject,
): void {
  const recvBuf = lookupIpcBuffer(kernel, receiver, true);
  if (sender.fault === null) {
    const sendBuf = lookupIpcBuffer(kernel, sender, false);
    doNormalTransfer(kernel, sender, sendBuf, endpoint, badge, canGrant, receiver, recvBuf);
  } else {
    doFaultTransfer(kernel, badge, sender, receiver, recvBuf);
  }
}

/** seL4 doReplyTransfer (non-MCS): the reply in `slot` wakes `receiver`, or answers its fault. */
export function doReplyTransfer(kernel: Kernel, sender: TcbObject, receiver: TcbObject, slot: CSlot, grant: boolean): void {
  if (receiver.state !== 'blockedOnReply') return;
  if (receiver.fault === null) {
    doIpcTransfer(kernel, sender, null, 0, grant, receiver);
    cteDelete(kernel, slot);
    setThreadState(kernel, receiver, 'running');
    possibleSwitchTo(kernel, receiver);
    return;
  }
  cteDelete(kernel, slot);
  const restart = handleFaultReply(kernel, receiver, sender);
  receiver.fault = null;
  if (restart) {
    setThreadState(kernel, receiver, 'restart');
    possibleSwitchTo(kernel, receiver);
  } else {
    setThreadState(kernel, receiver, 'inactive');
  }
}

/** seL4 setupCallerCap: the caller waits for a reply; the receiver holds the one-shot reply cap. */
export function setupCallerCap(kernel: Kernel, sender: TcbObject, receiver: TcbObject, canGrant: boolean): void {
  setThreadState(kernel, sender, 'blockedOnReply');
  cteDelete(kernel, receiver.caller);
  cteInsert({ kind: 'reply', tcb: sender, canGrant }, null, receiver.caller);
}

/** seL4 deleteCallerCap: a new receive drops an unused reply cap. */
export function deleteCallerCap(kernel: Kernel, receiver: TcbObject): void {
  cteDelete(kernel, receiver.caller);
}
