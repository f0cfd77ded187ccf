// The long fuzz mode: `npm run fuzz -- --iterations N [--seed S] [--target name] [--exact]` runs the
// same properties as test/fuzz/*.test.ts for many iterations and prints per-target counts and
// findings (each with the seed that replays it: `--target T --seed S --iterations 1 --exact`).
import { formatFinding, runTarget, type FuzzStats } from './support/harness.js';
import { fuzzTargets } from './targets/index.js';

interface Arguments {
  iterations: number;
  seed: number;
  targets: string[];
  exact: boolean;
}

function parseArguments(argv: readonly string[]): Arguments {
  const parsed: Arguments = { iterations: 10_000, seed: Date.now() >>> 0, targets: [], exact: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === '--iterations' || flag === '-n') parsed.iterations = Number(value());
    else if (flag === '--seed') parsed.seed = Number(value()) >>> 0;
    else if (flag === '--target') parsed.targets.push(...value().split(','));
    else if (flag === '--exact') parsed.exact = true;
    else throw new Error(`unknown argument '${flag}' (use --iterations N, --seed S, --target name, --exact)`);
  }
  if (!Number.isInteger(parsed.iterations) || parsed.iterations < 1) throw new Error('--iterations must be a positive integer');
  return parsed;
}

function summary(stats: FuzzStats, seconds: number): string {
  const codes = Object.entries(stats.codes)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([code, n]) => `${code}×${n}`)
    .join(' ');
  return [
    `${stats.target}: ${stats.iterations} inputs, seed ${stats.seed}, ${seconds.toFixed(1)} s`,
    `  results ${stats.results}, diagnostics ${stats.diagnostics}, findings ${stats.findings.length}`,
    `  codes ${codes || '-'}`,
    `  slowest input ${stats.slowestMs.toFixed(1)} ms: ${stats.slowest}`,
  ].join('\n');
}

async function main(): Promise<number> {
  const args = parseArguments(process.argv.slice(2));
  const names = fuzzTargets.map((t) => t.name);
  const unknown = args.targets.filter((t) => !names.includes(t));
  if (unknown.length) throw new Error(`unknown target(s) ${unknown.join(', ')}; known: ${names.join(', ')}`);
  const selected = args.targets.length ? fuzzTargets.filter((t) => args.targets.includes(t.name)) : fuzzTargets;
  let findings = 0;
  for (const target of selected) {
    const context = await target.prepare();
    const started = performance.now();
    const stats = await runTarget(target, context, { iterations: args.iterations, seed: args.seed, exact: args.exact, maxFindings: 50 });
    console.log(summary(stats, (performance.now() - started) / 1000));
    if (target.report) console.log(`  reached ${target.report(context)}`);
    target.dispose?.(context);
    for (const finding of stats.findings) console.log(formatFinding(finding));
    findings += stats.findings.length;
  }
  return findings ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
