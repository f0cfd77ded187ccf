// Ends a busy loop in a descriptor that jiti imports asynchronously (one with a top-level await):
// its code runs in microtasks on this thread, where neither a timer nor the vm module's timeout can
// reach it. A worker thread watches instead, through a shared flag: this thread marks it when its
// own deadline timer runs or the import settles, which it can only do when it is not stuck. If the
// flag is still clear after the deadline, the worker ends the JavaScript this thread is running (the
// inspector's Runtime.terminateExecution, the one call that acts on a busy thread: Debugger.pause
// waits for it) and says so by a message, which settles the caller's wait.
//
// It ends the thread only once it has been busy past the deadline: `busyForMs` of wall time, with
// CPU time spent on this thread in it. A thread late for another reason (not scheduled on a loaded
// machine, stopped by a debugger) is left alone: a termination that lands in a timer or an
// immediate, as it would when such a thread wakes, ends the whole process (Node: "async hook stack
// has become corrupted"); one that lands in the descriptor's microtask ends only that. So this
// thread must run nothing but the import past the deadline. Started only for the asynchronous
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
/** How often the worker reads the thread's CPU time once the deadline has passed. */
const SAMPLE_MS = 25;
/**
 * CPU time the thread must have spent past the deadline, without its deadline timer running, to
 * count as busy. A thread that gets the CPU runs that timer first and at once; on a loaded machine
 * a busy one gets a share of a core only, so this is well below the watch time (10 ms ticks).
 */
const BUSY_CPU_MS = 50;

const WATCHDOG_SOURCE = String.raw`
const fs = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const { Session } = require('node:inspector');
const flag = new Int32Array(workerData.flag);
const session = new Session();
session.connectToMainThread();
// The main thread's CPU time in ms: its own line of /proc on Linux (utime + stime, in the 100 Hz
// ticks /proc always counts in), else the process's, which is the main thread's and little more.
const mainThreadStat = '/proc/self/task/' + process.pid + '/stat';
function mainThreadCpuMs() {
  try {
    const text = fs.readFileSync(mainThreadStat, 'latin1');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  }
}
let timer = setTimeout(() => {
  const from = { at: performance.now(), cpu: mainThreadCpuMs() };
  const watch = () => {
    if (Atomics.load(flag, 0) !== ${RUNNING}) return;
    const busy = performance.now() - from.at >= workerData.busyForMs && mainThreadCpuMs() - from.cpu >= ${BUSY_CPU_MS};
    if (busy && Atomics.compareExchange(flag, 0, ${RUNNING}, ${ENDING}) === ${RUNNING}) {
      session.post('Runtime.terminateExecution', () => parentPort.postMessage('ended'));
      return;
    }
    timer = setTimeout(watch, ${SAMPLE_MS});
  };
  watch();
}, workerData.deadlineMs);
parentPort.on('message', () => {
  clearTimeout(timer);
  session.disconnect();
  parentPort.close();
});
`;

/**
 * Watches this thread: a thread that has not marked itself alive `busyForMs` after `deadlineMs`, and
 * has been on the CPU in that time, is ended. Only the main thread can be reached
 * (`connectToMainThread`): called in a worker, it watches nothing.
 */
export function startLoadWatchdog(deadlineMs: number, busyForMs: number): LoadWatchdog {
  if (!isMainThread) return { markAlive: () => {}, ended: new Promise(() => {}), endedBusyLoop: () => false, stop: () => {} };
  const flag = new Int32Array(new SharedArrayBuffer(4));
  // No execArgv: the source is CommonJS whatever flags this process has (`--input-type=module`).
  const worker = new Worker(WATCHDOG_SOURCE, { eval: true, execArgv: [], workerData: { deadlineMs, busyForMs, flag: flag.buffer } });
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
