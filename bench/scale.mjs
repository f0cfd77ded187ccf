// Scale benchmark: generated systems of 10 to 500 components (one prebuilt ELF each, a notification
// chain c0 → c1 → …), each stage as a whole CLI process (node dist/cli/launch.js; build first:
// npm run build): validate, plan, build (to an image), and boot (`check`: boot the image and verify
// every grant, without running components). Prints the median wall time of each and how it grows.
// Usage: node bench/scale.mjs [--repeat N] [--sizes 10,50,100,250,500]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const repeat = Number(option('--repeat', 3));
const sizes = option('--sizes', '10,50,100,250,500').split(',').map(Number);
const launch = path.join(repo, JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).bin['kaal-compose']);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Median wall ms of `kaal-compose ...args` in `cwd`; the command must exit 0. */
function timeCli(cwd, cliArgs) {
  const times = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    const result = spawnSync(process.execPath, [launch, ...cliArgs], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    times.push(performance.now() - start);
    if (result.status !== 0) throw new Error(`kaal-compose ${cliArgs.join(' ')}: exit ${result.status}: ${result.stderr}`);
  }
  return median(times);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scale-'));
try {
  fs.copyFileSync(path.join(repo, 'fixtures/systems/fault/rogue.elf'), path.join(dir, 'component.elf'));
  process.stdout.write(
    `node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg()[0].toFixed(2)}; median of ${repeat} processes\n\n`,
  );
  const floor = (() => {
    const times = [];
    for (let i = 0; i < repeat; i++) {
      const start = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      times.push(performance.now() - start);
    }
    return median(times);
  })();
  process.stdout.write(`floor: node -e 0 ${floor.toFixed(0)} ms\n\n`);
  process.stdout.write('| components | validate (ms) | plan (ms) | build (ms) | boot: check (ms) | image bytes |\n| ---: | ---: | ---: | ---: | ---: | ---: |\n');
  const rows = [];
  for (const n of sizes) {
    const name = (i) => `c${String(i).padStart(4, '0')}`;
    const components = Array.from({ length: n }, (_, i) => ({ name: name(i), priority: 100, code: { elf: 'component.elf' } }));
    const channels = Array.from({ length: n - 1 }, (_, i) => ({ name: `link${i}`, from: name(i), to: name(i + 1) }));
    const file = `scale-${n}.system.json`;
    fs.writeFileSync(path.join(dir, file), JSON.stringify({ name: `scale-${n}`, components, channels }));
    const image = `scale-${n}.img`;
    const row = {
      n,
      validate: timeCli(dir, ['validate', file]),
      plan: timeCli(dir, ['plan', file, '--json']),
      build: timeCli(dir, ['build', file, '-o', image]),
    };
    row.boot = timeCli(dir, ['check', image]);
    row.bytes = fs.statSync(path.join(dir, image)).size;
    rows.push(row);
    process.stdout.write(`| ${n} | ${row.validate.toFixed(0)} | ${row.plan.toFixed(0)} | ${row.build.toFixed(0)} | ${row.boot.toFixed(0)} | ${row.bytes} |\n`);
  }
  // Growth: the time above the smallest size's, per component added.
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (first !== last) {
    const per = (stage) => ((last[stage] - first[stage]) / (last.n - first.n)).toFixed(2);
    process.stdout.write(`\nper component added (${first.n} → ${last.n}): validate ${per('validate')} ms, plan ${per('plan')} ms, build ${per('build')} ms, boot ${per('boot')} ms\n`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
