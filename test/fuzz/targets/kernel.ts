// Fuzz target: the kernel (runtime/kernel/) entered with random system calls from three components
// (caps to an endpoint, notification, TCBs, CNode, VSpace, frame, IRQ handler, untyped), with the
// invariant checker after every step; built on the kernel tests' fixture (test/runtime/kernel).
import { DiagnosticError } from '../../../schema/diagnostics.js';
import { cnodeCapData, InvocationLabel, ObjectType } from '../../../schema/abi.js';
import { IpcBufferOffset, Syscall, encodeMessageInfo } from '../../../runtime/kernel/abi.js';
import { checkInvariants } from '../../../runtime/kernel/invariants.js';
import { schedule } from '../../../runtime/kernel/scheduler.js';
import { activateThread, handleUserFault } from '../../../runtime/kernel/syscall.js';
import { faultFromTrap } from '../../../runtime/kernel/faults.js';
import type { Fault } from '../../../runtime/kernel/objects.js';
import {
  IRQ_CONTROL,
  ROOT_CNODE,
  expectOk,
  rootInvoke,
  bootTestKernel,
  createThread,
  grant,
  makeCurrent,
  resume,
  retype,
  syscall,
  type TestSystem,
  type TestThread,
} from '../../runtime/kernel/fixture.js';
import type { FuzzTarget } from '../support/harness.js';
import type { Prng } from '../support/prng.js';
import { INTERESTING_U32 } from '../support/mutators.js';

/** Slots every component gets (cptr = slot: the fixture's CNodes have a 24-bit guard). */
const Slot = { endpoint: 1, notification: 2, ownTcb: 3, ownCNode: 4, untyped: 5, peerTcb: 6, irqHandler: 7, vspace: 8, frame: 9 } as const;
const STEPS = 40;
const GRANTED: readonly number[] = Object.values(Slot);
const LABELS: readonly number[] = Object.values(InvocationLabel);
const L = InvocationLabel;
/** Labels that fit the cap in each slot, so invocations get past the label check into the decoders. */
const LABELS_FOR_SLOT: Readonly<Record<number, readonly number[]>> = {
  [Slot.ownTcb]: [L.TCBReadRegisters, L.TCBWriteRegisters, L.TCBCopyRegisters, L.TCBConfigure, L.TCBSetPriority, L.TCBSetMCPriority, L.TCBSetSchedParams, L.TCBSetIPCBuffer, L.TCBSetSpace, L.TCBSuspend, L.TCBResume, L.TCBBindNotification, L.TCBUnbindNotification, L.TCBSetTLSBase],
  [Slot.peerTcb]: [L.TCBReadRegisters, L.TCBWriteRegisters, L.TCBSetPriority, L.TCBSuspend, L.TCBResume, L.TCBBindNotification, L.TCBUnbindNotification],
  [Slot.ownCNode]: [L.CNodeRevoke, L.CNodeDelete, L.CNodeCancelBadgedSends, L.CNodeCopy, L.CNodeMint, L.CNodeMove, L.CNodeMutate, L.CNodeRotate, L.CNodeSaveCaller],
  [Slot.untyped]: [L.UntypedRetype],
  [Slot.irqHandler]: [L.IRQAckIRQ, L.IRQSetIRQHandler, L.IRQClearIRQHandler],
  [Slot.vspace]: [L.RISCVPageTableMap, L.RISCVPageTableUnmap],
  [Slot.frame]: [L.RISCVPageMap, L.RISCVPageUnmap, L.RISCVPageGetAddress],
};

/** Mostly the IPC calls, sometimes Yield, DebugPutChar or a number outside the ABI. */
function randomSyscall(rng: Prng): number {
  const r = rng.below(100);
  if (r < 25) return Syscall.Call;
  if (r < 40) return Syscall.Send;
  if (r < 50) return Syscall.NBSend;
  if (r < 65) return Syscall.Recv;
  if (r < 75) return Syscall.NBRecv;
  if (r < 82) return Syscall.ReplyRecv;
  if (r < 88) return Syscall.Reply;
  if (r < 93) return Syscall.Yield;
  if (r < 97) return Syscall.DebugPutChar;
  return rng.pick([0, 1, -10, -11, -12, 0x7fff_ffff]);
}
const RUNNABLE = new Set(['running', 'restart']);

function randomWord(rng: Prng): number {
  switch (rng.below(5)) {
    case 0:
      return rng.below(12); // a slot, an object type, a small size
    case 1:
      return rng.between(12, 30); // size bits
    case 2:
      return rng.pick(INTERESTING_U32);
    case 3:
      return rng.pick([0x0010_0000, 0x0020_0000, 0x0040_0000, 0x1000_0000, 0x8000_0000]); // vaddrs and paddrs
    default:
      return rng.u32();
  }
}

function randomFault(rng: Prng, pc: number): Fault {
  return rng.chance(0.5)
    ? faultFromTrap(rng.pick([12, 13, 15]), rng.u32(), pc)
    : { type: 'userException', pc, number: rng.below(16), code: 0 };
}

interface Booted {
  readonly sys: TestSystem;
  readonly threads: readonly TestThread[];
}

/** Three components with the caps above; component 0 also gets a fault endpoint. */
function bootComponents(rng: Prng, coverage: KernelCoverage): Booted {
  const count = (key: string) => (coverage[key] = (coverage[key] ?? 0) + 1);
  const sys = bootTestKernel({
    timeSlice: 50,
    hooks: {
      trace: (event) => {
        if (event.kind === 'invocation' && event.thread !== 'root') count(event.error === 0 ? 'invocation ok' : 'invocation error');
        else if (event.kind !== 'invocation') count(event.kind);
      },
      putChar: () => {},
      unhandledFault: () => void count('unhandled fault'),
    },
  });
  const endpoint = retype(sys, ObjectType.Endpoint);
  const notification = retype(sys, ObjectType.Notification);
  const untyped = retype(sys, ObjectType.Untyped, 16);
  const threads = ['a', 'b', 'c'].map((name) => createThread(sys, name, rng.pick([50, 100, 100, 150, 200])));
  threads.forEach((t, i) => {
    const peer = threads[(i + 1) % threads.length]!;
    grant(sys, t, Slot.endpoint, endpoint, rng.chance(0.7) ? 15 : rng.below(16), rng.below(1 << 28));
    grant(sys, t, Slot.notification, notification, rng.chance(0.7) ? 15 : rng.below(16), rng.chance(0.8) ? 1 << i : 0);
    grant(sys, t, Slot.ownTcb, t.tcbSlot);
    grant(sys, t, Slot.ownCNode, t.cnodeSlot, 15, cnodeCapData(0, 24));
    grant(sys, t, Slot.peerTcb, peer.tcbSlot);
    grant(sys, t, Slot.vspace, t.vspaceSlot);
    grant(sys, t, Slot.frame, retype(sys, ObjectType.Page4K));
  });
  grant(sys, threads[0]!, Slot.untyped, untyped);
  // IRQControl itself cannot be derived (seL4 deriveCap gives a null cap): hand out an IRQ handler.
  const handler = sys.nextSlot++;
  expectOk(rootInvoke(sys, IRQ_CONTROL, InvocationLabel.IRQIssueIRQHandler, [rng.pick([1, 10, 11]), handler, 32], [ROOT_CNODE]));
  grant(sys, threads[rng.below(3)]!, Slot.irqHandler, handler);
  for (const t of threads) resume(sys, t);
  return { sys, threads };
}

/** How often each kernel event happened over a run (shows the inputs reach the kernel's paths). */
export type KernelCoverage = Record<string, number>;

export function kernelTarget(): FuzzTarget<KernelCoverage> {
  return {
    name: 'kernel',
    prepare: () => ({}),
    report: (coverage) =>
      Object.entries(coverage)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([event, n]) => `${event} ${n}`)
        .join(', '),
    generate(rng, coverage) {
      return {
        description: 'three components, random system calls',
        run() {
          const steps: string[] = [];
          try {
            const { sys, threads } = bootComponents(rng, coverage);
            const boot = checkInvariants(sys.kernel);
            if (boot.length) return `invariants broken after boot: ${boot.join('; ')}`;
            for (let step = 0; step < STEPS; step++) {
              // The root task restarts a stopped component now and then (as a supervisor would),
              // so one unhandled fault does not end the input.
              const stopped = threads.filter((t) => t.tcb.state === 'inactive');
              if (stopped.length && rng.chance(0.15)) {
                const t = rng.pick(stopped);
                steps.push(`root: resume ${t.tcb.name}`);
                resume(sys, t);
                // Every kernel entry ends in schedule + activate; the fixture's root invocation does
                // not, and a scheduler action left pending across entries is a state seL4 never has.
                schedule(sys.kernel);
                activateThread(sys.kernel);
              }
              const runnable = threads.filter((t) => RUNNABLE.has(t.tcb.state));
              if (runnable.length === 0) break;
              const current = threads.find((t) => t.tcb === sys.kernel.current);
              const thread = current && RUNNABLE.has(current.tcb.state) && rng.chance(0.7) ? current : rng.pick(runnable);
              if (rng.chance(0.08)) {
                const fault = randomFault(rng, thread.tcb.pc);
                steps.push(`${thread.tcb.name}: fault ${JSON.stringify(fault)}`);
                makeCurrent(sys, thread.tcb);
                handleUserFault(sys.kernel, thread.tcb, fault);
              } else {
                const no = randomSyscall(rng);
                const receiving = no === Syscall.Recv || no === Syscall.NBRecv || no === Syscall.ReplyRecv;
                const a0 = receiving && rng.chance(0.85) ? rng.pick([Slot.endpoint, Slot.notification]) : rng.chance(0.9) ? rng.pick(GRANTED) : randomWord(rng);
                const label = rng.chance(0.8) ? rng.pick(LABELS_FOR_SLOT[a0] ?? LABELS) : rng.below(64);
                const info = rng.chance(0.9) ? encodeMessageInfo(label, 0, rng.below(4), rng.below(rng.chance(0.9) ? 8 : 128)) : rng.u32();
                const mrs = Array.from({ length: rng.below(8) }, () => randomWord(rng));
                // Extra caps come from the IPC buffer's caps words.
                for (let i = 0; i < 3; i++) sys.memory.writeU32(thread.bufferPaddr + IpcBufferOffset.capsOrBadges + 4 * i, rng.below(12));
                steps.push(`${thread.tcb.name}: syscall ${no} a0 ${a0} info 0x${(info >>> 0).toString(16)} mrs [${mrs.join(',')}]`);
                syscall(sys, thread.tcb, no, { a0, info, mrs });
              }
              const problems = checkInvariants(sys.kernel);
              if (problems.length) return `invariants broken after step ${step}: ${problems.join('; ')}\n  steps:\n    ${steps.join('\n    ')}`;
              for (const t of threads) if (t.tcb.regs[0] !== 0) return `x0 of ${t.tcb.name} is ${t.tcb.regs[0]}`;
            }
          } catch (error) {
            if (error instanceof DiagnosticError) throw error;
            const stack = error instanceof Error ? (error.stack ?? error.message).split('\n').slice(0, 6).join('\n') : String(error);
            return `uncaught ${stack}\n  steps:\n    ${steps.join('\n    ')}`;
          }
        },
      };
    },
  };
}

