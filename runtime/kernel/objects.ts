// Kernel objects and capabilities of the seL4-like kernel (seL4 include/object/structures.h):
// objects are identified by their physical address and size; caps are unions discriminated on `kind`.
// A cap lives in a CSlot; slots form seL4's mapping database (derivation tree) through parent links.
import type { CapRights } from './abi.js';

/** seL4 thread states (`_thread_state`). */
export type ThreadState =
  | 'inactive'
  | 'running'
  | 'restart'
  | 'blockedOnReceive'
  | 'blockedOnSend'
  | 'blockedOnReply'
  | 'blockedOnNotification';

interface ObjectBase {
  readonly paddr: number;
  readonly sizeBits: number;
  /** The untyped it was retyped from; null for the boot-time root-task objects. */
  readonly untyped: UntypedObject | null;
  /** Caps that point at the object; at 0 the object is freed (seL4's "final cap"). */
  capCount: number;
  /** False once finalised: no cap may point at a dead object (invariants.ts). */
  live: boolean;
}

export interface UntypedObject extends ObjectBase {
  readonly type: 'untyped';
  readonly isDevice: boolean;
  /** Watermark in bytes from `paddr` (seL4 capFreeIndex, kept in bytes). */
  freeIndex: number;
  /** Objects retyped from it and still live, in creation order. */
  readonly children: Set<KernelObject>;
}

export interface TcbObject extends ObjectBase {
  readonly type: 'tcb';
  /** For reports and traces (the plan's object name, or `tcb@0x…`). */
  name: string;
  /** seL4's tcbName (debug kernels): set by seL4_DebugNameThread, empty until then; shown by the debug syscalls. */
  debugName: string;
  /** x0..x31 by ISA number; x0 stays 0. */
  readonly regs: Int32Array;
  /** NextIP: where the thread resumes when running. */
  pc: number;
  /** FaultIP: where it resumes in the restart state (the ecall or faulting instruction). */
  faultIp: number;
  state: ThreadState;
  priority: number;
  mcp: number;
  /** tcbCTable / tcbVTable / tcbBuffer / tcbCaller slots, as in seL4's TCB CNode. */
  readonly cspaceRoot: CSlot;
  readonly vspaceRoot: CSlot;
  readonly bufferFrame: CSlot;
  readonly caller: CSlot;
  /**
   * The reply caps to this thread without and with the grant right, made with it (caps are
   * immutable values): the fast path's setupCallerCap puts one in the server's caller slot.
   */
  readonly replyCaps: readonly [Cap, Cap];
  ipcBuffer: number;
  /** CPtr of the fault endpoint in the thread's own CSpace (non-MCS tcbFaultHandler). */
  faultHandler: number;
  tlsBase: number;
  boundNotification: NotificationObject | null;
  /** What it is blocked on and how (seL4 keeps these in the thread state word). */
  blockingObject: EndpointObject | NotificationObject | null;
  blockingBadge: number;
  blockingIsCall: boolean;
  blockingCanGrant: boolean;
  blockingCanGrantReply: boolean;
  /** The fault being delivered or awaiting a reply, or null. */
  fault: Fault | null;
  /** Instructions left in the current timeslice. */
  timeSlice: number;
  inReadyQueue: boolean;
}

export interface EndpointObject extends ObjectBase {
  readonly type: 'endpoint';
  /** Queue of threads all sending or all receiving. */
  queue: TcbObject[];
  state: 'idle' | 'send' | 'recv';
}

export interface NotificationObject extends ObjectBase {
  readonly type: 'notification';
  state: 'idle' | 'waiting' | 'active';
  word: number;
  queue: TcbObject[];
  boundTcb: TcbObject | null;
}

export interface CNodeObject extends ObjectBase {
  readonly type: 'cnode';
  readonly radixBits: number;
  readonly slots: CNodeSlots;
}

export interface FrameObject extends ObjectBase {
  readonly type: 'frame';
  readonly isDevice: boolean;
}

export interface PageTableObject extends ObjectBase {
  readonly type: 'pageTable';
  /** ASID when this table is a VSpace root assigned to a pool, else 0. */
  asid: number;
}

export interface AsidPoolObject extends ObjectBase {
  readonly type: 'asidPool';
  /** First ASID of the pool (pool index << ASID_POOL_INDEX_BITS). */
  readonly base: number;
  readonly entries: (PageTableObject | null)[];
}

export type KernelObject =
  | UntypedObject
  | TcbObject
  | EndpointObject
  | NotificationObject
  | CNodeObject
  | FrameObject
  | PageTableObject
  | AsidPoolObject;

/** A frame mapping as recorded in the frame cap (seL4 capFMappedASID / capFMappedAddress). */
export interface FrameMapping {
  readonly vspace: PageTableObject;
  readonly vaddr: number;
  /** Not in the seL4 message: the plan's cacheability, recorded for grant verification. */
  readonly cached: boolean;
}

export type Cap =
  | { readonly kind: 'null' }
  | { readonly kind: 'untyped'; readonly obj: UntypedObject }
  | {
      readonly kind: 'endpoint';
      readonly obj: EndpointObject;
      readonly badge: number;
      readonly rights: CapRights;
    }
  | {
      readonly kind: 'notification';
      readonly obj: NotificationObject;
      readonly badge: number;
      readonly rights: CapRights;
    }
  | { readonly kind: 'reply'; readonly tcb: TcbObject; readonly canGrant: boolean }
  | { readonly kind: 'cnode'; readonly obj: CNodeObject; readonly guard: number; readonly guardSize: number }
  | { readonly kind: 'tcb'; readonly obj: TcbObject }
  | {
      readonly kind: 'frame';
      readonly obj: FrameObject;
      /** VM rights: read and write (seL4 VMReadWrite / VMReadOnly / VMKernelOnly). */
      readonly read: boolean;
      readonly write: boolean;
      mapping: FrameMapping | null;
    }
  | {
      readonly kind: 'pageTable';
      readonly obj: PageTableObject;
      /** Where it is mapped as a second-level table, or null (a root or unmapped). */
      mapping: { readonly vspace: PageTableObject; readonly vaddr: number } | null;
    }
  | { readonly kind: 'asidControl' }
  | { readonly kind: 'asidPool'; readonly obj: AsidPoolObject }
  | { readonly kind: 'irqControl' }
  | { readonly kind: 'irqHandler'; readonly irq: number }
  | { readonly kind: 'domain' };

export type CapOf<K extends Cap['kind']> = Extract<Cap, { kind: K }>;

export const NULL_CAP: Cap = { kind: 'null' };

/** One capability slot; `parent`/`children` are seL4's MDB derivation links. */
export interface CSlot {
  cap: Cap;
  parent: CSlot | null;
  readonly children: Set<CSlot>;
  /** Where the slot lives, for messages and invariants. */
  readonly owner: CNodeObject | TcbObject | null;
  readonly index: number;
}

export function newSlot(owner: CSlot['owner'], index: number): CSlot {
  return { cap: NULL_CAP, parent: null, children: new Set(), owner, index };
}

/**
 * Kernel entries so far (system calls, root-task invocations). A CNode slot that is empty, without
 * derivation links and untouched since an earlier entry is referenced by nothing: it may be dropped.
 */
let kernelEntries = 0;

/** Marks the start of a kernel entry (handleSyscall, invoke). */
export function enterKernel(): void {
  kernelEntries++;
}

/** Dropping idle empty slots starts once a CNode holds this many slot objects. */
const PRUNE_MIN = 256;

/**
 * The 2^radix slots of a CNode, each created on first use: a component may retype a CNode of 2^20
 * slots or more, and host memory must grow with the slots it holds caps in, not with a radix it
 * picks. `slots[i]` is slot i if it has an object (undefined: an empty slot); `at(i)` creates it;
 * iteration yields the slot objects in index order (every other slot is empty, without links).
 * Slots made by lookups that found nothing are dropped again at a later kernel entry, so looking
 * up many empty slots costs no memory either.
 */
export class CNodeSlots implements Iterable<CSlot> {
  readonly [index: number]: CSlot;
  /** 2^radix: the CNode's slot count. */
  readonly length: number;
  readonly #owner: CNodeObject;
  #used: CSlot[] = [];
  #sorted = true;
  /** Per slot index: the kernel entry that last looked it up. */
  readonly #touched = new Map<number, number>();
  #pruneAt = PRUNE_MIN;

  constructor(owner: CNodeObject, radixBits: number) {
    this.#owner = owner;
    this.length = 2 ** radixBits;
  }

  /** Slot `index`, created empty on first use; undefined outside the CNode. */
  at(index: number): CSlot | undefined {
    let slot = this[index];
    if (!slot) {
      if (!Number.isInteger(index) || index < 0 || index >= this.length) return undefined;
      if (this.#used.length >= this.#pruneAt) this.#prune();
      slot = newSlot(this.#owner, index);
      (this as unknown as Record<number, CSlot>)[index] = slot;
      const last = this.#used[this.#used.length - 1];
      if (last && last.index > index) this.#sorted = false;
      this.#used.push(slot);
    }
    this.#touched.set(index, kernelEntries);
    return slot;
  }

  /** Slots `start` to `end - 1` (clamped to the CNode), created on use. */
  slice(start: number, end: number): CSlot[] {
    const out: CSlot[] = [];
    for (let i = Math.max(0, start); i < Math.min(end, this.length); i++) out.push(this.at(i)!);
    return out;
  }

  [Symbol.iterator](): Iterator<CSlot> {
    if (!this.#sorted) {
      this.#used.sort((a, b) => a.index - b.index);
      this.#sorted = true;
    }
    return [...this.#used][Symbol.iterator]();
  }

  /** Drops empty, unlinked slots no lookup of the current kernel entry returned (nothing holds them). */
  #prune(): void {
    const kept: CSlot[] = [];
    for (const slot of this.#used) {
      const idle =
        slot.cap.kind === 'null' && slot.parent === null && slot.children.size === 0 && (this.#touched.get(slot.index) ?? 0) < kernelEntries;
      if (!idle) {
        kept.push(slot);
        continue;
      }
      delete (this as unknown as Record<number, CSlot>)[slot.index];
      this.#touched.delete(slot.index);
    }
    this.#used = kept;
    this.#pruneAt = Math.max(PRUNE_MIN, 2 * kept.length);
  }
}

/** The object a cap refers to, if any (reply caps refer to the caller's TCB). */
export function capObject(cap: Cap): KernelObject | null {
  switch (cap.kind) {
    case 'untyped':
    case 'endpoint':
    case 'notification':
    case 'cnode':
    case 'tcb':
    case 'frame':
    case 'pageTable':
    case 'asidPool':
      return cap.obj;
    case 'reply':
      return cap.tcb;
    default:
      return null;
  }
}

/** A fault raised by or for a thread (seL4_Fault_t plus the lookup failure of a cap fault). */
export type Fault =
  | {
      readonly type: 'vm';
      readonly pc: number;
      readonly address: number;
      readonly prefetch: boolean;
      /** What seL4 stores as the FSR: the access-fault cause of the kind (1, 5 or 7), see faultFromTrap. */
      readonly fsr: number;
      /** The trap's scause (not in the seL4 message): the report names page faults and access faults apart. */
      readonly cause: number;
    }
  | { readonly type: 'unknownSyscall'; readonly pc: number; readonly syscall: number }
  | { readonly type: 'userException'; readonly pc: number; readonly number: number; readonly code: number }
  | {
      readonly type: 'cap';
      readonly pc: number;
      readonly address: number;
      readonly inRecvPhase: boolean;
      readonly lookup: LookupFault;
    };

/** seL4 lookup_fault. */
export type LookupFault =
  | { readonly type: 'invalidRoot' }
  | { readonly type: 'missingCapability'; readonly bitsLeft: number }
  | { readonly type: 'depthMismatch'; readonly bitsLeft: number; readonly bitsFound: number }
  | { readonly type: 'guardMismatch'; readonly bitsLeft: number; readonly guardFound: number; readonly bitsFound: number };
