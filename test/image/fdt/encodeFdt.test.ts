// The encoder lays blobs out as dtc 1.6.1 does: every corpus tree decodes and re-encodes byte for byte.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFdt } from '../../../image/fdt/decodeFdt.js';
import { encodeFdt } from '../../../image/fdt/encodeFdt.js';
import { DiagnosticError } from '../../../schema/diagnostics.js';
import { compileCorpus, type CorpusTree } from './corpus.js';

let corpus: ReturnType<typeof compileCorpus>;
beforeAll(() => {
  corpus = compileCorpus();
});
afterAll(() => corpus?.cleanup());

describe('encodeFdt', () => {
  it('compiles the whole corpus (18 base trees, 1 generated, 5 with overlays)', () => {
    expect(corpus.trees.length).toBe(24);
  });

  it('shares a property name with the tail of an earlier one, as dtc does (KC2014 for names an FDT cannot hold)', () => {
    const value = new Uint8Array(0);
    const blob = encodeFdt({
      version: 17,
      bootCpuId: 0,
      reservations: [],
      root: { name: '', properties: [{ name: 'dma-ranges', value }, { name: 'ranges', value }, { name: 'reg', value }], children: [] },
    });
    const view = new DataView(blob.buffer);
    const strings = Buffer.from(blob.subarray(view.getUint32(12), view.getUint32(12) + view.getUint32(32))).toString('latin1');
    expect(strings).toBe('dma-ranges\0reg\0');
    // The second property's name offset points into 'dma-ranges'.
    expect(view.getUint32(view.getUint32(8) + 8 + 12 + 8)).toBe(4);
    expect(() =>
      encodeFdt({ version: 17, bootCpuId: 0, reservations: [], root: { name: 'bad\0name', properties: [], children: [] } }),
    ).toThrow(DiagnosticError);
  });

  it('re-encodes every dtc-compiled corpus tree to the identical blob', () => {
    const mismatched: string[] = [];
    for (const tree of corpus.trees as CorpusTree[]) {
      const again = encodeFdt(decodeFdt(tree.dtb));
      if (Buffer.compare(Buffer.from(again), Buffer.from(tree.dtb)) !== 0) mismatched.push(tree.name);
    }
    expect(mismatched).toEqual([]);
  });
});
