// Checks and planner on systems of 20 000 components (issue 15): nothing in them recurses as deep as
// the input is long, so a PPC chain or cycle that long gives diagnostics, not a stack overflow.
import { describe, expect, it } from 'vitest';
import { systemSchema } from '../../../schema/descriptor.js';
import { checkDescriptor } from '../../../compiler/check/index.js';
import { loadPlatform } from '../../../compiler/loadPlatform.js';
import { planSystem } from '../../../compiler/plan/index.js';
import { createPrng } from '../../fuzz/support/prng.js';
import { repoRoot } from '../../helpers/files.js';

const COMPONENTS = 20_000;

/** `n` components; PPC channels from each to the next (a chain), and back to the first when `cycle`. */
function chain(n: number, cycle: boolean, priorityOf: (i: number) => number) {
  const code = { elf: 'x.elf' };
  const components = Array.from({ length: n }, (_, i) => ({ name: `c${i}`, priority: priorityOf(i), code }));
  const channels = Array.from({ length: n - 1 }, (_, i) => ({ from: `c${i}`, to: `c${i + 1}`, ppc: true, notify: false }));
  if (cycle) channels.push({ from: `c${n - 1}`, to: 'c0', ppc: true, notify: false });
  return systemSchema.parse({ name: 'big', components, channels });
}

describe('20 000-component systems', () => {
  it('a PPC chain of 20 000 components: one KC3030 per downward call, no stack overflow', async () => {
    const { platform } = await loadPlatform('kaal-virt-rv32', repoRoot);
    // Priorities rise 0..254 and wrap: every 255th call goes down.
    const { diagnostics } = checkDescriptor(chain(COMPONENTS, false, (i) => i % 255), platform);
    const downward = Array.from({ length: COMPONENTS - 1 }, (_, i) => i).filter((i) => i % 255 >= (i + 1) % 255).length;
    expect(diagnostics.filter((d) => d.code === 'KC3030')).toHaveLength(downward);
    expect(diagnostics.every((d) => d.code === 'KC3030')).toBe(true);
  }, 120_000);

  it('a PPC cycle through 20 000 components is one KC3031 naming them all', async () => {
    const { platform } = await loadPlatform('kaal-virt-rv32', repoRoot);
    const { diagnostics } = checkDescriptor(chain(COMPONENTS, true, () => 100), platform);
    const cycles = diagnostics.filter((d) => d.code === 'KC3031');
    expect(cycles).toHaveLength(1);
    expect(cycles[0]!.message.split(' → ')).toHaveLength(COMPONENTS + 1);
  }, 120_000);

  it('random PPC graphs of 20 000 components are checked and planned without a throw', async () => {
    const { platform } = await loadPlatform('kaal-virt-rv32', repoRoot);
    const prng = createPrng(20_000);
    const system = chain(COMPONENTS, false, () => prng.between(0, 254));
    for (let i = 0; i < COMPONENTS; i++) {
      system.channels.push({ ...system.channels[0]!, name: `extra${i}`, from: `c${prng.below(COMPONENTS)}`, to: `c${prng.below(COMPONENTS)}` });
    }
    const { model, diagnostics } = checkDescriptor(system, platform);
    expect(diagnostics.length).toBeGreaterThan(0);
    // The planner on the same model: more components than ASIDs (KC4005), reported, not thrown.
    const planned = planSystem(model, platform, {}, { platformName: 'kaal-virt-rv32' });
    expect(planned.diagnostics.map((d) => d.code)).toContain('KC4005');
  }, 120_000);
});
