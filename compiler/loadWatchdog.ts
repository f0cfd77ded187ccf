// Ends a busy loop in a descriptor that jiti imports asynchronously (one with a top-level await):
// its code runs in microtasks on this thread, where neither a timer nor the vm module's timeout can
// reach it. A worker thread watches instead, through a shared flag: this thread marks it when its
// own deadline timer runs or the import settles, which it can only do when it is not stuck. If the
// flag is still clear a little after the deadline, the worker ends the JavaScript this thread is
// running (the inspector's Runtime.terminateExecution, the one call that acts on a busy thread:
// Debugger.pause waits for it) and says so by a message, which settles the caller's wait even when
// the termination fell on the caller's own timer callback. Started only for the asynchronous
// import, so an ordinary validate pays nothing.
import { Worker, isMainThread } from 'node:worker_threads';

export interface LoadWatchdog {
  /** This thread got to run at the deadline, or the import settled: nothing to end. */
  markAlive(): void;
  /** Resolves when the worker ended a busy execution of this thread. */
  readonly ended: Promise<void>;
  /** True once the worker decided to end this thread's execution. */
  endedBusyLoop(): boolean;
  stop(): void;
}

const RUNNING = 0;
const ALIVE = 1;
const ENDING = 2;

const WATCHDOG_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { Session } = require('node:inspector');
const flag = new Int32Array(workerData.flag);
const session = new Session();
session.connectToMainThread();
const timer = setTimeout(() => {
  if (Atomics.compareExchange(flag, 0, ${RUNNING}, ${ENDING}) !== ${RUNNING}) return;
  session.post('Runtime.terminateExecution', () => parentPort.postMessage('ended'));
}, workerData.deadlineMs);
parentPort.on('message', () => {
  clearTimeout(timer);
  session.disconnect();
  parentPort.close();
});
`;

/**
 * Watches this thread: `deadlineMs` from now, a thread that has not marked itself alive is ended.
 * Only the main thread can be reached (`connectToMainThread`): called in a worker, it watches nothing.
 */
export function startLoadWatchdog(deadlineMs: number): LoadWatchdog {
  if (!isMainThread) return { markAlive: () => {}, ended: new Promise(() => {}), endedBusyLoop: () => false, stop: () => {} };
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { deadlineMs, flag: flag.buffer } });
  worker.unref();
  const ended = new Promise<void>((resolve) => worker.once('message', () => resolve()));
  return {
    markAlive: () => void Atomics.compareExchange(flag, 0, RUNNING, ALIVE),
    ended,
    endedBusyLoop: () => Atomics.load(flag, 0) === ENDING,
    stop: () => {
      worker.postMessage('stop');
      worker.unref();
    },
  };
}
