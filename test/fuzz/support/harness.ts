// The fuzz property every target shares: each input ends in a result or a DiagnosticError with a user
// KC code (not KC9xxx), never another exception; a target may return a broken property as text.
// Used by the bounded tests (test/fuzz/*.test.ts) and the long mode (test/fuzz/run.ts).
import { DiagnosticError } from '../../../schema/diagnostics.js';
import { createPrng, iterationSeed, type Prng } from './prng.js';

/** One generated input: what it is (for the report) and how to run it. */
export interface FuzzCase {
  readonly description: string;
  /** Returns a violated property as text, or nothing when the input was handled properly. */
  run(): string | void | Promise<string | void>;
}

/** A fuzz target: inputs derived from real seeds (images, DTBs, ELFs, descriptors, programs). */
export interface FuzzTarget<C = unknown> {
  readonly name: string;
  /** Builds the seeds once (compiles the corpus, writes images…). */
  prepare(): C | Promise<C>;
  generate(rng: Prng, context: C): FuzzCase;
  dispose?(context: C): void;
  /** What the run reached (coverage counters), printed by the long mode. */
  report?(context: C): string;
}

export interface Finding {
  readonly target: string;
  /** The per-iteration seed: `npm run fuzz -- --target T --seed S --iterations 1 --exact` replays it. */
  readonly seed: number;
  readonly description: string;
  readonly problem: string;
}

export interface FuzzStats {
  readonly target: string;
  readonly seed: number;
  iterations: number;
  results: number;
  diagnostics: number;
  /** How often each code was reported. */
  readonly codes: Record<string, number>;
  readonly findings: Finding[];
  /** The slowest single input, in ms (reported, never asserted: no timed tests). */
  slowestMs: number;
  slowest: string;
}

/** KC + 4 digits, not in the internal band. */
const USER_CODE = /^KC[0-8]\d{3}$/;

/** Runs one case and classifies what happened. */
export async function runCase(fuzzCase: FuzzCase): Promise<{ kind: 'result' } | { kind: 'diagnostic'; code: string } | { kind: 'finding'; problem: string }> {
  try {
    const violated = await fuzzCase.run();
    return violated ? { kind: 'finding', problem: violated } : { kind: 'result' };
  } catch (error) {
    if (error instanceof DiagnosticError) {
      const code = error.diagnostic.code;
      if (USER_CODE.test(code)) return { kind: 'diagnostic', code };
      return { kind: 'finding', problem: `internal diagnostic ${code}: ${error.diagnostic.message}` };
    }
    const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { kind: 'finding', problem: `uncaught ${stack.split('\n').slice(0, 6).join('\n')}` };
  }
}

export interface RunOptions {
  readonly iterations: number;
  readonly seed: number;
  /** Treat `seed` as the seed of a single iteration (replay a finding). */
  readonly exact?: boolean;
  readonly maxFindings?: number;
}

/** Runs `iterations` cases of `target`; iteration i uses `iterationSeed(seed, i)`. */
export async function runTarget<C>(target: FuzzTarget<C>, context: C, options: RunOptions): Promise<FuzzStats> {
  const stats: FuzzStats = {
    target: target.name,
    seed: options.seed,
    iterations: 0,
    results: 0,
    diagnostics: 0,
    codes: {},
    findings: [],
    slowestMs: 0,
    slowest: '',
  };
  for (let i = 0; i < options.iterations; i++) {
    const seed = options.exact ? options.seed >>> 0 : iterationSeed(options.seed, i);
    const fuzzCase = target.generate(createPrng(seed), context);
    const started = performance.now();
    const outcome = await runCase(fuzzCase);
    const elapsed = performance.now() - started;
    if (elapsed > stats.slowestMs) {
      stats.slowestMs = elapsed;
      stats.slowest = fuzzCase.description;
    }
    stats.iterations++;
    if (outcome.kind === 'result') stats.results++;
    else if (outcome.kind === 'diagnostic') {
      stats.diagnostics++;
      stats.codes[outcome.code] = (stats.codes[outcome.code] ?? 0) + 1;
    } else {
      stats.findings.push({ target: target.name, seed, description: fuzzCase.description, problem: outcome.problem });
      if (stats.findings.length >= (options.maxFindings ?? 20)) break;
    }
  }
  return stats;
}

/** A finding as one readable block (seed first, so it can be replayed). */
export function formatFinding(finding: Finding): string {
  return `[${finding.target}] seed ${finding.seed}: ${finding.description}\n  ${finding.problem.replace(/\n/g, '\n  ')}`;
}

/** The seed of the bounded tests: fixed so CI is reproducible; FUZZ_SEED overrides it. */
export function testSeed(): number {
  const fromEnv = Number(process.env.FUZZ_SEED);
  return Number.isInteger(fromEnv) && fromEnv >= 0 ? fromEnv >>> 0 : 20261125;
}
