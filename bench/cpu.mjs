// CPU benchmark: the CPU-bound bare-metal C programs of fixtures/machine/programs (benchPrograms),
// each run as a whole process under `kaal-compose machine` (node dist/cli/launch.js; build first:
// npm run build) and under `qemu-system-riscv32 -M virt -bios none`, interleaved; prints each
// program's wall-time ratio to QEMU with start-up subtracted, and the geometric mean.
// Usage: node bench/cpu.mjs [--scale N] [--repeat N] [--baseline DIR] [names...]
// Start-up is the median wall time of the same command on `hello` (a few hundred instructions);
// a program's time is its median minus that, for each side. The UART output of both must match.
// A/B: `--baseline DIR` also runs DIR/dist/cli/launch.js (an earlier build: `mkdir -p DIR && cp -r
// dist package.json DIR/ && ln -s "$PWD/node_modules" "$PWD/fixtures" DIR/`) in the same rotation
// and prints the speed-up of this build over it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchPrograms, buildMachinePrograms, hasToolchain } from '../fixtures/machine/build.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
function option(name, fallback) {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : fallback;
}
const scale = Number(option('--scale', 20));
const repeat = Number(option('--repeat', 5));
const baselineDir = option('--baseline', undefined);
const names = args.length > 0 ? args : benchPrograms;

if (!hasToolchain()) {
  process.stderr.write('bench/cpu.mjs needs clang and ld.lld\n');
  process.exit(1);
}
if (spawnSync('qemu-system-riscv32', ['--version']).status !== 0) {
  process.stderr.write('bench/cpu.mjs needs qemu-system-riscv32\n');
  process.exit(1);
}

const sides = [
  { name: 'ours', command: (elf) => [process.execPath, [path.join(repoRoot, 'dist/cli/launch.js'), 'machine', '--max-instructions', '100000000000', elf]] },
  { name: 'qemu', command: (elf) => ['qemu-system-riscv32', ['-M', 'virt', '-bios', 'none', '-nographic', '-kernel', elf]] },
];
if (baselineDir) {
  const launch = path.resolve(baselineDir, 'dist/cli/launch.js');
  sides.push({ name: 'base', command: (elf) => [process.execPath, [launch, 'machine', '--max-instructions', '100000000000', elf]] });
}

/** Wall seconds of one process; checks it passed and returns its output. */
function timeProcess(side, elf) {
  const [file, argv] = side.command(elf);
  const started = performance.now();
  const result = spawnSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${side.name} ${path.basename(elf)}: exit ${result.status}: ${result.stderr}`);
  return { seconds, output: result.stdout.toString('latin1').replace(/\r\n/g, '\n') };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Medians of `repeat` rotations over the sides (each rotation runs every side once, order rotating). */
function measure(elf) {
  const times = sides.map(() => []);
  let reference;
  for (let i = 0; i < repeat; i++) {
    for (let j = 0; j < sides.length; j++) {
      const k = (i + j) % sides.length;
      const run = timeProcess(sides[k], elf);
      if (reference === undefined) reference = run.output;
      else if (run.output !== reference) throw new Error(`${sides[k].name} ${path.basename(elf)}: output differs`);
      times[k].push(run.seconds);
    }
  }
  return times.map(median);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cpu-'));
try {
  const elves = buildMachinePrograms({ outDir: dir, programs: ['hello', ...names], scale });
  process.stdout.write(
    `scale ${scale}, median of ${repeat}, wall time of whole processes; node ${process.version}; ` +
      `${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}; load ${os.loadavg()[0].toFixed(1)}\n`,
  );
  const startup = measure(elves.hello);
  process.stdout.write(`start-up (hello): ${sides.map((s, i) => `${s.name} ${(startup[i] * 1000).toFixed(0)} ms`).join(', ')}\n`);
  process.stdout.write(
    `${'program'.padEnd(8)} ${'ours s'.padStart(8)} ${'qemu s'.padStart(8)} ${'ratio'.padStart(7)}` +
      `${baselineDir ? ` ${'base s'.padStart(8)} ${'speed-up'.padStart(8)}` : ''}\n`,
  );
  let logSum = 0;
  let worst = 0;
  for (const name of names) {
    const work = measure(elves[name]).map((t, i) => Math.max(t - startup[i], 1e-3));
    const ratio = work[0] / work[1];
    logSum += Math.log(ratio);
    worst = Math.max(worst, ratio);
    process.stdout.write(
      `${name.padEnd(8)} ${work[0].toFixed(3).padStart(8)} ${work[1].toFixed(3).padStart(8)} ${ratio.toFixed(2).padStart(7)}` +
        `${baselineDir ? ` ${work[2].toFixed(3).padStart(8)} ${(work[2] / work[0]).toFixed(2).padStart(8)}` : ''}\n`,
    );
  }
  process.stdout.write(`geometric mean of the ratios: ${Math.exp(logSum / names.length).toFixed(2)}; worst ${worst.toFixed(2)}\n`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
