// A small booted kernel for the kernel tests: 16 MiB of RAM untyped, one device untyped, and helpers
// that build threads through the kernel's own invocations, then enter syscalls as the CPU would.
import { cnodeCapData, ObjectType } from '../../../schema/abi.js';
import { InvocationLabel, IpcBufferOffset, Reg, encodeMessageInfo } from '../../../runtime/kernel/abi.js';
import { bootstrapRootTask } from '../../../runtime/kernel/bootstrap.js';
import { invoke, type InvocationResult } from '../../../runtime/kernel/invocation.js';
import { Kernel, type KernelHooks, type InterruptController } from '../../../runtime/kernel/kernel.js';
import type { BootUntyped } from '../../../image/bootModel.js';
import type { Cap, CSlot, Fault, TcbObject } from '../../../runtime/kernel/objects.js';
import { schedDequeue, schedEnqueue, isRunnable } from '../../../runtime/kernel/scheduler.js';
import { handleSyscall } from '../../../runtime/kernel/syscall.js';
import { PhysicalMemory } from '../../../runtime/machine/memory.js';

export const RAM_BASE = 0x8000_0000;
export const RAM_BITS = 24;
export const DEVICE_BASE = 0x1000_0000;
/** Bootinfo-style: untyped caps start after the initial caps. */
export const UNTYPED_SLOT = 16;
export const DEVICE_UNTYPED_SLOT = 17;
export const ROOT_CNODE = 2;
export const ROOT_TCB = 1;
export const IRQ_CONTROL = 4;
export const ASID_POOL = 6;
export const IPC_BUFFER_VADDR = 0x0010_0000;

export interface TestSystem {
  readonly kernel: Kernel;
  readonly memory: PhysicalMemory;
  readonly output: number[];
  readonly faults: { thread: string; fault: Fault }[];
  /** Next free root slot. */
  nextSlot: number;
}

export function bootTestKernel(
  options: {
    interrupts?: InterruptController;
    timeSlice?: number;
    hooks?: KernelHooks;
    debug?: boolean;
    /** The boot untypeds from UNTYPED_SLOT on (default: all of RAM, then one device page at DEVICE_BASE). */
    untypeds?: readonly BootUntyped[];
  } = {},
): TestSystem {
  const memory = new PhysicalMemory(RAM_BASE, 2 ** RAM_BITS);
  const output: number[] = [];
  const faults: { thread: string; fault: Fault }[] = [];
  const kernel = new Kernel({
    memory,
    ...(options.interrupts ? { interrupts: options.interrupts } : {}),
    timeSlice: options.timeSlice ?? 1000,
    ...(options.debug === undefined ? {} : { debug: options.debug }),
    hooks: {
      putChar: (b) => output.push(b),
      unhandledFault: (t, fault) => faults.push({ thread: t.name, fault }),
      ...options.hooks,
    },
  });
  bootstrapRootTask(
    kernel,
    options.untypeds ?? [
      { paddr: RAM_BASE, sizeBits: RAM_BITS, isDevice: false },
      { paddr: DEVICE_BASE, sizeBits: 12, isDevice: true },
    ],
    UNTYPED_SLOT,
  );
  return { kernel, memory, output, faults, nextSlot: 32 };
}

/** A PLIC stand-in that logs every claim, completion and mask change; `raise` makes one IRQ pending. */
export function fakePlic(): { controller: InterruptController; log: string[]; raise: (irq: number) => void } {
  const log: string[] = [];
  let pendingIrq = 0;
  const controller: InterruptController = {
    pending: () => pendingIrq !== 0,
    claim: () => {
      const irq = pendingIrq;
      pendingIrq = 0;
      log.push(`claim ${irq}`);
      return irq;
    },
    complete: (irq) => log.push(`complete ${irq}`),
    setMasked: (irq, masked) => log.push(`${masked ? 'mask' : 'unmask'} ${irq}`),
  };
  return { controller, log, raise: (irq: number) => (pendingIrq = irq) };
}

/** The root task invokes `cptr` (errors returned, not thrown). */
export function rootInvoke(sys: TestSystem, cptr: number, label: number, mrs: readonly number[], caps: readonly number[] = []): InvocationResult {
  return invoke(sys.kernel, sys.kernel.rootTcb, cptr, label, mrs, caps);
}

/** The root CNode's slot `slot`, and the cap in it. */
export const slotAt = (sys: TestSystem, slot: number): CSlot => sys.kernel.rootCNode.slots.at(slot)!;
export const capAt = (sys: TestSystem, slot: number): Cap => slotAt(sys, slot).cap;

/** Retypes `count` objects into fresh root slots; returns the first slot. Throws on error. */
export function retype(sys: TestSystem, type: number, sizeBits = 0, count = 1, untypedSlot = UNTYPED_SLOT): number {
  const slot = sys.nextSlot;
  const r = rootInvoke(sys, untypedSlot, InvocationLabel.UntypedRetype, [type, sizeBits, 0, 0, slot, count], [ROOT_CNODE]);
  if (r.error !== 0) throw new Error(`retype failed with ${r.error}`);
  sys.nextSlot += count;
  return slot;
}

export function expectOk(r: InvocationResult): void {
  if (r.error !== 0) throw new Error(`invocation failed with seL4 error ${r.error} [${r.mrs.join(',')}]`);
}

export interface TestThread {
  readonly tcb: TcbObject;
  readonly tcbSlot: number;
  readonly cnodeSlot: number;
  readonly vspaceSlot: number;
  readonly bufferSlot: number;
  /** Physical address of its IPC buffer. */
  readonly bufferPaddr: number;
}

/**
 * A thread with a 256-slot CNode (guard 24: cptr = slot), a VSpace with one page table at 0,
 * an IPC buffer mapped at IPC_BUFFER_VADDR, priority `priority`, resumed.
 */
export function createThread(sys: TestSystem, name: string, priority = 100, faultEp = 0): TestThread {
  const tcbSlot = retype(sys, ObjectType.Tcb);
  const cnodeSlot = retype(sys, ObjectType.CNode, 8);
  const vspaceSlot = retype(sys, ObjectType.PageTable);
  const ptSlot = retype(sys, ObjectType.PageTable);
  const bufferSlot = retype(sys, ObjectType.Page4K);
  expectOk(rootInvoke(sys, ASID_POOL, InvocationLabel.RISCVASIDPoolAssign, [], [vspaceSlot]));
  expectOk(rootInvoke(sys, ptSlot, InvocationLabel.RISCVPageTableMap, [0, 0], [vspaceSlot]));
  expectOk(rootInvoke(sys, bufferSlot, InvocationLabel.RISCVPageMap, [IPC_BUFFER_VADDR, 3, 1], [vspaceSlot]));
  expectOk(
    rootInvoke(
      sys,
      tcbSlot,
      InvocationLabel.TCBConfigure,
      [faultEp, cnodeCapData(0, 24), 0, IPC_BUFFER_VADDR],
      [cnodeSlot, vspaceSlot, bufferSlot],
    ),
  );
  expectOk(rootInvoke(sys, tcbSlot, InvocationLabel.TCBSetPriority, [priority], [ROOT_TCB]));
  const tcb = sys.kernel.rootCNode.slots[tcbSlot]!.cap;
  if (tcb.kind !== 'tcb') throw new Error('no tcb');
  tcb.obj.name = name;
  const frame = sys.kernel.rootCNode.slots[bufferSlot]!.cap;
  if (frame.kind !== 'frame') throw new Error('no frame');
  return { tcb: tcb.obj, tcbSlot, cnodeSlot, vspaceSlot, bufferSlot, bufferPaddr: frame.obj.paddr };
}

/** Mints root slot `src` into thread `t`'s CSpace at `slot` with rights word and badge. */
export function grant(sys: TestSystem, t: TestThread, slot: number, src: number, rights = 15, badge = 0): void {
  expectOk(rootInvoke(sys, t.cnodeSlot, InvocationLabel.CNodeMint, [slot, 8, src, 32, rights, badge], [ROOT_CNODE]));
}

export function resume(sys: TestSystem, t: TestThread): void {
  expectOk(rootInvoke(sys, t.tcbSlot, InvocationLabel.TCBResume, []));
}

/** Makes `t` the running thread, as if the scheduler had picked it. */
export function makeCurrent(sys: TestSystem, t: TcbObject): void {
  const k = sys.kernel;
  if (k.current === t) return;
  const prev = k.current;
  schedDequeue(k, t);
  if (prev && isRunnable(prev)) schedEnqueue(k, prev);
  k.current = t;
  k.action = 'resume';
  if (t.state === 'restart') t.state = 'running';
}

export interface SyscallArgs {
  readonly a0?: number;
  readonly label?: number;
  readonly length?: number;
  readonly extraCaps?: number;
  readonly mrs?: readonly number[];
  readonly info?: number;
}

/** Enters syscall `no` from `t` (made current first), with a0, message info and MR0..3 in registers. */
export function syscall(sys: TestSystem, t: TcbObject, no: number, args: SyscallArgs = {}): void {
  makeCurrent(sys, t);
  t.regs[Reg.a7] = no;
  t.regs[Reg.a0] = (args.a0 ?? 0) | 0;
  t.regs[Reg.a1] = (args.info ?? encodeMessageInfo(args.label ?? 0, 0, args.extraCaps ?? 0, args.length ?? args.mrs?.length ?? 0)) | 0;
  const mrs = args.mrs ?? [];
  for (let i = 0; i < mrs.length; i++) {
    if (i < 4) t.regs[Reg.a2 + i] = mrs[i]! | 0;
  }
  // MRs beyond 4 go to the IPC buffer of `t`.
  const frame = t.bufferFrame.cap;
  if (frame.kind === 'frame') {
    for (let i = 4; i < mrs.length; i++) sys.memory.writeU32(frame.obj.paddr + 4 + 4 * i, mrs[i]!);
  }
  handleSyscall(sys.kernel, t, no);
}

/** Message info fields of a thread's a1. */
export function infoOf(t: TcbObject): { label: number; length: number; extraCaps: number; capsUnwrapped: number } {
  const w = t.regs[Reg.a1]! >>> 0;
  return { label: w >>> 12, capsUnwrapped: (w >>> 9) & 7, extraCaps: (w >>> 7) & 3, length: w & 0x7f };
}

export const mr = (t: TcbObject, i: number): number => t.regs[Reg.a2 + i]! >>> 0;
export const badgeOf = (t: TcbObject): number => t.regs[Reg.a0]! >>> 0;

/** A cptr beyond the 256-slot CNode of `createThread` (its 24 guard bits do not match): a lookup failure. */
export const UNRESOLVED_CPTR = 0x100;

/** Message register `i` (4 and up) as it stands in `t`'s IPC buffer. */
export const bufferMr = (sys: TestSystem, t: TestThread, i: number): number => sys.memory.readU32(t.bufferPaddr + IpcBufferOffset.msg + 4 * i);

/** Takes `t`'s IPC buffer away, or leaves it the same frame read-only. */
export function spoilBuffer(t: TestThread, how: 'none' | 'readOnly'): void {
  const cap = t.tcb.bufferFrame.cap;
  if (cap.kind !== 'frame') throw new Error(`no buffer frame: ${cap.kind}`);
  t.tcb.bufferFrame.cap = how === 'none' ? { kind: 'null' } : { ...cap, write: false };
}

/** A fresh system with one endpoint and a thread per name holding it at `slot` (all rights, badge index + 1), resumed. */
export function threadsOnEndpoint(names: readonly string[], options: { slot?: number; hooks?: KernelHooks } = {}) {
  const sys = bootTestKernel(options.hooks ? { hooks: options.hooks } : {});
  const epSlot = retype(sys, ObjectType.Endpoint);
  const threads = names.map((name, i) => {
    const t = createThread(sys, name);
    grant(sys, t, options.slot ?? 1, epSlot, 15, i + 1);
    resume(sys, t);
    return t;
  });
  return { sys, epSlot, threads };
}
