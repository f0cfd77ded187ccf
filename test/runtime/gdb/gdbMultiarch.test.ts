// `run --gdb` and `machine --gdb` driven by Debian's gdb-multiarch as the real client, in batch mode:
// the uart-echo walk-through of docs/debugging.md (break at the client's notified, read a variable
// by name, list the components as threads, step, watch a shared ring word the other component
// writes, detach and let the system finish), the fault example stopping at the rogue store, a bare
// ELF, and that a debugged run retires exactly the instructions of an undebugged one.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../helpers/cli.js';
import { repoRoot } from '../exampleImages.js';

const launcher = path.join(repoRoot, 'dist/cli/launch.js');
let dir = '';

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a process to its end (killed after `timeoutMs`), collecting its output. */
function collect(command: string, args: readonly string[], timeoutMs: number, onStderr?: (text: string) => void): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
      onStderr?.(stderr);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `kaal-compose <args> --gdb 127.0.0.1:0`, then gdb-multiarch with `script` once it listens. */
async function debug(cliArgs: readonly string[], script: readonly string[], gdbinit?: string): Promise<{ run: Finished; gdb: Finished }> {
  let gdb: Promise<Finished> | undefined;
  const run = collect(process.execPath, [launcher, ...cliArgs, '--gdb', '127.0.0.1:0'], 90_000, (stderr) => {
    const m = /gdb: listening on ([\d.]+):(\d+)/.exec(stderr);
    if (m && gdb === undefined) {
      // With `build --emit`'s gdbinit, as docs/debugging.md says; else the same settings by hand.
      const connect = gdbinit ? [`source ${gdbinit}`, `kaal-connect ${m[2]}`] : ['set pagination off', 'set schedule-multiple on', `target extended-remote ${m[1]}:${m[2]}`];
      const commands = ['set confirm off', ...connect, ...script];
      gdb = collect('gdb-multiarch', ['--batch', '-nx', ...commands.flatMap((c) => ['-ex', c])], 80_000);
    }
  });
  const finishedRun = await run;
  if (gdb === undefined) throw new Error(`the stub never listened: ${finishedRun.stderr}`);
  return { run: finishedRun, gdb: await gdb };
}

/** A number gdb printed as `$N = value` for the print command whose result is the k-th one. */
function printed(output: string, k: number): string | undefined {
  return new RegExp(`^\\$${k} = (.*)$`, 'm').exec(output)?.[1];
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-gdb-'));
  for (const name of ['uart-echo', 'fault']) {
    const built = await runCli(['build', path.join(repoRoot, `fixtures/systems/${name}/${name}.system.ts`), '-o', `${name}.bin`, '--emit', `${name}-emit`], { cwd: dir });
    expect(built.code, built.stderr).toBe(0);
  }
  fs.writeFileSync(path.join(dir, 'input.txt'), 'hello\n\x04');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('run --gdb with gdb-multiarch', () => {
  it('breaks in a component, reads its variable, lists components as threads, steps, watches a shared word, detaches', async () => {
    const { run, gdb } = await debug(
      ['run', 'uart-echo.bin', '--stdin', 'input.txt', '--gdb-wait', '--symbols', 'uart-echo-emit', '--report', 'debugged.json'],
      [
        'info threads',
        'break notified thread 2.1',
        'continue',
        'print (unsigned)length',
        'print/x $pc',
        'stepi',
        'print/x $pc',
        'delete',
        // The driver (inferior 1) consumes the tx ring: its tail word is written by the driver while
        // the client, where we stopped, fills the ring.
        'inferior 1',
        'watch *(unsigned *)0x40001004',
        'continue',
        'info threads',
        'delete',
        'detach',
      ],
      'uart-echo-emit/gdbinit',
    );
    const out = gdb.stdout + gdb.stderr + `\n-- run (exit ${run.code}):\n${run.stderr}`;
    expect(out).toContain('Reading symbols from ' + path.join(dir, 'uart-echo-emit/uart-driver/uart-driver.elf'));
    expect(out).toContain('Reading symbols from ' + path.join(dir, 'uart-echo-emit/client/client.elf'));
    expect(out).toMatch(/1\.1 +Thread 1\.1 \(uart-driver: runnable\)/);
    expect(out).toMatch(/2\.1 +Thread 2\.2 \(client: runnable\)/);
    expect(out).toMatch(/Thread 2\.1 hit Breakpoint 1\.\d, 0x[0-9a-f]+ in notified \(\)/);
    // `length` is the client's line length: 0 when notified first runs.
    expect(printed(out, 1)).toBe('0');
    const before = Number(printed(out, 2));
    const after = Number(printed(out, 3));
    expect([2, 4]).toContain(after - before);
    expect(out).toContain('Hardware watchpoint 2: *(unsigned *)0x40001004');
    expect(out).toMatch(/Thread 1\.1 hit Hardware watchpoint 2: \*\(unsigned \*\)0x40001004\s+Old value = 0\s+New value = 1/);
    expect(out).toMatch(/uart-driver: (runnable|waits)/);
    // gdb detaches the inferiors one by one (D;1, D;2): the system must not run off after the first.
    expect(out).toContain('[Inferior 1 (process 1) detached]');
    expect(out).toContain('[Inferior 2 (process 2) detached]');
    expect(out).not.toContain('Remote connection closed');
    // Detached, the system ran to its end as it does undebugged.
    expect(run.stdout).toContain('HELLO');
    expect(run.code).toBe(0);

    // A debugged run retires exactly the instructions of an undebugged one.
    const plain = await runCli(['run', 'uart-echo.bin', '--stdin', 'input.txt', '--report', 'plain.json'], { cwd: dir });
    expect(plain.code).toBe(0);
    const debugged = JSON.parse(fs.readFileSync(path.join(dir, 'debugged.json'), 'utf8')) as { instructions: number };
    const undebugged = JSON.parse(fs.readFileSync(path.join(dir, 'plain.json'), 'utf8')) as { instructions: number };
    expect(debugged.instructions).toBe(undebugged.instructions);
    expect(plain.stdout).toBe(run.stdout.replace(/^gdb: .*\n/m, ''));
  }, 120_000);

  it('stops at the rogue component faulting store with SIGSEGV', async () => {
    const { run, gdb } = await debug(
      ['run', 'fault.bin', '--gdb-wait', '--symbols', 'fault-emit'],
      ['continue', 'info threads', 'x/i $pc', 'detach'],
    );
    const out = gdb.stdout + gdb.stderr;
    expect(out).toMatch(/'rogue': store\/AMO page fault at pc 0x([0-9a-f]+), address 0x10000000/);
    expect(out).toMatch(/Thread 1\.1 received signal SIGSEGV, Segmentation fault\.\s+0x[0-9a-f]+ in init \(\)/);
    expect(out).toMatch(/=> 0x[0-9a-f]+ <init\+\d+>:\s+s[bhw]\s/);
    expect(out).toMatch(/Thread 2\.2 \(survivor: /);
    // After detach the kernel handled the fault as without a debugger: the survivor runs on.
    expect(run.stdout).toContain('survivor: still running');
    expect(run.stderr).toContain('KC7042');
    expect(run.code).toBe(0);
  }, 120_000);
});

describe('machine --gdb with gdb-multiarch', () => {
  it('debugs a bare ELF with its own symbols', async () => {
    const elf = path.join(repoRoot, 'fixtures/machine/elf/fib.elf');
    const { run, gdb } = await debug(['machine', elf, '--gdb-wait'], ['break fib', 'continue', 'info registers a0', 'delete', 'continue']);
    const out = gdb.stdout + gdb.stderr + `\n-- run (exit ${run.code}):\n${run.stderr}`;
    expect(out).toContain(`Reading symbols from ${elf}`);
    expect(out).toMatch(/Breakpoint 1, 0x[0-9a-f]+ in fib \(\)/);
    // The first call is fib(18).
    expect(out).toMatch(/^a0\s+0x12\s+18$/m);
    expect(out).toContain('[Inferior 1 (process 1) exited normally]');
    expect(run.stdout).toContain('fib(24) = 46368');
    expect(run.code).toBe(0);
  }, 120_000);

  it('refuses a malformed address and a port that is taken', async () => {
    const bad = await runCli(['run', 'fault.bin', '--gdb', 'nowhere:port'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('KC7402');
    const net = await import('node:net');
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    const taken = await runCli(['run', 'fault.bin', '--gdb', `127.0.0.1:${port}`], { cwd: dir });
    holder.close();
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('KC7401');
    expect(taken.stderr).toContain('EADDRINUSE');
  }, 60_000);
});

describe('the stub on the wire', () => {
  it('stops a running program on Ctrl-C (0x03) and ends the run on kill', async () => {
    const net = await import('node:net');
    const { framePacket, RspReader } = await import('../../../runtime/gdb/packets.js');
    const elf = path.join(repoRoot, 'fixtures/machine/elf/spin.elf');
    const replies: string[] = [];
    const reader = new RspReader();
    let socket: import('node:net').Socket | undefined;
    const waitFor = async (test: (r: string) => boolean): Promise<string> => {
      for (let i = 0; i < 200; i++) {
        const hit = replies.find(test);
        if (hit !== undefined) return hit;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no reply among ${JSON.stringify(replies)}`);
    };
    const run = collect(process.execPath, [launcher, 'machine', elf, '--gdb-wait', '--gdb', '127.0.0.1:0', '--max-instructions', '1000000000000'], 60_000, (stderr) => {
      const m = /gdb: listening on ([\d.]+):(\d+)/.exec(stderr);
      if (m && socket === undefined) {
        socket = net.connect(Number(m[2]), m[1]!);
        socket.on('data', (d: Buffer) => {
          for (const e of reader.feed(d)) if (e.kind === 'packet') replies.push(Buffer.from(e.data).toString('latin1'));
        });
      }
    });
    for (let i = 0; i < 100 && socket === undefined; i++) await new Promise((r) => setTimeout(r, 50));
    const send = (s: string): void => void socket!.write(framePacket(s));
    send('QStartNoAckMode');
    await waitFor((r) => r === 'OK');
    send('?');
    await waitFor((r) => r.startsWith('T05'));
    send('c');
    await new Promise((r) => setTimeout(r, 300));
    expect(replies.filter((r) => r.startsWith('T'))).toHaveLength(1);
    socket!.write(Uint8Array.of(0x03));
    const stop = await waitFor((r) => r.startsWith('T02'));
    expect(stop).toContain('thread:p1.1;');
    send('k');
    const finished = await run;
    socket!.destroy();
    expect(finished.stdout).toContain('spinning');
    expect(finished.stderr).toContain('KC7403');
    expect(finished.code).toBe(3);
  }, 60_000);
});
