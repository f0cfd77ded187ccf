// Boots an ELF under `qemu-system-riscv32 -machine virt -m 2G -nographic -bios none` for the
// --target sel4 tests: console input from `input`, killed after `timeoutMs` so no test hangs.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const QEMU = 'qemu-system-riscv32';
export const haveQemu = spawnSync(QEMU, ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * QEMU's clocks from instructions instead of the host's (1 ns per instruction, idle time skipped,
 * the RTC on the virtual clock): time-dependent output then comes in the order the bundled
 * machine, whose time is virtual too, gives it.
 */
export const VIRTUAL_TIME: readonly string[] = ['-icount', 'shift=0,sleep=off', '-rtc', 'clock=vm'];

export interface QemuRun {
  /** The console output, with the UART's CR LF turned into LF. */
  readonly output: string;
  /** QEMU's exit status; null when it was killed at the timeout. */
  readonly status: number | null;
  readonly timedOut: boolean;
}

export function bootUnderQemu(elf: string, options: { input?: string; timeoutMs?: number; extraArgs?: readonly string[] } = {}): QemuRun {
  const result = spawnSync(QEMU, ['-machine', 'virt', '-m', '2G', '-nographic', '-bios', 'none', ...(options.extraArgs ?? []), '-kernel', elf], {
    input: options.input ?? '',
    timeout: options.timeoutMs ?? 30_000,
    killSignal: 'SIGKILL',
    encoding: 'latin1',
  });
  return {
    output: (result.stdout ?? '').replace(/\r\n/g, '\n'),
    status: result.status,
    timedOut: result.signal === 'SIGKILL',
  };
}

/** Builds a program of fixtures/loader/ (sources in link order, its own linker script) into `dir`. */
function buildLoaderFixture(dir: string, name: string, sources: readonly string[]): Uint8Array {
  const flags = ['--target=riscv32-unknown-elf', '-march=rv32imac', '-mabi=ilp32', '-mcmodel=medany', '-mno-relax', '-ffreestanding', '-nostdlibinc', '-fno-builtin', '-O2', '-std=c11', '-Wall', '-Werror'];
  const fixtures = path.join(repo, 'fixtures/loader');
  const objects = sources.map((source) => {
    const object = path.join(dir, `${source}.o`);
    const cc = spawnSync('clang', [...flags, '-c', path.join(fixtures, source), '-o', object], { encoding: 'utf8' });
    expect(cc.status, cc.stderr).toBe(0);
    return object;
  });
  const out = path.join(dir, `${name}.elf`);
  const ld = spawnSync('ld.lld', ['-nostdlib', '-static', '--build-id=none', '-T', path.join(fixtures, `${name}.ld`), '-o', out, ...objects], { encoding: 'utf8' });
  expect(ld.status, ld.stderr).toBe(0);
  return new Uint8Array(fs.readFileSync(out));
}

/** The loader's stand-in kernel (fixtures/loader/standin.c). */
export function buildStandin(dir: string): Uint8Array {
  return buildLoaderFixture(dir, 'standin', ['standin_start.S', 'standin.c']);
}

/** The probe root task for a real kernel (fixtures/loader/probe-roottask.c). */
export function buildProbeRootTask(dir: string): Uint8Array {
  return buildLoaderFixture(dir, 'probe-roottask', ['probe-roottask.S', 'probe-roottask.c']);
}
