// Fuzz target: the FDT decoder (image/fdt/decodeFdt.ts) and the platform model built from what it
// decodes (image/platform.ts `platformFromFdt`), on mutations of the corpus blobs compiled by dtc
// and the bundled kaal-virt-rv32 DTB. FDT is big-endian.
import { decodeFdt } from '../../../image/fdt/index.js';
import { platformFromFdt } from '../../../image/platform.js';
import { mutate, type MutationHints } from '../support/mutators.js';
import type { FuzzTarget } from '../support/harness.js';

export interface DtbSeed {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly hints: MutationHints;
}

/** The header words, the block boundaries and a sample of the structure block's tokens and lengths. */
export function dtbHints(bytes: Uint8Array): MutationHints {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fieldOffsets = [4, 8, 12, 16, 20, 24, 28, 32, 36];
  const structOffset = view.getUint32(8, false);
  const stringsOffset = view.getUint32(12, false);
  const reserveOffset = view.getUint32(16, false);
  const stringsSize = view.getUint32(32, false);
  const structSize = view.getUint32(36, false);
  for (let offset = structOffset; offset < structOffset + structSize && offset + 4 <= bytes.length; offset += 4) {
    // FDT_PROP (3) is followed by its length and name offset: the fields worth breaking.
    if (view.getUint32(offset, false) === 3) fieldOffsets.push(offset, offset + 4, offset + 8);
  }
  const boundaries = [0, 40, reserveOffset, structOffset, structOffset + structSize, stringsOffset, stringsOffset + stringsSize];
  return { fieldOffsets, boundaries: boundaries.filter((b) => b <= bytes.length), littleEndian: false };
}

export function fdtDecoderTarget(seeds: () => readonly { name: string; bytes: Uint8Array }[]): FuzzTarget<readonly DtbSeed[]> {
  return {
    name: 'fdt',
    prepare: () => seeds().map((s) => ({ ...s, hints: dtbHints(s.bytes) })),
    generate(rng, dtbSeeds) {
      const seed = rng.pick(dtbSeeds);
      const { bytes, applied } = mutate(seed.bytes, rng, seed.hints);
      // Keep totalsize consistent half the time so the block checks are reached.
      if (rng.chance(0.5) && bytes.length >= 8) new DataView(bytes.buffer).setUint32(4, bytes.length, false);
      return {
        description: `${seed.name}: ${applied.join(', ')} (${bytes.length} bytes)`,
        run: () => {
          const tree = decodeFdt(bytes, { file: 'fuzz.dtb' });
          // platformFromFdt promises never to throw for a decoded tree, not even a diagnostic.
          try {
            platformFromFdt(tree);
          } catch (error) {
            return `platformFromFdt threw for a decoded tree: ${error instanceof Error ? (error.stack ?? error.message).split('\n').slice(0, 6).join('\n') : String(error)}`;
          }
        },
      };
    },
  };
}
