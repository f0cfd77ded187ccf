// The decoded form of a Flattened Device Tree (Devicetree Specification v0.4, chapter 5): plain data,
// properties and children in blob order, so that `encodeFdt(decodeFdt(blob))` gives the blob back.
// Also the constants of the format and small helpers to walk and read a tree.

/** `0xd00dfeed`, big-endian at offset 0. */
export const FDT_MAGIC = 0xd00dfeed;
/** Structure block tokens (spec §5.4.1). */
export const FDT_BEGIN_NODE = 0x1;
export const FDT_END_NODE = 0x2;
export const FDT_PROP = 0x3;
export const FDT_NOP = 0x4;
export const FDT_END = 0x9;
/** Header size of version 17 (10 big-endian u32 fields); version 16 lacks `size_dt_struct`. */
export const FDT_V17_HEADER_BYTES = 40;
export const FDT_V16_HEADER_BYTES = 36;
/** The version we write, and the oldest version a reader of ours must understand. */
export const FDT_WRITE_VERSION = 17;
export const FDT_LAST_COMPATIBLE_VERSION = 16;

/** One `/memreserve/` entry: physical address and size, 64-bit each. */
export interface FdtReservation {
  readonly address: bigint;
  readonly size: bigint;
}

export interface FdtProperty {
  readonly name: string;
  /** The raw value, big-endian cells or NUL-terminated strings as written. */
  readonly value: Uint8Array;
}

export interface FdtNode {
  /** Name with unit address (`serial@10000000`); `''` for the root. */
  readonly name: string;
  readonly properties: readonly FdtProperty[];
  readonly children: readonly FdtNode[];
}

export interface FdtTree {
  /** Version of the blob it was decoded from (16 or 17); encoding always writes 17. */
  readonly version: number;
  /** `boot_cpuid_phys` of the header. */
  readonly bootCpuId: number;
  readonly reservations: readonly FdtReservation[];
  readonly root: FdtNode;
}

/** A property's value, or undefined when the node has no such property. */
export function propertyValue(node: FdtNode, name: string): Uint8Array | undefined {
  for (const property of node.properties) if (property.name === name) return property.value;
  return undefined;
}

/** Big-endian 32-bit cells of a value (a trailing partial cell is ignored). */
export function cellsOf(value: Uint8Array): number[] {
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const cells: number[] = [];
  for (let offset = 0; offset + 4 <= value.byteLength; offset += 4) cells.push(view.getUint32(offset));
  return cells;
}

/** A single-cell property (`#address-cells`, `phandle`, …) or undefined when absent or not 4 bytes. */
export function u32Property(node: FdtNode, name: string): number | undefined {
  const value = propertyValue(node, name);
  if (value === undefined || value.byteLength !== 4) return undefined;
  return new DataView(value.buffer, value.byteOffset, 4).getUint32(0);
}

/** The NUL-separated strings of a string or string-list value; none for an empty value. */
export function stringsOf(value: Uint8Array): string[] {
  // An empty value (`compatible;`, or an absent property read as empty) holds no string at all.
  if (value.byteLength === 0) return [];
  const text = new TextDecoder().decode(value);
  const parts = text.split('\0');
  if (text.endsWith('\0')) parts.pop();
  return parts;
}

/** The first string of a property, or undefined when absent. */
export function stringProperty(node: FdtNode, name: string): string | undefined {
  const value = propertyValue(node, name);
  return value === undefined ? undefined : (stringsOf(value)[0] ?? '');
}

/** Joins a parent path and a child name: `/` + `soc` → `/soc`, `/soc` + `uart@0` → `/soc/uart@0`. */
export function childPath(parentPath: string, name: string): string {
  return parentPath === '/' ? `/${name}` : `${parentPath}/${name}`;
}

/** The node at an absolute path (`/soc/serial@10000000`), or undefined. */
export function findNodeByPath(root: FdtNode, path: string): FdtNode | undefined {
  if (!path.startsWith('/')) return undefined;
  let node: FdtNode | undefined = root;
  for (const part of path.split('/').filter((p) => p !== '')) {
    node = node.children.find((c) => c.name === part) ?? node.children.find((c) => c.name.split('@')[0] === part);
    if (node === undefined) return undefined;
  }
  return node;
}
