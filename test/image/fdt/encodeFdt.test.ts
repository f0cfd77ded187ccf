// The encoder lays blobs out as dtc 1.6.1 does: every corpus tree decodes and re-encodes byte for byte.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFdt } from '../../../image/fdt/decodeFdt.js';
import { encodeFdt } from '../../../image/fdt/encodeFdt.js';
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

  it('re-encodes every dtc-compiled corpus tree to the identical blob', () => {
    const mismatched: string[] = [];
    for (const tree of corpus.trees as CorpusTree[]) {
      const again = encodeFdt(decodeFdt(tree.dtb));
      if (Buffer.compare(Buffer.from(again), Buffer.from(tree.dtb)) !== 0) mismatched.push(tree.name);
    }
    expect(mismatched).toEqual([]);
  });
});
