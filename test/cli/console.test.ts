// The interactive console of `run` (cli/console.ts): its escape keys, and the real executable under a
// real pseudo-terminal (test/cli/fixtures/ptyRun.py, python3's os.openpty): raw mode while it runs,
// keys reach uart-echo as typed, C-a x quits with exit 8, Ctrl-D reaches the driver, and the
// terminal's modes are back after every way out (quit, power-off, SIGTERM, a faulting component).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createEscapeDecoder, ESCAPE } from '../../cli/console.js';
import { exampleImage } from '../runtime/exampleImages.js';

const bin = path.join(import.meta.dirname, '../../dist/cli/launch.js');
const ptyRun = path.join(import.meta.dirname, 'fixtures/ptyRun.py');
const hasPython = spawnSync('python3', ['-c', 'import pty, termios'], { stdio: 'ignore' }).status === 0;
let dir = '';

interface PtyResult {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly output: string;
  readonly before: Modes;
  readonly during: Modes | null;
  readonly after: Modes;
  readonly failed: string | null;
}
interface Modes {
  readonly echo: boolean;
  readonly icanon: boolean;
  readonly isig: boolean;
}
type Step = { expect: string } | { send: string } | { signal: string } | { sleep: number };

/** Runs `kaal-compose args` with a pseudo-terminal as stdin, stdout and stderr, following `steps`. */
function underPty(steps: readonly Step[], ...args: string[]): PtyResult {
  const run = spawnSync('python3', [ptyRun, JSON.stringify(steps), process.execPath, bin, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 200_000,
  });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as PtyResult;
}

const cooked: Modes = { echo: true, icanon: true, isig: true };
const raw: Modes = { echo: false, icanon: false, isig: false };

describe('the console escape keys', () => {
  const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

  it('C-a x quits, and nothing typed after it in the same chunk is sent', () => {
    const decode = createEscapeDecoder();
    const r = decode(Buffer.from('ab\x01xcd'));
    expect([text(r.input), r.quit, r.help]).toEqual(['ab', true, false]);
  });

  it('C-a C-a sends one C-a; C-a h asks for help; another key after C-a is dropped', () => {
    const decode = createEscapeDecoder();
    expect(text(decode(Buffer.from([0x61, ESCAPE, ESCAPE, 0x62])).input)).toBe('a\x01b');
    const help = decode(Buffer.from('\x01h'));
    expect([text(help.input), help.help, help.quit]).toEqual(['', true, false]);
    expect(text(decode(Buffer.from('\x01zq')).input)).toBe('q');
  });

  it('an escape split across two chunks still quits; Ctrl-C and Ctrl-D are plain input', () => {
    const decode = createEscapeDecoder();
    const first = decode(Buffer.from('\x03\x04\x01'));
    expect([text(first.input), first.quit]).toEqual(['\x03\x04', false]);
    expect(decode(Buffer.from('x')).quit).toBe(true);
  });
});

describe.skipIf(!hasPython || !fs.existsSync(bin))('run on a terminal: the interactive console', () => {
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-console-'));
    fs.writeFileSync(path.join(dir, 'echo.bin'), await exampleImage('uart-echo'));
    fs.writeFileSync(path.join(dir, 'fault.bin'), await exampleImage('fault'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('uart-echo answers lines typed at the terminal in raw mode; C-a x quits with exit 8 and the terminal is restored', () => {
    const r = underPty(
      [{ expect: 'ready, type lines' }, { send: 'hello there\r' }, { expect: 'HELLO THERE' }, { send: 'second\r' }, { expect: 'SECOND' }, { send: '\x01x' }],
      'run',
      'echo.bin',
      '--no-label',
      '--report',
      'quit.json',
    );
    expect(r.failed).toBeNull();
    expect(r.before).toEqual(cooked);
    expect(r.during).toEqual(raw);
    expect(r.after).toEqual(cooked);
    expect(r.exitCode).toBe(8);
    // The terminal's ONLCR turns the guest's \n into \r\n; the banner is on stderr (the same terminal).
    expect(r.output).toContain('kaal-compose: console on the UART (C-a x quits, C-a h for help)\r\n');
    expect(r.output).toContain('HELLO THERE\r\nSECOND\r\n');
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'quit.json'), 'utf8'));
    expect(report.outcome).toBe('quit');
    expect(report.exitCode).toBe(8);
    expect(report.console.input).toEqual({ bytes: 19, unread: 0, overruns: 0 });
  });

  it('Ctrl-D goes to the UART like any key: uart-echo powers off, exit 0, terminal restored', () => {
    const r = underPty([{ expect: 'ready, type lines' }, { send: 'abc\r\x04' }], 'run', 'echo.bin');
    expect(r.failed).toBeNull();
    expect(r.exitCode).toBe(0);
    expect(r.during).toEqual(raw);
    expect(r.after).toEqual(cooked);
    expect(r.output).toContain('[uart-driver] ABC\r\n');
  });

  it('C-a h lists the escapes and the run goes on', () => {
    const r = underPty([{ expect: 'ready, type lines' }, { send: '\x01h' }, { expect: 'C-a C-a  send C-a' }, { send: 'ok\r' }, { expect: 'OK' }, { send: '\x01x' }], 'run', 'echo.bin');
    expect(r.failed).toBeNull();
    expect(r.exitCode).toBe(8);
    expect(r.output).toContain('C-a x    quit (the run ends with outcome quit, exit code 8)');
  });

  it('SIGTERM while the console waits for input: the terminal is restored, then the process dies of SIGTERM', () => {
    const r = underPty([{ expect: 'ready, type lines' }, { signal: 'SIGTERM' }], 'run', 'echo.bin');
    expect(r.failed).toBeNull();
    expect(r.during).toEqual(raw);
    expect(r.signal).toBe('SIGTERM');
    expect(r.after).toEqual(cooked);
  });

  it('a component that faults: the run ends (survivor powers off) and the terminal is restored', () => {
    const r = underPty([{ expect: 'survivor: still running' }], 'run', 'fault.bin');
    expect(r.failed).toBeNull();
    expect(r.exitCode).toBe(0);
    expect(r.output).toContain("warning[KC7042]: component 'rogue' stopped by a store/AMO page fault");
    expect(r.after).toEqual(cooked);
  });
});
