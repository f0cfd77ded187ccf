// `kaal-compose run` and `kaal-compose check` in-process through `main`: UART on stdout, diagnostics
// on stderr, the JSON report with its exact keys, and the exit codes of the README table.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { main } from '../../cli/main.js';
import type { InputStream } from '../../cli/context.js';
import { exampleImage, withPlan } from '../runtime/exampleImages.js';

let dir = '';
const bin = path.join(import.meta.dirname, '../../dist/cli/launch.js');

/** A stdin that is a pipe holding `text` (or, with `tty`, a terminal). */
function fakeStdin(text: string, tty = false): InputStream {
  return { isTTY: tty, isPipeOrFile: !tty, readAll: () => new TextEncoder().encode(text) };
}

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return cliWith(undefined, ...argv);
}

async function cliWith(stdin: InputStream | undefined, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const text = (s: string | Uint8Array): string => (typeof s === 'string' ? s : Buffer.from(s).toString('latin1'));
  const io = {
    stdout: { write: (s: string | Uint8Array) => void (stdout += text(s)) },
    stderr: { write: (s: string | Uint8Array) => void (stderr += text(s)) },
    cwd: dir,
    env: { NO_COLOR: '1' },
    ...(stdin ? { stdin } : {}),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-run-'));
  fs.writeFileSync(path.join(dir, 'hello.bin'), await exampleImage('hello'));
  fs.writeFileSync(path.join(dir, 'fault.bin'), await exampleImage('fault'));
  fs.writeFileSync(path.join(dir, 'echo.bin'), await exampleImage('uart-echo'));
  fs.writeFileSync(path.join(dir, 'pp.bin'), await exampleImage('ping-pong'));
  fs.writeFileSync(path.join(dir, 'input.txt'), 'one\ntwo\n\x04');
  fs.writeFileSync(
    path.join(dir, 'tampered.bin'),
    withPlan(await exampleImage('hello'), (plan) => {
      // Grant and planned mapping gone (the plan obeys the rules), the invocations still map the UART.
      plan.grants = plan.grants.filter((g) => g.device !== '/soc/serial@10000000');
      plan.components[0]!.vspace = plan.components[0]!.vspace.filter((m) => m.source !== '/soc/serial@10000000');
    }),
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('kaal-compose run', () => {
  it('prints the UART output, writes the report with the documented keys and exits 0', async () => {
    const { code, stdout, stderr } = await cli('run', 'hello.bin', '--report', 'report.json');
    expect(stderr).toBe('');
    expect(stdout).toBe("hello, world from 'hello' of system 'hello'\n");
    expect(code).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
    expect(Object.keys(report)).toEqual(['outcome', 'exitCode', 'instructions', 'powerOff', 'components', 'grants', 'violations', 'deadlock', 'console']);
    expect(report.components).toHaveLength(1);
    expect(report.components[0]).toMatchObject({ name: 'hello', priority: 100, faults: [] });
    expect(Object.keys(report.grants[0])).toEqual(['component', 'kind', 'device', 'paddr', 'size', 'irq', 'reads', 'writes', 'deliveries', 'acks']);
  });

  it('feeds --stdin to the console UART', async () => {
    const { code, stdout } = await cli('run', 'echo.bin', '--stdin', 'input.txt');
    expect(stdout).toContain('ONE\nTWO\n');
    expect(code).toBe(0);
  });

  it('reads piped stdin without --stdin, and --stdin - reads stdin', async () => {
    const piped = await cliWith(fakeStdin('piped\n\x04'), 'run', 'echo.bin');
    expect(piped.stdout).toContain('PIPED\n');
    expect(piped.code).toBe(0);
    const dash = await cliWith(fakeStdin('dash\n\x04'), 'run', 'echo.bin', '--stdin', '-');
    expect(dash.stdout).toContain('DASH\n');
    expect(dash.code).toBe(0);
    // A file given with --stdin wins over a pipe.
    expect((await cliWith(fakeStdin('no\n\x04'), 'run', 'echo.bin', '--stdin', 'input.txt')).stdout).toContain('ONE\nTWO\n');
  });

  it('a deadlock after the piped input ran out says the input ended (KC7811); without input or with the end byte, it does not', async () => {
    const ended = await cliWith(fakeStdin('no end byte\n'), 'run', 'echo.bin');
    expect(ended.stdout).toContain('NO END BYTE\n');
    expect(ended.code).toBe(6);
    expect(ended.stderr).toContain('error[KC7041]: deadlock');
    expect(ended.stderr).toContain('note[KC7811]: the console input ended before the deadlock: all 12 byte(s) of it were delivered');
    const none = await cli('run', 'echo.bin');
    expect(none.code).toBe(6);
    expect(none.stderr).not.toContain('KC7811');
    const finished = await cliWith(fakeStdin('done\n\x04'), 'run', 'echo.bin');
    expect(finished.code).toBe(0);
    expect(finished.stderr).not.toContain('KC7811');
  });

  it.skipIf(!fs.existsSync(bin))('the executable reads a real pipe (and --stdin -)', () => {
    for (const extra of [[], ['--stdin', '-']]) {
      const run = spawnSync(process.execPath, [bin, 'run', 'echo.bin', ...extra], { cwd: dir, input: 'through a pipe\n\x04', encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(run.stdout).toContain('THROUGH A PIPE\n');
      expect(run.status).toBe(0);
    }
  });

  it('--fail-on-fault exits 4 and the fault is named on stderr', async () => {
    const { code, stdout, stderr } = await cli('run', 'fault.bin', '--fail-on-fault');
    expect(stdout).toContain('survivor: still running');
    expect(stderr).toContain("warning[KC7042]: component 'rogue' stopped by a store/AMO page fault");
    expect(code).toBe(4);
  });

  it('--max-instructions stops with exit 3; --trace prints syscalls with the virtual time', async () => {
    const { code, stderr } = await cli('run', 'fault.bin', '--max-instructions', '50', '--trace');
    expect(code).toBe(3);
    expect(stderr).toContain('error[KC7040]');
    const traced = await cli('run', 'fault.bin', '--trace');
    // DebugPutChar's characters as text, a line at a time (its a0 is not a cptr), and UART writes.
    expect(traced.stderr).toMatch(/^\[\d+ ns\] rogue: DebugPutChar "rogue: writing to the UART I was not granted\\n"$/m);
    expect(traced.stderr).toMatch(/^\[\d+ ns\] survivor: uart "survivor: still running\\n"$/m);
    expect(traced.stderr).not.toContain('syscall DebugPutChar');
    expect(traced.stderr).toMatch(/^\[\d+ ns\] rogue: vm fault at pc 0x[0-9a-f]{8} \(no handler: stopped\)$/m);
  });

  it('--trace names the capability a system call uses and decodes its message info', async () => {
    const { stderr } = await cli('run', 'pp.bin', '--trace');
    expect(stderr).toMatch(/^\[\d+ ns\] client: syscall Call cptr 74 \(ppc:0 endpoint 'ep_server'\) label 0 length 2$/m);
    expect(stderr).toMatch(/^\[\d+ ns\] server: syscall Recv cptr 1 \(input endpoint 'ep_server'\)$/m);
  });

  it('--label starts each console line with its component; a terminal gets labels unless --no-label', async () => {
    const labelled = await cli('run', 'fault.bin', '--label');
    expect(labelled.stdout).toContain('[rogue] rogue: writing to the UART I was not granted\n');
    expect(labelled.stdout).toContain('[survivor] survivor: still running\n');
    const plain = await cli('run', 'fault.bin');
    expect(plain.stdout).not.toContain('[survivor]');
    let tty = '';
    const io = { stdout: { write: (s: string | Uint8Array) => void (tty += typeof s === 'string' ? s : Buffer.from(s).toString('latin1')), isTTY: true }, stderr: { write: () => true }, cwd: dir, env: { NO_COLOR: '1' } };
    await main(['run', 'hello.bin'], io);
    expect(tty).toBe("[hello] hello, world from 'hello' of system 'hello'\n");
    tty = '';
    await main(['run', 'hello.bin', '--no-label'], io);
    expect(tty).toBe("hello, world from 'hello' of system 'hello'\n");
  });

  it('refuses a tampered image, naming the component and the grant, exit 1', async () => {
    const { code, stdout, stderr } = await cli('run', 'tampered.bin');
    expect(stdout).toBe('');
    expect(stderr).toContain("error[KC7022]: component 'hello' can reach device '/soc/serial@10000000' registers at '0x10000000'");
    expect(code).toBe(1);
  });

  it('a missing image or a bad option is reported without a stack trace', async () => {
    const missing = await cli('run', 'nope.bin');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("cannot read 'nope.bin'");
    const bad = await cli('run', 'hello.bin', '--max-instructions', '-5');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('KC7044');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('kaal-compose check', () => {
  it('exits 0 when every grant is honoured', async () => {
    const { code, stdout } = await cli('check', 'hello.bin');
    expect(code).toBe(0);
    expect(stdout).toBe('hello.bin: 2 grants honoured, nothing beyond the plan is reachable\n');
  });

  it('exits 1 naming the grant of a tampered plan', async () => {
    const { code, stderr } = await cli('check', 'tampered.bin');
    expect(code).toBe(1);
    expect(stderr).toContain("component 'hello' can reach device '/soc/serial@10000000'");
  });
});
