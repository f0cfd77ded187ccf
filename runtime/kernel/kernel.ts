// The kernel's state and its entry points (seL4 src/kernel/boot.c globals, src/api/syscall.c entry):
// ready queues, the current thread, the IRQ table and the ASID table, plus the hooks to the machine.
// The object behaviour lives in the sibling files named after seL4's src/object/*.c.
import { DEFAULT_MAX_IRQ, NUM_PRIORITIES } from './abi.js';
import type {
  AsidPoolObject,
  Cap,
  CNodeObject,
  CSlot,
  Fault,
  KernelObject,
  TcbObject,
  UntypedObject,
} from './objects.js';
import { CNodeSlots, newSlot } from './objects.js';

/** Physical memory as the kernel needs it: page tables, IPC buffers and fresh frames live there. */
export interface KernelMemory {
  contains(paddr: number, length?: number): boolean;
  readU32(paddr: number): number;
  writeBytes(paddr: number, data: Uint8Array): void;
  writeU32(paddr: number, value: number): void;
  fill(paddr: number, length: number, value?: number): void;
}

/** The interrupt controller as seL4's RISC-V PLIC driver uses it (plic_get_claim / plic_complete_claim / plic_mask_irq). */
export interface InterruptController {
  /** Whether an enabled source is pending for the kernel's context. */
  pending(): boolean;
  /** Claims the highest pending source; 0 when none. */
  claim(): number;
  complete(irq: number): void;
  setMasked(irq: number, masked: boolean): void;
}

/** What the kernel reports to the runtime; all optional. */
export interface KernelHooks {
  /** seL4_DebugPutChar. */
  putChar?(byte: number, thread: TcbObject): void;
  /** A fault no handler took: the runtime records it; the thread stays inactive. */
  unhandledFault?(thread: TcbObject, fault: Fault): void;
  /** Trace events (syscalls, IPC, interrupts, faults), only when tracing. */
  trace?(event: KernelTraceEvent): void;
  /**
   * The page tables of `vspaceRootPaddr` (ASID `asid`) changed: flush translations (sfence.vma
   * with rs2 = the ASID; rs1 = `vaddr` when one leaf changed, x0 when `vaddr` is undefined).
   */
  tlbFlush?(vspaceRootPaddr: number, asid: number, vaddr?: number): void;
  /** seL4 halt(): on RISC-V an SBI shutdown (seL4_DebugHalt); nothing runs after it. */
  halt?(): void;
}

export type KernelTraceEvent =
  | { readonly kind: 'syscall'; readonly thread: string; readonly syscall: number; readonly cptr: number; readonly info: number }
  | { readonly kind: 'ipc'; readonly from: string; readonly to: string; readonly badge: number; readonly label: number; readonly length: number }
  | { readonly kind: 'signal'; readonly to: string; readonly badge: number }
  | { readonly kind: 'interrupt'; readonly irq: number; readonly delivered: boolean }
  | { readonly kind: 'ack'; readonly irq: number }
  | { readonly kind: 'fault'; readonly thread: string; readonly fault: Fault; readonly handled: boolean }
  | { readonly kind: 'invocation'; readonly thread: string; readonly label: number; readonly error: number };

export interface KernelOptions {
  readonly memory: KernelMemory;
  readonly interrupts?: InterruptController;
  readonly hooks?: KernelHooks;
  /** Instructions per timeslice (CONFIG_TIME_SLICE, counted in retired instructions). */
  readonly timeSlice?: number;
  /** Highest IRQ number IRQControl accepts (platform MAX_IRQ). */
  readonly maxIrq?: number;
  /** Radix of the root task's CNode (bootinfo initThreadCNodeSizeBits). */
  readonly rootCNodeSizeBits?: number;
  /**
   * A debug kernel (seL4 KernelDebugBuild, with KernelPrinting, which defaults to it): the debug
   * system calls −9 … −14 exist; without it they are unknown syscalls. Default true, as the bundled
   * kernel (and seL4's default build) has it.
   */
  readonly debug?: boolean;
  /** Physical addresses of the root task's CNode and TCB (the boot model's rootserver objects). */
  readonly rootServer?: { readonly cnode: number; readonly tcb: number };
  /** seL4_TCBBits of the configuration (9 without the FPU, 10 with it). */
  readonly tcbBits?: number;
}

/** seL4 ksSchedulerAction. */
export type SchedulerAction = 'resume' | 'chooseNew' | TcbObject;

export type IrqState = 'inactive' | 'signal' | 'reserved';

export const DEFAULT_TIME_SLICE = 10_000;

export class Kernel {
  readonly memory: KernelMemory;
  readonly interrupts: InterruptController | null;
  readonly hooks: KernelHooks;
  readonly timeSlice: number;
  readonly maxIrq: number;
  /** KernelOptions.debug: the debug system calls exist. */
  readonly debug: boolean;
  /** Set by seL4_DebugHalt: the kernel schedules nothing any more. */
  halted = false;
  /** Call and ReplyRecv take the fast path when they can (fastpath.ts); false: always the slow path (tests compare). */
  fastpath = true;
  /** ksReadyQueues, one per priority; index 0 of each array is the head. */
  readonly readyQueues: TcbObject[][];
  /** One bit per priority whose ready queue is not empty (seL4's ksReadyQueuesL2Bitmap). */
  readonly readyBitmap = new Uint32Array(NUM_PRIORITIES / 32);
  /** One bit per word of `readyBitmap` that is not zero (seL4's ksReadyQueuesL1Bitmap). */
  readyWords = 0;
  /** The running thread; null = the idle thread. */
  current: TcbObject | null = null;
  action: SchedulerAction = 'resume';
  /** Every TCB created, in creation order (reports, deadlock detection). */
  readonly threads: TcbObject[] = [];
  /** Every object created, live or not, for the invariant checker. */
  readonly objects: KernelObject[] = [];
  /** The untypeds handed out at boot (bootinfo order). */
  readonly bootUntypeds: UntypedObject[] = [];
  readonly irqStates: IrqState[];
  /** intStateIRQNode: the notification cap an IRQ signals. */
  readonly irqSlots: CSlot[];
  /** Per IRQ: notifications delivered and IRQHandler_Ack calls (the report's grant counters). */
  readonly irqDeliveries: Uint32Array;
  readonly irqAcks: Uint32Array;
  /** riscvKSASIDTable. */
  readonly asidTable: (AsidPoolObject | null)[] = new Array(1 << 5).fill(null);
  /** The root task: its TCB (never scheduled) and CNode. */
  readonly rootTcb: TcbObject;
  readonly rootCNode: CNodeObject;
  readonly tcbBits: number;

  constructor(options: KernelOptions) {
    this.memory = options.memory;
    this.interrupts = options.interrupts ?? null;
    this.hooks = options.hooks ?? {};
    this.timeSlice = options.timeSlice ?? DEFAULT_TIME_SLICE;
    this.maxIrq = options.maxIrq ?? DEFAULT_MAX_IRQ;
    this.debug = options.debug ?? true;
    this.readyQueues = Array.from({ length: NUM_PRIORITIES }, () => []);
    this.irqStates = new Array<IrqState>(this.maxIrq + 1).fill('inactive');
    this.irqDeliveries = new Uint32Array(this.maxIrq + 1);
    this.irqAcks = new Uint32Array(this.maxIrq + 1);
    this.irqSlots = Array.from({ length: this.maxIrq + 1 }, (_, i) => newSlot(null, i));
    const radix = options.rootCNodeSizeBits ?? 12;
    this.tcbBits = options.tcbBits ?? 9;
    // The root task's objects come from the kernel's boot region, not from any untyped (seL4 boot.c).
    this.rootCNode = createCNodeObject(options.rootServer?.cnode ?? 0, radix, null);
    this.rootTcb = createTcbObject(options.rootServer?.tcb ?? 0, null, 'root', this.timeSlice, this.tcbBits);
    this.rootTcb.mcp = NUM_PRIORITIES - 1;
    this.rootTcb.priority = NUM_PRIORITIES - 1;
    this.rootTcb.debugName = 'rootserver';
  }

  /** Records a newly created object (invariants and reports walk this list). */
  register(obj: KernelObject): void {
    this.objects.push(obj);
    if (obj.type === 'tcb') this.threads.push(obj);
  }

  trace(event: KernelTraceEvent): void {
    this.hooks.trace?.(event);
  }
}

export function createCNodeObject(paddr: number, radixBits: number, untyped: UntypedObject | null): CNodeObject {
  const obj: CNodeObject = {
    type: 'cnode',
    paddr,
    sizeBits: radixBits + 4,
    untyped,
    capCount: 0,
    live: true,
    radixBits,
  } as Omit<CNodeObject, 'slots'> as CNodeObject;
  Object.assign(obj, { slots: new CNodeSlots(obj, radixBits) });
  return obj;
}

export function createTcbObject(paddr: number, untyped: UntypedObject | null, name: string, timeSlice: number, sizeBits = 9): TcbObject {
  const tcb = {
    type: 'tcb',
    paddr,
    sizeBits,
    untyped,
    capCount: 0,
    live: true,
    name,
    debugName: '',
    regs: new Int32Array(32),
    pc: 0,
    faultIp: 0,
    state: 'inactive',
    priority: 0,
    mcp: 0,
    ipcBuffer: 0,
    faultHandler: 0,
    tlsBase: 0,
    boundNotification: null,
    blockingObject: null,
    blockingBadge: 0,
    blockingIsCall: false,
    blockingCanGrant: false,
    blockingCanGrantReply: false,
    fault: null,
    timeSlice,
    inReadyQueue: false,
  } as Omit<TcbObject, 'cspaceRoot' | 'vspaceRoot' | 'bufferFrame' | 'caller' | 'replyCaps'> as TcbObject;
  // The TCB's own cap slots (seL4 keeps them in the TCB's CNode: tcbCTable, tcbVTable, tcbBuffer, tcbCaller).
  Object.assign(tcb, {
    cspaceRoot: newSlot(tcb, 0),
    vspaceRoot: newSlot(tcb, 1),
    bufferFrame: newSlot(tcb, 2),
    caller: newSlot(tcb, 3),
    replyCaps: [
      { kind: 'reply', tcb, canGrant: false },
      { kind: 'reply', tcb, canGrant: true },
    ],
  });
  return tcb;
}

/** Installs a boot-time cap in the root CNode (no parent: an original cap, as seL4 boot.c writes them). */
export function installRootCap(kernel: Kernel, slot: number, cap: Cap): CSlot {
  const target = kernel.rootCNode.slots.at(slot)!;
  target.cap = cap;
  target.parent = null;
  const obj = 'obj' in cap ? cap.obj : null;
  if (obj) obj.capCount++;
  return target;
}

/** The badge register a thread reads after a receive (a0). */
