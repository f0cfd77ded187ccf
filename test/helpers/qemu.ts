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

export interface QemuRun {
  /** The console output, with the UART's CR LF turned into LF. */
  readonly output: string;
  /** QEMU's exit status; null when it was killed at the timeout. */
  readonly status: number | null;
  readonly timedOut: boolean;
}

export function bootUnderQemu(elf: string, options: { input?: string; timeoutMs?: number } = {}): QemuRun {
  const result = spawnSync(QEMU, ['-machine', 'virt', '-m', '2G', '-nographic', '-bios', 'none', '-kernel', elf], {
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

/** Builds fixtures/loader/standin.c (the loader's stand-in kernel) with clang into `dir`. */
export function buildStandin(dir: string): Uint8Array {
  const flags = ['--target=riscv32-unknown-elf', '-march=rv32imac', '-mabi=ilp32', '-mcmodel=medany', '-mno-relax', '-ffreestanding', '-nostdlibinc', '-fno-builtin', '-O2', '-std=c11', '-Wall', '-Werror'];
  const fixtures = path.join(repo, 'fixtures/loader');
  for (const source of ['standin_start.S', 'standin.c']) {
    const cc = spawnSync('clang', [...flags, '-c', path.join(fixtures, source), '-o', path.join(dir, `${source}.o`)], { encoding: 'utf8' });
    expect(cc.status, cc.stderr).toBe(0);
  }
  const out = path.join(dir, 'standin.elf');
  const ld = spawnSync('ld.lld', ['-nostdlib', '-static', '--build-id=none', '-T', path.join(fixtures, 'standin.ld'), '-o', out, path.join(dir, 'standin_start.S.o'), path.join(dir, 'standin.c.o')], { encoding: 'utf8' });
  expect(ld.status, ld.stderr).toBe(0);
  return new Uint8Array(fs.readFileSync(out));
}
