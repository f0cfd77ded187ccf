// The non-MCS round-robin scheduler (seL4 src/kernel/thread.c: schedule, chooseThread,
// possibleSwitchTo, rescheduleRequired, setThreadState, timerTick; src/object/tcb.c ready queues).
// 256 priorities; the timeslice is counted in retired instructions so runs are deterministic.
import type { Kernel } from './kernel.js';
import type { TcbObject, ThreadState } from './objects.js';
import { cancelIPC } from './endpoint.js';

export const isRunnable = (tcb: TcbObject): boolean => tcb.state === 'running' || tcb.state === 'restart';
/** seL4 isStopped: inactive or blocked (on a send, a receive, a notification or a reply). */
export const isStopped = (tcb: TcbObject): boolean => tcb.state !== 'running' && tcb.state !== 'restart';

/** tcbSchedEnqueue: at the head of its priority's queue. */
export function schedEnqueue(kernel: Kernel, tcb: TcbObject): void {
  if (tcb.inReadyQueue) return;
  const queue = kernel.readyQueues[tcb.priority]!;
  // unshift moves every element (and is slow in V8 even for none): an empty queue takes a push.
  if (queue.length === 0) queue.push(tcb);
  else queue.unshift(tcb);
  kernel.readyBitmap[tcb.priority >>> 5]! |= 1 << (tcb.priority & 31);
  kernel.readyWords |= 1 << (tcb.priority >>> 5);
  tcb.inReadyQueue = true;
}

/** tcbSchedAppend: at the tail. */
export function schedAppend(kernel: Kernel, tcb: TcbObject): void {
  if (tcb.inReadyQueue) return;
  kernel.readyQueues[tcb.priority]!.push(tcb);
  kernel.readyBitmap[tcb.priority >>> 5]! |= 1 << (tcb.priority & 31);
  kernel.readyWords |= 1 << (tcb.priority >>> 5);
  tcb.inReadyQueue = true;
}

export function schedDequeue(kernel: Kernel, tcb: TcbObject): void {
  if (!tcb.inReadyQueue) return;
  const queue = kernel.readyQueues[tcb.priority]!;
  if (queue[0] === tcb) queue.shift();
  else queue.splice(queue.indexOf(tcb), 1);
  if (queue.length === 0) {
    const word = tcb.priority >>> 5;
    const bits = kernel.readyBitmap[word]! & ~(1 << (tcb.priority & 31));
    kernel.readyBitmap[word] = bits;
    if (bits === 0) kernel.readyWords &= ~(1 << word);
  }
  tcb.inReadyQueue = false;
}

/** Highest priority with a ready thread, or -1. */
export function highestReadyPriority(kernel: Kernel): number {
  const words = kernel.readyWords;
  if (words === 0) return -1;
  const word = 31 - Math.clz32(words);
  return word * 32 + 31 - Math.clz32(kernel.readyBitmap[word]!);
}

/** seL4 rescheduleRequired. */
export function rescheduleRequired(kernel: Kernel): void {
  const action = kernel.action;
  if (action !== 'resume' && action !== 'chooseNew') schedEnqueue(kernel, action);
  kernel.action = 'chooseNew';
}

/** seL4 setThreadState + scheduleTCB. */
export function setThreadState(kernel: Kernel, tcb: TcbObject, state: ThreadState): void {
  tcb.state = state;
  if (tcb === kernel.current && kernel.action === 'resume' && !isRunnable(tcb)) rescheduleRequired(kernel);
}

/** seL4 possibleSwitchTo: the woken thread may preempt the current one at the next schedule. */
export function possibleSwitchTo(kernel: Kernel, target: TcbObject): void {
  if (kernel.action !== 'resume') {
    rescheduleRequired(kernel);
    schedEnqueue(kernel, target);
  } else {
    kernel.action = target;
  }
}

function chooseThread(kernel: Kernel): void {
  const prio = highestReadyPriority(kernel);
  if (prio < 0) {
    kernel.current = null;
    return;
  }
  const next = kernel.readyQueues[prio]![0]!;
  schedDequeue(kernel, next);
  kernel.current = next;
}

/** seL4 schedule(): acts on ksSchedulerAction; afterwards `kernel.current` runs (null = idle). */
export function schedule(kernel: Kernel): void {
  if (kernel.halted) {
    // seL4_DebugHalt stopped the kernel: no thread runs again.
    kernel.current = null;
    return;
  }
  const action = kernel.action;
  if (action !== 'resume') {
    const cur = kernel.current;
    const wasRunnable = cur !== null && isRunnable(cur);
    if (wasRunnable) schedEnqueue(kernel, cur);
    if (action === 'chooseNew') {
      chooseThread(kernel);
    } else {
      const candidate = action;
      const fastfail = cur === null || candidate.priority < cur.priority;
      if (fastfail && highestReadyPriority(kernel) > candidate.priority) {
        schedEnqueue(kernel, candidate);
        chooseThread(kernel);
      } else if (wasRunnable && candidate.priority === cur.priority) {
        // The candidate goes to the tail; the current thread, enqueued at the head, is picked again.
        schedAppend(kernel, candidate);
        chooseThread(kernel);
      } else {
        schedDequeue(kernel, candidate);
        kernel.current = candidate;
      }
    }
  } else if (kernel.current !== null && !isRunnable(kernel.current)) {
    chooseThread(kernel);
  }
  kernel.action = 'resume';
}

/** seL4 timerTick, per instruction budget: at the end of a timeslice the thread goes to the tail. */
export function timesliceExpired(kernel: Kernel): void {
  const cur = kernel.current;
  if (cur === null) return;
  cur.timeSlice = kernel.timeSlice;
  schedAppend(kernel, cur);
  rescheduleRequired(kernel);
}

/** seL4 handleYield. */
export function handleYield(kernel: Kernel, tcb: TcbObject): void {
  schedDequeue(kernel, tcb);
  schedAppend(kernel, tcb);
  rescheduleRequired(kernel);
}

/** seL4 setPriority: requeue at the new priority. */
export function setPriority(kernel: Kernel, tcb: TcbObject, priority: number): void {
  schedDequeue(kernel, tcb);
  tcb.priority = priority;
  if (isRunnable(tcb)) {
    if (tcb === kernel.current) rescheduleRequired(kernel);
    else possibleSwitchTo(kernel, tcb);
  }
}

/** seL4 suspend: cancel what it waits for and stop it. */
export function suspendThread(kernel: Kernel, tcb: TcbObject): void {
  cancelIPC(kernel, tcb);
  setThreadState(kernel, tcb, 'inactive');
  schedDequeue(kernel, tcb);
}

/** seL4 restart: a stopped thread starts again at its pc. */
export function restartThread(kernel: Kernel, tcb: TcbObject): void {
  if (!isStopped(tcb)) return;
  cancelIPC(kernel, tcb);
  setThreadState(kernel, tcb, 'restart');
  schedEnqueue(kernel, tcb);
  possibleSwitchTo(kernel, tcb);
}
