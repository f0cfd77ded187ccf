// Decodes a Flattened Device Tree blob (Devicetree Specification v0.4, chapter 5; versions 16 and 17).
// Every header offset and size is checked against the blob before use; malformed input throws a
// DiagnosticError naming the field and its offset, never a RangeError from a DataView.
import { D, fail, type DiagnosticError } from '../../schema/diagnostics.js';
import {
  FDT_BEGIN_NODE,
  FDT_END,
  FDT_END_NODE,
  FDT_LAST_COMPATIBLE_VERSION,
  FDT_MAGIC,
  FDT_NOP,
  FDT_PROP,
  FDT_V16_HEADER_BYTES,
  FDT_V17_HEADER_BYTES,
  FDT_WRITE_VERSION,
  type FdtNode,
  type FdtProperty,
  type FdtReservation,
  type FdtTree,
} from './fdtTree.js';

/** Deeper nesting than this is rejected, so that recursive consumers cannot overflow the stack. */
export const FDT_MAX_DEPTH = 512;

export interface DecodeOptions {
  /** Shown in diagnostics as the file the blob came from. */
  readonly file?: string;
}

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;

interface MutableNode {
  name: string;
  properties: FdtProperty[];
  children: MutableNode[];
}

/** Decodes `blob`; throws `DiagnosticError` (KC20xx) when it is not a well-formed FDT. */
export function decodeFdt(blob: Uint8Array, options: DecodeOptions = {}): FdtTree {
  const location = options.file === undefined ? {} : { file: options.file };
  const size = blob.byteLength;
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);

  if (size < 4) throw fail(D.fdtTruncated, { field: 'magic', offset: hex(0), needed: 4, size }, location);
  const magic = view.getUint32(0);
  if (magic !== FDT_MAGIC) throw fail(D.fdtBadMagic, { magic: hex(magic) }, location);
  if (size < 28) throw fail(D.fdtTruncated, { field: 'header', offset: hex(0), needed: 28, size }, location);

  const version = view.getUint32(20);
  const lastCompatible = view.getUint32(24);
  if (version < FDT_LAST_COMPATIBLE_VERSION || lastCompatible > FDT_WRITE_VERSION) {
    throw fail(D.fdtUnsupportedVersion, { version, lastCompatible }, location);
  }
  const headerBytes = version >= 17 ? FDT_V17_HEADER_BYTES : FDT_V16_HEADER_BYTES;
  if (size < headerBytes) {
    throw fail(D.fdtTruncated, { field: 'header', offset: hex(0), needed: headerBytes, size }, location);
  }

  const totalSize = view.getUint32(4);
  if (totalSize > size) {
    throw fail(D.fdtTruncated, { field: 'totalsize', offset: hex(4), needed: totalSize, size }, location);
  }
  if (totalSize < headerBytes) {
    throw fail(
      D.fdtBlockOutOfRange,
      { field: 'totalsize', offset: hex(4), value: hex(totalSize), block: 'header', end: hex(headerBytes), size: hex(totalSize) },
      location,
    );
  }

  // Each block must start after the header, be aligned, and end inside `totalsize`.
  const block = (name: string, offset: number, value: number, start: number, length: number, alignment: number, what: string) => {
    if (start % alignment !== 0) {
      throw fail(D.fdtMisaligned, { field: name, offset: hex(offset), value: hex(value), alignment }, location);
    }
    if (start < headerBytes || start + length > totalSize) {
      throw fail(
        D.fdtBlockOutOfRange,
        { field: name, offset: hex(offset), value: hex(value), block: what, end: hex(start + length), size: hex(totalSize) },
        location,
      );
    }
  };

  const structOffset = view.getUint32(8);
  const stringsOffset = view.getUint32(12);
  const reservationOffset = view.getUint32(16);
  const bootCpuId = view.getUint32(28);
  const stringsSize = view.getUint32(32);
  block('off_mem_rsvmap', 16, reservationOffset, reservationOffset, 16, 8, 'memory reservation block');
  block('off_dt_struct', 8, structOffset, structOffset, 4, 4, 'structure block');
  block('off_dt_strings', 12, stringsOffset, stringsOffset, 0, 1, 'strings block');
  block('size_dt_strings', 32, stringsSize, stringsOffset, stringsSize, 1, 'strings block');
  // Version 16 has no size_dt_struct: the structure block may run to the end of the blob.
  const structSize = version >= 17 ? view.getUint32(36) : totalSize - structOffset;
  if (version >= 17) block('size_dt_struct', 36, structSize, structOffset, structSize, 1, 'structure block');

  const reservations = decodeReservations(view, reservationOffset, totalSize, location);
  const root = decodeStructure(blob, view, structOffset, structOffset + structSize, stringsOffset, stringsSize, location);
  return { version, bootCpuId, reservations, root };
}

function decodeReservations(
  view: DataView,
  start: number,
  limit: number,
  location: { file?: string },
): FdtReservation[] {
  const reservations: FdtReservation[] = [];
  for (let offset = start; ; offset += 16) {
    if (offset + 16 > limit) throw fail(D.fdtReservationUnterminated, { offset: hex(start), end: hex(limit) }, location);
    const address = view.getBigUint64(offset);
    const size = view.getBigUint64(offset + 8);
    if (address === 0n && size === 0n) return reservations;
    reservations.push({ address, size });
  }
}

/** Latin-1 keeps every byte of a name, so encoding gives the same bytes back. */
function latin1(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i += 4096) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + 4096)) as unknown as number[]);
  }
  return text;
}

function decodeStructure(
  blob: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  stringsOffset: number,
  stringsSize: number,
  location: { file?: string },
): FdtNode {
  const names = new Map<number, string>();
  const propertyName = (nameOffset: number, at: number): string => {
    const cached = names.get(nameOffset);
    if (cached !== undefined) return cached;
    if (nameOffset >= stringsSize) {
      throw fail(D.fdtNameOffsetOutOfRange, { offset: hex(at), nameOffset: hex(nameOffset), size: stringsSize }, location);
    }
    const from = stringsOffset + nameOffset;
    const nul = blob.indexOf(0, from);
    if (nul < 0 || nul >= stringsOffset + stringsSize) {
      throw fail(D.fdtUnterminatedString, { nameOffset: hex(nameOffset), offset: hex(at) }, location);
    }
    const name = latin1(blob, from, nul);
    names.set(nameOffset, name);
    return name;
  };

  const stack: MutableNode[] = [];
  let root: MutableNode | undefined;
  let offset = start;
  for (;;) {
    if (offset + 4 > end) throw fail(D.fdtMissingEnd, { offset: hex(end) }, location);
    const token = view.getUint32(offset);
    const at = offset;
    offset += 4;
    switch (token) {
      case FDT_BEGIN_NODE: {
        const nul = blob.indexOf(0, offset);
        if (nul < 0 || nul >= end) throw fail(D.fdtUnterminatedName, { offset: hex(at), end: hex(end) }, location);
        const node: MutableNode = { name: latin1(blob, offset, nul), properties: [], children: [] };
        offset = align4(nul + 1);
        const parent = stack[stack.length - 1];
        if (parent !== undefined) parent.children.push(node);
        else if (root === undefined) root = node;
        else throw nesting('FDT_BEGIN_NODE', at, 'starts a second root node', location);
        if (stack.length >= FDT_MAX_DEPTH) throw nesting('FDT_BEGIN_NODE', at, `nests deeper than ${FDT_MAX_DEPTH} nodes`, location);
        stack.push(node);
        break;
      }
      case FDT_END_NODE:
        if (stack.pop() === undefined) throw nesting('FDT_END_NODE', at, 'closes a node but none is open', location);
        break;
      case FDT_PROP: {
        if (offset + 8 > end) {
          throw fail(D.fdtPropertyOutOfRange, { offset: hex(at), length: 8, end: hex(offset + 8), limit: hex(end) }, location);
        }
        const length = view.getUint32(offset);
        const nameOffset = view.getUint32(offset + 4);
        const valueStart = offset + 8;
        if (valueStart + length > end) {
          throw fail(
            D.fdtPropertyOutOfRange,
            { offset: hex(at), length, end: hex(valueStart + length), limit: hex(end) },
            location,
          );
        }
        const node = stack[stack.length - 1];
        if (node === undefined) throw nesting('FDT_PROP', at, 'is outside any node', location);
        node.properties.push({ name: propertyName(nameOffset, at), value: blob.slice(valueStart, valueStart + length) });
        offset = align4(valueStart + length);
        break;
      }
      case FDT_NOP:
        break;
      case FDT_END:
        if (root === undefined) throw nesting('FDT_END', at, 'ends the structure block before any node', location);
        if (stack.length > 0) {
          throw nesting('FDT_END', at, `ends the structure block with ${stack.length} node(s) still open`, location);
        }
        return root;
      default:
        throw fail(D.fdtUnknownToken, { token: hex(token), offset: hex(at) }, location);
    }
  }
}

function nesting(token: string, at: number, problem: string, location: { file?: string }): DiagnosticError {
  return fail(D.fdtNestingMismatch, { token, offset: hex(at), problem }, location);
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
