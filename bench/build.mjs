// Build benchmark: `buildSystem` (dist/, build first: npx tsc -p tsconfig.build.json) on the example
// systems from their prebuilt ELFs and with --rebuild (clang), and on generated systems of N
// components from one prebuilt ELF; prints wall time and image size. Usage:
//   node bench/build.mjs [--repeat N] [--sizes 100,500,1000]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSystem } from '../dist/compiler/build.js';
import { toolVersion } from '../dist/compiler/toolchain.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const repeat = Number(option('--repeat', 5));
const sizes = option('--sizes', '100,500,1000').split(',').map(Number);
const examples = ['hello', 'uart-echo', 'ping-pong', 'timer', 'fault'];
const clang = (await toolVersion('clang')) !== null;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
async function timed(descriptor, options) {
  const start = performance.now();
  const result = await buildSystem(descriptor, options);
  return { ms: performance.now() - start, result };
}
function row(cells) {
  process.stdout.write(`| ${cells.join(' | ')} |\n`);
}

process.stdout.write(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg()[0].toFixed(2)}; median of ${repeat} warm runs in one process\n\n`);
row(['system', 'components', 'first build (ms)', 'warm median (ms)', '--rebuild (ms)', 'image bytes', 'errors']);
row(['---', '---:', '---:', '---:', '---:', '---:', '---']);
for (const name of examples) {
  const descriptor = path.join(repo, 'fixtures/systems', name, `${name}.system.ts`);
  const first = await timed(descriptor, { cwd: repo });
  const runs = [];
  for (let i = 0; i < repeat; i++) runs.push((await timed(descriptor, { cwd: repo })).ms);
  const rebuild = clang ? (await timed(descriptor, { cwd: repo, rebuild: true })).ms.toFixed(0) : 'no clang';
  const errors = first.result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
  row([name, first.result.components.length, first.ms.toFixed(0), median(runs).toFixed(0), rebuild, first.result.image?.length ?? '—', errors.join(' ') || 'none']);
}

// Generated systems: N components, each its own copy of one prebuilt ELF (no devices, no channels).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-build-'));
try {
  fs.copyFileSync(path.join(repo, 'fixtures/systems/fault/rogue.elf'), path.join(dir, 'component.elf'));
  for (const n of sizes) {
    const file = path.join(dir, `generated-${n}.system.json`);
    const components = Array.from({ length: n }, (_, i) => ({ name: `c${String(i).padStart(4, '0')}`, priority: 100, code: { elf: 'component.elf' } }));
    fs.writeFileSync(file, JSON.stringify({ name: `generated-${n}`, components }));
    const first = await timed(file, { cwd: dir });
    const runs = [];
    for (let i = 0; i < Math.min(repeat, 3); i++) runs.push((await timed(file, { cwd: dir })).ms);
    const errors = first.result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`);
    row([`generated-${n}`, n, first.ms.toFixed(0), median(runs).toFixed(0), '—', first.result.image?.length ?? '—', errors.slice(0, 1).join(' ') || 'none']);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
