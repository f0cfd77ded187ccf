// The promise of `validate` (issue 15): no errors from validate ⇔ `plan` succeeds ⇔ `build` (from the
// prebuilt ELFs; C only where a component has no ELF) succeeds, with no code build reports that validate misses. Checked
// over every descriptor fixture and a generated corpus of systems near the planner's limits.
import { describe, expect, it } from 'vitest';
import fg from 'fast-glob';
import { validateFile } from '../../compiler/validate.js';
import { planDescriptor } from '../../compiler/planDescriptor.js';
import { buildSystem } from '../../compiler/build.js';
import { nodeHost } from '../../compiler/host.js';
import { createPrng, type Prng } from '../fuzz/support/prng.js';
import { repoRoot, sampleElf, useFiles } from '../helpers/files.js';

const files = useFiles();

interface Outcome {
  readonly validate: string[];
  readonly plan: string[];
  readonly build: string[];
}

const errorCodes = (list: readonly { code: string; severity: string }[]) =>
  [...new Set(list.filter((d) => d.severity === 'error').map((d) => d.code))].sort();

async function outcomes(file: string, cwd: string): Promise<Outcome> {
  const validated = await validateFile(file, nodeHost, cwd);
  const planned = await planDescriptor(file, nodeHost, { cwd });
  const built = await buildSystem(file, { cwd });
  expect(planned.plan === null, `${file}: plan`).toBe(errorCodes(planned.diagnostics).length > 0);
  expect(built.image === undefined, `${file}: build`).toBe(errorCodes(built.diagnostics).length > 0);
  return { validate: errorCodes(validated.diagnostics), plan: errorCodes(planned.diagnostics), build: errorCodes(built.diagnostics) };
}

/** plan reports what validate does; build stops at its first failing stage, so it may report less, never other. */
function expectAgreement(file: string, outcome: Outcome): void {
  expect(outcome.plan, `${file}: plan vs validate`).toEqual(outcome.validate);
  expect(outcome.build.length === 0, `${file}: build ${outcome.build} vs validate ${outcome.validate}`).toBe(outcome.validate.length === 0);
  for (const code of outcome.build) expect(outcome.validate, `${file}: build's ${code}`).toContain(code);
}

describe('validate ⇔ plan ⇔ build', () => {
  const fixtures = fg
    .sync(['fixtures/invalid/*.system.*', 'fixtures/systems/**/*.system.*'], { cwd: repoRoot })
    .sort()
    // 511 components: planning fails at once, but `build` loads each prebuilt-less component's header first.
    .filter((f) => !f.includes('KC4005'));

  it('there are fixtures of both kinds', () => {
    expect(fixtures.length).toBeGreaterThan(60);
  });

  for (const file of fixtures) {
    it(`${file}: the three agree`, async () => {
      expectAgreement(file, await outcomes(file, repoRoot));
    }, 60_000);
  }

  it('a generated corpus near the limits: the three agree on every system', async () => {
    const prng = createPrng(15);
    let failing = 0;
    for (let i = 0; i < 40; i++) {
      const { descriptor, extra } = generateSystem(prng, i);
      const dir = files({ 'gen.system.json': JSON.stringify(descriptor, null, 2), 'good.elf': sampleElf, 'junk.elf': 'not an elf', ...extra });
      const outcome = await outcomes('gen.system.json', dir);
      expectAgreement(`generated #${i}: ${JSON.stringify(descriptor)}`, outcome);
      if (outcome.validate.length > 0) failing++;
    }
    // The corpus exercises both sides of the equivalence.
    expect(failing).toBeGreaterThan(5);
    expect(failing).toBeLessThan(35);
  }, 300_000);
});

/** A random system of ELF-only components: region sizes and addresses, vaddrs, ELF paths and names near the limits. */
function generateSystem(prng: Prng, i: number): { descriptor: Record<string, unknown>; extra: Record<string, string> } {
  const count = prng.between(1, 4);
  const regions = Array.from({ length: prng.between(0, 2) }, (_, r) => ({
    name: `r${r}`,
    size: prng.pick([0x1000, 0x2000, 0x10_0000, 0x700_0000, 0x800_0000]),
    ...(prng.chance(0.3) ? { paddr: prng.pick([0x8000_0000, 0x8040_0000, 0x8800_0000, 0x1_0000_0000 - 0x1000, 0x9000_0000]) } : {}),
  }));
  const components = Array.from({ length: count }, (_, c) => ({
    name: `c${c}`,
    priority: 10 + c,
    code: { elf: prng.pick(['good.elf', 'good.elf', 'good.elf', 'junk.elf', 'missing.elf']) },
    memory: regions
      .filter(() => prng.chance(0.6))
      .map((r) => ({ region: r.name, ...(prng.chance(0.3) ? { vaddr: prng.pick([0x1_0000, 0x2000_0000, 0x3fff_f000]) } : {}) })),
  }));
  const channels = count > 1 && prng.chance(0.5) ? [{ name: prng.pick(['to-srv', 'to_srv', 'x']), from: 'c0', to: 'c1', notify: true }] : [];
  if (channels.length && prng.chance(0.5)) channels.push({ name: channels[0]!.name === 'to-srv' ? 'to_srv' : 'y', from: 'c0', to: 'c1', notify: true });
  return {
    descriptor: { name: `gen${i}`, components, ...(regions.length ? { memoryRegions: regions } : {}), ...(channels.length ? { channels } : {}) },
    extra: {},
  };
}
