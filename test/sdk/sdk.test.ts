// The SDK (sdk/: crt0, kaal.h system calls, event loop, libc, printf) compiled with the real
// toolchain and run bare-metal in QEMU, with a scripted stand-in kernel (test/sdk/harness/) that
// logs each system call's registers: the pinned register ABI of sel4-abi.md §2, checked on a CPU.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { compileComponent, toolVersion } from '../../compiler/toolchain.js';
import { packageDir } from '../../image/packageFiles.js';
import { emitComponents } from '../../compiler/emit.js';
import { sampleNames, samplePlan } from '../compiler/samplePlan.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const harnessDir = path.join(here, 'harness');
const qemu = (await execa('qemu-system-riscv32', ['--version'], { reject: false })).exitCode === 0;
const clang = (await toolVersion('clang')) !== null && (await toolVersion('ld.lld')) !== null;
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-sdk-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

/** Builds the harness image and runs it in QEMU until the harness powers off; returns the UART output. */
async function runHarness(): Promise<string> {
  // The 'uart-driver' header of the sample plan: channel 0, IRQ channel 1.
  const header = emitComponents(samplePlan, (c) => sampleNames[c.name]!).components[0]!.header;
  const result = await compileComponent({
    component: 'sdk-harness',
    sourceDir: harnessDir,
    sources: ['harness.S', 'harness.c', 'component.c'],
    includeDirs: [],
    defines: {},
    header,
    linkerScript: fs.readFileSync(path.join(harnessDir, 'harness.ld'), 'utf8'),
    sdkDir: packageDir('sdk'),
  });
  expect(result.diagnostics).toEqual([]);
  const elf = path.join(temp, 'harness.elf');
  fs.writeFileSync(elf, result.elf!);
  const run = await execa('qemu-system-riscv32', ['-machine', 'virt', '-bios', 'none', '-nographic', '-monitor', 'none', '-kernel', elf], {
    reject: false,
    timeout: 30_000,
  });
  expect(run.exitCode).toBe(0);
  return run.stdout.replaceAll('\r', '');
}

describe.skipIf(!qemu || !clang)('the SDK on a RISC-V CPU', async () => {
  const output = qemu && clang ? await runHarness() : '';
  const lines = output.split('\n');

  it('starts with .bss cleared and the IPC buffer taken from a0', () => {
    expect(lines[0]).toBe('init: bss 0, ipc buffer set');
  });

  it('formats every printf conversion, and prints unknown ones as written', () => {
    expect(lines[1]).toBe('printf: [-42] [7] [4000000000] [beef] [BEEF] [00001234] [   42] [42   ] [k] [str] [0x1000] [%] [%q]');
  });

  it('truncates snprintf and returns the length it wanted', () => {
    expect(lines[2]).toBe("snprintf: 'truncat' wanted 15");
  });

  it('implements memmove both ways, memset, strlen, memcmp and strcmp', () => {
    expect(lines.slice(3, 6)).toEqual([
      'memmove up: ababcdehij',
      'memmove down: bcdecdehij',
      'memset: zzzecdehij, strlen 10, memcmp 1 0, strcmp 1',
    ]);
  });

  it('prints kaal_dbg_puts through seL4_DebugPutChar (a7 = -9)', () => {
    expect(lines[6]).toBe('dbg_puts');
  });

  it('sends without blocking with NBSend (a7 = -4): cap in a0, info in a1, MR0/MR1 in a2/a3', () => {
    expect(lines[7]).toBe(`[kernel] syscall -4 cap 20 info 0x${((3 << 12) | 2).toString(16)} mr0 11 mr1 12`);
  });

  it('polls with NBRecv (a7 = -8) and returns the badge from a0', () => {
    expect(lines.slice(8, 10)).toEqual(['[kernel] nbrecv cap 21', 'poll badge 5']);
  });

  it('replies with Reply (a7 = -6): no cap, the info in a1', () => {
    expect(lines[10]).toMatch(/^\[kernel\] syscall -6 cap \d+ info 0x1 /);
  });

  it('signals a notification with Send (a7 = -3) on slot 10 + ch and an empty message', () => {
    expect(lines[11]).toMatch(/^\[kernel\] syscall -3 cap 12 info 0x0 /);
  });

  it('yields with a7 = -7', () => {
    expect(lines[12]).toMatch(/^\[kernel\] syscall -7 /);
  });

  it('runs the event loop: Recv on slot 1, then each set badge bit is a notified channel', () => {
    expect(lines[13]).toBe('[kernel] recv cap 1 info 0x0 mr0 0 mr4 0');
    expect(lines.slice(14, 17)).toEqual(['notified 0', 'notified 1', '[kernel] call cap 139 label 27 length 0 mr0 0']);
    expect(lines[17]).toBe('irq ack -> 0');
  });

  it('dispatches a PPC badge to protected() with the label and MRs from a1..a3', () => {
    // MR0 still holds 77 from the IRQ ack's reply: the MRs live in the IPC buffer between calls.
    expect(lines[18]).toBe('[kernel] recv cap 1 info 0x0 mr0 77 mr4 0');
    expect(lines[19]).toBe('protected ch 0 label 9 count 2 mr0 6 mr1 7');
  });

  it('replies with ReplyRecv (a7 = -2): the reply info in a1, MR0 in a2, MR4 in the IPC buffer', () => {
    expect(lines[20]).toBe('[kernel] replyrecv cap 1 info 0x5 mr0 42 mr4 99');
  });

  it('dispatches a fault badge to fault(), and without a reply goes back to Recv', () => {
    expect(lines[21]).toBe('fault from child 5 label 5 address 0x10000000');
    expect(lines[22]).toBe('[kernel] recv cap 1 info 0x0 mr0 268435456 mr4 99');
    expect(lines[23]).toBe('[kernel] power off');
  });
});
