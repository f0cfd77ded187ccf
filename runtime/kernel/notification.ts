// Notifications (seL4 src/object/notification.c): sendSignal, receiveSignal, completeSignal,
// cancelSignal, cancelAllSignals and binding to a TCB. A signal ORs its badge into the word.
import { Reg } from './abi.js';
import { cancelIPC } from './endpoint.js';
import type { Kernel } from './kernel.js';
import type { CapOf, NotificationObject, TcbObject } from './objects.js';
import { possibleSwitchTo, rescheduleRequired, schedEnqueue, setThreadState } from './scheduler.js';

/** seL4 sendSignal. */
export function sendSignal(kernel: Kernel, ntfn: NotificationObject, badge: number): void {
  switch (ntfn.state) {
    case 'idle': {
      const tcb = ntfn.boundTcb;
      if (tcb && tcb.state === 'blockedOnReceive') {
        // A thread waiting on its endpoint is woken by its bound notification.
        cancelIPC(kernel, tcb);
        setThreadState(kernel, tcb, 'running');
        tcb.regs[Reg.a0] = badge | 0;
        possibleSwitchTo(kernel, tcb);
        if (kernel.hooks.trace) kernel.trace({ kind: 'signal', to: tcb.name, badge });
      } else {
        ntfn.state = 'active';
        ntfn.word = badge >>> 0;
      }
      return;
    }
    case 'waiting': {
      const dest = ntfn.queue.shift()!;
      if (ntfn.queue.length === 0) ntfn.state = 'idle';
      dest.blockingObject = null;
      setThreadState(kernel, dest, 'running');
      dest.regs[Reg.a0] = badge | 0;
      possibleSwitchTo(kernel, dest);
      if (kernel.hooks.trace) kernel.trace({ kind: 'signal', to: dest.name, badge });
      return;
    }
    case 'active':
      ntfn.word = (ntfn.word | badge) >>> 0;
      return;
  }
}

/** seL4 receiveSignal (Recv/NBRecv on a notification cap). */
export function receiveSignal(kernel: Kernel, thread: TcbObject, cap: CapOf<'notification'>, blocking: boolean): void {
  const ntfn = cap.obj;
  if (ntfn.state === 'active') {
    completeSignal(ntfn, thread);
    return;
  }
  if (!blocking) {
    thread.regs[Reg.a0] = 0;
    return;
  }
  thread.blockingObject = ntfn;
  setThreadState(kernel, thread, 'blockedOnNotification');
  ntfn.queue.push(thread);
  ntfn.state = 'waiting';
}

/** seL4 completeSignal: the word goes to the badge register and is cleared. */
export function completeSignal(ntfn: NotificationObject, tcb: TcbObject): void {
  tcb.regs[Reg.a0] = ntfn.word | 0;
  ntfn.word = 0;
  ntfn.state = 'idle';
}

/** seL4 cancelSignal. */
export function cancelSignal(kernel: Kernel, tcb: TcbObject): void {
  const ntfn = tcb.blockingObject as NotificationObject;
  const at = ntfn.queue.indexOf(tcb);
  if (at >= 0) ntfn.queue.splice(at, 1);
  if (ntfn.queue.length === 0 && ntfn.state === 'waiting') ntfn.state = 'idle';
  tcb.blockingObject = null;
  setThreadState(kernel, tcb, 'inactive');
}

/** seL4 cancelAllSignals: waiters restart their Recv. */
export function cancelAllSignals(kernel: Kernel, ntfn: NotificationObject): void {
  if (ntfn.state !== 'waiting') return;
  const queue = ntfn.queue;
  ntfn.queue = [];
  ntfn.state = 'idle';
  for (const thread of queue) {
    thread.blockingObject = null;
    setThreadState(kernel, thread, 'restart');
    schedEnqueue(kernel, thread);
  }
  rescheduleRequired(kernel);
}

export function bindNotification(tcb: TcbObject, ntfn: NotificationObject): void {
  ntfn.boundTcb = tcb;
  tcb.boundNotification = ntfn;
}

export function unbindNotification(tcb: TcbObject): void {
  const ntfn = tcb.boundNotification;
  if (!ntfn) return;
  ntfn.boundTcb = null;
  tcb.boundNotification = null;
}

/** seL4 unbindMaybeNotification: a dying notification unbinds its TCB. */
export function unbindMaybeNotification(ntfn: NotificationObject): void {
  if (ntfn.boundTcb) unbindNotification(ntfn.boundTcb);
}
