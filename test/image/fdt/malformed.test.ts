// Robustness: corrupted and truncated blobs either decode or throw a DiagnosticError — never a
// RangeError or a hang — and whatever decodes can be modelled, printed and re-encoded.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagnosticError } from '../../../schema/diagnostics.js';
import { decodeFdt } from '../../../image/fdt/decodeFdt.js';
import { encodeFdt } from '../../../image/fdt/encodeFdt.js';
import { printDts } from '../../../image/fdt/printDts.js';
import { platformFromFdt } from '../../../image/platform.js';
import { compileCorpus } from './corpus.js';

const bundledDtb = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/platforms/kaal-virt-rv32.dtb');

let corpus: ReturnType<typeof compileCorpus>;
beforeAll(() => {
  corpus = compileCorpus();
});
afterAll(() => corpus?.cleanup());

/** xorshift32: the same corruptions on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

/** Runs the whole pipeline; returns 'decoded' or the diagnostic code, rethrows anything else. */
function outcome(blob: Uint8Array): string {
  let tree;
  try {
    tree = decodeFdt(blob);
  } catch (error) {
    if (error instanceof DiagnosticError) return error.diagnostic.code;
    throw error;
  }
  platformFromFdt(tree);
  printDts(tree);
  encodeFdt(tree);
  return 'decoded';
}

describe('malformed blobs', () => {
  it('never crash the decoder, the platform model, the printer or the encoder (4000 corruptions)', () => {
    const next = random(0x6b61616c);
    const codes = new Set<string>();
    for (const name of ['kaal-virt-rv32', 'generated/qemu-riscv-virt32', 'rpi4', 'zynqmp']) {
      const source =
        name === 'kaal-virt-rv32' ? new Uint8Array(fs.readFileSync(bundledDtb)) : corpus.trees.find((t) => t.name === name)!.dtb;
      for (let i = 0; i < 1000; i++) {
        const blob = source.slice();
        const view = new DataView(blob.buffer);
        const kind = next() % 4;
        if (kind === 0) {
          // A random 32-bit word anywhere, aligned: tokens, lengths, name offsets, header fields.
          view.setUint32((next() % (blob.length >>> 2)) * 4, next() % 3 === 0 ? next() % 16 : next());
        } else if (kind === 1) {
          for (let j = 0; j < 8; j++) blob[next() % blob.length] = next() & 0xff;
        } else if (kind === 2) {
          view.setUint32((next() % 10) * 4, next() % (blob.length + 64));
        } else {
          codes.add(outcome(blob.subarray(0, next() % blob.length)));
          continue;
        }
        codes.add(outcome(blob));
      }
    }
    expect(codes.has('decoded')).toBe(true);
    expect([...codes].every((c) => c === 'decoded' || /^KC20\d\d$/.test(c))).toBe(true);
    expect(codes.size).toBeGreaterThan(6);
  });
});
