// Bounded fuzz run of the FDT decoder and platformFromFdt: mutated corpus blobs end in a tree (and
// a platform model) or a KC2xxx diagnostic (the long mode is `npm run fuzz -- --target fdt`).
import { describe, expect, it } from 'vitest';
import { decodeFdt } from '../../image/fdt/index.js';
import { DiagnosticError } from '../../schema/diagnostics.js';
import { formatFinding, runTarget, testSeed } from './support/harness.js';
import { dtbSeeds } from './support/seeds.js';
import { fdtDecoderTarget } from './targets/fdtDecoder.js';

const ITERATIONS = 2000;

function codeOf(bytes: Uint8Array): string {
  try {
    decodeFdt(bytes);
    return 'no error';
  } catch (error) {
    if (error instanceof DiagnosticError) return error.diagnostic.code;
    throw error;
  }
}

describe('FDT decoder fuzz', () => {
  const seeds = dtbSeeds();

  it('every mutated blob decodes (and gives a platform) or fails with a KC diagnostic', async () => {
    const target = fdtDecoderTarget(() => seeds);
    const context = await target.prepare();
    expect(context.length).toBeGreaterThan(5);
    const seed = testSeed();
    const stats = await runTarget(target, context, { iterations: ITERATIONS, seed });
    expect(stats.findings.map(formatFinding), `seed ${seed}`).toEqual([]);
    expect(stats.diagnostics).toBeGreaterThan(0);
    expect(stats.results).toBeGreaterThan(0);
  }, 60_000);

  it('a property declaring a 4 GiB length is rejected with a diagnostic', () => {
    const bytes = seeds[0]!.bytes.slice();
    const view = new DataView(bytes.buffer);
    const structOffset = view.getUint32(8, false);
    let offset = structOffset;
    while (view.getUint32(offset, false) !== 3) offset += 4; // first FDT_PROP
    view.setUint32(offset + 4, 0xffff_fff0, false);
    expect(codeOf(bytes)).toMatch(/^KC2\d{3}$/);
  });

  it('a header declaring blocks far beyond the blob is rejected with a diagnostic', () => {
    const bytes = seeds[0]!.bytes.slice();
    const view = new DataView(bytes.buffer);
    view.setUint32(36, 0x7fff_ffff, false); // size_dt_struct
    view.setUint32(32, 0x7fff_ffff, false); // size_dt_strings
    expect(codeOf(bytes)).toMatch(/^KC2\d{3}$/);
  });
});
