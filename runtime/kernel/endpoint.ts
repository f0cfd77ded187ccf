// Endpoints (seL4 src/object/endpoint.c): sendIPC, receiveIPC, cancelIPC, cancelAllIPC,
// cancelBadgedSends. Queues hold threads all sending or all receiving; a Call leaves a reply cap.
import { Reg } from './abi.js';
import { cteDelete } from './cnode.js';
import { doIpcTransfer, setupCallerCap } from './ipc.js';
import type { Kernel } from './kernel.js';
import type { CapOf, EndpointObject, TcbObject } from './objects.js';
import { cancelSignal, completeSignal } from './notification.js';
import { possibleSwitchTo, rescheduleRequired, schedEnqueue, setThreadState } from './scheduler.js';

/** seL4 sendIPC. */
export function sendIPC(
  kernel: Kernel,
  blocking: boolean,
  doCall: boolean,
  badge: number,
  canGrant: boolean,
  canGrantReply: boolean,
  thread: TcbObject,
  ep: EndpointObject,
): void {
  if (ep.state !== 'recv') {
    if (!blocking) return;
    thread.blockingObject = ep;
    thread.blockingBadge = badge;
    thread.blockingCanGrant = canGrant;
    thread.blockingCanGrantReply = canGrantReply;
    thread.blockingIsCall = doCall;
    setThreadState(kernel, thread, 'blockedOnSend');
    ep.queue.push(thread);
    ep.state = 'send';
    return;
  }
  const dest = ep.queue.shift()!;
  if (ep.queue.length === 0) ep.state = 'idle';
  doIpcTransfer(kernel, thread, ep, badge, canGrant, dest);
  const replyCanGrant = dest.blockingCanGrant;
  dest.blockingObject = null;
  setThreadState(kernel, dest, 'running');
  possibleSwitchTo(kernel, dest);
  if (doCall) {
    if (canGrant || canGrantReply) setupCallerCap(kernel, thread, dest, replyCanGrant);
    else setThreadState(kernel, thread, 'inactive');
  }
}

/** seL4 receiveIPC: a bound notification that is active wins over the endpoint. */
export function receiveIPC(kernel: Kernel, thread: TcbObject, cap: CapOf<'endpoint'>, blocking: boolean): void {
  const ep = cap.obj;
  const ntfn = thread.boundNotification;
  if (ntfn && ntfn.state === 'active') {
    completeSignal(ntfn, thread);
    return;
  }
  if (ep.state !== 'send') {
    if (!blocking) {
      thread.regs[Reg.a0] = 0;
      return;
    }
    thread.blockingObject = ep;
    thread.blockingCanGrant = cap.rights.grant;
    thread.blockingIsCall = false;
    setThreadState(kernel, thread, 'blockedOnReceive');
    ep.queue.push(thread);
    ep.state = 'recv';
    return;
  }
  const sender = ep.queue.shift()!;
  if (ep.queue.length === 0) ep.state = 'idle';
  const { blockingBadge: badge, blockingCanGrant: canGrant, blockingCanGrantReply: canGrantReply } = sender;
  doIpcTransfer(kernel, sender, ep, badge, canGrant, thread);
  sender.blockingObject = null;
  if (sender.blockingIsCall) {
    if (canGrant || canGrantReply) setupCallerCap(kernel, sender, thread, cap.rights.grant);
    else setThreadState(kernel, sender, 'inactive');
  } else {
    setThreadState(kernel, sender, 'running');
    possibleSwitchTo(kernel, sender);
  }
}

/** seL4 cancelIPC: take `tptr` out of whatever IPC it waits in. */
export function cancelIPC(kernel: Kernel, tptr: TcbObject): void {
  switch (tptr.state) {
    case 'blockedOnSend':
    case 'blockedOnReceive': {
      const ep = tptr.blockingObject as EndpointObject;
      const at = ep.queue.indexOf(tptr);
      if (at >= 0) ep.queue.splice(at, 1);
      if (ep.queue.length === 0) ep.state = 'idle';
      tptr.blockingObject = null;
      setThreadState(kernel, tptr, 'inactive');
      return;
    }
    case 'blockedOnNotification':
      cancelSignal(kernel, tptr);
      return;
    case 'blockedOnReply': {
      tptr.fault = null;
      // The reply cap to `tptr` dies: it sits in some thread's caller slot or where SaveCaller moved it.
      for (const holder of kernel.threads) {
        const c = holder.caller.cap;
        if (c.kind === 'reply' && c.tcb === tptr) cteDelete(kernel, holder.caller);
      }
      for (const obj of kernel.objects) {
        if (obj.type !== 'cnode' || !obj.live) continue;
        for (const slot of obj.slots) if (slot.cap.kind === 'reply' && slot.cap.tcb === tptr) cteDelete(kernel, slot);
      }
      return;
    }
    default:
      return;
  }
}

/** seL4 cancelAllIPC: every waiter restarts its syscall (or stops, if it was sending a fault). */
export function cancelAllIPC(kernel: Kernel, ep: EndpointObject): void {
  if (ep.state === 'idle') return;
  const queue = ep.queue;
  ep.queue = [];
  ep.state = 'idle';
  for (const thread of queue) {
    thread.blockingObject = null;
    if (thread.fault === null) {
      setThreadState(kernel, thread, 'restart');
      schedEnqueue(kernel, thread);
    } else {
      setThreadState(kernel, thread, 'inactive');
    }
  }
  rescheduleRequired(kernel);
}

/** seL4 cancelBadgedSends: senders with `badge` restart their syscall. */
export function cancelBadgedSends(kernel: Kernel, ep: EndpointObject, badge: number): void {
  if (ep.state !== 'send') return;
  const keep: TcbObject[] = [];
  for (const thread of ep.queue) {
    if (thread.blockingBadge === badge) {
      thread.blockingObject = null;
      setThreadState(kernel, thread, 'restart');
      schedEnqueue(kernel, thread);
    } else {
      keep.push(thread);
    }
  }
  ep.queue = keep;
  if (keep.length === 0) ep.state = 'idle';
  rescheduleRequired(kernel);
}
