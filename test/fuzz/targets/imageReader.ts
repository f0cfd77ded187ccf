// Fuzz target: the boot image reader (image/bootImage/readImage.ts) on mutations of real images —
// the built `fixtures/systems/hello` example when the build works, and the image tests' sample —
// with the total size and checksums fixed up (sealImage) so the deeper section checks are reached.
import { readImage, sealImage, writeImage, type BootImage } from '../../../image/bootImage/index.js';
import { bootImage } from '../../../runtime/boot/index.js';
import { checkInvariants } from '../../../runtime/kernel/invariants.js';
import { runSystem } from '../../../runtime/run.js';
import { input as sampleInput } from '../../image/bootImage/sampleImage.js';
import { INTERESTING_U32, mutate, type MutationHints } from '../support/mutators.js';
import type { FuzzTarget } from '../support/harness.js';
import type { Prng } from '../support/prng.js';

const HEADER_SIZE = 64;
const ENTRY_SIZE = 24;
const TOTAL_SIZE_FIELD = 28;

export interface ImageSeed {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly hints: MutationHints;
}

/** Header words, every section-table word and the first words of every section. */
export function imageHints(bytes: Uint8Array): MutationHints {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fieldOffsets = [8, 12, 16, 20, 24, 28];
  const boundaries = [0, 8, HEADER_SIZE];
  const count = view.getUint32(20, true);
  const table = view.getUint32(24, true);
  boundaries.push(table, table + count * ENTRY_SIZE);
  for (let i = 0; i < count; i++) {
    const entry = table + i * ENTRY_SIZE;
    for (let field = 0; field < ENTRY_SIZE; field += 4) fieldOffsets.push(entry + field);
    const offset = view.getUint32(entry + 4, true);
    const size = view.getUint32(entry + 8, true);
    boundaries.push(offset, offset + size);
    // Section headers: component entry/name/counts/strings size, untyped count, meta lengths.
    for (let field = 0; field < Math.min(size, 96); field += 4) fieldOffsets.push(offset + field);
  }
  return { fieldOffsets, boundaries, littleEndian: true };
}

/** Seals `bytes` when its section table lies inside it (sealImage expects that); else leaves it. */
export function resealIfPossible(bytes: Uint8Array): Uint8Array {
  if (bytes.length < HEADER_SIZE) return bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(20, true);
  const table = view.getUint32(24, true);
  if (table < HEADER_SIZE || table + count * ENTRY_SIZE > bytes.length) return bytes;
  return sealImage(bytes);
}

/** Section-table edits the issue names: pointing outside, overlapping, huge sizes and counts. */
function structuralEdit(bytes: Uint8Array, rng: Prng): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(20, true);
  const table = view.getUint32(24, true);
  if (count === 0 || table + count * ENTRY_SIZE > bytes.length) return 'none';
  const entry = table + rng.below(count) * ENTRY_SIZE;
  const other = table + rng.below(count) * ENTRY_SIZE;
  switch (rng.below(6)) {
    case 0:
      view.setUint32(entry + 4, bytes.length - rng.below(64), true);
      return 'section points past the end';
    case 1:
      view.setUint32(entry + 4, view.getUint32(other + 4, true), true);
      return 'section overlaps another';
    case 2:
      view.setUint32(entry + 8, rng.pick(INTERESTING_U32), true);
      return 'huge section size';
    case 3:
      view.setUint32(20, rng.pick([count + 1, 0xffff, 0x0fff_ffff, 0xffff_ffff]), true);
      return 'huge section count';
    case 4: {
      // A count or size field inside a section (component segments/symbols/strings, untyped count).
      const offset = view.getUint32(entry + 4, true);
      const field = offset + 4 * rng.below(6);
      if (field + 4 <= bytes.length) view.setUint32(field, rng.pick([0xffff_ffff, 0x7fff_ffff, 0x0100_0000, 0x10_0000]), true);
      return 'huge count inside a section';
    }
    default:
      view.setUint32(entry + 4, HEADER_SIZE - 8 * rng.below(8), true);
      return 'section overlaps the header';
  }
}

/**
 * `boot` also boots every image the reader accepts and runs it briefly (target `image-boot`): the
 * BOOTINFO, UNTYPED, DTB and COMPONENT contents then reach the machine and the kernel.
 */
export function imageReaderTarget(seeds: () => Promise<readonly ImageSeed[]>, boot = false): FuzzTarget<readonly ImageSeed[]> {
  return {
    name: boot ? 'image-boot' : 'image',
    prepare: seeds,
    generate(rng, seedImages) {
      const seed = rng.pick(seedImages);
      let bytes: Uint8Array;
      const steps: string[] = [];
      if (rng.chance(0.35)) {
        bytes = seed.bytes.slice();
        steps.push(structuralEdit(bytes, rng));
      } else {
        const mutated = mutate(seed.bytes, rng, seed.hints);
        bytes = mutated.bytes;
        steps.push(...mutated.applied);
      }
      // Usually fix up what the first checks look at, so the mutation reaches the section decoders.
      if (rng.chance(0.8) && bytes.length >= HEADER_SIZE) new DataView(bytes.buffer).setUint32(TOTAL_SIZE_FIELD, bytes.length, true);
      if (rng.chance(0.8)) {
        bytes = resealIfPossible(bytes);
        steps.push('resealed');
      }
      return {
        description: `${seed.name}: ${steps.join(', ')} (${bytes.length} bytes)`,
        run: () => {
          const image = readImage(bytes, 'fuzz.img');
          if (boot) return bootAndRun(image);
        },
      };
    },
  };
}

/** Boots an image the reader accepted, runs it for a few thousand instructions, checks the kernel. */
function bootAndRun(image: BootImage): string | void {
  const booted = bootImage(image, { sink: {} });
  if (!booted.ok) {
    const uncoded = booted.diagnostics.filter((d) => !/^KC[0-8]\d{3}$/.test(d.code));
    if (uncoded.length || booted.diagnostics.length === 0) return `boot refused without a user diagnostic: ${uncoded.map((d) => d.code).join(', ')}`;
    return;
  }
  runSystem(booted.system, { maxInstructions: 5_000 });
  const broken = checkInvariants(booted.system.kernel);
  if (broken.length) return `invariants broken after boot and run: ${broken.join('; ')}`;
}

/** The image tests' sample, always available. */
export function sampleImageSeed(): ImageSeed {
  const bytes = writeImage(sampleInput);
  return { name: 'sample', bytes, hints: imageHints(bytes) };
}
