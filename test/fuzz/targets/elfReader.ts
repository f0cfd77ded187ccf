// Fuzz target: the ELF32 reader (image/elf.ts) on mutations of the fixture ELFs (fixtures/elf,
// the example systems' prebuilt ELFs, the machine tests' programs), aimed at the header, the
// program and section header tables and the symbol table fields.
import { readElf } from '../../../image/elf.js';
import { mutate, type MutationHints } from '../support/mutators.js';
import type { FuzzTarget } from '../support/harness.js';

export interface ElfSeed {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly hints: MutationHints;
}

const PROGRAM_HEADER_SIZE = 32;
const SECTION_HEADER_SIZE = 40;

/** Header words, every program and section header word, and the table boundaries. */
export function elfHints(bytes: Uint8Array): MutationHints {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fieldOffsets = [16, 20, 24, 28, 32, 36, 40, 44, 48];
  const phoff = view.getUint32(28, true);
  const shoff = view.getUint32(32, true);
  const phnum = view.getUint16(44, true);
  const shnum = view.getUint16(48, true);
  const boundaries = [0, 16, 52, phoff, phoff + phnum * PROGRAM_HEADER_SIZE, shoff, shoff + shnum * SECTION_HEADER_SIZE];
  for (let i = 0; i < phnum; i++) {
    const header = phoff + i * PROGRAM_HEADER_SIZE;
    for (let field = 0; field < PROGRAM_HEADER_SIZE; field += 4) fieldOffsets.push(header + field);
    boundaries.push(view.getUint32(header + 4, true), view.getUint32(header + 4, true) + view.getUint32(header + 16, true));
  }
  for (let i = 0; i < shnum; i++) {
    const header = shoff + i * SECTION_HEADER_SIZE;
    for (let field = 0; field < SECTION_HEADER_SIZE; field += 4) fieldOffsets.push(header + field);
    const offset = view.getUint32(header + 16, true);
    boundaries.push(offset, offset + view.getUint32(header + 20, true));
  }
  return { fieldOffsets, boundaries: boundaries.filter((b) => b <= bytes.length), littleEndian: true };
}

export function elfReaderTarget(seeds: () => readonly { name: string; bytes: Uint8Array }[]): FuzzTarget<readonly ElfSeed[]> {
  return {
    name: 'elf',
    prepare: () => seeds().map((s) => ({ ...s, hints: elfHints(s.bytes) })),
    generate(rng, elfSeeds) {
      const seed = rng.pick(elfSeeds);
      const { bytes, applied } = mutate(seed.bytes, rng, seed.hints);
      if (rng.chance(0.2) && bytes.length >= 52) {
        // The 16-bit counts: e_phnum (44) or e_shnum (48) at their maximum.
        new DataView(bytes.buffer).setUint16(rng.pick([44, 48]), rng.pick([0xffff, 0x8000, 0]), true);
        applied.push('huge table count');
      }
      return {
        description: `${seed.name}: ${applied.join(', ')} (${bytes.length} bytes)`,
        run: () => void readElf(bytes, 'fuzz.elf'),
      };
    },
  };
}
