// The predicted bootinfo untypeds of kaal-virt-rv32 (docs/plan.md "Physical memory and untypeds").
import { describe, expect, it } from 'vitest';
import { predictUntypeds, splitRegion } from '../../../compiler/plan/untyped.js';
import { loadPlatform } from '../../../compiler/loadPlatform.js';
import { repoRoot } from '../../helpers/files.js';

describe('predictUntypeds', () => {
  it('splits a region into maximal naturally aligned blocks of at most 2^29', () => {
    expect(splitRegion(0x8040_0000, 0x8800_0000)).toEqual([
      { paddr: 0x8040_0000, sizeBits: 22 },
      { paddr: 0x8080_0000, sizeBits: 23 },
      { paddr: 0x8100_0000, sizeBits: 24 },
      { paddr: 0x8200_0000, sizeBits: 25 },
      { paddr: 0x8400_0000, sizeBits: 26 },
    ]);
    expect(splitRegion(0, 0x8000_0000).map((b) => b.sizeBits)).toEqual([29, 29, 29, 29]);
    expect(splitRegion(0x1000, 0x1008)).toEqual([]);
  });

  it('on kaal-virt-rv32: device untypeds cover [0, 2^32) minus RAM, then RAM minus the first 4 MiB', async () => {
    const { platform } = await loadPlatform('kaal-virt-rv32', repoRoot);
    const { untyped, kernelReserved } = predictUntypeds(platform);
    expect(kernelReserved).toEqual({ base: 0x8000_0000, size: 0x40_0000 });
    expect(untyped.map((u) => [u.paddr, u.sizeBits, u.isDevice])).toEqual([
      [0x0000_0000, 29, true],
      [0x2000_0000, 29, true],
      [0x4000_0000, 29, true],
      [0x6000_0000, 29, true],
      [0x8800_0000, 27, true],
      [0x9000_0000, 28, true],
      [0xa000_0000, 29, true],
      [0xc000_0000, 29, true],
      [0xe000_0000, 29, true],
      [0x8040_0000, 22, false],
      [0x8080_0000, 23, false],
      [0x8100_0000, 24, false],
      [0x8200_0000, 25, false],
      [0x8400_0000, 26, false],
    ]);
    expect(untyped.map((u) => u.slot)).toEqual(untyped.map((_, i) => 16 + i));
  });
});
