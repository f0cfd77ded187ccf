// Bounded fuzz run of the kernel: random system calls with random arguments from three components,
// with the invariant checker after every step (the long mode is `npm run fuzz -- --target kernel`).
import { describe, expect, it } from 'vitest';
import { ObjectType } from '../../schema/abi.js';
import { checkInvariants } from '../../runtime/kernel/invariants.js';
import { bootTestKernel, retype } from '../runtime/kernel/fixture.js';
import { formatFinding, runTarget, testSeed } from './support/harness.js';
import { kernelTarget } from './targets/kernel.js';

const ITERATIONS = 60;

describe('kernel fuzz', () => {
  it('random system calls never throw and keep every kernel invariant after each step', async () => {
    const target = kernelTarget();
    const coverage = await target.prepare();
    const seed = testSeed();
    const stats = await runTarget(target, coverage, { iterations: ITERATIONS, seed });
    expect(stats.findings.map(formatFinding), `seed ${seed}`).toEqual([]);
    expect(stats.results).toBe(ITERATIONS);
    // The random calls reach the kernel's paths: some invocations succeed, IPC and faults happen.
    expect(coverage['syscall'], JSON.stringify(coverage)).toBeGreaterThan(ITERATIONS * 5);
    expect(coverage['invocation ok'], JSON.stringify(coverage)).toBeGreaterThan(0);
    expect(coverage['invocation error'], JSON.stringify(coverage)).toBeGreaterThan(0);
    expect(coverage['fault'], JSON.stringify(coverage)).toBeGreaterThan(0);
  }, 60_000);

  // Regression for docs/reliability.md finding 2 (fixed by H12).
  it('the invariant checker handles a CNode of 2^17 slots', () => {
    const sys = bootTestKernel();
    retype(sys, ObjectType.CNode, 17);
    expect(checkInvariants(sys.kernel)).toEqual([]);
  }, 60_000);
});
