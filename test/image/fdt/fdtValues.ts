// Property values and trees written by hand for the FDT tests: raw bytes, big-endian cells, text
// (add the NUL yourself where the test needs one), and nodes of a tree without a blob behind them.
import type { FdtNode, FdtProperty, FdtTree } from '../../../image/fdt/fdtTree.js';

export const bytes = (...b: number[]) => new Uint8Array(b);
export const text = (s: string) => new TextEncoder().encode(s);
export const cells = (...values: number[]) => {
  const out = new Uint8Array(values.length * 4);
  values.forEach((v, i) => new DataView(out.buffer).setUint32(i * 4, v));
  return out;
};
export const prop = (name: string, value: Uint8Array): FdtProperty => ({ name, value });
export const node = (name: string, properties: FdtProperty[], children: FdtNode[] = []): FdtNode => ({ name, properties, children });
export const tree = (root: FdtNode): FdtTree => ({ version: 17, bootCpuId: 0, reservations: [], root });
