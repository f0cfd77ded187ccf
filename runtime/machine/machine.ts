// A machine built from a device tree: RAM from the memory node, a device model per enabled node by
// `compatible` (devices/index.ts), interrupt lines wired into the PLIC, virtual time from instret and
// `timebase-frequency`, and devices polled every N retired instructions (STYLE.md §7–8); the CPU runs
// across poll points at which no device can change state, without leaving its loop.
import { D, createDiagnostic, fail, type Diagnostic } from '../../schema/diagnostics.js';
import { decodeFdt, findNodeByPath, propertyValue, cellsOf, type FdtTree } from '../../image/fdt/index.js';
import { platformFromFdt, isEnabled } from '../../image/platform.js';
import type { Platform, PlatformDevice } from '../../image/platformModel.js';
import { Bus, type BusRegion } from './bus.js';
import { DEFAULT_TIMEBASE_FREQUENCY, VirtualClock } from './clock.js';
import { Rv32Cpu } from './cpu.js';
import { PhysicalMemory } from './memory.js';
import { StopReason } from './trap.js';
import {
  createGuestErrorLog,
  unconnectedIrqLine,
  type GuestError,
  type GuestErrorLog,
  type HostSink,
  type IrqLine,
  type MmioDevice,
} from './devices/device.js';
import { createInertDevice, findDeviceFactory } from './devices/index.js';
import type { SifivePlic } from './devices/sifivePlic.js';
import type { Ns16550a } from './devices/ns16550a.js';
import type { Clint } from './devices/clint.js';
import type { GoldfishRtc } from './devices/goldfishRtc.js';

/** Instructions between two device polls (timers, UART input, RTC alarm). */
export const DEFAULT_POLL_INTERVAL = 1024;
const PAGE_SIZE = 4096;
/** Default cap on emulated RAM: one ArrayBuffer holds it all. */
export const DEFAULT_RAM_LIMIT = 256 * 1024 * 1024;
const PLIC_COMPATIBLES: readonly string[] = ['sifive,plic-1.0.0', 'riscv,plic0'];

export interface MachineOptions {
  /** Where UART bytes and power-off requests go. */
  readonly sink: HostSink;
  /** Bytes the console UART (`/chosen/stdout-path`, else the first ns16550a) receives. */
  readonly stdin?: Uint8Array;
  /** Retired instructions between device polls; default 1024. */
  readonly pollInterval?: number;
  /** Virtual instructions per second (clock.ts); default 100 M, one instruction = 10 ns. */
  readonly instructionsPerSecond?: number;
  /** Goldfish RTC value at reset, in ns; default 0 (deterministic, unlike QEMU's wall clock). */
  readonly rtcEpochNanoseconds?: bigint;
  /** Most RAM to allocate, in bytes (QEMU's own virt DTB says 2 GiB); default 256 MiB. */
  readonly ramLimit?: number;
}

/** One mapped device window. */
export interface MachineDevice {
  readonly path: string;
  /** The compatible string whose model runs it, or null for an inert region. */
  readonly model: string | null;
  readonly base: number;
  readonly size: number;
  readonly device: MmioDevice;
  /** The bus region with its read/write/bad-access counters. */
  readonly region: BusRegion;
  /** PLIC source ids of the node's interrupts. */
  readonly interrupts: readonly number[];
}

/** Why `Machine.run` returned. */
export type MachineStop =
  | { readonly kind: 'budget' }
  | { readonly kind: 'trap'; readonly cause: number; readonly tval: number; readonly pc: number; readonly insnLength: number }
  | { readonly kind: 'poweroff'; readonly power: 'pass' | 'fail' | 'reset'; readonly code: number }
  | { readonly kind: 'interrupt'; readonly context: number }
  | { readonly kind: 'stopped' }
  /** `RunOptions.ecall` handled a system call and said to stop (the run loop goes on from the top). */
  | { readonly kind: 'ecall' };

export interface RunOptions {
  /** Stop (kind 'interrupt') at the first poll at which this PLIC context has an interrupt. */
  readonly interruptContext?: number;
  /** Runs each slice instead of `cpu.run` (the debugger: it may look at every instruction). */
  readonly sliceRunner?: SliceRunner;
  /**
   * Handles an ecall from U-mode without leaving the CPU's loop (not with a `sliceRunner`): called
   * with the trap in `cpu` (pc on the ecall, `instret` up to date), it returns the budget of a new
   * `run` to go on with (from `cpu.pc`, with `cpu.x`), or 0 to end this one with kind 'ecall'.
   * Going on, the machine does what a new `run` does first: it stops (kind 'ecall') at a pending
   * interrupt for `interruptContext`, and counts the poll interval from there.
   */
  readonly ecall?: () => number;
}

/** Executes one poll slice of up to `slice` instructions, with `Rv32Cpu.run`'s contract. */
export interface SliceRunner {
  runSlice(cpu: Rv32Cpu, slice: number): StopReason;
}

export interface Machine {
  readonly platform: Platform;
  readonly cpu: Rv32Cpu;
  readonly bus: Bus;
  readonly ram: PhysicalMemory;
  readonly clock: VirtualClock;
  /** Every mapped device, sorted by base address. */
  readonly devices: readonly MachineDevice[];
  /** The first PLIC, console UART, CLINT and RTC, when the platform has them. */
  readonly plic: SifivePlic | undefined;
  readonly uart: Ns16550a | undefined;
  readonly clint: Clint | undefined;
  readonly rtc: GoldfishRtc | undefined;
  /** Accesses the device models rejected, in order, with the pc of the access (the first 1000). */
  readonly guestErrors: readonly GuestError[];
  /** Guest errors beyond those kept in `guestErrors`. */
  readonly guestErrorsDropped: number;
  /** Warnings from building the machine (devices that could not be mapped). */
  readonly diagnostics: readonly Diagnostic[];
  /** Set once the guest wrote the test device. */
  readonly powerOff: { readonly power: 'pass' | 'fail' | 'reset'; readonly code: number } | null;
  /**
   * Runs up to `budget` instructions in slices of the poll interval, polling devices between
   * slices; stops early on a trap, a power-off, or a pending interrupt for `interruptContext`.
   * Resume with another `run` (after handling a trap, set `cpu.pc`).
   */
  run(budget: number, options?: RunOptions): MachineStop;
  /**
   * Lets virtual time pass without executing instructions (all threads blocked, as `wfi`), in steps
   * of the poll interval, up to `budget` instructions' worth; stops early (kind 'interrupt') once
   * `interruptContext` has a pending interrupt. Idle time is added to `cpu.instret`, because the CPU
   * derives the `time` CSR from it and `time` must agree with the CLINT and RTC; so `instret` and
   * `cycle` count idle time too. Instructions really executed: `cpu.instret - idleInstructions`.
   */
  idle(budget: number, options?: RunOptions): MachineStop;
  /** Instructions' worth of virtual time spent in `idle` since reset (included in `cpu.instret`). */
  readonly idleInstructions: number;
  /** Advances device timers and input now (run does this every poll interval). */
  poll(): void;
  /** True when the PLIC has a pending, enabled interrupt above threshold for `context`. */
  externalInterruptPending(context: number): boolean;
  /** The device window containing a physical address, or undefined. */
  deviceAt(paddr: number): MachineDevice | undefined;
}

/** A decoded platform: the model, and the tree for properties the model does not carry. */
export interface PlatformSource {
  readonly platform: Platform;
  readonly tree?: FdtTree;
}

const hex = (n: number): string => '0x' + (n >>> 0).toString(16);
/** The stops without data are shared (a kernel run stops once per system call). */
const BUDGET_STOP: MachineStop = Object.freeze({ kind: 'budget' });
const STOPPED_STOP: MachineStop = Object.freeze({ kind: 'stopped' });
const ECALL_STOP: MachineStop = Object.freeze({ kind: 'ecall' });

/** Decodes a DTB (throws a KC2xxx DiagnosticError when it is malformed) into a platform source. */
export function platformSourceFromDtb(dtb: Uint8Array, file?: string): PlatformSource {
  const tree = decodeFdt(dtb, file === undefined ? {} : { file });
  return { platform: platformFromFdt(tree), tree };
}

/**
 * Builds a machine from a DTB or a decoded platform. Throws a DiagnosticError (KC2xxx for a bad
 * blob, KC7806 when there is no RAM); devices that cannot be mapped become warnings in `diagnostics`.
 */
export function createMachine(source: Uint8Array | PlatformSource, options: MachineOptions): Machine {
  const { platform, tree } = source instanceof Uint8Array ? platformSourceFromDtb(source) : source;
  const diagnostics: Diagnostic[] = [];
  const memory = platform.memory.find((range) => range.size > 0);
  if (memory === undefined) throw fail(D.machineNoRam, {});

  const bus = new Bus();
  const ramLimit = options.ramLimit ?? DEFAULT_RAM_LIMIT;
  const ramSize = Math.min(Math.ceil(memory.size / PAGE_SIZE) * PAGE_SIZE, Math.floor(ramLimit / PAGE_SIZE) * PAGE_SIZE);
  if (ramSize < memory.size) {
    diagnostics.push(createDiagnostic(D.machineRamLimited, { base: hex(memory.base), size: hex(memory.size), limit: hex(ramSize) }));
  }
  const ram = new PhysicalMemory(memory.base, ramSize);
  bus.attachRam(ram);

  let cpu: Rv32Cpu | undefined;
  const clock = new VirtualClock(
    () => cpu?.instret ?? 0,
    platform.timebaseFrequency ?? DEFAULT_TIMEBASE_FREQUENCY,
    options.instructionsPerSecond,
  );
  cpu = new Rv32Cpu(bus, { clock });
  const theCpu = cpu;

  const errorLog = createGuestErrorLog(() => theCpu.pc);
  // The machine's counters are plain data properties, kept up to date where they change: with a
  // getter the object is made in dictionary mode (an object literal with a getter) or, with getters
  // added afterwards, each machine gets a map of its own (its own getter functions), and either way
  // every `machine.*` load the run loops make per system call is a generic IC call.
  const guestErrorLog: GuestErrorLog = {
    record(device, offset, size, write, reason) {
      errorLog.record(device, offset, size, write, reason);
      machine.guestErrorsDropped = errorLog.dropped;
    },
  };
  bus.onBadAccess = (region, offset, size, write) =>
    guestErrorLog.record(region.name, offset, size, write, `a ${size}-byte access is not accepted by '${region.device.kind}'`);

  const sink: HostSink = {
    uartByte: (device, byte) => options.sink.uartByte(device, byte),
    powerOff: (kind, code) => {
      machine.powerOff ??= { power: kind, code };
      theCpu.requestStop();
      options.sink.powerOff(kind, code);
    },
  };

  const candidates = platform.devices
    .filter((d) => isEnabled(d) && d.reg.length > 0 && d.reg[0]!.size > 0)
    .sort((a, b) => a.reg[0]!.base - b.reg[0]!.base || (a.path < b.path ? -1 : 1));
  const consolePath =
    platform.stdoutPath ?? candidates.find((d) => findDeviceFactory(d.compatible)?.compatible.startsWith('ns16550'))?.path;

  const cellProperty = (path: string) => (name: string) => {
    const node = tree === undefined ? undefined : findNodeByPath(tree.root, path);
    const value = node === undefined ? undefined : propertyValue(node, name);
    return value === undefined ? undefined : cellsOf(value);
  };

  // Interrupt controllers first, so other devices' lines can be wired into them.
  const plics = new Map<string, SifivePlic>();
  const devices: MachineDevice[] = [];
  const build = (node: PlatformDevice): void => {
    const base = node.reg[0]!.base;
    const size = node.reg[0]!.size;
    const found = findDeviceFactory(node.compatible);
    const plic = node.interruptParent === null ? undefined : plics.get(node.interruptParent);
    const irqs: IrqLine[] = node.interrupts.map((source) => (plic ? plic.line(source) : unconnectedIrqLine));
    const context = { path: node.path, size, irqs, clock, sink, guestErrors: guestErrorLog, cellProperty: cellProperty(node.path) };
    const device = found
      ? found.factory(context, node, {
          ...(node.path === consolePath && options.stdin !== undefined ? { uartInput: options.stdin } : {}),
          ...(options.rtcEpochNanoseconds !== undefined ? { rtcEpochNanoseconds: options.rtcEpochNanoseconds } : {}),
        })
      : createInertDevice(context, node.compatible[0] ?? 'unknown');
    let region: BusRegion;
    try {
      region = bus.attachDevice(base, size, device, node.path);
    } catch (error) {
      diagnostics.push(
        createDiagnostic(D.machineDeviceUnmapped, {
          path: node.path,
          base: hex(base),
          reason: error instanceof Error ? error.message : String(error),
        }),
      );
      return;
    }
    if (device.kind === 'sifive,plic-1.0.0') plics.set(node.path, device as SifivePlic);
    devices.push({
      path: node.path,
      model: found?.compatible ?? null,
      base,
      size,
      device,
      region,
      interrupts: plic ? node.interrupts : [],
    });
  };
  const isPlic = (d: PlatformDevice): boolean => PLIC_COMPATIBLES.includes(findDeviceFactory(d.compatible)?.compatible ?? '');
  for (const node of candidates) if (isPlic(node)) build(node);
  for (const node of candidates) if (!isPlic(node)) build(node);
  devices.sort((a, b) => a.base - b.base);

  const pollers = devices.map((d) => d.device).filter((d) => d.poll !== undefined);
  const poll = (): void => {
    for (const device of pollers) device.poll!();
  };
  const pollInterval = Math.max(1, Math.floor(options.pollInterval ?? DEFAULT_POLL_INTERVAL));
  const instructionsPerSecond = BigInt(clock.instructionsPerSecond);
  // Budgets stay small integers (V8 Smis) in cpu.run and the blocks: a whole number of intervals.
  const longestRun = Math.max(1, Math.floor(2 ** 20 / pollInterval)) * pollInterval;
  /**
   * Instructions the CPU may run from now before the machine must poll: the poll intervals up to
   * the first poll at which a device's state may change (`pollDueNanoseconds`), at most
   * `longestRun`. The polls skipped would have changed nothing, and a device access inside the run
   * ends it at the next poll point (Rv32Cpu.run's `pollQuantum`), so runs are the same as polling
   * every interval, instruction for instruction.
   */
  const quietRun = (): number => {
    let due: bigint | null = null;
    for (const device of pollers) {
      if (device.pollDueNanoseconds === undefined) return pollInterval;
      const at = device.pollDueNanoseconds();
      if (at !== null && (due === null || at < due)) due = at;
    }
    if (due === null) return longestRun;
    // The first instret whose virtual ns reach `due` is at least this (rounded down: never late).
    const dueAt = due <= 0n ? 0 : Number((due * instructionsPerSecond) / 1_000_000_000n);
    // Polls at now + k × interval for k < slices find nothing due; the one at k = slices may.
    const slices = Math.ceil((dueAt - theCpu.instret) / pollInterval);
    return slices <= 1 ? pollInterval : Math.min(slices * pollInterval, longestRun);
  };
  const firstOfKind = <T extends MmioDevice>(kind: string): T | undefined =>
    devices.find((d) => d.device.kind === kind)?.device as T | undefined;
  const plic = firstOfKind<SifivePlic>('sifive,plic-1.0.0');
  const uart = (devices.find((d) => d.path === consolePath)?.device ?? firstOfKind('ns16550a')) as Ns16550a | undefined;

  // The run in progress, as the ecall hook restarts it: instructions left and where its slice began.
  let runLeft = 0;
  let sliceStart = 0;
  let runWatch: number | undefined;
  let runEcall: (() => number) | undefined;
  const ecallInRun = (): number => {
    const budget = runEcall!();
    if (budget <= 0) return 0;
    if (runWatch !== undefined && machine.externalInterruptPending(runWatch)) return 0;
    runLeft = Math.floor(budget);
    sliceStart = theCpu.instret;
    // One interval: threads between system calls run short, and asking the devices (quietRun) at
    // every call cost 10-15 % of bench/ipc.mjs's PPC rate. The run goes long at the next poll.
    return Math.min(runLeft, pollInterval);
  };

  const machine: { -readonly [K in keyof Machine]: Machine[K] } = {
    platform,
    cpu: theCpu,
    bus,
    ram,
    clock,
    devices,
    plic,
    uart: uart?.kind === 'ns16550a' ? uart : undefined,
    clint: firstOfKind<Clint>('sifive,clint0'),
    rtc: firstOfKind<GoldfishRtc>('google,goldfish-rtc'),
    guestErrors: errorLog.entries,
    guestErrorsDropped: 0,
    diagnostics,
    powerOff: null,
    poll,
    idleInstructions: 0,
    idle(budget, runOptions = {}) {
      const watch = runOptions.interruptContext;
      let left = Math.max(0, Math.floor(budget));
      while (left > 0) {
        if (watch !== undefined && machine.externalInterruptPending(watch)) return { kind: 'interrupt', context: watch };
        const step = Math.min(left, pollInterval);
        machine.idleInstructions += step;
        theCpu.instret += step;
        left -= step;
        poll();
      }
      if (watch !== undefined && machine.externalInterruptPending(watch)) return { kind: 'interrupt', context: watch };
      return { kind: 'budget' };
    },
    externalInterruptPending: (context) => plic?.interruptPending(context) ?? false,
    deviceAt(paddr) {
      const address = paddr >>> 0;
      return devices.find((d) => address >= d.base && address < d.base + d.size);
    },
    run(budget, runOptions = {}) {
      const watch = runOptions.interruptContext;
      const runner = runOptions.sliceRunner;
      const left = Math.max(0, Math.floor(budget));
      runWatch = watch;
      runEcall = runner ? undefined : runOptions.ecall;
      if (runEcall === undefined) return runSlices(left, watch, runner);
      theCpu.ecallHook = ecallInRun;
      try {
        return runSlices(left, watch, undefined);
      } finally {
        theCpu.ecallHook = undefined;
      }
    },
  };
  /** `run` after its set-up: slices of the poll interval until the budget is used or the CPU stops. */
  function runSlices(left: number, watch: number | undefined, runner: SliceRunner | undefined): MachineStop {
    while (left > 0) {
      if (watch !== undefined && machine.externalInterruptPending(watch)) return { kind: 'interrupt', context: watch };
      const slice = Math.min(left, runner ? pollInterval : quietRun());
      runLeft = left;
      sliceStart = theCpu.instret;
      const reason = runner ? runner.runSlice(theCpu, slice) : theCpu.run(slice, pollInterval);
      // An ecall handled inside the CPU's loop restarted the run: runLeft and sliceStart are the new run's.
      left = runLeft - (theCpu.instret - sliceStart);
      if (reason === StopReason.Trap) {
        return { kind: 'trap', cause: theCpu.cause, tval: theCpu.tval >>> 0, pc: theCpu.pc >>> 0, insnLength: theCpu.trapInsnLength };
      }
      if (reason === StopReason.Ecall) return ECALL_STOP;
      if (reason === StopReason.Stopped) {
        const powerOff = machine.powerOff;
        if (powerOff !== null) return { kind: 'poweroff', power: powerOff.power, code: powerOff.code };
        return STOPPED_STOP;
      }
      poll();
    }
    if (watch !== undefined && machine.externalInterruptPending(watch)) return { kind: 'interrupt', context: watch };
    return BUDGET_STOP;
  }
  return machine;
}
