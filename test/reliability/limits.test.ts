// The limits that protect users (docs/reliability.md "Limits"): inputs beyond a limit the user can
// raise are refused with a diagnostic before they are read; a run that never ends stops at its
// instruction limit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from './exampleCopy.js';
import { corpusPath } from '../helpers/corpus.js';

describe('input size limits', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-limits-'));
    // Sparse: 3 GiB declared, no blocks written; the readers must refuse it before reading.
    for (const name of ['huge.img', 'huge.dtb', 'huge.elf']) {
      const fd = fs.openSync(path.join(dir, name), 'w');
      fs.ftruncateSync(fd, 3 * 2 ** 30);
      fs.closeSync(fd);
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['inspect', 'huge.img', 'a boot image'],
    ['run', 'huge.img', 'a boot image'],
    ['check', 'huge.img', 'a boot image'],
    ['machine', 'huge.elf', 'an ELF program'],
  ])('%s refuses a 3 GiB %s before reading it: KC0009 and exit 1', async (command, file, kind) => {
    const run = await runCli([command, file], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[KC0009]');
    expect(run.stderr).toContain(`'${file}' is 3221225472 bytes, more than the`);
    expect(run.stderr).toContain(`limit for ${kind}`);
    expect(run.stderr).toContain("--max-input-size 3221225472");
  });

  it.each(['plan', 'build', 'export'])("%s refuses a component's 3 GiB ELF at the descriptor's code.elf: KC0009", async (command) => {
    fs.writeFileSync(
      path.join(dir, 'huge.system.ts'),
      "export default { name: 'huge', components: [{ name: 'big', code: { elf: 'huge.elf' } }] };\n",
    );
    const args = { plan: ['plan', 'huge.system.ts'], build: ['build', 'huge.system.ts', '-o', 'huge-out.img'], export: ['export', 'huge.system.ts', '--to', 'dot'] }[command]!;
    const run = await runCli(args, { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("error[KC0009]: 'huge.elf' is 3221225472 bytes, more than the 67108864-byte limit for an ELF program");
    expect(run.stderr).toContain('huge.system.ts:1:');
    expect(run.stderr).toContain('--max-input-size 3221225472');
    expect(fs.existsSync(path.join(dir, 'huge-out.img'))).toBe(false);
  });

  it('dt refuses a blob beyond what Node can read with KC0002 and exit 1', async () => {
    const run = await runCli(['dt', 'huge.dtb'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[KC0002]');
    expect(run.stderr).toContain("'huge.dtb'");
  });

  it('--max-input-size lowers and raises the limit', async () => {
    const dtb = path.join(repoRoot, 'fixtures/platforms/kaal-virt-rv32.dtb');
    const size = fs.statSync(dtb).size;
    const refused = await runCli(['dt', dtb, '--format', 'json', '--max-input-size', String(size - 1)], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`is ${size} bytes, more than the ${size - 1}-byte limit for a device tree blob`);
    const accepted = await runCli(['dt', dtb, '--format', 'json', '--max-input-size', String(size)], { cwd: dir });
    expect(accepted.code).toBe(0);
    const elf = path.join(repoRoot, 'fixtures/machine/elf/hello.elf');
    const small = await runCli(['machine', elf, '--max-input-size', '100'], { cwd: dir });
    expect(small.code).toBe(1);
    expect(small.stderr).toContain('error[KC0009]');
    const whole = await runCli(['machine', elf, '--max-input-size', String(fs.statSync(elf).size)], { cwd: dir });
    expect(whole.code).toBe(0);
    // machine's --platform blob is held to the same flag (a blob larger than the ELF, so the ELF passes).
    fs.writeFileSync(path.join(dir, 'padded.dtb'), Buffer.concat([fs.readFileSync(dtb), Buffer.alloc(8000)]));
    const elfSize = fs.statSync(elf).size;
    const bigPlatform = await runCli(['machine', elf, '--platform', 'padded.dtb', '--max-input-size', String(elfSize)], { cwd: dir });
    expect(bigPlatform.code).toBe(1);
    expect(bigPlatform.stderr).toContain(`'padded.dtb' is ${size + 8000} bytes, more than the ${elfSize}-byte limit for a device tree blob`);
    // The same flag for a descriptor's component ELFs.
    const hello = path.join(repoRoot, 'fixtures/systems/hello/hello.system.ts');
    const helloElf = fs.statSync(path.join(repoRoot, 'fixtures/systems/hello/hello.elf')).size;
    const tooSmall = await runCli(['build', hello, '-o', 'hello.img', '--max-input-size', String(helloElf - 1)], { cwd: dir });
    expect(tooSmall.code).toBe(1);
    expect(tooSmall.stderr).toContain(`'${path.relative(dir, path.join(repoRoot, 'fixtures/systems/hello/hello.elf'))}' is ${helloElf} bytes, more than the ${helloElf - 1}-byte limit for an ELF program`);
    const enough = await runCli(['plan', hello, '--max-input-size', String(helloElf)], { cwd: dir });
    expect(enough.code).toBe(0);
  });
});

describe('the instruction limit', () => {
  it('machine --max-instructions stops a spinning program with exit 3 and a diagnostic', async () => {
    const run = await runCli(['machine', path.join(repoRoot, 'fixtures/machine/elf/spin.elf'), '--max-instructions', '5000'], { cwd: repoRoot });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('KC7802');
  });

  it('run --max-instructions stops a system that has not powered off with exit 3 and KC7040', async () => {
    const { buildSystem } = await import('../../compiler/build.js');
    const built = await buildSystem(undefined, { cwd: path.join(repoRoot, 'fixtures/systems/ping-pong') });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-limits-run-'));
    try {
      fs.writeFileSync(path.join(dir, 'pp.img'), built.image!);
      const run = await runCli(['run', 'pp.img', '--max-instructions', '1000'], { cwd: dir });
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('error[KC7040]');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('the emulated RAM limit (--max-ram)', () => {
  const qemuVirt32 = corpusPath('dts/generated/qemu-riscv-virt32.dts');
  const helloElf = path.join(repoRoot, 'fixtures/machine/elf/hello.elf');
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-limits-ram-'));
    const built = await runCli(['build', path.join(repoRoot, 'fixtures/systems/hello/hello.system.ts'), '-o', 'hello.img'], { cwd: dir });
    expect(built.code).toBe(0);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!fs.existsSync(qemuVirt32))("emulates 256 MiB of a platform's 2 GiB with a warning naming the flag, and all of it when raised", async () => {
    const limited = await runCli(['machine', helloElf, '--platform', qemuVirt32], { cwd: dir });
    expect(limited.code).toBe(0);
    expect(limited.stderr).toContain("warning[KC7809]: RAM at '0x80000000' of size '0x80000000' is emulated with its first '0x10000000' bytes only");
    expect(limited.stderr).toContain("'--max-ram 0x80000000'");
    const whole = await runCli(['machine', helloElf, '--platform', qemuVirt32, '--max-ram', '0x80000000'], { cwd: dir });
    expect([whole.code, whole.stderr, whole.stdout]).toEqual([0, '', limited.stdout]);
  });

  it('refuses to boot a plan beyond the emulated RAM with KC7005 and the size that is enough', async () => {
    for (const command of ['run', 'check']) {
      const refused = await runCli([command, 'hello.img', '--max-ram', '0x100000'], { cwd: dir });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/error\[KC7005\]: the plan puts '\w+' at '0x[0-9a-f]+'\.\.'0x[0-9a-f]+', beyond the emulated RAM '0x80000000'\.\.'0x800fffff'/);
      const needed = /--max-ram (0x[0-9a-f]+)/.exec(refused.stderr)![1]!;
      const enough = await runCli([command, 'hello.img', '--max-ram', needed], { cwd: dir });
      expect(enough.code).toBe(0);
      expect(enough.stderr).toContain('warning[KC7809]');
      if (command === 'run') expect(enough.stdout).toContain("hello, world from 'hello'");
    }
  });

  it('rejects a limit below a page or above 4 GiB', async () => {
    for (const command of ['run', 'check']) {
      const bad = await runCli([command, 'hello.img', '--max-ram', '100'], { cwd: dir });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("error[KC7044]: option '--max-ram' is '100': must be a whole number of bytes from 4096 (one page) to 4 GiB");
    }
    const machine = await runCli(['machine', helloElf, '--max-ram', String(2 ** 32 + 4096)], { cwd: dir });
    expect(machine.code).toBe(1);
    expect(machine.stderr).toContain("error[KC7808]: invalid --max-ram '4294971392'");
  });
});
