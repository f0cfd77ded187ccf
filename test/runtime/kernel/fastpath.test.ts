// The IPC fast path (runtime/kernel/fastpath.ts) against the slow path it shortcuts: each scenario
// runs on two kernels, one with `fastpath` off, and the whole kernel state must match after every
// syscall; each condition of fastpath_call / fastpath_reply_recv has a case exactly at it, where the
// fast path must decline (and change nothing) or be taken.
import { describe, expect, it } from 'vitest';
import { cnodeCapData, ObjectType } from '../../../schema/abi.js';
import { encodeMessageInfo, InvocationLabel, Reg, Syscall } from '../../../runtime/kernel/abi.js';
import { fastpathCall, fastpathReplyRecv, fastpathSignal, fastpathWait } from '../../../runtime/kernel/fastpath.js';
import { checkInvariants } from '../../../runtime/kernel/invariants.js';
import type { Kernel } from '../../../runtime/kernel/kernel.js';
import type { TcbObject } from '../../../runtime/kernel/objects.js';
import { schedule } from '../../../runtime/kernel/scheduler.js';
import {
  bootTestKernel,
  createThread,
  expectOk,
  grant,
  makeCurrent,
  mr,
  resume,
  retype,
  ROOT_CNODE,
  rootInvoke,
  syscall,
  type TestSystem,
  type TestThread,
} from './fixture.js';

const EP_SLOT = 1;
const hex = (n: number): string => `0x${n.toString(16)}`;
const NTFN_SLOT = 2;

/** Everything the IPC paths can change, by name. */
function snapshot(kernel: Kernel): unknown {
  const name = (o: { paddr: number } | null): string | null => (o === null ? null : `@${o.paddr.toString(16)}`);
  return {
    current: kernel.current?.name ?? null,
    action: typeof kernel.action === 'string' ? kernel.action : kernel.action.name,
    ready: kernel.readyQueues.flatMap((q, prio) => (q.length > 0 ? [`${prio}:${q.map((t) => t.name).join(',')}`] : [])),
    bitmap: [...kernel.readyBitmap, kernel.readyWords],
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

/**
 * The client's CSpace made two-level: its root CNode takes a 16-bit guard (cptr bits 31..8: guard,
 * then slot), level-1 slot 4 holds a 16-slot CNode with a 4-bit guard where slots 0 and 5 hold the
 * endpoint and slot 7 the notification; slots 5 and 6 hold the same CNode with a guard longer than the 8 bits
 * left (12) and with guard + radix longer than them (6 + 4).
 */
function twoLevel(options: Parameters<typeof pair>[0] = {}): Pair {
  const p = pair(options);
  const { sys, client } = p;
  expectOk(rootInvoke(sys, client.tcbSlot, InvocationLabel.TCBSetSpace, [0, cnodeCapData(0, 16), 0], [client.cnodeSlot, client.vspaceSlot]));
  const l2 = retype(sys, ObjectType.CNode, 4);
  expectOk(rootInvoke(sys, l2, InvocationLabel.CNodeMint, [5, 4, p.ep, 32, 15, 0x11], [ROOT_CNODE]));
  // Slot 0 too: where a walk that ignored the depth would land (cptr bits shifted out).
  expectOk(rootInvoke(sys, l2, InvocationLabel.CNodeMint, [0, 4, p.ep, 32, 15, 0x11], [ROOT_CNODE]));
  expectOk(rootInvoke(sys, l2, InvocationLabel.CNodeMint, [7, 4, p.ntfn, 32, 15, 0x4], [ROOT_CNODE]));
  grant(sys, client, 4, l2, 15, cnodeCapData(0, 4));
  grant(sys, client, 5, l2, 15, cnodeCapData(0, 12));
  grant(sys, client, 6, l2, 15, cnodeCapData(0, 6));
  return p;
}

describe('fast path lookups through a two-level CSpace: same state as the slow path', () => {
  // 0x100, 0x1ab: level-1 slot 1, the endpoint, with 8 bits left (a cap that is not a CNode ends
  // the walk); 0x405: the endpoint in level 2; 0x401: an empty level-2 slot (found: a Call on a null
  // cap is InvalidCapability, no fault); 0x415: a level-2 guard mismatch; 0x505: a guard longer than
  // the bits left; 0x605, 0x602: guard + radix longer than them (0x602 with guard bits 0, so only
  // the depth fails; these four: cap faults).
  for (const cptr of [0x100, 0x1ab, 0x405, 0x401, 0x415, 0x505, 0x605, 0x602]) {
    it(`Call and ReplyRecv with cptr ${hex(cptr)}`, () => {
      const call: Step = (p) => syscall(p.sys, p.client.tcb, Syscall.Call, { a0: cptr, mrs: [1, 2], label: 5 });
      const fast = expectSameAsSlowPath(twoLevel, [serverWaits, call, serverReplyRecv([3])]);
      expect(fast.sys.faults.length, hex(cptr)).toBe([0x415, 0x505, 0x605, 0x602].includes(cptr) ? 1 : 0);
    });
  }

  for (const cptr of [0x407, 0x401, 0x417, 0x507, 0x607]) {
    it(`Signal and Wait with cptr ${hex(cptr)}`, () => {
      const signal: Step = (p) => syscall(p.sys, p.client.tcb, Syscall.Send, { a0: cptr });
      const wait: Step = (p) => syscall(p.sys, p.client.tcb, Syscall.Recv, { a0: cptr });
      expectSameAsSlowPath(twoLevel, [signal, signal, waits, signal, wait]);
    });
  }

  it('the fast path finds the level-2 endpoint and the level-1 one with bits left over itself', () => {
    const p = twoLevel();
    serverWaits(p);
    expect(tryFast(p, p.client.tcb, Syscall.Call, { a0: 0x405, info: info(1), mrs: [9] })).toBe(true);
    expect([mr(p.server.tcb, 0), p.server.tcb.regs[Reg.a0]]).toEqual([9, 0x11]);
    // A level-1 endpoint with bits left over ends the walk there, in the fast path as in resolveAddressBits.
    const leftOver = twoLevel();
    serverWaits(leftOver);
    expect(tryFast(leftOver, leftOver.client.tcb, Syscall.Call, { a0: 0x1ab, info: info(1) })).toBe(true);
    const q = twoLevel();
    serverWaits(q);
    expect(tryFast(q, q.client.tcb, Syscall.Call, { a0: 0x415, info: info(1) })).toBe(false);
  });
});

describe('IPC fast path: more states it must leave as the slow path does', () => {
  it('a server whose endpoint cap lacks the grant right gets a reply cap without it', () => {
    // rights word: write 1, read 2, grant 4, grantReply 8: 0b1011 has no grant.
    const fast = expectSameAsSlowPath(() => pair({ serverRights: 0b1011 }), [serverWaits, clientCalls([1]), serverReplyRecv([2]), clientCalls([3])]);
    const reply = fast.server.tcb.caller.cap;
    expect(reply.kind === 'reply' && reply.canGrant).toBe(false);
  });

  it('two servers waiting: the first is served, the endpoint stays receiving with the second', () => {
    const make = (): Pair => {
      const p = pair();
      const second = createThread(p.sys, 'second', 200);
      grant(p.sys, second, EP_SLOT, p.ep, 15, 0);
      resume(p.sys, second);
      return p;
    };
    const secondWaits: Step = (p) => syscall(p.sys, p.sys.kernel.threads.find((t) => t.name === 'second')!, Syscall.Recv, { a0: EP_SLOT });
    const fast = expectSameAsSlowPath(make, [serverWaits, secondWaits, clientCalls([1]), serverReplyRecv([2])]);
    const ep = fast.sys.kernel.objects.find((o) => o.type === 'endpoint');
    expect(ep?.type === 'endpoint' && [ep.state, ep.queue.map((t) => t.name)]).toEqual(['recv', ['second', 'server']]);
  });

  it('a fault handler replying to a faulted thread goes the slow path (the fault reply restarts it)', () => {
    const make = (): Pair => {
      const p = pair();
      expectOk(rootInvoke(p.sys, p.client.tcbSlot, InvocationLabel.TCBSetSpace, [EP_SLOT, cnodeCapData(0, 24), 0], [p.client.cnodeSlot, p.client.vspaceSlot]));
      return p;
    };
    const faults: Step = (p) => syscall(p.sys, p.client.tcb, 77);
    const fast = expectSameAsSlowPath(make, [serverWaits, faults, serverReplyRecv([0])]);
    expect(fast.sys.faults).toEqual([]);
  });

  it('two waiters on a notification: a signal wakes the first, the notification stays waiting', () => {
    const make = (): Pair => {
      const p = pair({ clientPriority: 50 });
      const second = createThread(p.sys, 'second', 200);
      grant(p.sys, second, NTFN_SLOT, p.ntfn, 15, 0);
      resume(p.sys, second);
      syscall(p.sys, second.tcb, Syscall.Recv, { a0: NTFN_SLOT });
      return p;
    };
    const fast = expectSameAsSlowPath(make, [waits, signals]);
    const ntfn = fast.sys.kernel.objects.find((o) => o.type === 'notification');
    expect(ntfn?.type === 'notification' && [ntfn.state, ntfn.queue.map((t) => t.name)]).toEqual(['waiting', ['server']]);
  });

  it('a server that blocked in a Call of its own waits afterwards as a receiver, not a caller', () => {
    // The server's Call on a second endpoint blocks on send as a call (blockingIsCall); after the
    // answer its ReplyRecv must leave it blocked on receive with that flag cleared, as receiveIPC does.
    const make = (): Pair => {
      const p = pair();
      const ep2 = retype(p.sys, ObjectType.Endpoint);
      const other = createThread(p.sys, 'other', 50);
      grant(p.sys, other, EP_SLOT, ep2, 15, 0);
      grant(p.sys, p.server, 4, ep2, 15, 0);
      resume(p.sys, other);
      return p;
    };
    const other = (p: Pair): TcbObject => p.sys.kernel.threads.find((t) => t.name === 'other')!;
    const serverCallsOther: Step = (p) => syscall(p.sys, p.server.tcb, Syscall.Call, { a0: 4, mrs: [7] });
    const otherReceives: Step = (p) => syscall(p.sys, other(p), Syscall.Recv, { a0: EP_SLOT });
    const otherReplies: Step = (p) => syscall(p.sys, other(p), Syscall.Reply, { mrs: [8] });
    const fast = expectSameAsSlowPath(make, [serverWaits, clientCalls([1]), serverCallsOther, otherReceives, otherReplies, serverReplyRecv([2])]);
    expect([fast.server.tcb.state, fast.server.tcb.blockingIsCall, mr(fast.client.tcb, 0)]).toEqual(['blockedOnReceive', false, 2]);
  });

  it('a Wait that blocks switches to a thread in Restart at its FaultIP (the syscall it was in runs again)', () => {
    const make = (): Pair => {
      const p = pair();
      syscall(p.sys, p.client.tcb, Syscall.Send, { a0: EP_SLOT, mrs: [1] });
      expectOk(rootInvoke(p.sys, ROOT_CNODE, InvocationLabel.CNodeMint, [100, 32, p.ep, 32, 15, 0x11], [ROOT_CNODE]));
      expectOk(rootInvoke(p.sys, ROOT_CNODE, InvocationLabel.CNodeCancelBadgedSends, [100, 32]));
      // The kernel entry that restarted it ends in schedule(): the server (higher) runs on.
      schedule(p.sys.kernel);
      expect([p.sys.kernel.current, p.sys.kernel.action, p.client.tcb.state]).toEqual([p.server.tcb, 'resume', 'restart']);
      return p;
    };
    const fast = expectSameAsSlowPath(make, [waits]);
    expect([fast.sys.kernel.current, fast.client.tcb.state, fast.client.tcb.pc]).toEqual([fast.client.tcb, 'running', fast.client.tcb.faultIp]);
  });

  it('a thread whose CSpace root was revoked away faults on the slow path (invalidRoot) either way', () => {
    const make = (): Pair => {
      const p = pair();
      expectOk(rootInvoke(p.sys, ROOT_CNODE, InvocationLabel.CNodeRevoke, [p.client.cnodeSlot, 32]));
      expect(p.client.tcb.cspaceRoot.cap.kind).toBe('null');
      return p;
    };
    // The Call faults; the Signal (entered by hand on the stopped thread) is looked up the same way.
    const fast = expectSameAsSlowPath(make, [serverWaits, clientCalls([1]), signals]);
    expect(fast.sys.faults.map((f) => f.fault.type === 'cap' && f.fault.lookup.type)).toEqual(['invalidRoot', 'invalidRoot']);
  });

  it('a Wait with only a priority-0 thread ready switches to it, not to the idle thread', () => {
    const fast = expectSameAsSlowPath(() => pair({ clientPriority: 0 }), [waits]);
    expect(fast.sys.kernel.current).toBe(fast.client.tcb);
  });
});

describe('fast path conditions seen only in whether it is taken', () => {
  it('Signal and Wait: not while tracing', () => {
    const p = pair();
    p.sys.kernel.hooks.trace = () => {};
    expect(tryFast(p, p.client.tcb, Syscall.Send, { a0: NTFN_SLOT, info: info(0) })).toBe(false);
    expect(tryFast(p, p.server.tcb, Syscall.Recv, { a0: NTFN_SLOT, info: 0 })).toBe(false);
  });

  it('Signal: a bound notification already active is signalled in the fast path', () => {
    const p = pair();
    expectOk(rootInvoke(p.sys, p.server.tcbSlot, InvocationLabel.TCBBindNotification, [], [p.ntfn]));
    signals(p);
    expect(tryFast(p, p.client.tcb, Syscall.Send, { a0: NTFN_SLOT + 1, info: info(0) })).toBe(true);
    const ntfn = p.sys.kernel.objects.find((o) => o.type === 'notification');
    expect(ntfn?.type === 'notification' && [ntfn.state, ntfn.word]).toEqual(['active', 0xc]);
  });

  it('ReplyRecv: a bound notification that is not active does not stop the fast path', () => {
    const p = pair();
    expectOk(rootInvoke(p.sys, p.server.tcbSlot, InvocationLabel.TCBBindNotification, [], [p.ntfn]));
    serverWaits(p);
    clientCalls([1])(p);
    expect(tryFast(p, p.server.tcb, Syscall.ReplyRecv, { a0: EP_SLOT, info: info(1), mrs: [4] })).toBe(true);
    expect(mr(p.client.tcb, 0)).toBe(4);
  });


  it('only the message words travel: the caller\'s registers past its length stay with it', () => {
    const junk: Step = (p) => p.client.tcb.regs.set([0x31, 0x32, 0x33, 0x34], Reg.a2);
    expectSameAsSlowPath(pair, [serverWaits, junk, clientCalls([1]), junk, serverReplyRecv([2]), clientCalls([1, 2, 3])]);
  });

  it('ReplyRecv naming a notification replies and then waits on the notification, on the slow path', () => {
    const replyRecvNtfn: Step = (p) => syscall(p.sys, p.server.tcb, Syscall.ReplyRecv, { a0: NTFN_SLOT, mrs: [5], label: 3 });
    const fast = expectSameAsSlowPath(pair, [serverWaits, clientCalls([1]), replyRecvNtfn]);
    expect([fast.server.tcb.state, mr(fast.client.tcb, 0)]).toEqual(['blockedOnNotification', 5]);
  });

});
