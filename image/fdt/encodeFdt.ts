// Encodes a device tree as a version-17 FDT blob (Devicetree Specification v0.4, chapter 5) laid out
// exactly as `dtc -I dts -O dtb` 1.6.1 does with default options (flattree.c), so that a blob dtc
// wrote decodes and re-encodes to the same bytes: header (40 bytes), memory reservation block at
// offset 40 (8-aligned), structure block right after it, strings block after that, no padding.
import { D, fail } from '../../schema/diagnostics.js';
import {
  FDT_BEGIN_NODE,
  FDT_END,
  FDT_END_NODE,
  FDT_LAST_COMPATIBLE_VERSION,
  FDT_MAGIC,
  FDT_PROP,
  FDT_V17_HEADER_BYTES,
  FDT_WRITE_VERSION,
  type FdtNode,
  type FdtTree,
} from './fdtTree.js';

/**
 * The strings block as dtc builds it (`stringtable_insert`): names in first-use order of a
 * depth-first walk (a node's properties, then its children), and a name that equals the tail of a
 * string already in the table (`reg` inside `interrupt-reg`… or a whole earlier name) reuses that
 * offset — dtc scans the table from the start, so the lowest matching offset wins.
 */
class StringTable {
  readonly #offsets = new Map<string, number>();
  readonly #chunks: string[] = [];
  #length = 0;

  offsetOf(name: string): number {
    const known = this.#offsets.get(name);
    if (known !== undefined) return known;
    const offset = this.#length;
    this.#chunks.push(name);
    this.#length += name.length + 1;
    // Register every suffix not seen before: a later name equal to it shares these bytes.
    for (let i = 0; i < name.length; i++) {
      const suffix = name.slice(i);
      if (!this.#offsets.has(suffix)) this.#offsets.set(suffix, offset + i);
    }
    if (!this.#offsets.has('')) this.#offsets.set('', offset + name.length);
    return offset;
  }

  get length(): number {
    return this.#length;
  }

  writeTo(bytes: Uint8Array, at: number): void {
    let offset = at;
    for (const chunk of this.#chunks) {
      writeLatin1(bytes, offset, chunk);
      offset += chunk.length + 1;
    }
  }
}

function writeLatin1(bytes: Uint8Array, at: number, text: string): void {
  for (let i = 0; i < text.length; i++) bytes[at + i] = text.charCodeAt(i);
}

function checkName(kind: string, name: string): void {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code === 0 || code > 0xff) {
      throw fail(D.fdtEncodeInvalid, { problem: `${kind} name '${name}' has a character that cannot be stored` });
    }
  }
}

/** Encodes `tree` as an FDT v17 blob; throws KC2014 for names that an FDT cannot hold. */
export function encodeFdt(tree: FdtTree): Uint8Array {
  const strings = new StringTable();
  // First pass: structure size, and the strings table in dtc's insertion order.
  let structSize = 0;
  const measure = (node: FdtNode): void => {
    checkName('node', node.name);
    structSize += 4 + align4(node.name.length + 1);
    for (const property of node.properties) {
      checkName('property', property.name);
      strings.offsetOf(property.name);
      structSize += 12 + align4(property.value.byteLength);
    }
    for (const child of node.children) measure(child);
    structSize += 4;
  };
  measure(tree.root);
  structSize += 4;

  const reservationOffset = align(FDT_V17_HEADER_BYTES, 8);
  const structOffset = reservationOffset + 16 * (tree.reservations.length + 1);
  const stringsOffset = structOffset + structSize;
  const totalSize = stringsOffset + strings.length;

  const bytes = new Uint8Array(totalSize);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, FDT_MAGIC);
  view.setUint32(4, totalSize);
  view.setUint32(8, structOffset);
  view.setUint32(12, stringsOffset);
  view.setUint32(16, reservationOffset);
  view.setUint32(20, FDT_WRITE_VERSION);
  view.setUint32(24, FDT_LAST_COMPATIBLE_VERSION);
  view.setUint32(28, tree.bootCpuId >>> 0);
  view.setUint32(32, strings.length);
  view.setUint32(36, structSize);

  let offset = reservationOffset;
  for (const reservation of tree.reservations) {
    view.setBigUint64(offset, BigInt.asUintN(64, reservation.address));
    view.setBigUint64(offset + 8, BigInt.asUintN(64, reservation.size));
    offset += 16;
  }
  offset += 16;

  const write = (node: FdtNode): void => {
    view.setUint32(offset, FDT_BEGIN_NODE);
    writeLatin1(bytes, offset + 4, node.name);
    offset += 4 + align4(node.name.length + 1);
    for (const property of node.properties) {
      view.setUint32(offset, FDT_PROP);
      view.setUint32(offset + 4, property.value.byteLength);
      view.setUint32(offset + 8, strings.offsetOf(property.name));
      bytes.set(property.value, offset + 12);
      offset += 12 + align4(property.value.byteLength);
    }
    for (const child of node.children) write(child);
    view.setUint32(offset, FDT_END_NODE);
    offset += 4;
  };
  write(tree.root);
  view.setUint32(offset, FDT_END);
  strings.writeTo(bytes, stringsOffset);
  return bytes;
}

function align(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
