// TCB_Resume of a thread that is not running (seL4 src/kernel/thread.c restart, include/kernel/
// thread.h isStopped): inactive and every blocked state are "stopped", so the thread leaves the queue
// it waits in and restarts its system call; a running or restarting thread is left as it is.
import { describe, it, expect } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { InvocationLabel as L, Syscall } from '../../../runtime/kernel/abi.js';
import { checkInvariants } from '../../../runtime/kernel/invariants.js';
import { bootTestKernel, createThread, grant, resume, retype, rootInvoke, syscall } from './fixture.js';

const OK = { error: 0, mrs: [] };

function blocked(kind: 'notification' | 'receive' | 'send' | 'reply') {
  const sys = bootTestKernel();
  const obj = retype(sys, kind === 'notification' ? ObjectType.Notification : ObjectType.Endpoint);
  const t = createThread(sys, 't', 50);
  const server = createThread(sys, 'server', 50);
  grant(sys, t, 1, obj);
  grant(sys, server, 1, obj);
  resume(sys, t);
  resume(sys, server);
  t.tcb.pc = 0x1234;
  if (kind === 'reply') syscall(sys, server.tcb, Syscall.Recv, { a0: 1 });
  syscall(sys, t.tcb, kind === 'send' ? Syscall.Send : kind === 'reply' ? Syscall.Call : Syscall.Recv, { a0: 1 });
  return { sys, t, server, obj };
}

describe('TCB_Resume restarts a stopped thread (isStopped)', () => {
  for (const [kind, state] of [
    ['notification', 'blockedOnNotification'],
    ['receive', 'blockedOnReceive'],
    ['send', 'blockedOnSend'],
    ['reply', 'blockedOnReply'],
  ] as const) {
    it(`a thread ${state} leaves its queue and restarts its system call`, () => {
      const { sys, t, server, obj } = blocked(kind);
      expect(t.tcb.state).toBe(state);
      expect(rootInvoke(sys, t.tcbSlot, L.TCBResume, [])).toEqual(OK);
      expect([t.tcb.state, t.tcb.inReadyQueue, t.tcb.blockingObject]).toEqual(['restart', true, null]);
      const cap = sys.kernel.rootCNode.slots[obj]!.cap;
      const queue = cap.kind === 'endpoint' || cap.kind === 'notification' ? cap.obj.queue : null;
      expect(queue).toEqual([]);
      if (kind === 'reply') expect(server.tcb.caller.cap.kind).toBe('null');
      expect(checkInvariants(sys.kernel)).toEqual([]);
    });
  }

  it('a running thread is left running, out of the ready queue it is not in', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 't', 50);
    resume(sys, t);
    expect(t.tcb.state).toBe('restart');
    expect(rootInvoke(sys, t.tcbSlot, L.TCBResume, [])).toEqual(OK);
    expect(t.tcb.state).toBe('restart');
    t.tcb.state = 'running';
    expect(rootInvoke(sys, t.tcbSlot, L.TCBResume, [])).toEqual(OK);
    expect(t.tcb.state).toBe('running');
  });
});
