// Bounded fuzz run of descriptor validation: JSON variants of the examples and fixtures with
// deletions, wrong types, out-of-range numbers, duplicates and cycles give diagnostics, never throw
// (the long mode is `npm run fuzz -- --target descriptor`).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeHost } from '../../compiler/host.js';
import { validateFile } from '../../compiler/validate.js';
import { formatFinding, runTarget, testSeed } from './support/harness.js';
import { descriptorPlatformFiles, descriptorSeeds } from './support/seeds.js';
import { descriptorsTarget, type DescriptorContext } from './targets/descriptors.js';

const ITERATIONS = 60;

describe('descriptor fuzz', () => {
  const target = descriptorsTarget(descriptorSeeds, descriptorPlatformFiles());
  let context: DescriptorContext;
  beforeAll(async () => {
    context = await target.prepare();
  }, 120_000);
  afterAll(() => target.dispose!(context));

  async function codesOf(edit: (system: any) => void): Promise<string[]> {
    const system = structuredClone(context.seeds.find((s) => s.name === 'ping-pong')!.value) as any;
    edit(system);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-fuzz-case-')), 'case.system.json');
    try {
      fs.writeFileSync(file, JSON.stringify(system));
      return (await validateFile(file, nodeHost, path.dirname(file))).diagnostics.map((d) => d.code);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  }

  it('loads the example systems and the diagnostic fixtures as seeds', () => {
    const names = context.seeds.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['hello', 'ping-pong', 'uart-echo', 'timer', 'fault']));
    expect(names.length).toBeGreaterThan(30);
  });

  it('every mutated descriptor gives diagnostics with KC codes, never an exception', async () => {
    const seed = testSeed();
    const stats = await runTarget(target, context, { iterations: ITERATIONS, seed });
    expect(stats.findings.map(formatFinding), `seed ${seed}`).toEqual([]);
    expect(stats.results).toBe(ITERATIONS);
  }, 120_000);

  it('a fault-handler cycle is reported as KC3007', async () => {
    const codes = await codesOf((s) => {
      s.components[0].faultHandler = s.components[1].name;
      s.components[1].faultHandler = s.components[0].name;
    });
    expect(codes).toContain('KC3007');
  });

  it('a PPC cycle between two components is reported', async () => {
    const codes = await codesOf((s) => s.channels.push({ name: 'back', from: 'server', to: 'client', ppc: true, notify: false }));
    expect(codes.some((c) => c === 'KC3030' || c === 'KC3031'), codes.join(' ')).toBe(true);
  });

  it('a duplicated component is reported as KC3001', async () => {
    expect(await codesOf((s) => s.components.push(structuredClone(s.components[0])))).toContain('KC3001');
  });

  it('an out-of-range priority and a wrong type are schema errors', async () => {
    expect(await codesOf((s) => (s.components[0].priority = 256))).toContain('KC1006');
    expect(await codesOf((s) => (s.components[0].priority = 'high'))).toContain('KC1004');
  });

  it('a deleted required property is a schema error', async () => {
    expect(await codesOf((s) => delete s.components[0].name)).toContain('KC1005');
  });
});
