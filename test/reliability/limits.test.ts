// The limits that protect users (docs/reliability.md "Limits"): inputs beyond what can be read are
// refused with a diagnostic, not a crash; a run that never ends stops at its instruction limit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from './exampleCopy.js';

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
    ['inspect', 'huge.img'],
    ['dt', 'huge.dtb'],
    ['machine', 'huge.elf'],
  ])('%s refuses a 3 GiB input with KC0002 and exit 1', async (command, file) => {
    const run = await runCli([command, file], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[KC0002]');
    expect(run.stderr).toContain(`'${file}'`);
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
