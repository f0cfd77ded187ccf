// Bounded fuzz run of the re-sealing mutator (issue 18): plan JSON and DTB mutated inside validly
// sealed images of the examples, re-sealed, then read as inspect and check read them (image reader,
// summary, FDT decoder, platform model, plan shape, system rules): a result or a KC diagnostic every
// time, rules broken and kept both reached (the long mode is `npm run fuzz -- --target resealed`).
import { describe, expect, it } from 'vitest';
import { formatFinding, runTarget, testSeed } from './support/harness.js';
import { resealSeeds } from './targets/index.js';
import { resealedTarget } from './targets/resealed.js';

const ITERATIONS = 600;

describe('re-sealed image fuzz', () => {
  it('mutated plans and DTBs in sealed images end in results or KC diagnostics, never an exception', async () => {
    const target = resealedTarget(resealSeeds);
    const context = await target.prepare();
    const seed = testSeed();
    const stats = await runTarget(target, context, { iterations: ITERATIONS, seed });
    expect(stats.findings.map(formatFinding), `seed ${seed}`).toEqual([]);
    expect(stats.iterations).toBe(ITERATIONS);
    const reached = context.coverage;
    expect(reached['read'] ?? 0).toBeGreaterThan(ITERATIONS / 2);
    expect(reached['rules broken'] ?? 0).toBeGreaterThan(0);
    expect(reached['rules kept'] ?? 0).toBeGreaterThan(0);
    expect(reached['plan malformed'] ?? 0).toBeGreaterThan(0);
    expect(stats.diagnostics).toBeGreaterThan(0);
    expect(reached['booted'] ?? 0).toBeGreaterThan(0);
  }, 240_000);
});
