// CPU benchmark: CPU-bound bare-metal C programs (fixtures/machine/programs) run under the emulated
// machine (dist/, build first: npx tsc -p tsconfig.build.json) and under QEMU; prints instructions
// per second and the time ratio to QEMU.
// Usage: node bench/cpu.mjs [--scale N] [--repeat N] [--baseline DIR] [--no-qemu] [names...]
// Times are CPU seconds (user + system; for QEMU from /usr/bin/time), so that other load on the
// machine disturbs them less than wall time; QEMU's include its start-up (about 0.03 s).
// A/B: `--baseline DIR` also runs DIR/dist (an earlier build: `mkdir -p DIR && cp -r dist DIR/ &&
// ln -s "$PWD/fixtures" DIR/fixtures`), alternating the two runs so both see the same load, and
// prints its best CPU time and the speed-up of this build over it.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchPrograms, buildMachinePrograms, hasToolchain } from '../fixtures/machine/build.mjs';
import { runBare } from '../dist/runtime/bareRunner.js';

const args = process.argv.slice(2);
function option(name, fallback) {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
}
const scale = option('--scale', 20);
const repeat = option('--repeat', 3);
const baselineAt = args.indexOf('--baseline');
const baselineDir = baselineAt >= 0 ? args.splice(baselineAt, 2)[1] : undefined;
const noQemuAt = args.indexOf('--no-qemu');
if (noQemuAt >= 0) args.splice(noQemuAt, 1);
const names = args.length > 0 ? args : benchPrograms;
const baselineRunBare = baselineDir
  ? (await import(pathToFileURL(path.resolve(baselineDir, 'dist/runtime/bareRunner.js')).href)).runBare
  : undefined;

/** CPU seconds of one runBare of `bytes` with `run`; checks that the program passed. */
function timeRun(run, name, bytes) {
  let text = '';
  const started = process.cpuUsage();
  const result = run(bytes, { maxInstructions: 1e11, onUartByte: (b) => (text += String.fromCharCode(b)) });
  const used = process.cpuUsage(started);
  if (result.outcome !== 'pass') throw new Error(`${name}: ${result.outcome} ${JSON.stringify(result.trap ?? {})}`);
  return { seconds: (used.user + used.system) / 1e6, instructions: result.instructions, text };
}

if (!hasToolchain()) {
  process.stderr.write('bench/cpu.mjs needs clang and ld.lld\n');
  process.exit(1);
}
const qemu = noQemuAt < 0 && spawnSync('qemu-system-riscv32', ['--version']).status === 0;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cpu-'));
try {
  const elves = buildMachinePrograms({ outDir: dir, programs: names, scale });
  process.stdout.write(
    `scale ${scale}, best of ${repeat}; node ${process.version}; ${os.cpus()[0]?.model ?? 'cpu'}; load ${os.loadavg()[0].toFixed(1)}\n`,
  );
  process.stdout.write(
    `${'program'.padEnd(8)} ${'instructions'.padStart(13)} ${'cpu s'.padStart(8)} ${'M instr/s'.padStart(10)} ${'qemu cpu s'.padStart(10)} ${'ratio'.padStart(7)}` +
      `${baselineRunBare ? ` ${'base cpu s'.padStart(10)} ${'speed-up'.padStart(8)}` : ''}\n`,
  );
  for (const name of names) {
    const bytes = fs.readFileSync(elves[name]);
    let best = Infinity;
    let baseBest = Infinity;
    let instructions = 0;
    let output = '';
    for (let i = 0; i < repeat; i++) {
      const run = timeRun(runBare, name, bytes);
      best = Math.min(best, run.seconds);
      instructions = run.instructions;
      output = run.text;
      if (baselineRunBare) {
        const base = timeRun(baselineRunBare, name, bytes);
        if (base.text !== output || base.instructions !== instructions) throw new Error(`${name}: baseline run differs`);
        baseBest = Math.min(baseBest, base.seconds);
      }
    }
    let qemuBest = NaN;
    if (qemu) {
      for (let i = 0; i < repeat; i++) {
        const timing = path.join(dir, 'time.txt');
        const out = execFileSync(
          '/usr/bin/time',
          ['-f', '%U %S', '-o', timing, 'qemu-system-riscv32', '-M', 'virt', '-bios', 'none', '-nographic', '-kernel', elves[name]],
          { timeout: 600_000 },
        ).toString();
        const [user, system] = fs.readFileSync(timing, 'utf8').trim().split(/\s+/).map(Number);
        const seconds = user + system;
        if (out.replace(/\r\n/g, '\n') !== output) throw new Error(`${name}: output differs from QEMU's`);
        qemuBest = Number.isNaN(qemuBest) ? seconds : Math.min(qemuBest, seconds);
      }
    }
    const mips = instructions / best / 1e6;
    process.stdout.write(
      `${name.padEnd(8)} ${String(instructions).padStart(13)} ${best.toFixed(3).padStart(8)} ${mips.toFixed(1).padStart(10)} ` +
        `${Number.isNaN(qemuBest) ? '-'.padStart(10) : qemuBest.toFixed(3).padStart(10)} ${Number.isNaN(qemuBest) ? '-'.padStart(7) : (best / qemuBest).toFixed(2).padStart(7)}` +
        `${baselineRunBare ? ` ${baseBest.toFixed(3).padStart(10)} ${(baseBest / best).toFixed(2).padStart(8)}` : ''}\n`,
    );
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
