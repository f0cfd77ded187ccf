// Byte-level mutators for the binary readers' fuzz tests (AFL-style havoc: bit flips, interesting
// integers, truncation, splices), plus the "interesting" 32-bit values that hit size/offset checks.
import type { Prng } from './prng.js';

/** Values that break size and offset arithmetic: zero, ones, sign and overflow edges, huge sizes. */
export const INTERESTING_U32: readonly number[] = [
  0, 1, 2, 3, 4, 7, 8, 0xf, 0x10, 0x20, 0x40, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0xffff, 0x1_0000,
  0x10_0000, 0x100_0000, 0x7fff_ffff, 0x8000_0000, 0x8000_0001, 0xffff_fff0, 0xffff_fffc, 0xffff_ffff,
];

/** One mutation applied in place or producing a new buffer; `name` goes into the finding. */
export interface Mutation {
  readonly name: string;
  apply(bytes: Uint8Array, rng: Prng, hints: MutationHints): Uint8Array;
}

/** Where the interesting fields of a format are: offsets of 32-bit fields and structure boundaries. */
export interface MutationHints {
  /** Byte offsets of header/table words worth overwriting with interesting values. */
  readonly fieldOffsets: readonly number[];
  /** Offsets where structures begin or end (truncating there reaches each length check). */
  readonly boundaries: readonly number[];
  readonly littleEndian: boolean;
}

function writeU32(bytes: Uint8Array, offset: number, value: number, littleEndian: boolean): void {
  if (offset < 0 || offset + 4 > bytes.length) return;
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(offset, value >>> 0, littleEndian);
}

function readU32(bytes: Uint8Array, offset: number, littleEndian: boolean): number {
  if (offset < 0 || offset + 4 > bytes.length) return 0;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset, littleEndian);
}

const anyOffset = (bytes: Uint8Array, rng: Prng): number => rng.below(Math.max(1, bytes.length));
const fieldOffset = (bytes: Uint8Array, rng: Prng, hints: MutationHints): number =>
  hints.fieldOffsets.length && rng.chance(0.8) ? rng.pick(hints.fieldOffsets) : rng.below(Math.max(1, bytes.length >> 2)) * 4;

export const mutations: readonly Mutation[] = [
  {
    name: 'bit flip',
    apply: (bytes, rng) => {
      if (bytes.length) bytes[anyOffset(bytes, rng)]! ^= 1 << rng.below(8);
      return bytes;
    },
  },
  {
    name: 'random byte',
    apply: (bytes, rng) => {
      if (bytes.length) bytes[anyOffset(bytes, rng)] = rng.below(256);
      return bytes;
    },
  },
  {
    name: 'interesting field value',
    apply: (bytes, rng, hints) => {
      writeU32(bytes, fieldOffset(bytes, rng, hints), rng.pick(INTERESTING_U32), hints.littleEndian);
      return bytes;
    },
  },
  {
    name: 'field off by a little',
    apply: (bytes, rng, hints) => {
      const offset = fieldOffset(bytes, rng, hints);
      writeU32(bytes, offset, readU32(bytes, offset, hints.littleEndian) + rng.between(-16, 16), hints.littleEndian);
      return bytes;
    },
  },
  {
    name: 'field set to the file size',
    apply: (bytes, rng, hints) => {
      writeU32(bytes, fieldOffset(bytes, rng, hints), bytes.length + rng.between(-8, 8), hints.littleEndian);
      return bytes;
    },
  },
  {
    name: 'random word',
    apply: (bytes, rng, hints) => {
      writeU32(bytes, fieldOffset(bytes, rng, hints), rng.u32(), hints.littleEndian);
      return bytes;
    },
  },
  {
    name: 'truncate at a boundary',
    apply: (bytes, rng, hints) => {
      const cut = hints.boundaries.length && rng.chance(0.7) ? rng.pick(hints.boundaries) + rng.between(-1, 1) : anyOffset(bytes, rng);
      return bytes.slice(0, Math.max(0, Math.min(bytes.length, cut)));
    },
  },
  {
    name: 'copy a block over another',
    apply: (bytes, rng) => {
      if (bytes.length < 2) return bytes;
      const length = rng.between(1, Math.min(64, bytes.length));
      const from = rng.below(bytes.length - length + 1);
      const to = rng.below(bytes.length - length + 1);
      bytes.copyWithin(to, from, from + length);
      return bytes;
    },
  },
  {
    name: 'insert bytes',
    apply: (bytes, rng) => {
      const at = rng.below(bytes.length + 1);
      const extra = new Uint8Array(rng.between(1, 32)).map(() => rng.below(256));
      const out = new Uint8Array(bytes.length + extra.length);
      out.set(bytes.subarray(0, at));
      out.set(extra, at);
      out.set(bytes.subarray(at), at + extra.length);
      return out;
    },
  },
  {
    name: 'delete bytes',
    apply: (bytes, rng) => {
      if (!bytes.length) return bytes;
      const at = rng.below(bytes.length);
      const length = rng.between(1, Math.min(32, bytes.length - at));
      const out = new Uint8Array(bytes.length - length);
      out.set(bytes.subarray(0, at));
      out.set(bytes.subarray(at + length), at);
      return out;
    },
  },
];

/** A copy of `seed` with 1–4 random mutations applied; the names say what was done. */
export function mutate(seed: Uint8Array, rng: Prng, hints: MutationHints): { bytes: Uint8Array; applied: string[] } {
  let bytes: Uint8Array = seed.slice();
  const applied: string[] = [];
  const count = rng.between(1, 4);
  for (let i = 0; i < count; i++) {
    const mutation = rng.pick(mutations);
    bytes = mutation.apply(bytes, rng, hints);
    applied.push(mutation.name);
  }
  return { bytes, applied };
}
