// Kernel benchmark (build first: npm run build; needs clang and ld.lld): two systems built here
// from C (in a temp dir) and run on the bundled machine and kernel, each over --calls round trips
// (default 200 000):
// - PPC: a client (priority 100) makes seL4_Call PPCs to a server (priority 200) that answers
//   through the SDK's seL4_ReplyRecv loop: round trips per second;
// - notifications: a sender (priority 100) signals a waiter (priority 200) that waits in the SDK's
//   event loop; each signal wakes the waiter, which runs `notified` and waits again: signal + wait
//   pairs per second.
// Also: the same PPC run through a trace hook, and a CPU-bound component under the full kernel.
// Usage: node bench/ipc.mjs [--repeat N] [--calls N] [--baseline DIR] [--only ppc|notify]
// Times are the wall and CPU time (process.cpuUsage: less disturbed by other load on the machine)
// of runSystem (boot excluded), median of N runs, one process.
// A/B: `--baseline DIR` also boots and runs the same images with DIR/dist's runtime (an earlier
// build: `mkdir -p DIR && cp -r dist package.json DIR/ && ln -s "$PWD/node_modules" DIR/`),
// interleaved run by run with this build's in the same process, and prints the speed-up over it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSystem } from '../dist/compiler/build.js';
import { bootImage } from '../dist/runtime/boot/index.js';
import { runSystem } from '../dist/runtime/run.js';

const args = process.argv.slice(2);
function option(name, fallback) {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
}
const onlyAt = args.indexOf('--only');
/** `--only ppc` or `--only notify`: that measure alone (e.g. under `node --cpu-prof`). */
const only = onlyAt >= 0 ? args.splice(onlyAt, 2)[1] : undefined;
const at = args.indexOf('--baseline');
const baselineDir = at >= 0 ? path.resolve(args.splice(at, 2)[1]) : undefined;
const repeat = option('--repeat', 5);
const calls = option('--calls', 200_000);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const TEST = { device: '/soc/test@100000', name: 'test' };
const PPC_CLIENT = `#include <kaal.h>
void init(void) {
  uint32_t sum = 0;
  for (uint32_t i = 0; i < CALLS; i++) {
    kaal_mr_set(0, i);
    kaal_ppcall(KAAL_CH_PONG, kaal_msginfo_new(0, 1));
    sum += kaal_mr_get(0);
  }
  kaal_printf("ppc %u sum %08x\\n", (unsigned)CALLS, sum);
  *(volatile uint32_t *)KAAL_MMIO_TEST_VADDR = 0x5555;
}
`;
const PPC_SERVER = `#include <kaal.h>
void init(void) {}
kaal_msginfo protected(kaal_channel ch, kaal_msginfo msginfo) {
  (void)ch; (void)msginfo;
  kaal_mr_set(0, kaal_mr_get(0) * 3u + 1u);
  return kaal_msginfo_new(0, 1);
}
`;
const SENDER = `#include <kaal.h>
void init(void) {
  for (uint32_t i = 0; i < CALLS; i++) kaal_notify(KAAL_CH_PING);
  kaal_printf("signals %u\\n", (unsigned)CALLS);
  *(volatile uint32_t *)KAAL_MMIO_TEST_VADDR = 0x5555;
}
`;
const WAITER = `#include <kaal.h>
static uint32_t handled;
void init(void) {}
void notified(kaal_channel ch) { if (ch == KAAL_CH_PING) handled++; }
`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ipc-'));
async function build(name, components, channels, sources) {
  const folder = path.join(dir, name);
  fs.mkdirSync(folder);
  for (const [file, text] of Object.entries(sources)) fs.writeFileSync(path.join(folder, file), text);
  const descriptor = path.join(folder, `${name}.system.json`);
  fs.writeFileSync(descriptor, JSON.stringify({ name, components, channels }));
  const result = await buildSystem(descriptor, { cwd: folder });
  if (!result.image) throw new Error(`${name} did not build: ${result.diagnostics.map((d) => d.message).join('; ')}`);
  return result.image;
}

/** The runtimes compared: this build's, then the baseline's. */
const sides = [{ name: 'this', bootImage, runSystem }];
if (baselineDir) {
  const base = (file) => import(pathToFileURL(path.join(baselineDir, 'dist', file)).href);
  const [bootModule, runModule] = await Promise.all([base('runtime/boot/index.js'), base('runtime/run.js')]);
  sides.push({ name: 'base', bootImage: bootModule.bootImage, runSystem: runModule.runSystem });
}

function boot(side, bytes) {
  const r = side.bootImage(bytes, {});
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.system;
}

/**
 * Median wall ms of runSystem over `repeat` fresh boots per side, the sides taking turns; checks
 * each run powered off and that both sides ran the same number of guest instructions.
 */
function timeRuns(bytes, options = {}) {
  const times = sides.map(() => []);
  const cpuTimes = sides.map(() => []);
  const instructions = sides.map(() => 0);
  for (let i = 0; i < repeat; i++) {
    sides.forEach((side, s) => {
      const system = boot(side, bytes);
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      const result = side.runSystem(system, { maxInstructions: 1e11, ...options });
      const cpu = process.cpuUsage(cpuStart);
      times[s].push(performance.now() - start);
      cpuTimes[s].push((cpu.user + cpu.system) / 1000);
      if (result.outcome !== 'poweroff' || result.powerOffCode !== 0) throw new Error(`${side.name}: run ended with ${result.outcome}`);
      instructions[s] = result.instructions;
    });
  }
  if (instructions.some((n) => n !== instructions[0])) throw new Error(`guest instructions differ: ${instructions.join(' vs ')}`);
  const base = sides.length > 1 ? { baseMs: median(times[1]), baseCpuMs: median(cpuTimes[1]) } : {};
  return { ms: median(times[0]), cpuMs: median(cpuTimes[0]), instructions: instructions[0], ...base };
}

try {
  const defines = { CALLS: `${calls}u` };
  const ppc = await build(
    'ppc',
    [
      { name: 'client', priority: 100, code: { sources: ['client.c'], defines }, devices: [TEST] },
      { name: 'server', priority: 200, code: { sources: ['server.c'] } },
    ],
    [{ name: 'pong', from: 'client', to: 'server', ppc: true, notify: false }],
    { 'client.c': PPC_CLIENT, 'server.c': PPC_SERVER },
  );
  const notify = await build(
    'notify',
    [
      { name: 'sender', priority: 100, code: { sources: ['sender.c'], defines }, devices: [TEST] },
      { name: 'waiter', priority: 200, code: { sources: ['waiter.c'] } },
    ],
    [{ name: 'ping', from: 'sender', to: 'waiter' }],
    { 'sender.c': SENDER, 'waiter.c': WAITER },
  );

  const ppcRun = only === undefined || only === 'ppc' ? timeRuns(ppc) : undefined;
  let traced = 0;
  const ppcTraced = only === undefined ? timeRuns(ppc, { trace: () => traced++ }) : undefined;
  const notifyRun = only === undefined || only === 'notify' ? timeRuns(notify) : undefined;

  const perSecond = (count, ms) => Math.round((count * 1000) / ms).toLocaleString('en-US');
  process.stdout.write(
    `node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg()[0].toFixed(2)}; median of ${repeat}\n\n`,
  );
  const ab = baselineDir !== undefined;
  process.stdout.write(
    `| measure | count | guest instructions | median wall (ms) | per second | median CPU (ms) | per CPU second |` +
      `${ab ? ' base wall (ms) | base per second | base CPU (ms) | base per CPU second | CPU speed-up |' : ''}\n` +
      `| --- | ---: | ---: | ---: | ---: | ---: | ---: |${ab ? ' ---: | ---: | ---: | ---: | ---: |' : ''}\n`,
  );
  const row = (label, run) =>
    process.stdout.write(
      `| ${label} | ${calls} | ${run.instructions} | ${run.ms.toFixed(1)} | ${perSecond(calls, run.ms)} | ${run.cpuMs.toFixed(1)} | ${perSecond(calls, run.cpuMs)} |` +
        `${ab ? ` ${run.baseMs.toFixed(1)} | ${perSecond(calls, run.baseMs)} | ${run.baseCpuMs.toFixed(1)} | ${perSecond(calls, run.baseCpuMs)} | ${(run.baseCpuMs / run.cpuMs).toFixed(2)} |` : ''}\n`,
    );
  if (ppcRun) row('PPC round trips (seL4_Call + seL4_ReplyRecv)', ppcRun);
  if (ppcTraced) row('the same with a trace hook', ppcTraced);
  if (notifyRun) row('notification signal + wait pairs (two threads)', notifyRun);
  if (ab) process.stdout.write(`\nbase: ${baselineDir}\n`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
