// CPU benchmark: CPU-bound bare-metal C programs (fixtures/machine/programs) run under the emulated
// machine (dist/, build first: npx tsc -p tsconfig.build.json) and under QEMU; prints instructions
// per second and the time ratio to QEMU. Usage: node bench/cpu.mjs [--scale N] [--repeat N] [names...]
// Times are CPU seconds (user + system; for QEMU from /usr/bin/time), so that other load on the
// machine disturbs them less than wall time; QEMU's include its start-up (about 0.1 s).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchPrograms, buildMachinePrograms, hasToolchain } from '../fixtures/machine/build.mjs';
import { runBare } from '../dist/runtime/bareRunner.js';

const args = process.argv.slice(2);
function option(name, fallback) {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
}
const scale = option('--scale', 20);
const repeat = option('--repeat', 3);
const names = args.length > 0 ? args : benchPrograms;

if (!hasToolchain()) {
  process.stderr.write('bench/cpu.mjs needs clang and ld.lld\n');
  process.exit(1);
}
const qemu = spawnSync('qemu-system-riscv32', ['--version']).status === 0;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cpu-'));
try {
  const elves = buildMachinePrograms({ outDir: dir, programs: names, scale });
  process.stdout.write(
    `scale ${scale}, best of ${repeat}; node ${process.version}; ${os.cpus()[0]?.model ?? 'cpu'}; load ${os.loadavg()[0].toFixed(1)}\n`,
  );
  process.stdout.write(`${'program'.padEnd(8)} ${'instructions'.padStart(13)} ${'cpu s'.padStart(8)} ${'M instr/s'.padStart(10)} ${'qemu cpu s'.padStart(10)} ${'ratio'.padStart(7)}\n`);
  for (const name of names) {
    const bytes = fs.readFileSync(elves[name]);
    let best = Infinity;
    let instructions = 0;
    let output = '';
    for (let i = 0; i < repeat; i++) {
      let text = '';
      const started = process.cpuUsage();
      const result = runBare(bytes, { maxInstructions: 1e11, onUartByte: (b) => (text += String.fromCharCode(b)) });
      const used = process.cpuUsage(started);
      const seconds = (used.user + used.system) / 1e6;
      if (result.outcome !== 'pass') throw new Error(`${name}: ${result.outcome} ${JSON.stringify(result.trap ?? {})}`);
      best = Math.min(best, seconds);
      instructions = result.instructions;
      output = text;
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
        `${Number.isNaN(qemuBest) ? '-'.padStart(10) : qemuBest.toFixed(3).padStart(10)} ${Number.isNaN(qemuBest) ? '-'.padStart(7) : (best / qemuBest).toFixed(2).padStart(7)}\n`,
    );
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
