// Start-up benchmark (build first: npm run build): whole `kaal-compose` processes run with node
// directly (`node dist/cli/launch.js …`, the form of `node_modules/.bin/kaal-compose`) beside
// `node -e 0`, interleaved round by round so that load changes hit every command alike; prints each
// command's median wall time and its ratio to `node -e 0`. `--npx` adds `npx kaal-compose validate`
// (what npx costs on top).
// Usage: node bench/startup.mjs [--rounds N] [--npx]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const at = args.indexOf('--rounds');
const rounds = at >= 0 ? Number(args[at + 1]) : 11;
const withNpx = args.includes('--npx');
const launch = path.join(root, 'dist/cli/launch.js');
const hello = path.join(root, 'fixtures/systems/hello/hello.system.ts');
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-bench-startup-'));
const image = path.join(temp, 'hello.img');

const build = spawnSync(process.execPath, [launch, 'build', hello, '-o', image], { cwd: root, encoding: 'utf8' });
if (build.status !== 0) {
  process.stderr.write(`bench/startup.mjs: building hello failed:\n${build.stderr}`);
  process.exit(1);
}

const commands = [
  { name: 'node -e 0', argv: [process.execPath, '-e', '0'] },
  { name: 'machine fixtures/machine/elf/hello.elf', argv: [process.execPath, launch, 'machine', path.join(root, 'fixtures/machine/elf/hello.elf')] },
  { name: 'run hello.img (fixtures/systems/hello)', argv: [process.execPath, launch, 'run', image] },
  { name: 'validate fixtures/systems/hello/hello.system.ts', argv: [process.execPath, launch, 'validate', hello] },
  ...(withNpx ? [{ name: 'npx kaal-compose validate (same)', argv: ['npx', '--no-install', 'kaal-compose', 'validate', hello] }] : []),
];

const times = commands.map(() => []);
// One warm-up round (fills the code cache and the jiti transform cache).
for (const c of commands) spawnSync(c.argv[0], c.argv.slice(1), { cwd: root });
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < commands.length; i++) {
    const c = commands[(i + round) % commands.length];
    const start = performance.now();
    const result = spawnSync(c.argv[0], c.argv.slice(1), { cwd: root, encoding: 'utf8' });
    const ms = performance.now() - start;
    if (result.status !== 0) {
      process.stderr.write(`bench/startup.mjs: '${c.name}' exited ${result.status}:\n${result.stderr}`);
      process.exit(1);
    }
    times[(i + round) % commands.length].push(ms);
  }
}
fs.rmSync(temp, { recursive: true, force: true });

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const floor = median(times[0]);
process.stdout.write(
  `node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; median of ${rounds} rounds\n\n`,
);
process.stdout.write('| command | median wall | ratio to `node -e 0` |\n| --- | ---: | ---: |\n');
commands.forEach((c, i) => process.stdout.write(`| \`${c.name}\` | ${median(times[i]).toFixed(0)} ms | ${(median(times[i]) / floor).toFixed(2)} |\n`));
