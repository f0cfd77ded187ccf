// Fuzz target: boot (runtime/boot) and a short run (runtime/run.ts) of example images whose PLAN was
// mutated like a descriptor and rewritten (checksums and the root task's plan table written again). Boot must refuse with diagnostics or boot,
// never throw; the kernel invariants hold after boot and after the run.
import { readImage, type BootImage } from '../../../image/bootImage/index.js';
import { bootImage } from '../../../runtime/boot/index.js';
import { checkInvariants } from '../../../runtime/kernel/invariants.js';
import { runSystem } from '../../../runtime/run.js';
import type { Plan } from '../../../schema/plan.generated.js';
import { rewriteImage } from '../../runtime/exampleImages.js';
import type { FuzzTarget } from '../support/harness.js';
import { mutateJson, type Json } from './descriptors.js';

const RUN_BUDGET = 20_000;

export interface BootSeed {
  readonly name: string;
  readonly image: BootImage;
}

/** What the boots reached: refused, booted, and how the short runs ended. */
export type BootCoverage = Record<string, number>;

/**
 * `skip` leaves parts of the plan alone (the long mode's `boot-outside-invocations` target uses it
 * to reach past the invocation list).
 */
export function bootTarget(
  images: () => Promise<readonly { name: string; bytes: Uint8Array }[]>,
  skip: (path: readonly (string | number)[]) => boolean = () => false,
  name = 'boot',
): FuzzTarget<{ seeds: BootSeed[]; coverage: BootCoverage }> {
  return {
    name,
    async prepare() {
      return { seeds: (await images()).map((s) => ({ name: s.name, image: readImage(s.bytes) })), coverage: {} };
    },
    report: ({ coverage }) => Object.entries(coverage).sort().map(([k, n]) => `${k} ${n}`).join(', '),
    generate(rng, { seeds, coverage }) {
      const seed = rng.pick(seeds);
      const plan = structuredClone(seed.image.plan) as Json;
      const steps: string[] = [];
      for (let i = rng.between(1, 3); i > 0; i--) steps.push(mutateJson(plan, rng, skip));
      const count = (key: string) => (coverage[key] = (coverage[key] ?? 0) + 1);
      return {
        description: `${seed.name}: plan ${steps.join('; ')}`,
        run() {
          const bytes = rewriteImage(seed.image, { plan: plan as unknown as Plan });
          const booted = bootImage(bytes, { sink: {} });
          if (!booted.ok) {
            count('refused');
            const uncoded = booted.diagnostics.filter((d) => !/^KC[0-8]\d{3}$/.test(d.code));
            if (uncoded.length || booted.diagnostics.length === 0) return `boot refused without a user diagnostic: ${uncoded.map((d) => d.code).join(', ')}`;
            return;
          }
          count('booted');
          const before = checkInvariants(booted.system.kernel);
          if (before.length) return `invariants broken after boot: ${before.join('; ')}`;
          const result = runSystem(booted.system, { maxInstructions: RUN_BUDGET });
          count(`run ${result.outcome}`);
          const after = checkInvariants(booted.system.kernel);
          if (after.length) return `invariants broken after the run: ${after.join('; ')}`;
        },
      };
    },
  };
}
