// `kaal-compose machine`: runs a bare-metal ELF with the UART on stdout and exits with the program's
// verdict; bad files and flags exit 1 or 2 with a diagnostic, never a stack trace.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const elfDir = path.join(repoRoot, 'fixtures/machine/elf');

let tempDir: string;
beforeAll(() => {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-machine-cli-'));
});
afterAll(() => fs.rmSync(tempDir, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const chunks: Buffer[] = [];
  let stderr = '';
  const io = {
    stdout: { write: (chunk: string | Uint8Array) => void chunks.push(Buffer.from(chunk)) },
    stderr: { write: (chunk: string | Uint8Array) => void (stderr += String(chunk)) },
    cwd: tempDir,
    env: {},
  };
  const code = await main(argv, io);
  return { code, stdout: Buffer.concat(chunks).toString('latin1'), stderr };
}

const elf = (name: string) => path.join(elfDir, `${name}.elf`);

describe('kaal-compose machine', () => {
  it('prints the UART output and exits 0 when the program passes', async () => {
    const { code, stdout, stderr } = await run('machine', elf('hello'));
    expect(stdout).toBe('hello from the bare machine\n');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it("exits with the program's code when it fails through the test device", async () => {
    const { code, stdout } = await run('machine', elf('failcode'));
    expect(stdout).toBe('failing with 7\n');
    expect(code).toBe(7);
  });

  it('exits 3 with KC7802 at --max-instructions', async () => {
    const { code, stdout, stderr } = await run('machine', elf('spin'), '--max-instructions', '10000');
    expect(stdout).toBe('spinning\n');
    expect(stderr).toContain('error[KC7802]: the program did not finish within 10000 instructions');
    expect(code).toBe(3);
  });

  it('exits 4 and prints cause, pc and tval when the program traps', async () => {
    const { code, stderr } = await run('machine', elf('trap'));
    expect(stderr).toMatch(/error\[KC7803\]: the program trapped: breakpoint \(cause 3\) at pc '0x800[0-9a-f]{5}', tval '0x800[0-9a-f]{5}'/);
    expect(code).toBe(4);
  });

  it('feeds the --stdin file to the UART', async () => {
    fs.writeFileSync(path.join(tempDir, 'input.txt'), 'kaal.');
    const { code, stdout } = await run('machine', elf('echo'), '--stdin', 'input.txt');
    expect(stdout).toBe('KAAL\n[echo done]\n');
    expect(code).toBe(0);
  });

  it('runs on a platform given as a .dtb file', async () => {
    const { code, stdout } = await run('machine', elf('hello'), '--platform', path.join(repoRoot, 'fixtures/platforms/kaal-virt-rv32.dtb'));
    expect(stdout).toBe('hello from the bare machine\n');
    expect(code).toBe(0);
  });

  it('runs on a platform given as a .dts file (compiled by dtc)', async () => {
    const { code, stdout } = await run('machine', elf('hello'), '--platform', path.join(repoRoot, 'fixtures/platforms/kaal-virt-rv32.dts'));
    expect(stdout).toBe('hello from the bare machine\n');
    expect(code).toBe(0);
  });

  it('exits 1 with KC0002 for a missing program file', async () => {
    const { code, stderr } = await run('machine', 'missing.elf');
    expect(stderr).toContain("error[KC0002]: cannot read 'missing.elf': no such file");
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(1);
  });

  it('exits 1 with a KC65xx diagnostic for a file that is not an ELF', async () => {
    fs.writeFileSync(path.join(tempDir, 'text.elf'), 'just text, not an executable');
    const { code, stderr } = await run('machine', 'text.elf');
    expect(stderr).toMatch(/error\[KC65\d\d\]/);
    expect(code).toBe(1);
  });

  it('exits 1 for an unknown platform name', async () => {
    const { code, stderr } = await run('machine', elf('hello'), '--platform', 'no-such-board');
    expect(stderr).toContain("'no-such-board'");
    expect(code).toBe(1);
  });

  it('exits 1 with KC7808 for a non-positive --max-instructions', async () => {
    const { code, stderr } = await run('machine', elf('hello'), '--max-instructions', '-5');
    expect(stderr).toContain("error[KC7808]: invalid --max-instructions '-5': must be a positive integer");
    expect(code).toBe(1);
  });

  it('exits 2 without a program argument', async () => {
    const { code } = await run('machine');
    expect(code).toBe(2);
  });
});
