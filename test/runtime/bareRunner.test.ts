// The bare runner on the prebuilt test programs of fixtures/machine/elf: output, exit codes, the
// instruction limit, traps, stdin, and the errors for ELFs it cannot load.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BareExitCode, runBare, type BareRunOptions } from '../../runtime/bareRunner.js';
import { DiagnosticError } from '../../schema/diagnostics.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const elfOf = (name: string) => fs.readFileSync(path.join(repoRoot, 'fixtures/machine/elf', `${name}.elf`));

function run(elf: Uint8Array, options: BareRunOptions = {}) {
  const bytes: number[] = [];
  const result = runBare(elf, { ...options, onUartByte: (b) => bytes.push(b) });
  return { result, output: Buffer.from(bytes).toString('latin1') };
}

function thrown(action: () => unknown): DiagnosticError {
  try {
    action();
  } catch (error) {
    if (error instanceof DiagnosticError) return error;
    throw error;
  }
  throw new Error('expected a DiagnosticError');
}

describe('runBare', () => {
  it('runs a program to its pass write and prints its UART output', () => {
    const { result, output } = run(elfOf('hello'));
    expect(output).toBe('hello from the bare machine\n');
    expect([result.outcome, result.exitCode]).toEqual(['pass', 0]);
    expect(result.diagnostics).toEqual([]);
    expect(result.instructions).toBeGreaterThan(100);
  });

  it('exits with the code the program fails with', () => {
    const { result, output } = run(elfOf('failcode'));
    expect(output).toBe('failing with 7\n');
    expect([result.outcome, result.exitCode, result.failCode]).toEqual(['fail', 7, 7]);
  });

  it('stops at the instruction limit with exit code 3 and KC7802', () => {
    const { result, output } = run(elfOf('spin'), { maxInstructions: 5000 });
    expect(output).toBe('spinning\n');
    expect([result.outcome, result.exitCode, result.instructions]).toEqual(['limit', BareExitCode.limit, 5000]);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['KC7802']);
    expect(result.diagnostics[0]!.message).toMatch(/^the program did not finish within 5000 instructions \(pc 0x800[0-9a-f]{5}\)$/);
  });

  it('reports a trap with cause, pc and tval and exit code 4', () => {
    const { result, output } = run(elfOf('trap'));
    expect(output).toBe('about to trap\n');
    expect([result.outcome, result.exitCode]).toEqual(['trap', BareExitCode.trap]);
    expect(result.trap?.cause).toBe(3);
    expect(result.trap?.name).toBe('breakpoint');
    expect(result.trap?.tval).toBe(result.trap?.pc); // ebreak: tval is its pc
    expect(result.diagnostics.map((d) => d.code)).toEqual(['KC7803']);
    expect(result.diagnostics[0]!.message).toContain('the program trapped: breakpoint (cause 3) at pc');
  });

  it('stops with exit code 5 and the KC7804 warning when the program asks for a reset', () => {
    const { result, output } = run(elfOf('reset'));
    expect(output).toBe('asking for a reset\n');
    expect([result.outcome, result.exitCode]).toEqual(['reset', BareExitCode.reset]);
    expect(result.diagnostics.map((d) => [d.code, d.severity])).toEqual([['KC7804', 'warning']]);
    expect(result.diagnostics[0]!.message).toBe(
      `the program asked for a reset through the test device (0x7777) after ${result.instructions} instructions`,
    );
  });

  it('feeds --stdin to the UART', () => {
    const { result, output } = run(elfOf('echo'), { stdin: new TextEncoder().encode('abc xyz.ignored') });
    expect(output).toBe('ABC XYZ\n[echo done]\n');
    expect(result.exitCode).toBe(0);
  });

  it('runs the arithmetic program to the same result line as QEMU gave when it was written', () => {
    const { result, output } = run(elfOf('arith'));
    expect(result.exitCode).toBe(0);
    expect(output.trimEnd().split('\n').at(-1)).toBe('arith hash 320bdc2d');
  });

  it('rejects a segment outside RAM with KC7801', () => {
    const elf = Uint8Array.from(elfOf('hello'));
    const view = new DataView(elf.buffer);
    const phoff = view.getUint32(0x1c, true);
    // The third PT_LOAD (.bss and the stack): segments are loaded at p_paddr, as QEMU does.
    expect(view.getUint32(phoff + 2 * 32, true)).toBe(1);
    const memsz = view.getUint32(phoff + 2 * 32 + 20, true);
    view.setUint32(phoff + 2 * 32 + 12, 0x9000_0000, true);
    const error = thrown(() => runBare(elf, { file: 'hello.elf' }));
    expect(error.diagnostic.code).toBe('KC7801');
    expect(error.diagnostic.message).toBe(`segment at '0x90000000' (${memsz} bytes) does not fit in RAM '0x80000000'..'0x87ffffff'`);
    expect(error.diagnostic.file).toBe('hello.elf');
  });

  it('warns when the entry point is not the start of RAM', () => {
    const elf = Uint8Array.from(elfOf('spin'));
    new DataView(elf.buffer).setUint32(0x18, 0x8000_0010, true);
    const { result } = run(elf, { maxInstructions: 10 });
    expect(result.diagnostics[0]!.code).toBe('KC7807');
    expect(result.diagnostics[0]!.message).toBe("entry point '0x80000010' is not the start of RAM '0x80000000'");
  });

  it('rejects a file that is not an ELF with a KC65xx diagnostic', () => {
    const error = thrown(() => runBare(new TextEncoder().encode('not an elf at all, really')));
    expect(error.diagnostic.code).toMatch(/^KC65\d\d$/);
  });

  it('rejects a non-positive instruction limit with KC7808', () => {
    expect(thrown(() => runBare(elfOf('hello'), { maxInstructions: 0 })).diagnostic.code).toBe('KC7808');
  });
});
