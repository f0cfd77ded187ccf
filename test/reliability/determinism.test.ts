// Determinism (DESIGN.md "Boot image", "Runtime"; issue 9): the same inputs give the same image
// bytes from any directory, time zone and locale, also when the C sources are compiled; the same
// program and input give the same run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSystem } from '../../compiler/build.js';
import { runBare } from '../../runtime/bareRunner.js';
import { bootImage } from '../../runtime/boot/index.js';
import { runSystem } from '../../runtime/run.js';
import { runCli } from '../helpers/cli.js';
import { copyExample, repoRoot, type ExampleCopy } from './exampleCopy.js';

const launcher = path.join(repoRoot, 'dist/cli/launch.js');

const ENVIRONMENTS = [
  { TZ: 'UTC', LANG: 'C', LC_ALL: 'C' },
  { TZ: 'Pacific/Kiritimati', LANG: 'de_DE.UTF-8', LC_ALL: 'tr_TR.UTF-8' },
] as const;

/** Runs `main` with `env` both in the process environment (Date, Intl) and in the io the toolchain sees. */
async function buildIn(dir: string, env: Record<string, string>, extra: readonly string[] = []): Promise<Uint8Array> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const run = await runCli(['build', '-o', 'out.img', ...extra], { cwd: dir, env: { ...process.env, ...env } });
    expect(run.code, run.stderr).toBe(0);
    return new Uint8Array(fs.readFileSync(path.join(dir, 'out.img')));
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('builds are reproducible', () => {
  let first: ExampleCopy;
  let second: ExampleCopy;
  beforeAll(() => {
    first = copyExample('ping-pong');
    second = copyExample('ping-pong', 'somewhere/else/entirely');
  });
  afterAll(() => {
    first.cleanup();
    second.cleanup();
  });

  it('two builds from different directories, time zones and locales give identical bytes', async () => {
    const a = await buildIn(first.dir, ENVIRONMENTS[0]);
    const b = await buildIn(second.dir, ENVIRONMENTS[1]);
    expect(a.length).toBeGreaterThan(1000);
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
  }, 240_000);

  it.skipIf(!fs.existsSync(launcher))('… also as separate processes, where the locale and time zone really take effect', async () => {
    const a = await buildIn(first.dir, ENVIRONMENTS[0]);
    const env = { ...process.env, ...ENVIRONMENTS[1] };
    // Node reads the locale at start-up only: a child under these variables does use it.
    const locale = spawnSync(process.execPath, ['-e', 'process.stdout.write(Intl.DateTimeFormat().resolvedOptions().locale + " " + new Date(0).getTimezoneOffset())'], { env, encoding: 'utf8' });
    expect(locale.stdout).toMatch(/^tr-TR -?[1-9]\d*$/);
    const child = spawnSync(process.execPath, [launcher, 'build', '-o', 'child.img'], { cwd: second.dir, env, encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    expect(fs.readFileSync(path.join(second.dir, 'child.img')).equals(Buffer.from(a))).toBe(true);
  }, 240_000);

  it('two `run --trace --report` of one image from different directories, time zones and locales give identical output, trace and report', async () => {
    const image = await buildIn(first.dir, ENVIRONMENTS[0]);
    const runIn = async (dir: string, env: Record<string, string>) => {
      fs.writeFileSync(path.join(dir, 'copy.img'), image);
      const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
      Object.assign(process.env, env);
      try {
        const run = await runCli(['run', 'copy.img', '--trace', '--report', 'report.json'], { cwd: dir, env: { ...env } });
        return { ...run, report: fs.readFileSync(path.join(dir, 'report.json'), 'utf8') };
      } finally {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
    };
    const a = await runIn(first.dir, ENVIRONMENTS[0]);
    const b = await runIn(second.dir, ENVIRONMENTS[1]);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('checksum');
    expect(a.stderr.split('\n').length).toBeGreaterThan(100);
    expect(b).toEqual(a);
  }, 240_000);

  it('two builds that compile the C sources (--rebuild) in different directories give identical bytes', async () => {
    const a = await buildIn(first.dir, ENVIRONMENTS[1], ['--rebuild']);
    const b = await buildIn(second.dir, ENVIRONMENTS[0], ['--rebuild']);
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
  }, 240_000);
});

describe('runs are reproducible', () => {
  it('two runs of the same program with the same input give the same output, outcome and instruction count', () => {
    const elf = new Uint8Array(fs.readFileSync(path.join(repoRoot, 'fixtures/machine/elf/echo.elf')));
    const stdin = new TextEncoder().encode('hello, determinism\n');
    const once = () => {
      const bytes: number[] = [];
      const result = runBare(elf, { stdin, maxInstructions: 5_000_000, onUartByte: (b) => bytes.push(b) });
      return { outcome: result.outcome, exitCode: result.exitCode, instructions: result.instructions, output: bytes, diagnostics: result.diagnostics.map((d) => d.code) };
    };
    const a = once();
    const b = once();
    expect(a.output.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
  });

  it('two runs of the same image give identical output, trace and result', async () => {
    const built = await buildSystem(undefined, { cwd: path.join(repoRoot, 'fixtures/systems/ping-pong') });
    expect(built.image).toBeDefined();
    const once = () => {
      let uart = '';
      let debug = '';
      const trace: string[] = [];
      const booted = bootImage(built.image!, { sink: { uartByte: (_d, b) => void (uart += String.fromCharCode(b)) } });
      if (!booted.ok) throw new Error(booted.diagnostics.map((d) => d.message).join('; '));
      const result = runSystem(booted.system, {
        maxInstructions: 50_000_000,
        debugPutChar: (b) => void (debug += String.fromCharCode(b)),
        trace: (line) => void trace.push(line),
      });
      return { result, uart, debug, trace };
    };
    const a = once();
    const b = once();
    expect(a.result.outcome).toBe('poweroff');
    expect(a.trace.length).toBeGreaterThan(10);
    expect(b).toEqual(a);
  }, 240_000);
});
