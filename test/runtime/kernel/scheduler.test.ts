// The ready queues and their bitmap (seL4 src/kernel/thread.c tcbSchedEnqueue/Append/Dequeue,
// chooseThread through the ksReadyQueuesL1Bitmap): head and tail, a thread never queued twice, a
// thread taken from the middle, each priority word of the bitmap at its first and last bit, and
// the requeue of setPriority.
import { describe, it, expect } from 'vitest';
import {
  highestReadyPriority,
  schedAppend,
  schedDequeue,
  schedEnqueue,
  setPriority,
  timesliceExpired,
} from '../../../runtime/kernel/scheduler.js';
import { bootTestKernel, createThread, type TestSystem } from './fixture.js';

const names = (sys: TestSystem, prio: number) => sys.kernel.readyQueues[prio]!.map((t) => t.name);

function threads(n: number, priority: number) {
  const sys = bootTestKernel();
  const ts = Array.from({ length: n }, (_, i) => createThread(sys, `t${i}`, priority).tcb);
  return { sys, k: sys.kernel, ts };
}

describe('ready queues', () => {
  it('enqueue puts a thread at the head, append at the tail; neither queues a thread twice', () => {
    const { sys, k, ts } = threads(3, 40);
    const [a, b, c] = ts as [typeof ts[0], typeof ts[0], typeof ts[0]];
    schedEnqueue(k, a);
    schedEnqueue(k, b);
    schedAppend(k, c);
    expect(names(sys, 40)).toEqual(['t1', 't0', 't2']);
    schedEnqueue(k, c);
    schedAppend(k, b);
    expect(names(sys, 40)).toEqual(['t1', 't0', 't2']);
  });

  it('a thread taken from the middle leaves the others in order; the priority stays ready until the queue is empty', () => {
    const { sys, k, ts } = threads(3, 40);
    for (const t of ts) schedAppend(k, t);
    schedDequeue(k, ts[1]!);
    expect(names(sys, 40)).toEqual(['t0', 't2']);
    expect(ts[1]!.inReadyQueue).toBe(false);
    schedDequeue(k, ts[1]!);
    expect(names(sys, 40)).toEqual(['t0', 't2']);
    schedDequeue(k, ts[2]!);
    expect(highestReadyPriority(k)).toBe(40);
    schedDequeue(k, ts[0]!);
    expect(highestReadyPriority(k)).toBe(-1);
  });

  it('the bitmap finds the highest ready priority in every word: 0, 31, 32, 63, 255', () => {
    const { k, ts } = threads(5, 1);
    const prios = [0, 31, 32, 63, 255];
    ts.forEach((t, i) => (t.priority = prios[i]!));
    expect(highestReadyPriority(k)).toBe(-1);
    for (let i = 0; i < ts.length; i++) {
      schedEnqueue(k, ts[i]!);
      expect(highestReadyPriority(k)).toBe(prios[i]);
    }
    for (let i = ts.length - 1; i > 0; i--) {
      schedDequeue(k, ts[i]!);
      expect(highestReadyPriority(k)).toBe(prios[i - 1]);
    }
  });

  it('setPriority takes a ready thread off its old queue and makes it the switch candidate; an inactive one is not queued', () => {
    const { sys, k, ts } = threads(2, 40);
    ts[0]!.state = 'running';
    schedEnqueue(k, ts[0]!);
    k.action = 'resume';
    setPriority(k, ts[0]!, 90);
    // possibleSwitchTo with nothing else decided: the thread becomes the switch candidate.
    expect([names(sys, 40), ts[0]!.priority, k.action]).toEqual([[], 90, ts[0]]);
    setPriority(k, ts[1]!, 91);
    expect([ts[1]!.inReadyQueue, names(sys, 91)]).toEqual([false, []]);
  });

  it('a timeslice ending with no current thread changes nothing', () => {
    const { k } = threads(0, 40);
    k.current = null;
    k.action = 'resume';
    timesliceExpired(k);
    expect(k.action).toBe('resume');
  });
});
