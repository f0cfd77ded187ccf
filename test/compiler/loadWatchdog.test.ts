// The load watchdog (compiler/loadWatchdog.ts) ends a main thread that is busy past the deadline,
// and only such a thread: one that is late because it did not get the CPU (a loaded machine) is
// left to run its own timer, since a termination that lands in a timer callback ends the whole
// process. Each case runs in a child process of its own (dist/, built by `npm test`), as such a
// termination would take the test's own process with it.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/files.js';

const watchdogModule = pathToFileURL(path.join(repoRoot, 'dist/compiler/loadWatchdog.js')).href;

/** Runs `body` as an ES module (`--input-type=module`, which the watchdog's worker must not inherit) with `startLoadWatchdog` imported; what it printed and its exit status. */
function runWithWatchdog(body: string): { status: number | null; lines: string[] } {
  const script = `import { startLoadWatchdog } from ${JSON.stringify(watchdogModule)};\n${body}\nprocess.on('exit', (code) => console.log('exit ' + code));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  return { status: child.status, lines: child.stdout.split('\n').filter(Boolean) };
}

/** Source that keeps the main thread busy in a microtask from 10 ms for `ms`, then runs `after`. */
const busyMicrotask = (ms: number, after: string) =>
  `setTimeout(() => Promise.resolve().then(() => { const until = Date.now() + ${ms}; while (Date.now() < until); ${after} }), 10);`;

describe('startLoadWatchdog', () => {
  it('ends a loop in a microtask past the deadline, and the process goes on', () => {
    const { status, lines } = runWithWatchdog(`
      const watchdog = startLoadWatchdog(50, 100);
      watchdog.ended.then(() => {
        console.log('ended ' + watchdog.endedBusyLoop());
        setTimeout(() => { console.log('a timer after'); watchdog.stop(); }, 10);
      });
      setTimeout(() => Promise.resolve().then(() => { for (;;) {} }), 10);
    `);
    expect(lines).toEqual(['ended true', 'a timer after', 'exit 0']);
    expect(status).toBe(0);
  });

  it('leaves alone a thread that is late without being on the CPU, whose timer then runs', () => {
    // Atomics.wait holds the main thread as an overloaded machine's scheduler would: off the CPU.
    const { status, lines } = runWithWatchdog(`
      const watchdog = startLoadWatchdog(50, 100);
      watchdog.ended.then(() => console.log('ended'));
      setTimeout(() => { watchdog.markAlive(); console.log('timer ran, ended ' + watchdog.endedBusyLoop()); watchdog.stop(); }, 50);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 800);
    `);
    expect(lines).toEqual(['timer ran, ended false', 'exit 0']);
    expect(status).toBe(0);
  });

  it('leaves alone a thread marked alive, however busy it is afterwards', () => {
    const { status, lines } = runWithWatchdog(`
      const watchdog = startLoadWatchdog(50, 100);
      watchdog.ended.then(() => console.log('ended'));
      watchdog.markAlive();
      ${busyMicrotask(600, "console.log('loop done');")}
      setTimeout(() => { console.log('ended ' + watchdog.endedBusyLoop()); watchdog.stop(); }, 900);
    `);
    expect(lines).toEqual(['loop done', 'ended false', 'exit 0']);
    expect(status).toBe(0);
  });

  it('waits the busy time past the deadline before ending', () => {
    // Busy from 10 ms to 400 ms: past the deadline (50 ms) but not for the 500 ms it must be.
    const { status, lines } = runWithWatchdog(`
      const watchdog = startLoadWatchdog(50, 500);
      watchdog.ended.then(() => console.log('ended'));
      ${busyMicrotask(390, "watchdog.markAlive(); console.log('loop done');")}
      setTimeout(() => { console.log('ended ' + watchdog.endedBusyLoop()); watchdog.stop(); }, 1200);
    `);
    expect(lines).toEqual(['loop done', 'ended false', 'exit 0']);
    expect(status).toBe(0);
  });
});
