// Start-up benchmark (build first: npm run build): whole `kaal-compose` processes run with node
// directly (`node <package.json's bin> …`, the form of `node_modules/.bin/kaal-compose`) beside
// `node -e 0`, interleaved round by round so that load changes hit every command alike; prints each
// command's median wall time and its ratio to `node -e 0`. `--npx` adds `npx kaal-compose validate`
// (what npx costs on top). `--baseline DIR` adds each command run by an earlier build kept in DIR
// (`mkdir -p DIR && cp -r dist package.json DIR/ && ln -s "$PWD/node_modules" "$PWD/fixtures" DIR/`,
// as bench/cpu.mjs), in the same rotation, with its own code cache directory (DIR/code-cache: the
// two builds would otherwise delete each other's cache file).
// `--instructions` also runs each command once under valgrind's callgrind and prints the instructions
// it executed (all threads): repeatable to ~0.01 % whatever the machine's load, unlike wall time.
// `--without-extra-ca-certs` runs every command without NODE_EXTRA_CA_CERTS: when it names a CA
// bundle (as on this project's machines: /etc/ssl/certs/ca-certificates.crt), every node process
// parses it before any JavaScript runs (~416 M instructions, ~40 ms: 83 % of `node -e 0`), which
// makes all ratios to `node -e 0` look better than they are elsewhere.
// Usage: node bench/startup.mjs [--rounds N] [--npx] [--baseline DIR] [--instructions] [--without-extra-ca-certs]
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
const baselineAt = args.indexOf('--baseline');
const baseline = baselineAt >= 0 ? path.resolve(args[baselineAt + 1]) : undefined;
const countInstructions = args.includes('--instructions');
const baseEnv = { ...process.env };
if (args.includes('--without-extra-ca-certs')) delete baseEnv.NODE_EXTRA_CA_CERTS;
/** The executable package.json names (dist/cli/launch.cjs; dist/cli/launch.js in builds before it). */
const binOf = (dir) => path.join(dir, JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).bin['kaal-compose']);
const launch = binOf(root);
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
  ...(baseline
    ? [
        { name: 'baseline: machine', argv: [process.execPath, binOf(baseline), 'machine', path.join(root, 'fixtures/machine/elf/hello.elf')], baseline: true },
        { name: 'baseline: run', argv: [process.execPath, binOf(baseline), 'run', image], baseline: true },
        { name: 'baseline: validate', argv: [process.execPath, binOf(baseline), 'validate', hello], baseline: true },
      ]
    : []),
  ...(withNpx ? [{ name: 'npx kaal-compose validate (same)', argv: ['npx', '--no-install', 'kaal-compose', 'validate', hello] }] : []),
];

const times = commands.map(() => []);
// One warm-up round (fills the code cache and the jiti transform cache).
const envOf = (c) => (c.baseline ? { ...baseEnv, KAAL_CODE_CACHE: path.join(baseline, 'code-cache') } : baseEnv);
for (const c of commands) spawnSync(c.argv[0], c.argv.slice(1), { cwd: root, env: envOf(c) });
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < commands.length; i++) {
    const c = commands[(i + round) % commands.length];
    const start = performance.now();
    const result = spawnSync(c.argv[0], c.argv.slice(1), { cwd: root, encoding: 'utf8', env: envOf(c) });
    const ms = performance.now() - start;
    if (result.status !== 0) {
      process.stderr.write(`bench/startup.mjs: '${c.name}' exited ${result.status}:\n${result.stderr}`);
      process.exit(1);
    }
    times[(i + round) % commands.length].push(ms);
  }
}

/** Instructions of one run under callgrind (npx is left out: it is npm's work, not ours). */
function instructionsOf(c) {
  if (c.argv[0] === 'npx') return undefined;
  const result = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', ...c.argv], { cwd: root, encoding: 'utf8', env: envOf(c) });
  const collected = /Collected : (\d+)/.exec(result.stderr ?? '');
  if (result.status !== 0 || !collected) {
    process.stderr.write(`bench/startup.mjs: '${c.name}' under valgrind: ${result.error?.message ?? `exit ${result.status}`}\n`);
    process.exit(1);
  }
  return Number(collected[1]);
}
const instructions = countInstructions ? commands.map(instructionsOf) : [];
fs.rmSync(temp, { recursive: true, force: true });

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const floor = median(times[0]);
process.stdout.write(
  `node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; median of ${rounds} rounds; ` +
    `NODE_EXTRA_CA_CERTS ${baseEnv.NODE_EXTRA_CA_CERTS ? `'${baseEnv.NODE_EXTRA_CA_CERTS}'` : 'unset'}\n\n`,
);
// The fastest run too: on a loaded machine the least disturbed start of each command.
const fastest = (values) => Math.min(...values);
const floorFastest = fastest(times[0]);
process.stdout.write('| command | median wall | ratio to `node -e 0` | fastest | ratio of fastest |\n| --- | ---: | ---: | ---: | ---: |\n');
commands.forEach((c, i) =>
  process.stdout.write(
    `| \`${c.name}\` | ${median(times[i]).toFixed(0)} ms | ${(median(times[i]) / floor).toFixed(2)} | ${fastest(times[i]).toFixed(0)} ms | ${(fastest(times[i]) / floorFastest).toFixed(2)} |\n`,
  ),
);
if (countInstructions) {
  process.stdout.write('\n| command | instructions (callgrind) | ratio to `node -e 0` |\n| --- | ---: | ---: |\n');
  commands.forEach((c, i) => {
    if (instructions[i] === undefined) return;
    process.stdout.write(`| \`${c.name}\` | ${(instructions[i] / 1e6).toFixed(1)} M | ${(instructions[i] / instructions[0]).toFixed(2)} |\n`);
  });
}
