// Endpoint queues as seL4 src/object/endpoint.c keeps them: the state stays Send or Recv while a
// thread is left in the queue and turns Idle with the last one (sendIPC, receiveIPC, cancelIPC,
// cancelBadgedSends); cancelIPC of a receive-, send- and reply-blocked thread; cancelAllIPC stops a
// thread that was sending a fault instead of restarting it; neither cancel touches an endpoint (or
// the scheduler) it has nothing to do for.
import { describe, it, expect } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { InvocationLabel as L, Syscall } from '../../../runtime/kernel/abi.js';
import type { EndpointObject } from '../../../runtime/kernel/objects.js';
import {
  badgeOf,
  bootTestKernel,
  capAt,
  createThread,
  grant,
  mr,
  resume,
  retype,
  ROOT_CNODE,
  rootInvoke,
  slotAt,
  syscall,
  threadsOnEndpoint,
  type TestSystem,
  type TestThread,
  UNRESOLVED_CPTR,
} from './fixture.js';

const EP_SLOT = 1;

function endpointAt(sys: TestSystem, slot: number): EndpointObject {
  const cap = capAt(sys, slot);
  if (cap.kind !== 'endpoint') throw new Error(cap.kind);
  return cap.obj;
}

function withThreads(...names: string[]) {
  const { sys, epSlot, threads } = threadsOnEndpoint(names, { slot: EP_SLOT });
  return { sys, epSlot, ep: endpointAt(sys, epSlot), threads };
}

const suspend = (sys: TestSystem, t: TestThread): number => rootInvoke(sys, t.tcbSlot, L.TCBSuspend, []).error;

describe('the endpoint state follows its queue', () => {
  it('a send to one of two receivers leaves the other queued (Recv) and the next send reaches it', () => {
    const { sys, ep, threads } = withThreads('r1', 'r2', 's');
    const [r1, r2, s] = threads as [TestThread, TestThread, TestThread];
    syscall(sys, r1.tcb, Syscall.Recv, { a0: EP_SLOT });
    syscall(sys, r2.tcb, Syscall.Recv, { a0: EP_SLOT });
    syscall(sys, s.tcb, Syscall.Send, { a0: EP_SLOT, mrs: [1] });
    expect([ep.state, ep.queue]).toEqual(['recv', [r2.tcb]]);
    syscall(sys, s.tcb, Syscall.Send, { a0: EP_SLOT, mrs: [2] });
    expect([r1.tcb.state, mr(r1.tcb, 0), r2.tcb.state, mr(r2.tcb, 0), s.tcb.state]).toEqual(['running', 1, 'running', 2, 'running']);
    expect([ep.state, ep.queue]).toEqual(['idle', []]);
  });

  it('a receive from one of two senders leaves the other queued (Send) and the next receive takes it', () => {
    const { sys, ep, threads } = withThreads('s1', 's2', 'r');
    const [s1, s2, r] = threads as [TestThread, TestThread, TestThread];
    syscall(sys, s1.tcb, Syscall.Send, { a0: EP_SLOT, mrs: [1] });
    syscall(sys, s2.tcb, Syscall.Send, { a0: EP_SLOT, mrs: [2] });
    syscall(sys, r.tcb, Syscall.Recv, { a0: EP_SLOT });
    expect([mr(r.tcb, 0), badgeOf(r.tcb), ep.state, ep.queue]).toEqual([1, 1, 'send', [s2.tcb]]);
    syscall(sys, r.tcb, Syscall.Recv, { a0: EP_SLOT });
    expect([mr(r.tcb, 0), badgeOf(r.tcb), s2.tcb.state, ep.state, ep.queue]).toEqual([2, 2, 'running', 'idle', []]);
  });
});

describe('cancelIPC', () => {
  for (const [kind, no, blocked] of [
    ['receive', Syscall.Recv, 'recv'],
    ['send', Syscall.Send, 'send'],
  ] as const) {
    it(`a ${kind}-blocked thread suspended leaves the queue; the endpoint is ${blocked} until the last one goes, then idle`, () => {
      const { sys, ep, threads } = withThreads('a', 'b', 'other');
      const [a, b, other] = threads as [TestThread, TestThread, TestThread];
      syscall(sys, a.tcb, no, { a0: EP_SLOT, mrs: [1] });
      syscall(sys, b.tcb, no, { a0: EP_SLOT, mrs: [2] });
      expect(suspend(sys, a)).toBe(0);
      expect([a.tcb.state, a.tcb.blockingObject, ep.state, ep.queue]).toEqual(['inactive', null, blocked, [b.tcb]]);
      expect(suspend(sys, b)).toBe(0);
      expect([b.tcb.state, b.tcb.blockingObject, ep.state, ep.queue]).toEqual(['inactive', null, 'idle', []]);
      // Idle: the other side now blocks instead of meeting a thread that left.
      syscall(sys, other.tcb, no === Syscall.Recv ? Syscall.Send : Syscall.Recv, { a0: EP_SLOT, mrs: [3] });
      expect(other.tcb.state).toBe(no === Syscall.Recv ? 'blockedOnSend' : 'blockedOnReceive');
      expect(ep.queue).toEqual([other.tcb]);
    });
  }

  it('a reply-blocked caller suspended loses the reply cap to it, and only that one', () => {
    const { sys, threads } = withThreads('c1', 'c2', 's1', 's2');
    const [c1, c2, s1, s2] = threads as [TestThread, TestThread, TestThread, TestThread];
    syscall(sys, s1.tcb, Syscall.Recv, { a0: EP_SLOT });
    syscall(sys, c1.tcb, Syscall.Call, { a0: EP_SLOT, mrs: [1] });
    syscall(sys, s2.tcb, Syscall.Recv, { a0: EP_SLOT });
    syscall(sys, c2.tcb, Syscall.Call, { a0: EP_SLOT, mrs: [2] });
    expect([c1.tcb.state, c2.tcb.state]).toEqual(['blockedOnReply', 'blockedOnReply']);
    expect(suspend(sys, c1)).toBe(0);
    expect(c1.tcb.state).toBe('inactive');
    expect(s1.tcb.caller.cap.kind).toBe('null');
    expect(s2.tcb.caller.cap).toMatchObject({ kind: 'reply', tcb: c2.tcb });
    // s2 can still answer c2.
    syscall(sys, s2.tcb, Syscall.Reply, { mrs: [9] });
    expect([c2.tcb.state, mr(c2.tcb, 0)]).toEqual(['running', 9]);
  });

  it('a reply cap moved out by CNode_SaveCaller dies with its caller suspended; one to another caller stays', () => {
    const { sys, threads } = withThreads('c1', 'c2', 's');
    const [c1, c2, s] = threads as [TestThread, TestThread, TestThread];
    // s's CNode is reachable from s at cptr 3 (guard 24: cptr = slot).
    grant(sys, s, 3, s.cnodeSlot, 15);
    const save = (dest: number): void => {
      syscall(sys, s.tcb, Syscall.Call, { a0: 3, label: L.CNodeSaveCaller, mrs: [dest, 8] });
    };
    syscall(sys, s.tcb, Syscall.Recv, { a0: EP_SLOT });
    syscall(sys, c1.tcb, Syscall.Call, { a0: EP_SLOT, mrs: [1] });
    save(40);
    syscall(sys, s.tcb, Syscall.Recv, { a0: EP_SLOT });
    syscall(sys, c2.tcb, Syscall.Call, { a0: EP_SLOT, mrs: [2] });
    save(41);
    const sCnode = capAt(sys, s.cnodeSlot);
    if (sCnode.kind !== 'cnode') throw new Error(sCnode.kind);
    const saved = (i: number) => sCnode.obj.slots[i]!.cap;
    expect([saved(40), saved(41)]).toMatchObject([
      { kind: 'reply', tcb: c1.tcb },
      { kind: 'reply', tcb: c2.tcb },
    ]);
    expect(suspend(sys, c1)).toBe(0);
    expect(saved(40).kind).toBe('null');
    expect(saved(41)).toMatchObject({ kind: 'reply', tcb: c2.tcb });
    // Invoking the saved cap still answers c2.
    syscall(sys, s.tcb, Syscall.Send, { a0: 41, mrs: [7] });
    expect([c2.tcb.state, mr(c2.tcb, 0)]).toEqual(['running', 7]);
  });
});

describe('cancelAllIPC (the last endpoint cap deleted)', () => {
  it('a thread blocked sending a fault stops (Inactive) while a plain sender restarts', () => {
    const sys = bootTestKernel();
    const epSlot = retype(sys, ObjectType.Endpoint);
    const faulter = createThread(sys, 'faulter', 100, 2);
    const sender = createThread(sys, 'sender');
    grant(sys, faulter, 2, epSlot, 0b0101);
    grant(sys, sender, EP_SLOT, epSlot, 15);
    resume(sys, faulter);
    resume(sys, sender);
    // No handler waits: the fault message blocks on the endpoint, like the plain Send.
    syscall(sys, faulter.tcb, Syscall.Call, { a0: UNRESOLVED_CPTR });
    syscall(sys, sender.tcb, Syscall.Send, { a0: EP_SLOT });
    expect([faulter.tcb.state, sender.tcb.state]).toEqual(['blockedOnSend', 'blockedOnSend']);
    // Every copy goes; the last is final.
    for (const [t, slot] of [
      [faulter, 2],
      [sender, EP_SLOT],
    ] as const) {
      expect(rootInvoke(sys, t.cnodeSlot, L.CNodeDelete, [slot, 8]).error).toBe(0);
    }
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [epSlot, 32]).error).toBe(0);
    expect([faulter.tcb.state, faulter.tcb.blockingObject, sender.tcb.state, sender.tcb.blockingObject]).toEqual([
      'inactive',
      null,
      'restart',
      null,
    ]);
  });

  it('deleting an idle endpoint asks for no reschedule (cancelAllIPC returns at Idle)', () => {
    const sys = bootTestKernel();
    const epSlot = retype(sys, ObjectType.Endpoint);
    const before = sys.kernel.action;
    expect(before).toBe('resume');
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeDelete, [epSlot, 32]).error).toBe(0);
    expect(sys.kernel.action).toBe(before);
  });
});

describe('cancelBadgedSends', () => {
  /** Root mints a full-rights cap with `badge` at 100 and invokes CancelBadgedSends on it. */
  function cancel(sys: TestSystem, epSlot: number, badge: number): void {
    const dest = 100 + badge;
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [dest, 32, epSlot, 32, 15, badge], [ROOT_CNODE]).error).toBe(0);
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeCancelBadgedSends, [dest, 32]).error).toBe(0);
  }

  it('the endpoint stays Send while another badge waits, and turns Idle when the last sender goes', () => {
    const { sys, epSlot, ep, threads } = withThreads('one', 'two', 'r');
    const [one, two, r] = threads as [TestThread, TestThread, TestThread];
    syscall(sys, one.tcb, Syscall.Send, { a0: EP_SLOT, mrs: [1] });
    syscall(sys, two.tcb, Syscall.Send, { a0: EP_SLOT, mrs: [2] });
    cancel(sys, epSlot, 1);
    expect([one.tcb.state, two.tcb.state, ep.state, ep.queue]).toEqual(['restart', 'blockedOnSend', 'send', [two.tcb]]);
    cancel(sys, epSlot, 2);
    expect([two.tcb.state, ep.state, ep.queue]).toEqual(['restart', 'idle', []]);
    // Idle: a receiver now blocks.
    syscall(sys, r.tcb, Syscall.Recv, { a0: EP_SLOT });
    expect([r.tcb.state, ep.state, ep.queue]).toEqual(['blockedOnReceive', 'recv', [r.tcb]]);
  });

  it('receivers are left alone, even one that last sent with that badge', () => {
    const { sys, epSlot, ep, threads } = withThreads('one', 'r');
    const [one, r] = threads as [TestThread, TestThread];
    // `one` sends with badge 1 (r takes it), then waits on the same endpoint.
    syscall(sys, one.tcb, Syscall.Send, { a0: EP_SLOT, mrs: [1] });
    syscall(sys, r.tcb, Syscall.Recv, { a0: EP_SLOT });
    syscall(sys, one.tcb, Syscall.Recv, { a0: EP_SLOT });
    expect([one.tcb.state, ep.state]).toEqual(['blockedOnReceive', 'recv']);
    const before = sys.kernel.action;
    cancel(sys, epSlot, 1);
    expect([one.tcb.state, ep.state, ep.queue, sys.kernel.action]).toEqual(['blockedOnReceive', 'recv', [one.tcb], before]);
  });

  it('an idle endpoint asks for no reschedule', () => {
    const { sys, epSlot, ep } = withThreads();
    const before = sys.kernel.action;
    cancel(sys, epSlot, 3);
    expect([ep.state, sys.kernel.action]).toEqual(['idle', before]);
    expect(slotAt(sys, 103).cap.kind).toBe('endpoint');
  });
});
