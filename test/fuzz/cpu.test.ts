// Bounded fuzz run of the CPU and MMU: random instruction words from random register states, paging
// off and on (the long mode is `npm run fuzz -- --target cpu`).
import { describe, expect, it } from 'vitest';
import { formatFinding, runTarget, testSeed } from './support/harness.js';
import { cpuTarget } from './targets/cpu.js';

const ITERATIONS = 3000;

describe('CPU fuzz', () => {
  it('random code always ends a run with a stop reason, x0 = 0 and a 32-bit pc', async () => {
    const target = cpuTarget();
    const context = await target.prepare();
    const seed = testSeed();
    const stats = await runTarget(target, context, { iterations: ITERATIONS, seed });
    expect(stats.findings.map(formatFinding), `seed ${seed}`).toEqual([]);
    expect(stats.results).toBe(ITERATIONS);
    // The inputs do execute: on average several instructions retire per case.
    expect(context.machine.cpu.instret).toBeGreaterThan(ITERATIONS * 5);
  }, 60_000);
});
