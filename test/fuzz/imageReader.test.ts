// Bounded fuzz run of the boot image reader: mutated real images end in an image or a KC6xxx
// diagnostic, never another exception (the long mode is `npm run fuzz -- --target image`).
import { describe, expect, it } from 'vitest';
import { readImage } from '../../image/bootImage/index.js';
import { DiagnosticError } from '../../schema/diagnostics.js';
import { formatFinding, runTarget, testSeed } from './support/harness.js';
import { imageSeeds } from './support/seeds.js';
import { imageReaderTarget, sampleImageSeed } from './targets/imageReader.js';

const ITERATIONS = 1500;

function codeOf(action: () => unknown): string {
  try {
    action();
    return 'no error';
  } catch (error) {
    if (error instanceof DiagnosticError) return error.diagnostic.code;
    throw error;
  }
}

describe('image reader fuzz', () => {
  it('every mutated image gives an image or a KC diagnostic, never another exception', async () => {
    const target = imageReaderTarget(imageSeeds);
    const seeds = await target.prepare();
    const seed = testSeed();
    const stats = await runTarget(target, seeds, { iterations: ITERATIONS, seed });
    expect(stats.findings.map(formatFinding), `seed ${seed}`).toEqual([]);
    expect(stats.iterations).toBe(ITERATIONS);
    // The fix-ups must get mutations past the checksums into the section decoders.
    expect(Object.keys(stats.codes).length, `seed ${seed}`).toBeGreaterThan(8);
  }, 120_000);

  it('the seeds include the real image build makes for fixtures/systems/hello', async () => {
    expect((await imageSeeds()).map((s) => s.name)).toEqual(['sample', 'hello']);
  }, 120_000);

  it('a section table declaring 2^32-1 sections is rejected without allocating for them', () => {
    const bytes = sampleImageSeed().bytes.slice();
    new DataView(bytes.buffer).setUint32(20, 0xffff_ffff, true);
    expect(codeOf(() => readImage(bytes))).toBe('KC6005');
  });

  it('truncation at every section boundary is rejected with a diagnostic', () => {
    const seed = sampleImageSeed();
    const codes = new Set<string>();
    for (const boundary of seed.hints.boundaries) {
      for (const cut of [boundary - 1, boundary, boundary + 1]) {
        if (cut < 0 || cut >= seed.bytes.length) continue;
        const bytes = seed.bytes.slice(0, cut);
        if (bytes.length >= 64) new DataView(bytes.buffer).setUint32(28, bytes.length, true);
        const code = codeOf(() => readImage(bytes));
        expect(code, `cut at ${cut}`).toMatch(/^KC6\d{3}$/);
        codes.add(code);
      }
    }
    expect(codes.size).toBeGreaterThan(1);
  });
});
