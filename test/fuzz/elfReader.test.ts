// Bounded fuzz run of the ELF32 reader: mutated fixture ELFs end in an ElfFile or a KC diagnostic,
// never another exception (the long mode is `npm run fuzz -- --target elf`).
import { describe, expect, it } from 'vitest';
import { readElf } from '../../image/elf.js';
import { DiagnosticError } from '../../schema/diagnostics.js';
import { formatFinding, runTarget, testSeed } from './support/harness.js';
import { elfFixtures } from './support/seeds.js';
import { elfReaderTarget } from './targets/elfReader.js';

const ITERATIONS = 3000;

describe('ELF reader fuzz', () => {
  it('every mutated ELF gives an ElfFile or a KC diagnostic, never another exception', async () => {
    const target = elfReaderTarget(elfFixtures);
    const seeds = await target.prepare();
    expect(seeds.length).toBeGreaterThan(10);
    const seed = testSeed();
    const stats = await runTarget(target, seeds, { iterations: ITERATIONS, seed });
    expect(stats.findings.map(formatFinding), `seed ${seed}`).toEqual([]);
    expect(stats.diagnostics).toBeGreaterThan(ITERATIONS / 4);
    expect(stats.results).toBeGreaterThan(0);
  }, 60_000);

  it('a segment declaring a 4 GiB file size is rejected without allocating it', () => {
    const bytes = elfFixtures()[0]!.bytes.slice();
    const view = new DataView(bytes.buffer);
    let phoff = view.getUint32(28, true);
    while (view.getUint32(phoff, true) !== 1) phoff += 32; // the first PT_LOAD
    view.setUint32(phoff + 16, 0xffff_ffff, true); // p_filesz
    view.setUint32(phoff + 20, 0xffff_ffff, true); // p_memsz
    let code = 'no error';
    try {
      readElf(bytes);
    } catch (error) {
      if (!(error instanceof DiagnosticError)) throw error;
      code = error.diagnostic.code;
    }
    expect(code).toMatch(/^KC6\d{3}$/);
  });
});
