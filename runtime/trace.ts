// Trace lines of a run (`run --trace`): the kernel's trace events as text, each cptr named from the
// plan (a component's CSpace slots; the root task's root CNode slots), seL4_DebugPutChar and UART
// bytes gathered into lines. Used by the boot (the root task's system calls) and by the run.
import type { KernelHooks, KernelTraceEvent } from './kernel/kernel.js';
import type { Plan } from '../schema/plan.generated.js';

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

export const DEBUG_PUT_CHAR = -9;
/** The initial thread's name in traces and console output (runtime/kernel/bootstrap.ts names it). */
const ROOT_TASK = 'roottask';
/** System calls whose a1 is a message info (the others ignore it). */
const SENDS_MESSAGE = new Set([-1, -2, -3, -4, -6]);

/** What a thread's cptr names, from the plan: `(notify:2 notification 'pong_input')`. */
export type CapNames = (thread: string, cptr: number) => string | undefined;

export function capsByThread(plan: Plan): CapNames {
  const byThread = new Map(plan.components.map((c) => [c.name, new Map(c.cspace.map((s) => [s.slot, `${s.role} ${s.kind} '${s.object}'`]))]));
  // The root task's cptrs are root CNode slots: the plan's objects are where it made them.
  const rootSlots = new Map<number, string>(plan.untyped.map((u) => [u.slot, `untyped ${u.index}`]));
  for (const o of plan.objects) rootSlots.set(o.rootSlot, `${o.kind} '${o.name}'`);
  byThread.set(ROOT_TASK, rootSlots);
  return (thread, cptr) => byThread.get(thread)?.get(cptr);
}

/** seL4_MessageInfo (sel4-abi.md): label 20 bits, capsUnwrapped 3, extraCaps 2, length 7. */
function describeInfo(info: number): string {
  const extraCaps = (info >>> 7) & 0x3;
  return `label ${info >>> 12} length ${info & 0x7f}${extraCaps ? ` extraCaps ${extraCaps}` : ''}`;
}

export function formatTrace(e: KernelTraceEvent, capNames: CapNames = () => undefined): string {
  switch (e.kind) {
    case 'syscall': {
      const cap = capNames(e.thread, e.cptr);
      const message = SENDS_MESSAGE.has(e.syscall) ? ` ${describeInfo(e.info)}` : '';
      return `${e.thread}: syscall ${syscallName(e.syscall)} cptr ${e.cptr}${cap ? ` (${cap})` : ''}${message}`;
    }
    case 'ipc':
      return `ipc ${e.from} -> ${e.to} badge ${hex(e.badge)} label ${e.label} length ${e.length}`;
    case 'signal':
      return `signal -> ${e.to} badge ${hex(e.badge)}`;
    case 'interrupt':
      return `interrupt ${e.irq}${e.delivered ? '' : ' (not delivered)'}`;
    case 'ack':
      return `ack irq ${e.irq}`;
    case 'fault':
      return `${e.thread}: ${e.fault.type} fault at pc ${hex(e.fault.pc)}${e.handled ? ' -> fault handler' : ' (no handler: stopped)'}`;
    case 'invocation':
      return `${e.thread}: invocation label ${e.label} -> ${e.error === 0 ? 'ok' : `error ${e.error}`}`;
  }
}

const SYSCALL_NAMES: Record<number, string> = {
  [-1]: 'Call',
  [-2]: 'ReplyRecv',
  [-3]: 'Send',
  [-4]: 'NBSend',
  [-5]: 'Recv',
  [-6]: 'Reply',
  [-7]: 'Yield',
  [-8]: 'NBRecv',
  [-9]: 'DebugPutChar',
  [-10]: 'DebugDumpScheduler',
  [-11]: 'DebugHalt',
  [-12]: 'DebugCapIdentify',
  [-13]: 'DebugSnapshot',
  [-14]: 'DebugNameThread',
};
const syscallName = (n: number): string => SYSCALL_NAMES[n] ?? `unknown(${n})`;

/**
 * Console text in a trace: bytes a thread writes are gathered into one line per thread (flushed at a
 * newline, at the next other trace line, and at the end), shown JSON-quoted: `hello: uart "hi\n"`.
 */
export class TextTrace {
  #thread = '';
  #bytes: number[] = [];
  #at = 0n;

  constructor(
    private readonly emit: (line: string) => void,
    private readonly now: () => bigint,
    private readonly what: string,
  ) {}

  byte(thread: string, byte: number): void {
    if (thread !== this.#thread) this.flush();
    if (this.#bytes.length === 0) {
      this.#thread = thread;
      this.#at = this.now();
    }
    this.#bytes.push(byte);
    if (byte === 0x0a) this.flush();
  }

  flush(): void {
    if (this.#bytes.length === 0) return;
    const text = new TextDecoder().decode(Uint8Array.from(this.#bytes));
    this.emit(`[${this.#at} ns] ${this.#thread}: ${this.what} ${JSON.stringify(text)}`);
    this.#bytes = [];
  }
}

/**
 * The kernel's trace hook for `trace`: each event a line stamped with `now()` in ns, a thread's
 * DebugPutChar characters gathered into lines (flush() writes what is left).
 */
export function kernelTraceHook(trace: (line: string) => void, now: () => bigint, plan: Plan): { readonly hook: NonNullable<KernelHooks['trace']>; readonly flush: () => void } {
  const text = new TextTrace(trace, now, 'DebugPutChar');
  const capOf = capsByThread(plan);
  return {
    hook: (e) => {
      // DebugPutChar's a0 is a character, not a cptr: its characters are shown as text, a line at a time.
      if (e.kind === 'syscall' && e.syscall === DEBUG_PUT_CHAR) return text.byte(e.thread, e.cptr & 0xff);
      text.flush();
      trace(`[${now()} ns] ${formatTrace(e, capOf)}`);
    },
    flush: () => text.flush(),
  };
}
