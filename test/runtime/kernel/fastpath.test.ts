// The IPC fast path (runtime/kernel/fastpath.ts) against the slow path it shortcuts: each scenario
// runs on two kernels, one with `fastpath` off, and the whole kernel state must match after every
// syscall; each condition of fastpath_call / fastpath_reply_recv has a case exactly at it, where the
// fast path must decline (and change nothing) or be taken.
import { describe, expect, it } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { encodeMessageInfo, InvocationLabel, Reg, Syscall } from '../../../runtime/kernel/abi.js';
import { fastpathCall, fastpathReplyRecv, fastpathSignal, fastpathWait } from '../../../runtime/kernel/fastpath.js';
import { checkInvariants } from '../../../runtime/kernel/invariants.js';
import type { Kernel } from '../../../runtime/kernel/kernel.js';
import type { TcbObject } from '../../../runtime/kernel/objects.js';
import {
  bootTestKernel,
  createThread,
  expectOk,
  grant,
  makeCurrent,
  mr,
  resume,
  retype,
  rootInvoke,
  syscall,
  type TestSystem,
  type TestThread,
} from './fixture.js';

const EP_SLOT = 1;
const NTFN_SLOT = 2;

/** Everything the IPC paths can change, by name. */
function snapshot(kernel: Kernel): unknown {
  const name = (o: { paddr: number } | null): string | null => (o === null ? null : `@${o.paddr.toString(16)}`);
  return {
    current: kernel.current?.name ?? null,
    action: typeof kernel.action === 'string' ? kernel.action : kernel.action.name,
    ready: kernel.readyQueues.flatMap((q, prio) => (q.length > 0 ? [`${prio}:${q.map((t) => t.name).join(',')}`] : [])),
    bitmap: [...kernel.readyBitmap],
    threads: kernel.threads.map((t: TcbObject) => {
      const caller = t.caller.cap;
      return {
        name: t.name,
        regs: [...t.regs],
        pc: t.pc,
        faultIp: t.faultIp,
        state: t.state,
        blockingObject: name(t.blockingObject),
        blocking: [t.blockingBadge, t.blockingIsCall, t.blockingCanGrant, t.blockingCanGrantReply],
        fault: t.fault,
        timeSlice: t.timeSlice,
        inReadyQueue: t.inReadyQueue,
        capCount: t.capCount,
        caller: caller.kind === 'reply' ? `reply ${caller.tcb.name} ${caller.canGrant}` : caller.kind,
        callerLinks: [t.caller.parent === null, t.caller.children.size],
      };
    }),
    objects: kernel.objects.flatMap((o) =>
      o.type === 'endpoint' ? [[name(o), o.state, o.queue.map((t) => t.name)]] : o.type === 'notification' ? [[name(o), o.state, o.word, o.queue.map((t) => t.name)]] : [],
    ),
  };
}

interface Pair {
  readonly sys: TestSystem;
  readonly client: TestThread;
  readonly server: TestThread;
  readonly ep: number;
  readonly ntfn: number;
}

/** A client and a server sharing an endpoint (client cap rights `clientRights`, badge 0x11) and a notification (client badges 0x4 and 0x8). */
function pair(
  options: { clientPriority?: number; serverPriority?: number; clientRights?: number; serverRights?: number; clientNtfnRights?: number; serverNtfnRights?: number } = {},
): Pair {
  const sys = bootTestKernel();
  const ep = retype(sys, ObjectType.Endpoint);
  const ntfn = retype(sys, ObjectType.Notification);
  const client = createThread(sys, 'client', options.clientPriority ?? 100);
  const server = createThread(sys, 'server', options.serverPriority ?? 200);
  grant(sys, client, EP_SLOT, ep, options.clientRights ?? 15, 0x11);
  grant(sys, server, EP_SLOT, ep, options.serverRights ?? 15, 0);
  grant(sys, client, NTFN_SLOT, ntfn, options.clientNtfnRights ?? 15, 0x4);
  grant(sys, client, NTFN_SLOT + 1, ntfn, 15, 0x8);
  grant(sys, server, NTFN_SLOT, ntfn, options.serverNtfnRights ?? 15, 0);
  resume(sys, client);
  resume(sys, server);
  return { sys, client, server, ep, ntfn };
}

type Step = (p: Pair) => void;

/** Runs the steps on a slow-path kernel and a fast-path kernel; the states must agree after each. */
function expectSameAsSlowPath(make: () => Pair, steps: readonly Step[]): Pair {
  const slow = make();
  slow.sys.kernel.fastpath = false;
  const fast = make();
  for (const step of steps) {
    step(slow);
    step(fast);
    expect(snapshot(fast.sys.kernel)).toEqual(snapshot(slow.sys.kernel));
    expect(checkInvariants(fast.sys.kernel)).toEqual([]);
  }
  return fast;
}

const serverWaits: Step = (p) => syscall(p.sys, p.server.tcb, Syscall.Recv, { a0: EP_SLOT });
const clientCalls =
  (mrs: readonly number[], extra: { label?: number; length?: number; extraCaps?: number } = {}): Step =>
  (p) =>
    syscall(p.sys, p.client.tcb, Syscall.Call, { a0: EP_SLOT, mrs, label: extra.label ?? 5, ...extra });
const serverReplyRecv =
  (mrs: readonly number[], extra: { length?: number; extraCaps?: number } = {}): Step =>
  (p) =>
    syscall(p.sys, p.server.tcb, Syscall.ReplyRecv, { a0: EP_SLOT, mrs, label: 3, ...extra });

/** Enters `no` on `t` the way `syscall` does, but only tries the fast path; returns whether it was taken. */
function tryFast(p: Pair, t: TcbObject, no: number, args: { a0: number; info: number; mrs?: readonly number[] }): boolean {
  makeCurrent(p.sys, t);
  t.regs[Reg.a7] = no;
  t.regs[Reg.a0] = args.a0;
  t.regs[Reg.a1] = args.info | 0;
  (args.mrs ?? []).forEach((v, i) => (t.regs[Reg.a2 + i] = v));
  const before = snapshot(p.sys.kernel);
  const fast = { [Syscall.Call]: fastpathCall, [Syscall.ReplyRecv]: fastpathReplyRecv, [Syscall.Send]: fastpathSignal, [Syscall.Recv]: fastpathWait }[no]!;
  const taken = fast(p.sys.kernel, t);
  if (!taken) expect(snapshot(p.sys.kernel)).toEqual(before);
  return taken;
}
const info = (length: number, extraCaps = 0): number => encodeMessageInfo(7, 0, extraCaps, length);

describe('IPC fast path: same state as the slow path', () => {
  it('Call to a waiting server, ReplyRecv back, many rounds', () => {
    const rounds: Step[] = [serverWaits];
    for (let i = 0; i < 5; i++) rounds.push(clientCalls([i, i + 1, i + 2, i + 3]), serverReplyRecv([3 * i + 1]));
    const fast = expectSameAsSlowPath(pair, rounds);
    expect(mr(fast.client.tcb, 0)).toBe(13);
    expect(fast.server.tcb.state).toBe('blockedOnReceive');
  });

  it('messages longer than the registers, extra caps, a busy endpoint and a lower-priority server go the slow path', () => {
    expectSameAsSlowPath(pair, [serverWaits, clientCalls([1, 2, 3, 4, 5, 6]), serverReplyRecv([9, 8, 7, 6, 5])]);
    expectSameAsSlowPath(pair, [serverWaits, clientCalls([1], { extraCaps: 1 }), serverReplyRecv([2], { extraCaps: 1 })]);
    expectSameAsSlowPath(pair, [clientCalls([1]), serverWaits, serverReplyRecv([2])]);
    expectSameAsSlowPath(() => pair({ clientPriority: 200, serverPriority: 100 }), [serverWaits, clientCalls([4]), serverReplyRecv([5])]);
  });

  it('a bound notification signalled while the server serves wins over the endpoint', () => {
    const make = (): Pair => {
      const p = pair();
      expectOk(rootInvoke(p.sys, p.server.tcbSlot, InvocationLabel.TCBBindNotification, [], [p.ntfn]));
      return p;
    };
    const signal: Step = (p) => syscall(p.sys, p.client.tcb, Syscall.Send, { a0: NTFN_SLOT });
    expectSameAsSlowPath(make, [serverWaits, clientCalls([1]), signal, serverReplyRecv([2])]);
  });
});

describe('IPC fast path: each condition at its bound', () => {
  it('Call: length 4 is taken, 5 is not; one extra cap is not', () => {
    const at4 = pair();
    serverWaits(at4);
    expect(tryFast(at4, at4.client.tcb, Syscall.Call, { a0: EP_SLOT, info: info(4), mrs: [1, 2, 3, 4] })).toBe(true);
    expect([0, 1, 2, 3].map((i) => mr(at4.server.tcb, i))).toEqual([1, 2, 3, 4]);
    expect(at4.server.tcb.regs[Reg.a0]).toBe(0x11);
    const at5 = pair();
    serverWaits(at5);
    expect(tryFast(at5, at5.client.tcb, Syscall.Call, { a0: EP_SLOT, info: info(5) })).toBe(false);
    const extra = pair();
    serverWaits(extra);
    expect(tryFast(extra, extra.client.tcb, Syscall.Call, { a0: EP_SLOT, info: info(0, 1) })).toBe(false);
  });

  it('Call: needs the write right and a grant right, and a receiver waiting', () => {
    // rights word: write 1, read 2, grant 4, grantReply 8.
    for (const [rights, taken] of [
      [0b1111, true],
      [0b0101, true],
      [0b1001, true],
      [0b0001, false],
      [0b1110, false],
    ] as const) {
      const p = pair({ clientRights: rights });
      serverWaits(p);
      expect(tryFast(p, p.client.tcb, Syscall.Call, { a0: EP_SLOT, info: info(1) }), `rights ${rights}`).toBe(taken);
    }
    const idle = pair();
    expect(tryFast(idle, idle.client.tcb, Syscall.Call, { a0: EP_SLOT, info: info(1) })).toBe(false);
    const empty = pair();
    serverWaits(empty);
    expect(tryFast(empty, empty.client.tcb, Syscall.Call, { a0: 9, info: info(1) })).toBe(false);
  });

  it('Call: a lower-priority server is switched to only when no higher thread is ready', () => {
    const equal = pair({ clientPriority: 150, serverPriority: 150 });
    serverWaits(equal);
    expect(tryFast(equal, equal.client.tcb, Syscall.Call, { a0: EP_SLOT, info: info(1) })).toBe(true);
    const alone = pair({ clientPriority: 150, serverPriority: 149 });
    serverWaits(alone);
    expect(tryFast(alone, alone.client.tcb, Syscall.Call, { a0: EP_SLOT, info: info(1) })).toBe(true);
    expect(alone.sys.kernel.current).toBe(alone.server.tcb);
    const busy = pair({ clientPriority: 150, serverPriority: 149 });
    const other = createThread(busy.sys, 'other', 150);
    resume(busy.sys, other);
    serverWaits(busy);
    expect(tryFast(busy, busy.client.tcb, Syscall.Call, { a0: EP_SLOT, info: info(1) })).toBe(false);
    // A server at or above the caller's priority runs next whatever else is ready, as schedule() decides.
    const above = pair({ clientPriority: 150, serverPriority: 150 });
    const higher = createThread(above.sys, 'higher', 250);
    resume(above.sys, higher);
    serverWaits(above);
    expect(tryFast(above, above.client.tcb, Syscall.Call, { a0: EP_SLOT, info: info(1) })).toBe(true);
    expect(above.sys.kernel.current).toBe(above.server.tcb);
    expectSameAsSlowPath(
      () => {
        const p = pair({ clientPriority: 150, serverPriority: 150 });
        resume(p.sys, createThread(p.sys, 'higher', 250));
        return p;
      },
      [serverWaits, clientCalls([1]), serverReplyRecv([2])],
    );
  });

  it('Call: not while tracing', () => {
    const p = pair();
    p.sys.kernel.hooks.trace = () => {};
    serverWaits(p);
    expect(tryFast(p, p.client.tcb, Syscall.Call, { a0: EP_SLOT, info: info(1) })).toBe(false);
  });

  it('ReplyRecv: length 4 is taken, 5 is not; needs a reply cap, the read right, no sender, no active notification', () => {
    const ready = (options: Parameters<typeof pair>[0] = {}): Pair => {
      const p = pair(options);
      serverWaits(p);
      clientCalls([1])(p);
      return p;
    };
    const at4 = ready();
    expect(tryFast(at4, at4.server.tcb, Syscall.ReplyRecv, { a0: EP_SLOT, info: info(4), mrs: [5, 6, 7, 8] })).toBe(true);
    expect([0, 1, 2, 3].map((i) => mr(at4.client.tcb, i))).toEqual([5, 6, 7, 8]);
    expect(at4.client.tcb.regs[Reg.a0]).toBe(0);
    expect(at4.server.tcb.caller.cap.kind).toBe('null');
    const at5 = ready();
    expect(tryFast(at5, at5.server.tcb, Syscall.ReplyRecv, { a0: EP_SLOT, info: info(5) })).toBe(false);
    const noReply = pair();
    serverWaits(noReply);
    expect(tryFast(noReply, noReply.server.tcb, Syscall.ReplyRecv, { a0: EP_SLOT, info: info(1) })).toBe(false);
    const writeOnly = ready({ serverRights: 0b1101 });
    expect(tryFast(writeOnly, writeOnly.server.tcb, Syscall.ReplyRecv, { a0: EP_SLOT, info: info(1) })).toBe(false);
    const sender = ready();
    const second = createThread(sender.sys, 'second', 100);
    grant(sender.sys, second, EP_SLOT, sender.ep, 15, 0x22);
    resume(sender.sys, second);
    // A second client queued on the endpoint: the server's receive would take its message.
    syscall(sender.sys, second.tcb, Syscall.Call, { a0: EP_SLOT, mrs: [2] });
    expect(second.tcb.state).toBe('blockedOnSend');
    expect(tryFast(sender, sender.server.tcb, Syscall.ReplyRecv, { a0: EP_SLOT, info: info(1) })).toBe(false);
    const bound = ready();
    expectOk(rootInvoke(bound.sys, bound.server.tcbSlot, InvocationLabel.TCBBindNotification, [], [bound.ntfn]));
    syscall(bound.sys, bound.client.tcb, Syscall.Send, { a0: NTFN_SLOT });
    expect(tryFast(bound, bound.server.tcb, Syscall.ReplyRecv, { a0: EP_SLOT, info: info(1) })).toBe(false);
  });

  it('ReplyRecv: a lower-priority caller gets the CPU only when no higher thread is ready', () => {
    const alone = pair({ clientPriority: 100, serverPriority: 200 });
    serverWaits(alone);
    clientCalls([1])(alone);
    expect(tryFast(alone, alone.server.tcb, Syscall.ReplyRecv, { a0: EP_SLOT, info: info(1) })).toBe(true);
    expect(alone.sys.kernel.current).toBe(alone.client.tcb);
    const busy = pair({ clientPriority: 100, serverPriority: 200 });
    const other = createThread(busy.sys, 'other', 101);
    resume(busy.sys, other);
    serverWaits(busy);
    clientCalls([1])(busy);
    expect(tryFast(busy, busy.server.tcb, Syscall.ReplyRecv, { a0: EP_SLOT, info: info(1) })).toBe(false);
    const level = pair({ clientPriority: 100, serverPriority: 200 });
    const same = createThread(level.sys, 'same', 100);
    resume(level.sys, same);
    serverWaits(level);
    clientCalls([1])(level);
    expect(tryFast(level, level.server.tcb, Syscall.ReplyRecv, { a0: EP_SLOT, info: info(1) })).toBe(true);
  });
});

const waits: Step = (p) => syscall(p.sys, p.server.tcb, Syscall.Recv, { a0: NTFN_SLOT });
const signals: Step = (p) => syscall(p.sys, p.client.tcb, Syscall.Send, { a0: NTFN_SLOT });
const signalsOther: Step = (p) => syscall(p.sys, p.client.tcb, Syscall.Send, { a0: NTFN_SLOT + 1 });

describe('notification fast path: same state as the slow path', () => {
  it('signal a higher waiter, wait again, signal twice before a wait (the word ORs)', () => {
    const fast = expectSameAsSlowPath(pair, [waits, signals, waits, signals, signals, signalsOther, waits]);
    expect(fast.server.tcb.state).toBe('running');
    expect(fast.server.tcb.regs[Reg.a0]).toBe(0xc);
  });

  it('an equal or lower waiter, a waiter bound to the notification, and no ready thread after a wait go the same way', () => {
    expectSameAsSlowPath(() => pair({ serverPriority: 100 }), [waits, signals, signals, waits]);
    expectSameAsSlowPath(() => pair({ serverPriority: 50 }), [waits, signals, waits]);
    expectSameAsSlowPath(
      () => {
        const p = pair();
        expectOk(rootInvoke(p.sys, p.server.tcbSlot, InvocationLabel.TCBBindNotification, [], [p.ntfn]));
        return p;
      },
      [waits, signals, waits],
    );
    expectSameAsSlowPath(
      () => {
        const p = pair();
        syscall(p.sys, p.client.tcb, Syscall.Recv, { a0: NTFN_SLOT });
        return p;
      },
      [waits],
    );
  });
});

describe('notification fast path: each condition at its bound', () => {
  it('Signal: a waiter one priority above is switched to; at the same priority it is not', () => {
    const above = pair({ clientPriority: 100, serverPriority: 101 });
    waits(above);
    expect(tryFast(above, above.client.tcb, Syscall.Send, { a0: NTFN_SLOT, info: info(0) })).toBe(true);
    expect(above.sys.kernel.current).toBe(above.server.tcb);
    expect(above.server.tcb.regs[Reg.a0]).toBe(0x4);
    expect(above.client.tcb.inReadyQueue).toBe(true);
    const level = pair({ clientPriority: 100, serverPriority: 100 });
    waits(level);
    expect(tryFast(level, level.client.tcb, Syscall.Send, { a0: NTFN_SLOT, info: info(0) })).toBe(false);
  });

  it('Signal: needs the write right and no extra caps; an idle bound notification goes the slow path', () => {
    const noWrite = pair({ clientNtfnRights: 0b1110 });
    expect(tryFast(noWrite, noWrite.client.tcb, Syscall.Send, { a0: NTFN_SLOT, info: info(0) })).toBe(false);
    const extra = pair();
    expect(tryFast(extra, extra.client.tcb, Syscall.Send, { a0: NTFN_SLOT, info: info(0, 1) })).toBe(false);
    const idle = pair();
    expect(tryFast(idle, idle.client.tcb, Syscall.Send, { a0: NTFN_SLOT, info: info(0) })).toBe(true);
    expect(tryFast(idle, idle.client.tcb, Syscall.Send, { a0: NTFN_SLOT, info: info(0) })).toBe(true);
    const bound = pair();
    expectOk(rootInvoke(bound.sys, bound.server.tcbSlot, InvocationLabel.TCBBindNotification, [], [bound.ntfn]));
    expect(tryFast(bound, bound.client.tcb, Syscall.Send, { a0: NTFN_SLOT, info: info(0) })).toBe(false);
    const endpoint = pair();
    serverWaits(endpoint);
    expect(tryFast(endpoint, endpoint.client.tcb, Syscall.Send, { a0: EP_SLOT, info: info(0) })).toBe(false);
  });

  it('Wait: needs the read right; a notification bound to another thread goes the slow path (a cap fault)', () => {
    const active = pair();
    signals(active);
    expect(tryFast(active, active.server.tcb, Syscall.Recv, { a0: NTFN_SLOT, info: 0 })).toBe(true);
    expect(active.server.tcb.regs[Reg.a0]).toBe(0x4);
    const noRead = pair({ serverNtfnRights: 0b1101 });
    expect(tryFast(noRead, noRead.server.tcb, Syscall.Recv, { a0: NTFN_SLOT, info: 0 })).toBe(false);
    const boundElsewhere = pair();
    expectOk(rootInvoke(boundElsewhere.sys, boundElsewhere.client.tcbSlot, InvocationLabel.TCBBindNotification, [], [boundElsewhere.ntfn]));
    expect(tryFast(boundElsewhere, boundElsewhere.server.tcb, Syscall.Recv, { a0: NTFN_SLOT, info: 0 })).toBe(false);
    const boundHere = pair();
    expectOk(rootInvoke(boundHere.sys, boundHere.server.tcbSlot, InvocationLabel.TCBBindNotification, [], [boundHere.ntfn]));
    expect(tryFast(boundHere, boundHere.server.tcb, Syscall.Recv, { a0: NTFN_SLOT, info: 0 })).toBe(true);
    expect(boundHere.sys.kernel.current).toBe(boundHere.client.tcb);
  });
});
