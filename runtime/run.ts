// The kernel drives the machine: runs the current thread for at most its timeslice, enters the kernel
// on ecall, faults and PLIC interrupts, switches threads (registers, satp: the MMU keeps a TLB per address space),
// idles virtual time forward to the next device event, and ends at power-off, deadlock or the limit.
import type { KeyObject } from 'node:crypto';
import { createDiagnostic, D, type Diagnostic } from '../schema/diagnostics.js';
import { Reg } from './kernel/abi.js';
import { kernelTraceHook, TextTrace } from './trace.js';

export { formatTrace } from './trace.js';
import type { TcbObject } from './kernel/objects.js';
import { schedule, timesliceExpired } from './kernel/scheduler.js';
import { faultFromTrap } from './kernel/faults.js';
import { activateThread, handleInterruptEntry, handleSyscall, handleUserFault } from './kernel/syscall.js';
import { satpBitsFor } from './kernel/vspace.js';
import { bootImage, type BootedSystem } from './boot/index.js';
import { buildReport, ConsoleRecorder, runExitCode, RunExitCode, type RunReport } from './report.js';
import { startGdb, type GdbDebugger, type GdbOptions } from './gdb/index.js';
import { systemDebugTarget } from './gdb/systemTarget.js';
import { Cause, causeName } from './machine/trap.js';
import { FINISHER_PASS, FINISHER_REGISTER } from './machine/devices/sifiveTest.js';
import type { SliceRunner } from './machine/machine.js';
import type { Ns16550a } from './machine/devices/ns16550a.js';
import { RTC_ALARM_HIGH, RTC_ALARM_LOW, RTC_ALARM_STATUS } from './machine/devices/goldfishRtc.js';

export type RunOutcome = 'poweroff' | 'deadlock' | 'limit' | 'killed' | 'quit' | 'error';

/** A component's fault as the report lists it. */
export interface FaultRecord {
  readonly type: 'vm' | 'unknownSyscall' | 'userException' | 'cap';
  readonly pc: string;
  readonly address: string | null;
  readonly cause: string;
  readonly instructions: number;
}

export interface Violation {
  readonly component: string;
  readonly pc: string;
  readonly address: string;
  readonly access: 'read' | 'write' | 'execute';
  readonly device: string | null;
}

export interface RunOptions {
  /** Stop after this many instructions (default 1e9). */
  readonly maxInstructions?: number;
  /** Called with each trace line (syscalls, IPC, interrupts, faults), prefixed by the virtual time in ns. */
  readonly trace?: (line: string) => void;
  /** seL4_DebugPutChar output, with the component that called it. */
  readonly debugPutChar?: (byte: number, component?: string) => void;
  /** A debugger (runtime/gdb): it runs each slice and sees every fault first. */
  readonly debugger?: RunDebugger;
  /**
   * Asked when no thread can run and no device event is due: true while more console input may
   * still come (an interactive console), so the run waits for it instead of ending in deadlock.
   */
  readonly inputMayCome?: () => boolean;
  /**
   * System calls are handled inside the CPU's loop (`Machine.run`'s `ecall`), which goes on with
   * the next thread without returning here; default true (not with a debugger). False: every
   * system call returns from the CPU and the machine to this loop (the reference the tests
   * compare against: same instructions, virtual time and kernel state).
   */
  readonly syscallsInCpuLoop?: boolean;
}

/**
 * A run in progress (`startSystem`): `advance` runs it in slices so a caller can feed the console
 * between them (the interactive console); `runSystem` simply advances it to the end.
 */
export interface SystemRun {
  /**
   * Runs up to `slices` thread slices: 'done' when the run has ended, 'running' when the slices are
   * used up, 'waiting' when it can only go on once input arrives (`inputMayCome`).
   */
  advance(slices: number): 'done' | 'running' | 'waiting';
  /** Ends the run now with outcome 'quit' (the user left the console). */
  quit(): void;
  /** The result, once `advance` said 'done' or after `quit`. */
  result(): RunResult;
}

/** What the run loop needs of a debugger (`GdbDebugger`); processes are components, pid = plan order + 1. */
export interface RunDebugger extends SliceRunner {
  /** The thread of process `pid` (-1: not a component) is about to run. */
  enter(pid: number): void;
  /** A component took a fault; the debugger may stop there before the kernel handles it. */
  fault(pid: number, cause: number, text: string): void;
  /** The debugger ended the run (gdb's `kill`). */
  readonly killed: boolean;
}

export interface RunResult {
  readonly outcome: RunOutcome;
  /** Power-off code (0 pass), or 0 for other outcomes. */
  readonly powerOffCode: number;
  readonly powerOffKind: 'pass' | 'fail' | 'reset' | null;
  /** Instructions retired by components. */
  readonly instructions: number;
  readonly faults: ReadonlyMap<string, FaultRecord[]>;
  readonly violations: readonly Violation[];
  /** Who waits on what, at a deadlock. */
  readonly waits: readonly string[];
  /** MMIO accesses per component and device path: `${component}\u0000${path}` → [reads, writes]. */
  readonly mmioAccesses: ReadonlyMap<string, readonly [number, number]>;
  readonly diagnostics: readonly Diagnostic[];
}

export const DEFAULT_MAX_INSTRUCTIONS = 1_000_000_000;
/** Idle steps in a row without any thread becoming runnable before the run is declared deadlocked. */
const MAX_IDLE_SPINS = 1000;
const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/** The virtual instruction count at which a device will next raise an interrupt, or null. */
function nextDeviceEvent(system: BootedSystem, now: number): number | null {
  const { machine } = system;
  const at = (ns: bigint): number => Math.max(now + 1, Number((ns * BigInt(machine.clock.instructionsPerSecond) + 999_999_999n) / 1_000_000_000n));
  let next: number | null = null;
  // The UART's next input byte ends its frame (or its character timeout fires) at a line-rate time.
  const uartEvent = machine.uart?.nextEventNanoseconds() ?? null;
  if (uartEvent !== null) next = at(uartEvent);
  for (const d of machine.devices) {
    if (d.device.kind !== 'google,goldfish-rtc') continue;
    if (d.device.read(RTC_ALARM_STATUS, 4) === 0) continue;
    const when = at(BigInt(d.device.read(RTC_ALARM_HIGH, 4)) * 2n ** 32n + BigInt(d.device.read(RTC_ALARM_LOW, 4)));
    next = next === null ? when : Math.min(next, when);
  }
  return next;
}

/** The access a VM fault's FSR (seL4: 1 instruction, 5 load, 7 store) stands for. */
const accessOf = (fsr: number): Violation['access'] =>
  fsr === Cause.InstructionAccessFault ? 'execute' : fsr === Cause.LoadAccessFault ? 'read' : 'write';

/** Kernel objects by the plan's names (for waits, traces and the debugger). */
function objectNames(system: BootedSystem): Map<object, string> {
  const names = new Map<object, string>();
  for (const o of system.plan.objects) {
    const cap = system.kernel.rootCNode.slots[o.rootSlot]?.cap;
    if (cap && 'obj' in cap && !names.has(cap.obj)) names.set(cap.obj, o.name);
  }
  return names;
}

/** A thread's state for gdb's `info threads`: running, or what it waits on. */
function describeThread(t: TcbObject, names: Map<object, string>): string {
  if (t.state === 'running' || t.state === 'restart') return 'runnable';
  if (t.state === 'inactive') return t.fault ? `stopped after a ${t.fault.type} fault` : 'stopped';
  return describeWait(t, names).replace(`'${t.name}' `, '');
}

function describeWait(t: TcbObject, names: Map<object, string>): string {
  const on = t.blockingObject ? (names.get(t.blockingObject) ?? `${t.blockingObject.type}@${hex(t.blockingObject.paddr)}`) : '';
  switch (t.state) {
    case 'blockedOnReceive':
      return `'${t.name}' waits to receive on endpoint '${on}'${t.boundNotification ? ` or its notification '${names.get(t.boundNotification) ?? ''}'` : ''}`;
    case 'blockedOnSend':
      return `'${t.name}' waits to send on endpoint '${on}'`;
    case 'blockedOnNotification':
      return `'${t.name}' waits on notification '${on}'`;
    case 'blockedOnReply':
      return `'${t.name}' waits for a reply`;
    default:
      return `'${t.name}' is stopped`;
  }
}

/** seL4's halt() ends in an SBI shutdown; on QEMU virt the SBI powers off through the test finisher, as here. */
function sbiShutdown(system: BootedSystem): void {
  const finisher = system.machine.devices.find((d) => d.device.kind === 'sifive,test0');
  finisher?.device.write(FINISHER_REGISTER, 4, FINISHER_PASS);
}

/**
 * What the run loop and the system-call path read and write at every slice, as fields of one
 * object: the path runs at every system call, inlined into the block chain, where closure
 * variables were context loads with a hole check each (docs/performance.md, kernel, session 10).
 */
class Slices {
  /**
   * The kernel entered since the CPU was given the running thread (its reservation then ends).
   * A flag beside `cpu.x === t.regs` rather than the thread itself: a store of an object is a
   * write-barrier call while V8 marks, and this was two per system call.
   */
  stale = true;
  /** satp as an int32; 1 is no value satpBitsFor gives (Bare is 0, Sv32 sets the sign bit). */
  loadedSatp = 1;
  /** The thread whose slice is running and the instret its slice began at. */
  running: TcbObject | null = null;
  sliceStart = 0;
  /** Slices run by the current `advance` and how many it may run (a system call ends a slice). */
  slice = 0;
  slices = 0;
  idleSpins = 0;
  outcome: RunOutcome | null = null;

  constructor(
    private readonly kernel: BootedSystem['kernel'],
    private readonly machine: BootedSystem['machine'],
    private readonly cpu: BootedSystem['machine']['cpu'],
    private readonly maxInstructions: number,
    private readonly debug: RunDebugger | undefined,
    private readonly pids: ReadonlyMap<TcbObject, number>,
    /** Instructions that are not the components': idle time, and the root task's boot before them. */
    public idle: number,
  ) {}

  executed(): number {
    return this.cpu.instret - this.idle;
  }

  /** The checks before each slice: true when the run has ended (`outcome` set). */
  ended(): boolean {
    if (this.machine.powerOff) this.outcome = 'poweroff';
    else if (this.debug?.killed) this.outcome = 'killed';
    else if (this.executed() >= this.maxInstructions) this.outcome = 'limit';
    return this.outcome !== null;
  }

  /**
   * The thread's registers and address space on the CPU. The CPU runs on the thread's own
   * register array (`cpu.x` points at `t.regs`), so a switch copies no registers.
   */
  load(t: TcbObject): void {
    const cpu = this.cpu;
    if (this.stale || cpu.x !== t.regs) {
      cpu.x = t.regs;
      cpu.cancelReservation();
      this.stale = false;
    }
    cpu.pc = t.pc;
    const vs = t.vspaceRoot.cap;
    const satp = vs.kind === 'pageTable' ? satpBitsFor(vs.obj) : 0;
    if (satp !== this.loadedSatp) {
      cpu.setSatp(satp);
      this.loadedSatp = satp;
    }
  }

  save(t: TcbObject): void {
    const cpu = this.cpu;
    // Only a debugger's slice runner could have left another array on the CPU.
    if (cpu.x !== t.regs) t.regs.set(cpu.x);
    t.regs[0] = 0;
    // Every trap saves sepc as FaultIP (seL4 trap_entry); a syscall then sets NextIP past the ecall.
    t.pc = cpu.pc >>> 0;
    t.faultIp = t.pc;
  }

  /** Starts a slice of `t`: its registers and address space on the CPU, its budget returned. */
  beginSlice(t: TcbObject): number {
    this.idleSpins = 0;
    this.load(t);
    this.running = t;
    this.sliceStart = this.cpu.instret;
    this.debug?.enter(this.pids.get(t) ?? -1);
    return Math.max(1, Math.min(t.timeSlice, this.maxInstructions - this.executed()));
  }

  /** Ends the running slice: the thread's timeslice and registers; returns the thread. */
  endSlice(): TcbObject {
    const t = this.running!;
    this.running = null;
    this.machine.bus.accessCounts = undefined;
    t.timeSlice -= this.cpu.instret - this.sliceStart;
    this.save(t);
    return t;
  }

  /**
   * A system call inside the CPU's loop: what the run loop does for a trap with an ecall, then
   * for the next slice, returning its budget; 0 when the run loop must take over (the run
   * ended, the slices are used up, or no thread is runnable).
   */
  ecall(): number {
    const t = this.endSlice();
    const kernel = this.kernel;
    handleSyscall(kernel, t, t.regs[Reg.a7]!);
    // The kernel changed registers (replies, faults): reload before running.
    this.stale = true;
    this.slice++;
    if (this.ended() || this.slice >= this.slices) return 0;
    const next = kernel.current;
    return next === null ? 0 : this.beginSlice(next);
  }
}

/** Runs a booted system to power-off, deadlock or the instruction limit. */
export function runSystem(system: BootedSystem, options: Omit<RunOptions, 'inputMayCome'> = {}): RunResult {
  const run = startSystem(system, options);
  run.advance(Number.POSITIVE_INFINITY);
  return run.result();
}

/** Starts a booted system's components; the run goes on as the caller advances it. */
export function startSystem(system: BootedSystem, options: RunOptions = {}): SystemRun {
  const { kernel, machine, components } = system;
  const cpu = machine.cpu;
  const maxInstructions = options.maxInstructions ?? DEFAULT_MAX_INSTRUCTIONS;
  const faults = new Map<string, FaultRecord[]>(components.map((c) => [c.plan.name, []]));
  const violations: Violation[] = [];
  const diagnostics: Diagnostic[] = [];
  const debug = options.debugger;
  const pids = new Map<TcbObject, number>(components.map((c, i) => [c.tcb, i + 1]));
  const st = new Slices(kernel, machine, cpu, maxInstructions, debug, pids, system.rootTask.instructions);
  const executed = (): number => st.executed();
  const trace = options.trace;
  const names = objectNames(system);

  kernel.hooks.putChar = (byte) => options.debugPutChar?.(byte);
  kernel.hooks.halt = () => sbiShutdown(system);
  kernel.hooks.unhandledFault = (thread, fault) => {
    const list = faults.get(thread.name) ?? [];
    const address = fault.type === 'vm' || fault.type === 'cap' ? hex(fault.address) : null;
    const cause =
      fault.type === 'vm' ? causeName(fault.cause) : fault.type === 'userException' ? causeName(fault.number) : fault.type === 'cap' ? `cap fault (${fault.lookup.type})` : `unknown syscall ${fault.syscall | 0}`;
    list.push({ type: fault.type, pc: hex(fault.pc), address, cause, instructions: executed() });
    faults.set(thread.name, list);
    if (fault.type === 'vm') {
      const device = machine.deviceAt(fault.address);
      violations.push({
        component: thread.name,
        pc: hex(fault.pc),
        address: hex(fault.address),
        access: accessOf(fault.fsr),
        device: device ? device.path : null,
      });
    }
    diagnostics.push(
      createDiagnostic(D.runComponentFaulted, {
        component: thread.name,
        fault: cause,
        pc: hex(fault.pc),
        detail: address ? ` accessing '${address}'` : '',
      }),
    );
  };
  const debugText = trace ? kernelTraceHook(trace, () => machine.clock.nanoseconds(), system.plan) : undefined;
  if (debugText) kernel.hooks.trace = debugText.hook;

  /** The kernel changed a thread's registers (replies, faults): reload it before running. */
  const kernelEntered = (): void => {
    st.stale = true;
  };

  // Device accesses are counted by the bus into the running thread's counters (per-grant report).
  const regionIndex = new Map(machine.bus.regions.map((r, i) => [r, i]));
  const deviceRegions = machine.devices.map((d) => regionIndex.get(d.region)!);
  const paths = machine.devices.map((d) => d.path);
  const threadCounts = new Map<TcbObject, Float64Array>();
  const countsOf = (t: TcbObject): Float64Array => {
    let counts = threadCounts.get(t);
    if (counts === undefined) {
      counts = new Float64Array(2 * machine.bus.regions.length);
      threadCounts.set(t, counts);
    }
    return counts;
  };
  const mmioAccesses = new Map<string, [number, number]>();

  schedule(kernel);
  activateThread(kernel);
  const context = system.interruptContext;
  let waits: string[] = [];
  // Only the running thread's own accesses count (not the kernel's PLIC claims between slices):
  // the bus asks for its counters at the slice's first device access.
  machine.bus.accessCountsSource = () => (st.running === null ? undefined : countsOf(st.running));
  const ecallInCpu = (): number => st.ecall();
  const runOptions = {
    ...(context >= 0 ? { interruptContext: context } : {}),
    ...(debug ? { sliceRunner: debug } : options.syscallsInCpuLoop === false ? {} : { ecall: ecallInCpu }),
  };

  const advance = (limit: number): 'done' | 'running' | 'waiting' => {
    st.slice = 0;
    st.slices = limit;
    while (st.outcome === null) {
      if (st.ended()) break;
      if (st.slice >= st.slices) return 'running';
      const t = kernel.current;
      if (t === null) {
        st.slice++;
        if (context >= 0 && machine.externalInterruptPending(context)) {
          handleInterruptEntry(kernel);
          kernelEntered();
          continue;
        }
        const next = nextDeviceEvent(system, cpu.instret);
        if (next === null && options.inputMayCome?.()) {
          st.idleSpins = 0;
          return 'waiting';
        }
        // A device event that never turns into an interrupt (UART input nobody enabled) is no wake-up.
        if (next === null || ++st.idleSpins > MAX_IDLE_SPINS) {
          st.outcome = 'deadlock';
          waits = kernel.threads.filter((x) => x !== kernel.rootTcb && x.state !== 'inactive').map((x) => describeWait(x, names));
          break;
        }
        // Idle: virtual time jumps to the device's event; no component instruction retires.
        st.idle += next - cpu.instret;
        cpu.instret = next;
        machine.poll();
        continue;
      }
      const stop = machine.run(st.beginSlice(t), runOptions);
      // The CPU's loop handled system calls and ended the last slice itself.
      if (stop.kind === 'ecall') continue;
      const ran = st.endSlice();
      st.slice++;
      switch (stop.kind) {
        case 'budget':
          if (ran.timeSlice <= 0) {
            timesliceExpired(kernel);
            schedule(kernel);
            activateThread(kernel);
          }
          break;
        case 'interrupt':
          handleInterruptEntry(kernel);
          kernelEntered();
          break;
        case 'trap':
          if (stop.cause === Cause.EcallFromU) {
            handleSyscall(kernel, ran, ran.regs[Reg.a7]!);
          } else {
            const pid = pids.get(ran);
            if (debug && pid !== undefined) {
              debug.fault(pid, stop.cause, `'${ran.name}': ${causeName(stop.cause)} at pc ${hex(stop.pc)}, address ${hex(stop.tval)}`);
            }
            handleUserFault(kernel, ran, faultFromTrap(stop.cause, stop.tval, stop.pc));
          }
          kernelEntered();
          break;
        case 'poweroff':
        case 'stopped':
          break;
      }
    }
    return 'done';
  };

  let finished: RunResult | undefined;
  const result = (): RunResult => (finished ??= finish(st.outcome ?? 'quit'));
  const finish = (outcome: RunOutcome): RunResult => {
    // Threads in creation order (their counters are made at their first device access).
    for (const t of kernel.threads) {
      const counts = threadCounts.get(t);
      if (counts === undefined) continue;
      for (let i = 0; i < deviceRegions.length; i++) {
        const reads = counts[2 * deviceRegions[i]!]!;
        const writes = counts[2 * deviceRegions[i]! + 1]!;
        if (reads !== 0 || writes !== 0) mmioAccesses.set(`${t.name}\u0000${paths[i]}`, [reads, writes]);
      }
    }
    debugText?.flush();
    const power = machine.powerOff;
    if (outcome === 'limit') diagnostics.push(createDiagnostic(D.runLimitReached, { limit: maxInstructions }));
    if (outcome === 'killed') diagnostics.push(createDiagnostic(D.gdbKilled, { instructions: executed() }));
    if (outcome === 'deadlock') {
      diagnostics.push(createDiagnostic(D.runDeadlock, { instructions: executed(), waits: waits.length > 0 ? waits.join('; ') : 'every component has stopped' }));
    }
    if (outcome === 'poweroff' && power && power.power === 'fail') diagnostics.push(createDiagnostic(D.runPowerOffFail, { code: power.code }));
    return {
      outcome,
      powerOffCode: power ? power.code : 0,
      powerOffKind: power ? power.power : null,
      instructions: executed(),
      faults,
      violations,
      waits,
      mmioAccesses,
      diagnostics,
    };
  };
  return {
    advance: (slices) => (st.outcome !== null ? 'done' : advance(slices)),
    quit: () => {
      st.outcome ??= 'quit';
    },
    result,
  };
}

export interface RunImageOptions extends Omit<RunOptions, 'debugger'> {
  readonly file?: string;
  readonly stdin?: Uint8Array;
  /** Console UART bytes, with the component that was running when it wrote them. */
  readonly uartByte?: (byte: number, component?: string) => void;
  readonly failOnFault?: boolean;
  readonly timeSlice?: number;
  /** Most RAM to emulate (default 256 MiB). */
  readonly ramLimit?: number;
  /** Only images signed by one of these Ed25519 keys boot (bootImage's `trustedKeys`). */
  readonly trustedKeys?: readonly KeyObject[];
  readonly gdb?: GdbOptions;
}

export interface RunImageResult {
  readonly exitCode: number;
  /** Absent when the boot was refused. */
  readonly report?: RunReport;
  /** Boot refusals, run findings (faults, deadlock, limit), machine warnings. */
  readonly diagnostics: readonly Diagnostic[];
}

/** `kaal-compose run`: boot (with the grant proof), run, report. Never throws for a bad image. */
export function runImage(bytes: Uint8Array, options: RunImageOptions = {}): RunImageResult {
  const started = startImage(bytes, options);
  if (!started.ok) return started.result;
  started.run.advance(Number.POSITIVE_INFINITY);
  return started.finish();
}

/** The console as the interactive `run` drives it: bytes typed go to the UART, and it can end the run. */
export interface LiveConsole {
  /** Calls `onInput` with each chunk typed, `onQuit` when the user leaves (the escape) or input ends. */
  start(onInput: (bytes: Uint8Array) => void, onQuit: () => void): void;
  /** Stops reading; the terminal is back as it was. Called once the run has ended. */
  stop(): void;
}

/** Slices between two turns of the event loop: a few milliseconds of emulation, so typing is seen at once. */
const SLICES_PER_TURN = 64;

/**
 * `run` on a terminal: as runImage, but the console's input arrives while the system runs (the
 * UART receives it at its line rate from then on), and the run waits for input instead of ending
 * in deadlock while the console is open. Virtual time only moves while the system runs.
 */
export async function runImageLive(
  bytes: Uint8Array,
  live: LiveConsole,
  options: Omit<RunImageOptions, 'stdin'> & { /** After each turn of emulation (flush the console output). */ readonly afterTurn?: () => void } = {},
): Promise<RunImageResult> {
  let open = true;
  let wake: (() => void) | undefined;
  const started = startImage(bytes, { ...options, inputMayCome: () => open });
  if (!started.ok) return started.result;
  const { run, uart } = started;
  let received = 0;
  live.start(
    (chunk) => {
      received += chunk.length;
      uart?.pushInput(chunk);
      wake?.();
    },
    () => {
      open = false;
      run.quit();
      wake?.();
    },
  );
  try {
    for (;;) {
      const state = run.advance(SLICES_PER_TURN);
      options.afterTurn?.();
      if (state === 'done') break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        // Running: give the event loop a turn (typed input, signals); waiting: sleep until input.
        if (state === 'running') setImmediate(resolve);
      });
      wake = undefined;
    }
  } finally {
    live.stop();
  }
  return started.finish(received);
}

type StartedImage =
  | { readonly ok: false; readonly result: RunImageResult }
  | {
      readonly ok: true;
      readonly run: SystemRun;
      readonly uart: Ns16550a | undefined;
      /** The result and report, once the run has ended; `inputBytes` counts input given while it ran. */
      finish(inputBytes?: number): RunImageResult;
    };

/** Boots an image and starts its components, wiring the console, the trace and gdb; runImage and runImageLive drive it. */
function startImage(bytes: Uint8Array, options: RunImageOptions & Pick<RunOptions, 'inputMayCome'>): StartedImage {
  const console = new ConsoleRecorder();
  // The sink is wired at boot, before the system exists: it finds the running thread through this.
  let running: () => string | undefined = () => undefined;
  let consolePath: string | undefined;
  let now = (): bigint => 0n;
  const uartText = options.trace ? new TextTrace(options.trace, () => now(), 'uart') : undefined;
  const booted = bootImage(bytes, {
    // With a trace, the root task's system calls and its boot line while it boots the system (its
    // line is not console output: the examples print what they printed before the root task).
    ...(options.trace ? { trace: options.trace } : {}),
    ...(options.file !== undefined ? { file: options.file } : {}),
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    ...(options.timeSlice !== undefined ? { timeSlice: options.timeSlice } : {}),
    ...(options.ramLimit !== undefined ? { ramLimit: options.ramLimit } : {}),
    ...(options.trustedKeys !== undefined ? { trustedKeys: options.trustedKeys } : {}),
    sink: {
      uartByte: (device, byte) => {
        if (consolePath === undefined || device === consolePath) {
          console.uartByte(running(), byte);
          uartText?.byte(running() ?? 'boot', byte);
        }
        options.uartByte?.(byte, running());
      },
    },
  });
  if (!booted.ok) return { ok: false, result: { exitCode: RunExitCode.badImage, diagnostics: booted.diagnostics } };
  const { kernel, machine } = booted.system;
  running = () => kernel.current?.name;
  now = () => machine.clock.nanoseconds();
  consolePath = machine.devices.find((d) => d.device === machine.uart)?.path;
  const system = booted.system;
  let debug: GdbDebugger | undefined;
  if (options.gdb) {
    const names = objectNames(system);
    const started = startGdb(options.gdb, (owner) => systemDebugTarget(system, owner, (t) => describeThread(t, names), options.gdb?.symbolsDir));
    if (!started.ok) return { ok: false, result: { exitCode: RunExitCode.badImage, diagnostics: [started.diagnostic] } };
    debug = started.debugger;
  }
  const run = startSystem(system, {
    ...options,
    debugPutChar: (byte) => {
      console.debugByte(running(), byte);
      options.debugPutChar?.(byte, running());
    },
    ...(debug ? { debugger: debug } : {}),
  });
  const finish = (inputBytes = options.stdin?.length ?? 0): RunImageResult => {
    const result = run.result();
    uartText?.flush();
    const exitCode = runExitCode(result, options.failOnFault ?? false);
    debug?.finish(exitCode);
    const uart = machine.uart;
    const input = { bytes: inputBytes, unread: uart?.pendingInput ?? 0, overruns: uart?.overruns ?? 0 };
    const overrun =
      uart && input.overruns > 0
        ? [createDiagnostic(D.runUartOverrun, { count: input.overruns, baud: Math.round(uart.baud), path: consolePath ?? 'the console UART' })]
        : [];
    // A deadlock after piped input ran out is most often a program waiting for more: say so.
    const ended = result.outcome === 'deadlock' && input.bytes > 0 && input.unread === 0 ? [createDiagnostic(D.runInputEnded, { bytes: input.bytes })] : [];
    const consoleReport = console.report(system.components.map((c) => c.plan.name), input);
    return {
      exitCode,
      report: buildReport(system, result, exitCode, consoleReport),
      diagnostics: [...system.warnings, ...result.diagnostics, ...overrun, ...ended],
    };
  };
  return { ok: true, run, uart: machine.uart, finish };
}

/** `kaal-compose check`: boot and verify the grants without running any component. */
export function checkImage(
  bytes: Uint8Array,
  options: { readonly file?: string; readonly ramLimit?: number; readonly trustedKeys?: readonly KeyObject[] } = {},
): { readonly exitCode: number; readonly diagnostics: readonly Diagnostic[]; readonly grants: number } {
  const booted = bootImage(bytes, {
    ...(options.file !== undefined ? { file: options.file } : {}),
    ...(options.ramLimit !== undefined ? { ramLimit: options.ramLimit } : {}),
    ...(options.trustedKeys !== undefined ? { trustedKeys: options.trustedKeys } : {}),
  });
  if (!booted.ok) return { exitCode: RunExitCode.badImage, diagnostics: booted.diagnostics, grants: 0 };
  return { exitCode: 0, diagnostics: booted.system.warnings, grants: booted.system.plan.grants.length };
}
