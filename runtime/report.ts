// The run report (`kaal-compose run --report file`): outcome, exit code, instructions, each
// component's state and faults, each grant with its use (MMIO reads/writes, IRQ deliveries/acks) and
// every violation. Plain JSON with sorted arrays, so two runs of the same image compare equal.
import type { BootedSystem } from './boot/index.js';
import type { TcbObject } from './kernel/objects.js';
import type { FaultRecord, RunOutcome, RunResult, Violation } from './run.js';

/**
 * Exit codes of `kaal-compose run` (README "Exit codes of run"): one per outcome, none shared. The
 * program's own failure code is not the exit code (it would collide with these for 1..6): it is in
 * KC7043 and the report's `powerOff.code`.
 */
export const RunExitCode = {
  /** Powered off through the test device with the pass code. */
  pass: 0,
  /** A bad image or a refused boot (diagnostics printed). */
  badImage: 1,
  usage: 2,
  /** --max-instructions reached. */
  limit: 3,
  /** A component faulted and --fail-on-fault was given. */
  fault: 4,
  /** The guest asked for a reset through the test device. */
  reset: 5,
  /** Every thread blocked and no interrupt could arrive. */
  deadlock: 6,
  /** Powered off through the test device with a failure code (any code, 0 included). */
  failedPowerOff: 7,
  /** The user left the interactive console (Ctrl-A x) before the system powered off. */
  quit: 8,
  internal: 70,
} as const;

export interface ComponentReport {
  readonly name: string;
  readonly state: 'running' | 'blocked' | 'halted' | 'faulted';
  readonly priority: number;
  readonly faults: readonly FaultRecord[];
}

export interface GrantReport {
  readonly component: string;
  readonly kind: 'mmio' | 'irq';
  readonly device: string;
  readonly paddr: string;
  readonly size: number;
  readonly irq: number | null;
  readonly reads: number;
  readonly writes: number;
  readonly deliveries: number;
  readonly acks: number;
}

/** What the run wrote and read on the console (UTF-8 decoded; bytes that are not UTF-8 become U+FFFD). */
export interface ConsoleReport {
  /** Everything the console UART transmitted, in order. */
  readonly output: string;
  /** Per component (sorted by name): what it wrote to the UART and through seL4_DebugPutChar. */
  readonly components: readonly { readonly name: string; readonly uart: string; readonly debugPutChar: string }[];
  /**
   * Bytes given as input (--stdin, a pipe, typed), how many of them never arrived on the UART's line
   * before the run ended, and how many arrived with the receive FIFO full and were lost (overrun).
   */
  readonly input: { readonly bytes: number; readonly unread: number; readonly overruns: number };
}

export interface RunReport {
  readonly outcome: RunOutcome;
  readonly exitCode: number;
  readonly instructions: number;
  readonly powerOff: { readonly kind: 'pass' | 'fail' | 'reset'; readonly code: number } | null;
  readonly components: readonly ComponentReport[];
  readonly grants: readonly GrantReport[];
  readonly violations: readonly Violation[];
  readonly deadlock: readonly string[];
  readonly console: ConsoleReport;
}

/** Collects console bytes as a run produces them, by the component that was running. */
export class ConsoleRecorder {
  readonly #output: number[] = [];
  readonly #uart = new Map<string, number[]>();
  readonly #debug = new Map<string, number[]>();

  uartByte(component: string | undefined, byte: number): void {
    this.#output.push(byte);
    ConsoleRecorder.#append(this.#uart, component ?? '', byte);
  }

  debugByte(component: string | undefined, byte: number): void {
    ConsoleRecorder.#append(this.#debug, component ?? '', byte);
  }

  report(components: readonly string[], input: ConsoleReport['input']): ConsoleReport {
    const decode = (bytes: readonly number[] | undefined): string => new TextDecoder().decode(Uint8Array.from(bytes ?? []));
    return {
      output: decode(this.#output),
      components: [...components].sort().map((name) => ({ name, uart: decode(this.#uart.get(name)), debugPutChar: decode(this.#debug.get(name)) })),
      input,
    };
  }

  static #append(map: Map<string, number[]>, key: string, byte: number): void {
    const list = map.get(key);
    if (list) list.push(byte);
    else map.set(key, [byte]);
  }
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/** The process exit code for a run result. */
export function runExitCode(result: RunResult, failOnFault: boolean): number {
  const faulted = [...result.faults.values()].some((list) => list.length > 0);
  if (failOnFault && faulted) return RunExitCode.fault;
  switch (result.outcome) {
    case 'poweroff':
      if (result.powerOffKind === 'reset') return RunExitCode.reset;
      if (result.powerOffKind === 'fail') return RunExitCode.failedPowerOff;
      return RunExitCode.pass;
    case 'limit':
    case 'killed':
      return RunExitCode.limit;
    case 'quit':
      return RunExitCode.quit;
    case 'deadlock':
      return RunExitCode.deadlock;
    default:
      return RunExitCode.internal;
  }
}

function stateOf(tcb: TcbObject, faults: readonly FaultRecord[]): ComponentReport['state'] {
  switch (tcb.state) {
    case 'running':
    case 'restart':
      return 'running';
    case 'inactive':
      return faults.length > 0 ? 'faulted' : 'halted';
    default:
      return 'blocked';
  }
}

export function buildReport(system: BootedSystem, result: RunResult, exitCode: number, console: ConsoleReport): RunReport {
  const { kernel } = system;
  const components = system.components.map((c) => {
    const faults = result.faults.get(c.plan.name) ?? [];
    return { name: c.plan.name, state: stateOf(c.tcb, faults), priority: c.tcb.priority, faults };
  });
  const grants = system.plan.grants.map((g): GrantReport => {
    const counts = result.mmioAccesses.get(`${g.component}\u0000${g.device}`) ?? [0, 0];
    const irq = g.kind === 'irq' ? g.irq : null;
    return {
      component: g.component,
      kind: g.kind,
      device: g.device,
      paddr: hex(g.paddr),
      size: g.size,
      irq,
      reads: g.kind === 'mmio' ? counts[0] : 0,
      writes: g.kind === 'mmio' ? counts[1] : 0,
      deliveries: irq !== null ? (kernel.irqDeliveries[irq] ?? 0) : 0,
      acks: irq !== null ? (kernel.irqAcks[irq] ?? 0) : 0,
    };
  });
  return {
    outcome: result.outcome,
    exitCode,
    instructions: result.instructions,
    powerOff: result.powerOffKind ? { kind: result.powerOffKind, code: result.powerOffCode } : null,
    components,
    grants,
    violations: result.violations,
    deadlock: result.waits,
    console,
  };
}
