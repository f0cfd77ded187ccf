// The scheduler action and schedule()'s decisions (seL4 src/kernel/thread.c: scheduleTCB through
// setThreadState, possibleSwitchTo, rescheduleRequired, schedule, chooseThread; src/object/tcb.c
// setPriority, restart): what ksSchedulerAction becomes after each, the candidate of equal, higher
// and lower priority than the running thread, a candidate still in its queue behind another thread,
// priorities 0 and 255, a woken thread of the sender's priority queued behind the sender, and a
// thread already restarting left alone by TCB_Resume.
import { describe, it, expect } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { InvocationLabel as L, Syscall } from '../../../runtime/kernel/abi.js';
import { checkInvariants } from '../../../runtime/kernel/invariants.js';
import {
  possibleSwitchTo,
  rescheduleRequired,
  restartThread,
  schedAppend,
  schedEnqueue,
  schedule,
  setPriority,
  setThreadState,
} from '../../../runtime/kernel/scheduler.js';
import type { TcbObject } from '../../../runtime/kernel/objects.js';
import { bootTestKernel, createThread, grant, makeCurrent, resume, retype, rootInvoke, syscall, type TestSystem } from './fixture.js';

const queue = (sys: TestSystem, prio: number) => sys.kernel.readyQueues[prio]!.map((t) => t.name);

/** Threads at the given priorities (inactive, not queued), named t0, t1, …; none current. */
function threadsAt(...priorities: number[]) {
  const sys = bootTestKernel();
  const ts = priorities.map((p, i) => createThread(sys, `t${i}`, p).tcb);
  const k = sys.kernel;
  k.current = null;
  k.action = 'resume';
  return { sys, k, ts };
}

/** `t` runs (state Running, current, out of its queue) with the action ResumeCurrentThread. */
function running(sys: TestSystem, t: TcbObject): void {
  t.state = 'running';
  makeCurrent(sys, t);
}

describe('setThreadState asks for a reschedule only when the running thread stops (scheduleTCB)', () => {
  it('the current thread blocking sets ChooseNewThread; staying runnable keeps ResumeCurrentThread', () => {
    const { sys, k, ts } = threadsAt(100);
    const [a] = ts as [TcbObject];
    running(sys, a);
    setThreadState(k, a, 'running');
    expect(k.action).toBe('resume');
    setThreadState(k, a, 'restart');
    expect(k.action).toBe('resume');
    setThreadState(k, a, 'blockedOnReceive');
    expect(k.action).toBe('chooseNew');
  });

  it('another thread blocking, or the current one while a switch is already decided, changes nothing', () => {
    const { sys, k, ts } = threadsAt(100, 100, 100);
    const [a, b, c] = ts as [TcbObject, TcbObject, TcbObject];
    running(sys, a);
    b.state = 'running';
    setThreadState(k, b, 'blockedOnSend');
    expect(k.action).toBe('resume');
    c.state = 'running';
    k.action = c;
    setThreadState(k, a, 'blockedOnReply');
    // Still the candidate, and not queued yet (rescheduleRequired would have queued it).
    expect([k.action, c.inReadyQueue]).toEqual([c, false]);
  });
});

describe('rescheduleRequired and possibleSwitchTo', () => {
  it('rescheduleRequired queues a pending switch candidate before choosing anew', () => {
    const { k, ts } = threadsAt(70);
    const [c] = ts as [TcbObject];
    c.state = 'running';
    possibleSwitchTo(k, c);
    expect([k.action, c.inReadyQueue]).toEqual([c, false]);
    rescheduleRequired(k);
    expect([k.action, c.inReadyQueue]).toEqual(['chooseNew', true]);
  });

  it('possibleSwitchTo when a new choice is already due only queues the target', () => {
    const { sys, k, ts } = threadsAt(70, 80, 90);
    const [c, d, e] = ts as [TcbObject, TcbObject, TcbObject];
    for (const t of ts) t.state = 'running';
    k.action = 'chooseNew';
    possibleSwitchTo(k, c);
    expect([k.action, queue(sys, 70)]).toEqual(['chooseNew', ['t0']]);
    // With another candidate pending, both end up queued and the choice is made anew.
    k.action = d;
    possibleSwitchTo(k, e);
    expect([k.action, queue(sys, 80), queue(sys, 90)]).toEqual(['chooseNew', ['t1'], ['t2']]);
  });
});

describe('schedule() with a switch candidate', () => {
  it('a candidate of the running thread\'s priority goes to the tail; the running thread goes on', () => {
    const { sys, k, ts } = threadsAt(100, 100, 100);
    const [a, b, c] = ts as [TcbObject, TcbObject, TcbObject];
    b.state = 'running';
    schedAppend(k, b);
    running(sys, a);
    c.state = 'running';
    possibleSwitchTo(k, c);
    schedule(k);
    expect([k.current, k.action, a.inReadyQueue]).toEqual([a, 'resume', false]);
    expect(queue(sys, 100)).toEqual(['t1', 't2']);
  });

  it('a candidate above the running thread runs at once, ahead of a thread already queued at its priority', () => {
    const { sys, k, ts } = threadsAt(100, 150, 150);
    const [a, d, c] = ts as [TcbObject, TcbObject, TcbObject];
    d.state = 'running';
    schedAppend(k, d);
    running(sys, a);
    c.state = 'running';
    k.action = c;
    schedule(k);
    expect([k.current, c.inReadyQueue]).toEqual([c, false]);
    expect([queue(sys, 150), queue(sys, 100)]).toEqual([['t1'], ['t0']]);
  });

  it('with nothing running, a candidate queued behind another thread of its priority is switched to (switchToThread)', () => {
    const { sys, k, ts } = threadsAt(50, 50);
    const [d, c] = ts as [TcbObject, TcbObject];
    for (const t of [d, c]) {
      t.state = 'running';
      schedAppend(k, t);
    }
    k.action = c;
    schedule(k);
    expect([k.current, queue(sys, 50)]).toEqual([c, ['t0']]);
  });

  it('a candidate below a ready priority waits in its queue; the highest runs', () => {
    const { sys, k, ts } = threadsAt(100, 50);
    const [a, c] = ts as [TcbObject, TcbObject];
    running(sys, a);
    c.state = 'running';
    k.action = c;
    schedule(k);
    expect([k.current, queue(sys, 50)]).toEqual([a, ['t1']]);
  });
});

describe('priorities 0 and 255', () => {
  it('a priority-0 thread alone in the ready queues is chosen; the idle thread runs only when none is ready', () => {
    const { k, ts } = threadsAt(0);
    const [z] = ts as [TcbObject];
    k.action = 'chooseNew';
    schedule(k);
    expect(k.current).toBeNull();
    z.state = 'running';
    schedEnqueue(k, z);
    k.action = 'chooseNew';
    schedule(k);
    expect([k.current, z.inReadyQueue]).toEqual([z, false]);
  });

  it('255 is chosen over 254 and 0, whatever the order they were queued in', () => {
    const { k, ts } = threadsAt(0, 254, 255);
    for (const t of ts) {
      t.state = 'running';
      schedAppend(k, t);
    }
    k.action = 'chooseNew';
    schedule(k);
    expect(k.current).toBe(ts[2]);
    expect(checkInvariants(k)).toEqual([]);
  });
});

describe('setPriority of the running thread (seL4 setPriority)', () => {
  it('takes a reschedule: a pending candidate is queued and the running thread is not', () => {
    const { sys, k, ts } = threadsAt(100, 100);
    const [a, c] = ts as [TcbObject, TcbObject];
    running(sys, a);
    c.state = 'running';
    k.action = c;
    setPriority(k, a, 90);
    expect([k.action, a.inReadyQueue, c.inReadyQueue, a.priority]).toEqual(['chooseNew', false, true, 90]);
  });
});

describe('a woken thread of the same priority as the sender', () => {
  it('Send to a receiver of equal priority: the sender goes on, the receiver is queued', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    const a = createThread(sys, 'a', 100);
    const b = createThread(sys, 'b', 100);
    for (const t of [a, b]) {
      grant(sys, t, 1, ep);
      resume(sys, t);
    }
    syscall(sys, b.tcb, Syscall.Recv, { a0: 1 });
    expect(b.tcb.state).toBe('blockedOnReceive');
    syscall(sys, a.tcb, Syscall.Send, { a0: 1, mrs: [7] });
    expect([sys.kernel.current, b.tcb.state, a.tcb.inReadyQueue]).toEqual([a.tcb, 'running', false]);
    expect(queue(sys, 100)).toContain('b');
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });
});

describe('TCB_Resume of a thread that is not stopped (isStopped)', () => {
  it('a thread in Restart is left as it is: no second switch candidate', () => {
    const { k, ts } = threadsAt(60);
    const [t] = ts as [TcbObject];
    restartThread(k, t);
    expect([t.state, k.action]).toEqual(['restart', t]);
    k.action = 'resume';
    restartThread(k, t);
    expect(k.action).toBe('resume');
    // Through the invocation as well.
    const sys2 = bootTestKernel();
    const u = createThread(sys2, 'u', 60);
    expect(rootInvoke(sys2, u.tcbSlot, L.TCBResume, [])).toEqual({ error: 0, mrs: [] });
    expect(u.tcb.state).toBe('restart');
    sys2.kernel.action = 'resume';
    expect(rootInvoke(sys2, u.tcbSlot, L.TCBResume, [])).toEqual({ error: 0, mrs: [] });
    expect(sys2.kernel.action).toBe('resume');
  });
});
