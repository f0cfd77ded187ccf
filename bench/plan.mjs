// Benchmark of resolve + check + plan on generated systems of 10, 100 and 1000 components (each with
// a shared device, a notification channel, a PPC pair and a shared memory region). Each size runs
// in a fresh process so its peak RSS is its own. Needs `npx tsc -p tsconfig.build.json` first.
// Usage: node bench/plan.mjs [sizes...]   (default 10 100 1000)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/', import.meta.url);
const RUNS = 5;

/** A system of `n` components: pairs (2k, 2k+1) share a region and a PPC (2k calls 2k+1), all in a notify chain. */
function generate(n) {
  const components = [];
  const channels = [];
  const memoryRegions = [];
  for (let i = 0; i < n; i++) {
    const pair = Math.floor(i / 2);
    components.push({
      name: `c${i}`,
      priority: 10 + (pair % 100) * 2 + (i % 2),
      code: { sources: [`c${i}.c`] },
      devices: [{ device: '/soc/test@100000', name: 'test', mmio: { shared: true } }],
      memory: pair * 2 + 1 < n ? [{ region: `ring${pair}` }] : [],
    });
    if (i % 2 === 1) {
      memoryRegions.push({ name: `ring${pair}`, size: 0x4000 });
      channels.push({ name: `call${pair}`, from: `c${i - 1}`, to: `c${i}`, ppc: true, notify: false });
    }
    if (i + 1 < n) channels.push({ name: `next${i}`, from: `c${i}`, to: `c${i + 1}` });
  }
  return { name: `bench-${n}`, components, memoryRegions, channels };
}

async function child(n) {
  const { systemSchema } = await import(new URL('schema/descriptor.js', dist));
  const { loadPlatform } = await import(new URL('compiler/loadPlatform.js', dist));
  const { checkDescriptor } = await import(new URL('compiler/check/index.js', dist));
  const { planSystem } = await import(new URL('compiler/plan/index.js', dist));
  const { platform } = await loadPlatform('kaal-virt-rv32', fileURLToPath(new URL('..', import.meta.url)));
  const system = systemSchema.parse(generate(n));
  const times = [];
  const serialize = [];
  let last;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const { model, diagnostics } = checkDescriptor(system, platform);
    const planned = planSystem(model, platform, {});
    times.push(performance.now() - start);
    const serializeStart = performance.now();
    const bytes = JSON.stringify(planned.plan).length;
    serialize.push(performance.now() - serializeStart);
    last = { checks: diagnostics.map((d) => d.code), planning: planned.diagnostics.map((d) => d.code), objects: planned.plan.objects.length, invocations: planned.plan.invocations.length, bytes };
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rss = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ n, medianMs: median(times), serializeMs: median(serialize), maxRssMiB: rss, ...last }));
}

if (process.argv[2] === '--child') {
  await child(Number(process.argv[3]));
} else {
  const sizes = process.argv.slice(2).map(Number);
  // A fixed loop, so numbers from a busy machine can be compared with a quiet one.
  const loopStart = performance.now();
  let sum = 0;
  for (let i = 0; i < 1e8; i++) sum += i;
  console.log(`reference loop (1e8 additions, sum ${sum}): ${(performance.now() - loopStart).toFixed(0)} ms`);
  console.log('components  check+plan ms (median of 5)  stringify ms  peak RSS MiB  objects  invocations  plan JSON KiB  diagnostics');
  for (const n of sizes.length ? sizes : [10, 100, 1000]) {
    const out = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', String(n)], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(out.stderr);
    const r = JSON.parse(out.stdout);
    const diagnostics = [...r.checks, ...r.planning];
    console.log(
      `${String(r.n).padStart(10)}  ${r.medianMs.toFixed(1).padStart(27)}  ${r.serializeMs.toFixed(1).padStart(12)}  ${r.maxRssMiB.toFixed(0).padStart(12)}  ${String(r.objects).padStart(7)}  ${String(r.invocations).padStart(11)}  ${(r.bytes / 1024).toFixed(0).padStart(13)}  ${diagnostics.join(',') || '-'}`,
    );
  }
}
