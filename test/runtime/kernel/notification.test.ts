// Notifications on the slow path (seL4 src/object/notification.c sendSignal, cancelSignal,
// cancelAllSignals, unbindNotification, unbindMaybeNotification): the waiter queue in order, a
// waiter taken out by Suspend (first, last, only), the last cap deleted under waiters, and the TCB
// binding undone from either side.
import { describe, it, expect } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { InvocationLabel as L, SeL4Error, Syscall } from '../../../runtime/kernel/abi.js';
import { checkInvariants } from '../../../runtime/kernel/invariants.js';
import type { KernelTraceEvent } from '../../../runtime/kernel/kernel.js';
import type { NotificationObject } from '../../../runtime/kernel/objects.js';
import {
  badgeOf,
  bootTestKernel,
  createThread,
  grant,
  resume,
  retype,
  ROOT_CNODE,
  rootInvoke,
  syscall,
  type TestSystem,
  type TestThread,
} from './fixture.js';

const SLOT = 1;

/** A notification, a signaller and `waiters` threads, each holding it in slot 1 with badge `1 << i`. */
function setup(waiters: number) {
  const events: KernelTraceEvent[] = [];
  const sys = bootTestKernel({ hooks: { trace: (e) => events.push(e) } });
  // The slow path: the notification fast path never runs while tracing, nor with this off.
  sys.kernel.fastpath = false;
  const ntfnSlot = retype(sys, ObjectType.Notification);
  const cap = sys.kernel.rootCNode.slots[ntfnSlot]!.cap;
  if (cap.kind !== 'notification') throw new Error('no notification');
  const signaller = createThread(sys, 'signaller', 10);
  grant(sys, signaller, SLOT, ntfnSlot, 0b0001, 0b1);
  resume(sys, signaller);
  const threads: TestThread[] = [];
  for (let i = 0; i < waiters; i++) {
    const t = createThread(sys, `w${i}`, 100);
    grant(sys, t, SLOT, ntfnSlot, 0b0010);
    resume(sys, t);
    threads.push(t);
  }
  return { sys, events, ntfnSlot, ntfn: cap.obj, signaller, threads };
}

const signal = (sys: TestSystem, t: TestThread) => syscall(sys, t.tcb, Syscall.Send, { a0: SLOT });
const wait = (sys: TestSystem, t: TestThread) => syscall(sys, t.tcb, Syscall.Recv, { a0: SLOT });
const view = (n: NotificationObject) => ({ state: n.state, word: n.word, queue: n.queue.map((t) => t.name) });

describe('sendSignal', () => {
  it('wakes waiters in the order they came; the notification stays waiting while one is left', () => {
    const { sys, ntfn, signaller, threads, events } = setup(2);
    wait(sys, threads[0]!);
    wait(sys, threads[1]!);
    expect(view(ntfn)).toEqual({ state: 'waiting', word: 0, queue: ['w0', 'w1'] });
    signal(sys, signaller);
    expect([threads[0]!.tcb.state, threads[1]!.tcb.state]).toEqual(['running', 'blockedOnNotification']);
    expect(badgeOf(threads[0]!.tcb)).toBe(1);
    expect(view(ntfn)).toEqual({ state: 'waiting', word: 0, queue: ['w1'] });
    signal(sys, signaller);
    expect(threads[1]!.tcb.state).toBe('running');
    expect(view(ntfn)).toEqual({ state: 'idle', word: 0, queue: [] });
    expect(events.filter((e) => e.kind === 'signal')).toEqual([
      { kind: 'signal', to: 'w0', badge: 1 },
      { kind: 'signal', to: 'w1', badge: 1 },
    ]);
  });

  it('an idle notification bound to a thread waiting on an endpoint wakes that thread with the badge', () => {
    const { sys, ntfnSlot, ntfn, signaller, events } = setup(0);
    const ep = retype(sys, ObjectType.Endpoint);
    const t = createThread(sys, 'server', 100);
    grant(sys, t, 2, ep, 0b0010);
    resume(sys, t);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBBindNotification, [], [ntfnSlot]).error).toBe(0);
    syscall(sys, t.tcb, Syscall.Recv, { a0: 2 });
    expect(t.tcb.state).toBe('blockedOnReceive');
    signal(sys, signaller);
    expect(t.tcb.state).toBe('running');
    expect(badgeOf(t.tcb)).toBe(1);
    expect(view(ntfn)).toEqual({ state: 'idle', word: 0, queue: [] });
    expect(events.filter((e) => e.kind === 'signal')).toEqual([{ kind: 'signal', to: 'server', badge: 1 }]);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });
});

describe('cancelSignal (Suspend of a waiter)', () => {
  it('the first of two waiters suspended: the other stays queued and gets the next signal', () => {
    const { sys, ntfn, signaller, threads } = setup(2);
    wait(sys, threads[0]!);
    wait(sys, threads[1]!);
    expect(rootInvoke(sys, threads[0]!.tcbSlot, L.TCBSuspend, []).error).toBe(0);
    expect(view(ntfn)).toEqual({ state: 'waiting', word: 0, queue: ['w1'] });
    expect(threads[0]!.tcb.blockingObject).toBeNull();
    signal(sys, signaller);
    expect([threads[0]!.tcb.state, threads[1]!.tcb.state]).toEqual(['inactive', 'running']);
  });

  it('the last of two waiters suspended: the first stays queued', () => {
    const { sys, ntfn, threads } = setup(2);
    wait(sys, threads[0]!);
    wait(sys, threads[1]!);
    expect(rootInvoke(sys, threads[1]!.tcbSlot, L.TCBSuspend, []).error).toBe(0);
    expect(view(ntfn)).toEqual({ state: 'waiting', word: 0, queue: ['w0'] });
  });

  it('the only waiter suspended: the notification is idle again and the next signal is kept for the next Wait', () => {
    const { sys, ntfn, signaller, threads } = setup(1);
    wait(sys, threads[0]!);
    expect(rootInvoke(sys, threads[0]!.tcbSlot, L.TCBSuspend, []).error).toBe(0);
    expect(view(ntfn)).toEqual({ state: 'idle', word: 0, queue: [] });
    signal(sys, signaller);
    expect(view(ntfn)).toEqual({ state: 'active', word: 1, queue: [] });
    resume(sys, threads[0]!);
    wait(sys, threads[0]!);
    expect([threads[0]!.tcb.state, badgeOf(threads[0]!.tcb)]).toEqual(['running', 1]);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });
});

describe('deleting the last notification cap', () => {
  it('restarts every waiter (cancelAllSignals): they are ready to run their Recv again', () => {
    const { sys, ntfnSlot, ntfn, signaller, threads } = setup(2);
    wait(sys, threads[0]!);
    wait(sys, threads[1]!);
    for (const t of [signaller, ...threads]) {
      expect(rootInvoke(sys, t.cnodeSlot, L.CNodeDelete, [SLOT, 8]).error).toBe(0);
    }
    expect(threads.map((t) => t.tcb.state)).toEqual(['blockedOnNotification', 'blockedOnNotification']);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [ntfnSlot, 32]).error).toBe(0);
    expect(threads.map((t) => [t.tcb.state, t.tcb.inReadyQueue, t.tcb.blockingObject])).toEqual([
      ['restart', true, null],
      ['restart', true, null],
    ]);
    expect(ntfn.live).toBe(false);
    expect(sys.kernel.action).toBe('chooseNew');
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('an idle notification without waiters is freed without a reschedule', () => {
    const { sys, ntfnSlot, signaller } = setup(0);
    expect(rootInvoke(sys, signaller.cnodeSlot, L.CNodeDelete, [SLOT, 8]).error).toBe(0);
    sys.kernel.action = 'resume';
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [ntfnSlot, 32]).error).toBe(0);
    expect(sys.kernel.action).toBe('resume');
  });

  it('unbinds the thread it was bound to (unbindMaybeNotification): the thread can bind another', () => {
    const { sys, ntfnSlot, signaller } = setup(0);
    const t = createThread(sys, 't');
    expect(rootInvoke(sys, t.tcbSlot, L.TCBBindNotification, [], [ntfnSlot]).error).toBe(0);
    expect(rootInvoke(sys, signaller.cnodeSlot, L.CNodeDelete, [SLOT, 8]).error).toBe(0);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [ntfnSlot, 32]).error).toBe(0);
    expect(t.tcb.boundNotification).toBeNull();
    const other = retype(sys, ObjectType.Notification);
    expect(rootInvoke(sys, t.tcbSlot, L.TCBBindNotification, [], [other]).error).toBe(0);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });
});

describe('unbinding from the TCB side', () => {
  it('UnbindNotification clears both ends: the notification can be bound to another thread', () => {
    const { sys, ntfnSlot, ntfn } = setup(0);
    const a = createThread(sys, 'a');
    const b = createThread(sys, 'b');
    expect(rootInvoke(sys, a.tcbSlot, L.TCBBindNotification, [], [ntfnSlot]).error).toBe(0);
    expect(rootInvoke(sys, b.tcbSlot, L.TCBBindNotification, [], [ntfnSlot]).error).toBe(SeL4Error.IllegalOperation);
    expect(rootInvoke(sys, a.tcbSlot, L.TCBUnbindNotification, []).error).toBe(0);
    expect([a.tcb.boundNotification, ntfn.boundTcb]).toEqual([null, null]);
    expect(rootInvoke(sys, b.tcbSlot, L.TCBBindNotification, [], [ntfnSlot]).error).toBe(0);
    expect(ntfn.boundTcb).toBe(b.tcb);
  });

  it('deleting a bound TCB unbinds its notification; deleting an unbound TCB is fine too', () => {
    const { sys, ntfnSlot, ntfn } = setup(0);
    const a = createThread(sys, 'a');
    const b = createThread(sys, 'b');
    expect(rootInvoke(sys, a.tcbSlot, L.TCBBindNotification, [], [ntfnSlot]).error).toBe(0);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [a.tcbSlot, 32]).error).toBe(0);
    expect(ntfn.boundTcb).toBeNull();
    expect(rootInvoke(sys, b.tcbSlot, L.TCBBindNotification, [], [ntfnSlot]).error).toBe(0);
    const c = createThread(sys, 'c');
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [c.tcbSlot, 32]).error).toBe(0);
    expect(c.tcb.live).toBe(false);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });
});
