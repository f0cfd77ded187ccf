// Differential test against QEMU: each C program of fixtures/machine/programs, built here with clang
// into a temp dir, must print the same UART bytes and exit the same way under `kaal-compose machine`
// and under `qemu-system-riscv32 -M virt -bios none`. The committed ELFs must equal the rebuilt ones.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allPrograms, buildMachinePrograms, differentialPrograms, hasToolchain } from '../../fixtures/machine/build.mjs';
import { runBare } from '../../runtime/bareRunner.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const QEMU = 'qemu-system-riscv32';
const QEMU_TIMEOUT_MS = 60_000;

const toolchain = hasToolchain();
const qemu = spawnSync(QEMU, ['--version'], { stdio: 'ignore' }).status === 0;
if (!toolchain) console.warn('qemuDifferential: clang/ld.lld not found, the programs are not rebuilt (install clang and lld)');
if (!qemu) console.warn(`qemuDifferential: ${QEMU} not found, QEMU comparisons are skipped (install qemu-system-misc)`);

let outDir = '';
let elves: Record<string, string> = {};
beforeAll(() => {
  if (!toolchain) return;
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-machine-'));
  elves = buildMachinePrograms({ outDir });
});
afterAll(() => {
  if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
});

function runQemu(elf: string, stdin?: string): { output: Buffer; status: number | null } {
  const result = spawnSync(QEMU, ['-M', 'virt', '-bios', 'none', '-nographic', '-kernel', elf], {
    timeout: QEMU_TIMEOUT_MS,
    ...(stdin === undefined ? { stdio: ['ignore', 'pipe', 'pipe'] } : { input: stdin, stdio: ['pipe', 'pipe', 'pipe'] }),
  });
  return { output: result.stdout, status: result.status };
}

function runOurs(elf: string, stdin?: string): { output: Buffer; status: number } {
  const bytes: number[] = [];
  const result = runBare(fs.readFileSync(elf), {
    onUartByte: (b) => bytes.push(b),
    maxInstructions: 500_000_000,
    ...(stdin === undefined ? {} : { stdin: new TextEncoder().encode(stdin) }),
  });
  return { output: Buffer.from(bytes), status: result.exitCode };
}

describe.skipIf(!toolchain)('machine fixture programs', () => {
  it('rebuild byte for byte into the committed fixtures/machine/elf', () => {
    for (const name of allPrograms()) {
      const committed = fs.readFileSync(path.join(repoRoot, 'fixtures/machine/elf', `${name}.elf`));
      expect(Buffer.compare(fs.readFileSync(elves[name]!), committed), name).toBe(0);
    }
  });
});

describe.skipIf(!toolchain || !qemu)(`UART output under kaal-compose machine and ${QEMU} -M virt -bios none`, () => {
  for (const name of differentialPrograms) {
    it(`is identical for ${name}, and both pass`, () => {
      const ours = runOurs(elves[name]!);
      const theirs = runQemu(elves[name]!);
      expect(theirs.status).toBe(0);
      expect(ours.status).toBe(0);
      expect(ours.output.length).toBeGreaterThan(0);
      expect(ours.output.toString('latin1')).toBe(theirs.output.toString('latin1'));
    });
  }

  it('echoes UART input the same way (input ending in the program\'s stop character)', () => {
    const input = 'Hello, machine; 0123 xyz.ignored';
    const ours = runOurs(elves.echo!, input);
    const theirs = runQemu(elves.echo!, input);
    expect([ours.status, theirs.status]).toEqual([0, 0]);
    expect(ours.output.toString('latin1')).toBe('HELLO, MACHINE; 0123 XYZ\n[echo done]\n');
    expect(ours.output.toString('latin1')).toBe(theirs.output.toString('latin1'));
  });

  it('agrees on the exit code of a program that fails with a code', () => {
    const ours = runOurs(elves.failcode!);
    const theirs = runQemu(elves.failcode!);
    expect([ours.status, theirs.status]).toEqual([7, 7]);
    expect(ours.output.toString('latin1')).toBe(theirs.output.toString('latin1'));
  });
});
