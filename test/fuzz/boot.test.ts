// Bounded fuzz run of the boot and a short run of images with mutated plans: boot refuses them with
// KC diagnostics or runs them, never throws, and the kernel invariants hold after boot and run
// (the long mode is `npm run fuzz -- --target boot`).
import { describe, expect, it } from 'vitest';
import { readImage } from '../../image/bootImage/index.js';
import { bootImage } from '../../runtime/boot/index.js';
import type { Plan } from '../../schema/plan.generated.js';
import { rewriteImage } from '../runtime/exampleImages.js';
import { formatFinding, runTarget, testSeed } from './support/harness.js';
import { bootSeeds, buildExampleImage } from './support/seeds.js';
import { bootTarget } from './targets/boot.js';

const ITERATIONS = 25;

/** Boots the hello image with its plan edited (checksums and the root task's table written again). */
async function bootWithPlan(edit: (plan: { invocations: Record<string, unknown>[] }) => void) {
  const image = readImage((await buildExampleImage('hello'))!);
  const plan = structuredClone(image.plan) as unknown as { invocations: Record<string, unknown>[] };
  edit(plan);
  return bootImage(rewriteImage(image, { plan: plan as unknown as Plan }));
}

describe('boot fuzz', () => {
  it('mutated plans are refused with diagnostics or boot and run', async () => {
    const target = bootTarget(bootSeeds);
    const context = await target.prepare();
    expect(context.seeds.map((s) => s.name)).toContain('ping-pong');
    const seed = testSeed();
    const stats = await runTarget(target, context, { iterations: ITERATIONS, seed });
    expect(stats.findings.map(formatFinding), `seed ${seed}`).toEqual([]);
    expect(context.coverage['refused'] ?? 0).toBeGreaterThan(0);
    expect(context.coverage['booted'] ?? 0).toBeGreaterThan(0);
  }, 240_000);

  // Regressions for docs/reliability.md finding 1 (found by this fuzz target, fixed by H12).
  it('an image whose plan has an invocation with an unknown op is refused with a diagnostic', async () => {
    const booted = await bootWithPlan((plan) => (plan.invocations[0]!.op = 'Nonsense_Op'));
    expect(booted.ok).toBe(false);
    if (!booted.ok) expect(booted.diagnostics.map((d) => d.code).every((c) => /^KC7\d{3}$/.test(c))).toBe(true);
  }, 120_000);

  it('an image whose plan retypes at nodeOffset -1 is refused with a diagnostic', async () => {
    const booted = await bootWithPlan((plan) => {
      plan.invocations.find((i) => i.op === 'Untyped_Retype')!.nodeOffset = -1;
    });
    expect(booted.ok).toBe(false);
    if (!booted.ok) expect(booted.diagnostics.map((d) => d.code).every((c) => /^KC7\d{3}$/.test(c))).toBe(true);
  }, 120_000);
});
