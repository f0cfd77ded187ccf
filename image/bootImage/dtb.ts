// The DTB section holds the flattened device tree as is. The image reader checks only its FDT header
// (magic, totalsize); image/fdt decodes the rest when the machine is built from it.
import { hex } from './format.js';
import { FDT_MAGIC, FDT_V17_HEADER_BYTES as FDT_HEADER_SIZE } from '../fdt/fdtTree.js';

/** Why `bytes` is not a whole FDT blob, or undefined. */
export function dtbProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length < FDT_HEADER_SIZE) return `${bytes.length} bytes is shorter than the ${FDT_HEADER_SIZE}-byte FDT header`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== FDT_MAGIC) return `FDT magic is '${hex(magic)}', expected '${hex(FDT_MAGIC)}'`;
  const totalSize = view.getUint32(4, false);
  if (totalSize !== bytes.length) return `FDT totalsize is ${totalSize} but the section has ${bytes.length} bytes`;
  return undefined;
}
