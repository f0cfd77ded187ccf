// The IPC fast path (seL4 src/fastpath/fastpath.c fastpath_call, fastpath_reply_recv): Call to a
// waiting server and ReplyRecv to a waiting caller, done without the generic decode, allocation or
// scheduler queues when the common case holds; likewise Signal and Wait on notifications. Each function checks every condition first and
// returns false, having changed nothing, when one fails; the slow path (syscall.ts) then runs. When
// it returns true the kernel is in exactly the state the slow path would leave (tests/fastpath).
import { mask, shr } from './cnode.js';
import { encodeMessageInfo, MSG_REGISTER_COUNT, Reg } from './abi.js';
import type { Kernel } from './kernel.js';
import { enterKernel, NULL_CAP, type Cap, type CSlot, type TcbObject } from './objects.js';
import { highestReadyPriority, schedDequeue, schedEnqueue } from './scheduler.js';

/**
 * seL4 resolveAddressBits for a whole 32-bit cptr, without building a result: the slot, or null when
 * the lookup fails (the slow path then raises the fault). A cap that is not a CNode ends the walk.
 * Slots are read as they are, not through `CNodeSlots.at`: a slot not made yet is empty (the slow
 * path then makes it), and the lookup's mark that keeps a slot from being pruned only protects it
 * within the kernel entry that made the lookup, which here is over before another lookup can prune.
 */
function lookupSlotFast(thread: TcbObject, cptr: number): CSlot | null {
  let cap = thread.cspaceRoot.cap;
  if (cap.kind !== 'cnode') return null;
  let n = 32;
  for (;;) {
    const radixBits: number = cap.obj.radixBits;
    const guardBits = cap.guardSize;
    const levelBits: number = radixBits + guardBits;
    if (guardBits > n || (shr(cptr, n - guardBits) & mask(guardBits)) !== cap.guard || levelBits > n) return null;
    const slot: CSlot | undefined = cap.obj.slots[shr(cptr, n - levelBits) & mask(radixBits)];
    if (slot === undefined) return null;
    if (n === levelBits) return slot;
    n -= levelBits;
    const next: Cap = slot.cap;
    if (next.kind !== 'cnode') return slot;
    cap = next;
  }
}

/** Whether schedule() would switch straight to `target` once `current` has blocked (no higher thread ready). */
function switchesDirectly(kernel: Kernel, current: TcbObject, target: TcbObject): boolean {
  return target.priority >= current.priority || highestReadyPriority(kernel) <= target.priority;
}

/** The message registers a2.. of `length` (≤ MSG_REGISTER_COUNT) go to `to`, with its info and badge. */
function transferRegisters(from: TcbObject, to: TcbObject, info: number, length: number, badge: number): void {
  const source = from.regs;
  const dest = to.regs;
  for (let i = 0; i < length; i++) dest[Reg.a2 + i] = source[Reg.a2 + i]!;
  dest[Reg.a1] = encodeMessageInfo(info >>> 12, 0, 0, length) | 0;
  dest[Reg.a0] = badge | 0;
}

/** The kernel entry of a syscall: FaultIP stays on the ecall, NextIP is after it. */
function enterSyscall(thread: TcbObject): void {
  enterKernel();
  thread.faultIp = thread.pc;
  thread.pc = (thread.pc + 4) >>> 0;
}

/**
 * What Call and ReplyRecv both need: no extra caps, at most MSG_REGISTER_COUNT words, no trace hook,
 * no pending scheduler decision, no fault; then the slot a0 names, or null.
 */
function messageSlot(kernel: Kernel, thread: TcbObject, info: number): CSlot | null {
  if (((info >>> 7) & 3) !== 0 || (info & 0x7f) > MSG_REGISTER_COUNT) return null;
  if (kernel.hooks.trace || kernel.action !== 'resume' || kernel.halted || thread.fault !== null) return null;
  return lookupSlotFast(thread, thread.regs[Reg.a0]! >>> 0);
}

/**
 * fastpath_call: a Call with no extra caps and at most MSG_REGISTER_COUNT words, on an endpoint cap
 * with the write right and a grant right (for the reply cap), to a server waiting on it whose
 * priority lets it run at once. The caller blocks on the reply; the server runs with the message.
 */
export function fastpathCall(kernel: Kernel, thread: TcbObject): boolean {
  const info = thread.regs[Reg.a1]! >>> 0;
  const length = info & 0x7f;
  const slot = messageSlot(kernel, thread, info);
  if (slot === null) return false;
  const cap = slot.cap;
  if (cap.kind !== 'endpoint' || !cap.rights.write || !(cap.rights.grant || cap.rights.grantReply)) return false;
  const ep = cap.obj;
  if (ep.state !== 'recv') return false;
  const dest = ep.queue[0]!;
  if (dest.caller.cap.kind !== 'null' || !switchesDirectly(kernel, thread, dest)) return false;

  enterSyscall(thread);
  ep.queue.shift();
  if (ep.queue.length === 0) ep.state = 'idle';
  transferRegisters(thread, dest, info, length, cap.badge);
  dest.blockingObject = null;
  dest.state = 'running';
  thread.state = 'blockedOnReply';
  // setupCallerCap: the server's caller slot (empty, no links) gets the one-shot reply cap.
  const caller = dest.caller;
  caller.cap = thread.replyCaps[dest.blockingCanGrant ? 1 : 0]!;
  caller.parent = null;
  thread.capCount++;
  schedDequeue(kernel, dest);
  kernel.current = dest;
  return true;
}

/**
 * fastpath_reply_recv: a ReplyRecv with no extra caps and at most MSG_REGISTER_COUNT words, whose
 * caller slot holds a reply cap to a thread waiting for it without a fault, on an endpoint cap with
 * the read right where no sender waits and no bound notification is active, when the caller may
 * run at once. The server blocks receiving; the caller runs with the reply.
 */
export function fastpathReplyRecv(kernel: Kernel, thread: TcbObject): boolean {
  const info = thread.regs[Reg.a1]! >>> 0;
  const length = info & 0x7f;
  const slot = messageSlot(kernel, thread, info);
  if (slot === null) return false;
  const cap = slot.cap;
  if (cap.kind !== 'endpoint' || !cap.rights.read || cap.obj.state === 'send') return false;
  const ntfn = thread.boundNotification;
  if (ntfn !== null && ntfn.state === 'active') return false;
  const callerSlot = thread.caller;
  const reply = callerSlot.cap;
  if (reply.kind !== 'reply' || callerSlot.children.size !== 0 || callerSlot.parent !== null) return false;
  const caller = reply.tcb;
  if (caller.state !== 'blockedOnReply' || caller.fault !== null || caller === thread) return false;
  if (!switchesDirectly(kernel, thread, caller)) return false;

  enterSyscall(thread);
  transferRegisters(thread, caller, info, length, 0);
  // cteDelete of the reply cap (no links; finalising a reply cap does nothing).
  callerSlot.cap = NULL_CAP;
  caller.capCount--;
  caller.state = 'running';
  const ep = cap.obj;
  thread.blockingObject = ep;
  thread.blockingCanGrant = cap.rights.grant;
  thread.blockingIsCall = false;
  thread.state = 'blockedOnReceive';
  ep.queue.push(thread);
  ep.state = 'recv';
  schedDequeue(kernel, caller);
  kernel.current = caller;
  return true;
}

/**
 * A Signal (Send without extra caps on a notification cap with the write right) that the slow path
 * would end without a reschedule or with a switch to a higher-priority waiter: the notification
 * is idle and bound to no thread, active, or has a waiter above the sender's priority. The sender
 * of a switch goes to the head of its ready queue, as schedule() puts it.
 */
export function fastpathSignal(kernel: Kernel, thread: TcbObject): boolean {
  const regs = thread.regs;
  if (((regs[Reg.a1]! >>> 7) & 3) !== 0) return false;
  if (kernel.hooks.trace || kernel.action !== 'resume' || kernel.halted) return false;
  const slot = lookupSlotFast(thread, regs[Reg.a0]! >>> 0);
  if (slot === null) return false;
  const cap = slot.cap;
  if (cap.kind !== 'notification' || !cap.rights.write) return false;
  const ntfn = cap.obj;
  const badge = cap.badge;
  if (ntfn.state === 'waiting') {
    const dest = ntfn.queue[0]!;
    if (dest.priority <= thread.priority) return false;
    enterSyscall(thread);
    ntfn.queue.shift();
    if (ntfn.queue.length === 0) ntfn.state = 'idle';
    dest.blockingObject = null;
    dest.state = 'running';
    dest.regs[Reg.a0] = badge | 0;
    schedEnqueue(kernel, thread);
    schedDequeue(kernel, dest);
    kernel.current = dest;
    return true;
  }
  if (ntfn.state === 'idle' && ntfn.boundTcb !== null) return false;
  enterSyscall(thread);
  ntfn.word = ntfn.state === 'active' ? (ntfn.word | badge) >>> 0 : badge >>> 0;
  ntfn.state = 'active';
  return true;
}

/**
 * A Wait (Recv on a notification cap with the read right, not bound to another thread): an active
 * notification hands over its word; otherwise the thread blocks and the highest ready thread runs
 * (chooseThread), or none.
 */
export function fastpathWait(kernel: Kernel, thread: TcbObject): boolean {
  if (kernel.hooks.trace || kernel.action !== 'resume' || kernel.halted) return false;
  const slot = lookupSlotFast(thread, thread.regs[Reg.a0]! >>> 0);
  if (slot === null) return false;
  const cap = slot.cap;
  if (cap.kind !== 'notification' || !cap.rights.read) return false;
  const ntfn = cap.obj;
  if (ntfn.boundTcb !== null && ntfn.boundTcb !== thread) return false;
  enterSyscall(thread);
  if (ntfn.state === 'active') {
    thread.regs[Reg.a0] = ntfn.word | 0;
    ntfn.word = 0;
    ntfn.state = 'idle';
    return true;
  }
  thread.blockingObject = ntfn;
  thread.state = 'blockedOnNotification';
  ntfn.queue.push(thread);
  ntfn.state = 'waiting';
  const prio = highestReadyPriority(kernel);
  if (prio < 0) {
    kernel.current = null;
    return true;
  }
  const next = kernel.readyQueues[prio]![0]!;
  schedDequeue(kernel, next);
  kernel.current = next;
  if (next.state === 'restart') {
    next.pc = next.faultIp;
    next.state = 'running';
  }
  return true;
}
