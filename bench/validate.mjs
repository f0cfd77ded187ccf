// Benchmark: wall time of a cold `kaal-compose validate` process (`node dist/cli/launch.js`, the
// installed executable running the CLI bundle), median of N runs, on a generated 20-component
// system and on 100 descriptor files at once; `node -e 0` and `--help` are the floors. Run after
// `npm run build`:
// `node bench/validate.mjs [runs]`. Writes the figures into docs/performance.md ("## validate").
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 15);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'dist/cli/launch.js');
const tempDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-bench-validate-')));

/** A valid system of `n` components in a ring of channels, each with a shared region and a device. */
function generateSystem(name, n) {
  const components = [];
  const channels = [];
  const regions = [];
  for (let i = 0; i < n; i++) {
    regions.push(`    { name: 'buf${i}', size: 0x1000 },`);
    components.push(
      [
        '    {',
        `      name: 'c${i}',`,
        `      priority: ${10 + i},`,
        `      code: { sources: ['c${i}.c'], elf: 'c${i}.elf' },`,
        `      memory: [{ region: 'buf${i}', perms: 'rw' }, { region: 'buf${(i + 1) % n}', perms: 'r' }],`,
        i === 0 ? "      devices: [{ device: 'serial0', name: 'uart', irq: false }]," : '',
        '    },',
      ]
        .filter(Boolean)
        .join('\n'),
    );
    if (i > 0) channels.push(`    { from: 'c${i - 1}', to: 'c${i}', ppc: true },`);
  }
  return [
    "import { defineSystem } from 'kaal-compose';",
    '',
    'export default defineSystem({',
    `  name: '${name}',`,
    '  memoryRegions: [',
    ...regions,
    '  ],',
    '  components: [',
    ...components,
    '  ],',
    '  channels: [',
    ...channels,
    '  ],',
    '});',
    '',
  ].join('\n');
}

// GNU time reports the child's CPU time, which a busy machine inflates far less than wall time.
const gnuTime = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** One cold process: [wall ms, CPU ms (user + system) or NaN]. `nodeArgs` replaces the CLI (floors). */
function run(args, env = {}, nodeArgs = [bin, ...args]) {
  const command = gnuTime ? [gnuTime, ['-f', 'KAAL_CPU %U %S', process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const start = process.hrtime.bigint();
  const cwd = nodeArgs[0] === bin ? tempDir : root;
  const result = spawnSync(command[0], command[1], { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`kaal-compose ${args.join(' ')} exited ${result.status}:\n${result.stderr}`);
  const cpu = /KAAL_CPU ([\d.]+) ([\d.]+)/.exec(result.stderr);
  return [ms, cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN];
}

function middle(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Medians of wall and CPU time over `runs` runs, after one warm-up run. */
function median(args, env, nodeArgs) {
  run(args, env, nodeArgs); // warm the OS file cache (and jiti's transform cache unless disabled)
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(run(args, env, nodeArgs));
  return [middle(samples.map((s) => s[0])), middle(samples.map((s) => s[1]))];
}

let figures;
try {
  // validate reads each prebuilt ELF and plans with it, as build does (issue 15): give every component one.
  const elf = fs.readFileSync(path.join(root, 'fixtures/systems/hello/hello.elf'));
  const withCode = (dir, n) => {
    for (let i = 0; i < n; i++) {
      fs.writeFileSync(path.join(dir, `c${i}.elf`), elf);
      fs.writeFileSync(path.join(dir, `c${i}.c`), 'void init(void) {}\n');
    }
  };
  fs.writeFileSync(path.join(tempDir, 'big.system.ts'), generateSystem('big', 20));
  withCode(tempDir, 20);
  fs.mkdirSync(path.join(tempDir, 'many'));
  for (let i = 0; i < 100; i++) fs.writeFileSync(path.join(tempDir, 'many', `s${i}.system.ts`), generateSystem(`s${i}`, 3));
  withCode(path.join(tempDir, 'many'), 3);
  const noCache = { JITI_FS_CACHE: 'false' };
  figures = [
    ['floor: `node -e 0`', median([], {}, ['-e', '0'])],
    ['floor: require jiti', median([], {}, ['-e', "require('jiti')"])],
    ['`--help` (yargs, registry, command table)', median(['--help'])],
    ['1 file, 20 components', median(['validate', 'big.system.ts'])],
    ['1 file, 20 components, no code cache (`KAAL_CODE_CACHE=0`)', median(['validate', 'big.system.ts'], { KAAL_CODE_CACHE: '0' })],
    ['1 file, 20 components, no jiti transform cache', median(['validate', 'big.system.ts'], noCache)],
    ['100 files, 3 components each', median(['validate', 'many/*.system.ts'])],
    ['100 files, no jiti transform cache', median(['validate', 'many/*.system.ts'], noCache)],
  ];
} finally {
  fs.rmSync(tempDir, { recursive: true, force: true });
}

const cpus = os.cpus();
const machine = `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.versions.node}, load average ${os.loadavg()[0].toFixed(2)}`;
const cpuText = (cpu) => (Number.isNaN(cpu) ? 'n/a' : `${cpu.toFixed(0)} ms`);
for (const [what, [wall, cpu]] of figures) console.log(`${what.padEnd(50)} ${wall.toFixed(0).padStart(6)} ms wall  ${cpuText(cpu).padStart(8)} CPU`);

const section = [
  '## validate',
  '',
  `Measured with \`node bench/validate.mjs ${runs}\` (median of ${runs} cold processes, \`node dist/cli/launch.js\`,`,
  `after one warm-up run) on ${machine}. Target: under 300 ms for the single system on 2 cores.`,
  '',
  '| run | median wall time | median CPU time (user + sys) |',
  '| --- | ---: | ---: |',
  ...figures.map(([what, [wall, cpu]]) => `| ${what} | ${wall.toFixed(0)} ms | ${cpuText(cpu)} |`),
  '',
  'The floors are separate processes: Node alone, and Node loading jiti (the one large package a',
  '`.ts` descriptor needs that is not in the bundle). The CLI is one CommonJS bundle',
  '(scripts/bundleCli.mjs) compiled through V8\'s code cache (cli/codeCache.ts), so yargs, zod and',
  'our modules are neither resolved one by one nor parsed again; the first start after an install',
  'or rebuild is the "no code cache" row. typescript is loaded only when a file has problems to',
  'place, fast-glob only for glob patterns, the runtime and the build steps only by their commands.',
  'jiti keeps transformed modules in its file cache between processes; the "no jiti transform',
  'cache" rows show the first run after a descriptor changed: jiti\'s babel is loaded, through the',
  'same code cache (cli/babelTransform.ts).',
  '',
].join('\n');
const doc = path.join(root, 'docs/performance.md');
const old = fs.existsSync(doc) ? fs.readFileSync(doc, 'utf8') : '# Performance\n\nFigures written by the benchmarks in bench/.\n';
const pattern = /^## validate\n[\s\S]*?(?=^## |(?![\s\S]))/m;
const updated = pattern.test(old) ? old.replace(pattern, section + '\n') : old.replace(/\n*$/, '\n\n') + section;
fs.writeFileSync(doc, updated.replace(/\n+$/, '\n'));
console.log(`wrote the "validate" section of ${path.relative(process.cwd(), doc)}`);
