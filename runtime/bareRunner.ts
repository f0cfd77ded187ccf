// The bare runner behind `kaal-compose machine`: loads an ELF linked for physical addresses into a
// machine built from a platform DTB, runs it with paging off until it writes the SiFive test device,
// traps, or reaches an instruction limit. The same ELF runs under `qemu-system-riscv32 -M virt -bios none`.
import fs from 'node:fs';
import path from 'node:path';
import { D, createDiagnostic, DiagnosticError, fail, type Diagnostic } from '../schema/diagnostics.js';
import { readElf } from '../image/elf.js';
import { packageDir } from '../image/packageFiles.js';
import { DEFAULT_PLATFORM } from '../schema/platforms.js';
import { causeName } from './machine/trap.js';
import { createMachine, type Machine, type PlatformSource } from './machine/machine.js';
import { startGdb, type GdbDebugger, type GdbOptions } from './gdb/index.js';
import { bareDebugTarget } from './gdb/systemTarget.js';

/** Exit codes of a bare run (the program's own code when it fails through the test device). */
export const BareExitCode = {
  /** The program wrote 0x5555 to the test device. */
  pass: 0,
  /** A failure with code 0 (0x3333 alone) would look like a pass; it exits 1 instead. */
  failWithoutCode: 1,
  /** The instruction limit was reached. */
  limit: 3,
  /** The program trapped (ecall, ebreak, illegal instruction, misaligned or access fault). */
  trap: 4,
  /** The program asked for a reset (0x7777). */
  reset: 5,
} as const;

/** Default `--max-instructions`. */
export const DEFAULT_MAX_INSTRUCTIONS = 1_000_000_000;
/** Name of the bundled platform. */

export interface BareRunOptions {
  /** A DTB's bytes, or a decoded platform; default: the bundled kaal-virt-rv32. */
  readonly platform?: Uint8Array | PlatformSource;
  readonly maxInstructions?: number;
  readonly stdin?: Uint8Array;
  /** Called with each byte the program writes to any UART. */
  readonly onUartByte?: (byte: number) => void;
  /** Retired instructions between device polls. */
  readonly pollInterval?: number;
  /** Name of the ELF for diagnostics. */
  readonly file?: string;
  /** Most RAM to emulate (default 256 MiB). */
  readonly ramLimit?: number;
  /** Serve gdb (`machine --gdb`); the ELF's own path is given to gdb for its symbols. */
  readonly gdb?: GdbOptions;
}

export type BareOutcome = 'pass' | 'fail' | 'reset' | 'limit' | 'trap';

export interface BareRunResult {
  readonly outcome: BareOutcome;
  /** The process exit code (`BareExitCode`, or the program's code for 'fail'). */
  readonly exitCode: number;
  readonly instructions: number;
  /** The code the program passed with 0x3333 (only for 'fail'). */
  readonly failCode?: number;
  readonly trap?: {
    readonly cause: number;
    readonly name: string;
    readonly pc: number;
    readonly tval: number;
  };
  /** Warnings and the error that ended the run (trap, limit), in order. */
  readonly diagnostics: readonly Diagnostic[];
  readonly machine: Machine;
}

const hex = (n: number): string => '0x' + (n >>> 0).toString(16).padStart(8, '0');

/** The bundled platform's DTB (fixtures/platforms/kaal-virt-rv32.dtb, shipped with the package). */
export function bundledPlatformDtb(): Uint8Array {
  const file = path.join(packageDir('fixtures/platforms'), `${DEFAULT_PLATFORM}.dtb`);
  try {
    return fs.readFileSync(file);
  } catch {
    throw fail(D.fileNotFound, {
      file: `fixtures/platforms/${DEFAULT_PLATFORM}.dtb`,
      reason: 'not installed with the package',
    });
  }
}

/**
 * Loads `elfBytes` into a fresh machine and runs it. Throws a DiagnosticError for a bad ELF (KC65xx),
 * a bad platform (KC2xxx, KC7806) or a segment outside RAM (KC7801); everything the program does
 * ends in a result.
 */
export function runBare(elfBytes: Uint8Array, options: BareRunOptions = {}): BareRunResult {
  const maxInstructions = options.maxInstructions ?? DEFAULT_MAX_INSTRUCTIONS;
  if (!Number.isSafeInteger(maxInstructions) || maxInstructions <= 0) {
    throw fail(D.machineBadOption, {
      option: '--max-instructions',
      value: String(maxInstructions),
      reason: 'must be a positive integer',
    });
  }
  const where = options.file === undefined ? {} : { file: options.file };
  const elf = readElf(elfBytes, options.file);
  const onUartByte = options.onUartByte;
  const machine = createMachine(options.platform ?? bundledPlatformDtb(), {
    sink: {
      uartByte: (_device, byte) => onUartByte?.(byte),
      powerOff: () => {},
    },
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    ...(options.pollInterval !== undefined ? { pollInterval: options.pollInterval } : {}),
    ...(options.ramLimit !== undefined ? { ramLimit: options.ramLimit } : {}),
  });
  const diagnostics: Diagnostic[] = [...machine.diagnostics];
  const ram = machine.ram;
  const ramEnd = ram.base + ram.size;
  // QEMU's ELF loader places segments at their physical addresses (p_paddr).
  for (const segment of elf.segments) {
    if (segment.memsz === 0) continue;
    if (!ram.contains(segment.paddr, segment.memsz)) {
      throw fail(
        D.machineSegmentOutsideRam,
        {
          address: hex(segment.paddr),
          size: segment.memsz,
          ramBase: hex(ram.base),
          ramEnd: hex(ramEnd - 1),
        },
        where,
      );
    }
    ram.writeBytes(segment.paddr, segment.data);
    ram.fill(segment.paddr + segment.filesz, segment.memsz - segment.filesz);
  }
  if (elf.entry >>> 0 !== ram.base) {
    diagnostics.push(createDiagnostic(D.machineEntryNotRamBase, { entry: hex(elf.entry), ramBase: hex(ram.base) }, where));
  }
  const cpu = machine.cpu;
  cpu.pc = elf.entry >>> 0;
  cpu.setSatp(0);

  let debug: GdbDebugger | undefined;
  if (options.gdb) {
    const name = options.file === undefined ? 'program' : path.basename(options.file);
    const started = startGdb(options.gdb, () => bareDebugTarget(cpu, ram, name, options.gdb?.elfPath));
    if (!started.ok) throw new DiagnosticError(started.diagnostic);
    debug = started.debugger;
  }
  const stop = machine.run(maxInstructions, debug ? { sliceRunner: debug } : {});
  if (stop.kind === 'trap')
    debug?.fault(1, stop.cause, `${causeName(stop.cause)} at pc ${hex(stop.pc)}, tval ${hex(stop.tval)}`);
  const instructions = cpu.instret;
  const done = (outcome: BareOutcome, exitCode: number, extra: Partial<BareRunResult> = {}): BareRunResult => ({
    outcome,
    exitCode,
    instructions,
    diagnostics,
    machine,
    ...extra,
  });
  const result = ((): BareRunResult => {
    switch (stop.kind) {
      case 'poweroff':
        if (stop.power === 'pass') return done('pass', BareExitCode.pass);
        if (stop.power === 'reset') {
          diagnostics.push(createDiagnostic(D.machineResetRequested, { instructions }, where));
          return done('reset', BareExitCode.reset);
        }
        // QEMU exits with the code; a process status keeps its low 8 bits.
        return done('fail', stop.code & 0xff || BareExitCode.failWithoutCode, {
          failCode: stop.code,
        });
      case 'trap': {
        const name = causeName(stop.cause);
        diagnostics.push(
          createDiagnostic(
            D.machineTrap,
            {
              cause: name,
              code: stop.cause,
              pc: hex(stop.pc),
              tval: hex(stop.tval),
            },
            where,
          ),
        );
        return done('trap', BareExitCode.trap, {
          trap: { cause: stop.cause, name, pc: stop.pc, tval: stop.tval },
        });
      }
      default:
        if (debug?.killed) {
          diagnostics.push(createDiagnostic(D.gdbKilled, { instructions }, where));
          return done('limit', BareExitCode.limit);
        }
        diagnostics.push(createDiagnostic(D.machineInstructionLimit, { limit: maxInstructions, pc: hex(cpu.pc) }, where));
        return done('limit', BareExitCode.limit);
    }
  })();
  debug?.finish(result.exitCode);
  return result;
}
