// Every bound the FDT decoder checks, exactly at it (accepted) and one past it (refused), with the
// full KC20xx message: header sizes per version, block offsets and ends, the reservation block's
// terminator, node and property names at the block's end, nesting depth, and long Latin-1 names.
import { describe, expect, it } from 'vitest';
import { DiagnosticError } from '../../../schema/diagnostics.js';
import { decodeFdt, FDT_MAX_DEPTH } from '../../../image/fdt/decodeFdt.js';
import { encodeFdt } from '../../../image/fdt/encodeFdt.js';
import type { FdtNode, FdtTree } from '../../../image/fdt/fdtTree.js';

const BEGIN_NODE = 1;
const END_NODE = 2;
const PROP = 3;
const NOP = 4;
const END = 9;

const hex = (n: number) => `0x${n.toString(16)}`;

/** Big-endian words. */
function words(...values: number[]): number[] {
  return values.flatMap((v) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
}

/** A node name (or any bytes) NUL-terminated and padded to 4 bytes. */
function padded(text: string, terminate = true): number[] {
  const bytes = [...Buffer.from(text, 'latin1'), ...(terminate ? [0] : [])];
  while (bytes.length % 4 !== 0) bytes.push(0);
  return bytes;
}

interface Layout {
  readonly struct: readonly number[];
  readonly strings?: readonly number[];
  readonly version?: number;
  /** Reservation entries before the zero terminator. */
  readonly reservations?: readonly (readonly [bigint, bigint])[];
  /** Strings block before the structure block (the structure block then ends the blob). */
  readonly stringsFirst?: boolean;
  /** Bytes after the last block, inside totalsize. */
  readonly tail?: readonly number[];
}

/** A blob laid out by hand: header (40 bytes), reservation block at 40, the two other blocks. */
function build(layout: Layout): { bytes: Uint8Array; view: DataView; structOffset: number; stringsOffset: number } {
  const strings = layout.strings ?? [];
  const reservations = layout.reservations ?? [];
  const rsvOffset = 40;
  const afterRsv = rsvOffset + 16 * (reservations.length + 1);
  const structOffset = layout.stringsFirst ? align4(afterRsv + strings.length) : afterRsv;
  const stringsOffset = layout.stringsFirst ? afterRsv : structOffset + layout.struct.length;
  const end = Math.max(structOffset + layout.struct.length, stringsOffset + strings.length);
  const total = end + (layout.tail?.length ?? 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0xd00dfeed);
  view.setUint32(4, total);
  view.setUint32(8, structOffset);
  view.setUint32(12, stringsOffset);
  view.setUint32(16, rsvOffset);
  view.setUint32(20, layout.version ?? 17);
  view.setUint32(24, 16);
  view.setUint32(28, 0);
  view.setUint32(32, strings.length);
  view.setUint32(36, layout.struct.length);
  reservations.forEach(([address, size], i) => {
    view.setBigUint64(rsvOffset + 16 * i, address);
    view.setBigUint64(rsvOffset + 16 * i + 8, size);
  });
  bytes.set(layout.struct, structOffset);
  bytes.set(strings, stringsOffset);
  if (layout.tail) bytes.set(layout.tail, end);
  return { bytes, view, structOffset, stringsOffset };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** The smallest tree: an empty root. */
const emptyRoot = [...words(BEGIN_NODE), ...padded(''), ...words(END_NODE, END)];

function refusal(bytes: Uint8Array, file?: string): { code: string; message: string; file?: string } {
  try {
    decodeFdt(bytes, file === undefined ? {} : { file });
  } catch (error) {
    if (!(error instanceof DiagnosticError)) throw error;
    const { code, message } = error.diagnostic;
    return 'file' in error.diagnostic ? { code, message, file: error.diagnostic.file } : { code, message };
  }
  throw new Error('decodeFdt accepted the blob');
}

const truncated = (field: string, offset: number, needed: number, size: number) => ({
  code: 'KC2001',
  message: `device tree blob is truncated: '${field}' at offset ${hex(offset)} needs ${needed} bytes but the blob has ${size}`,
});

const outOfRange = (field: string, offset: number, value: number, block: string, end: number, size: number) => ({
  code: 'KC2004',
  message: `device tree header field '${field}' at offset ${hex(offset)} is ${hex(value)}: the ${block} would end at ${hex(end)}, past the end of the blob (${hex(size)})`,
});

const nesting = (token: string, offset: number, problem: string) => ({
  code: 'KC2011',
  message: `structure block token '${token}' at offset ${hex(offset)} ${problem}`,
});

describe('decodeFdt header bounds', () => {
  it('needs 4 bytes for the magic and 28 for the version fields', () => {
    const { bytes } = build({ struct: emptyRoot });
    expect(refusal(bytes.slice(0, 3))).toEqual(truncated('magic', 0, 4, 3));
    expect(refusal(bytes.slice(0, 4))).toEqual(truncated('header', 0, 28, 4));
    expect(refusal(bytes.slice(0, 27))).toEqual(truncated('header', 0, 28, 27));
    // 28 bytes hold the version: a version 17 header needs 40.
    expect(refusal(bytes.slice(0, 28))).toEqual(truncated('header', 0, 40, 28));
  });

  it('needs 40 header bytes for version 17 and 36 for version 16', () => {
    const v17 = build({ struct: emptyRoot });
    expect(refusal(v17.bytes.slice(0, 39))).toEqual(truncated('header', 0, 40, 39));
    const v16 = build({ struct: emptyRoot, version: 16 });
    expect(refusal(v16.bytes.slice(0, 35))).toEqual(truncated('header', 0, 36, 35));
    // 36 bytes are a whole version 16 header: the next complaint is totalsize.
    expect(refusal(v16.bytes.slice(0, 36))).toEqual(truncated('totalsize', 4, v16.bytes.length, 36));
  });

  it('reads versions 16 and 17 with last compatible version up to 17; refuses 15 and 18 (KC2003)', () => {
    for (const [version, last] of [[16, 16], [17, 16], [17, 17], [16, 17]] as const) {
      const { bytes, view } = build({ struct: emptyRoot, version });
      view.setUint32(24, last);
      expect(decodeFdt(bytes).version).toBe(version);
    }
    const old = build({ struct: emptyRoot });
    old.view.setUint32(20, 15);
    expect(refusal(old.bytes)).toEqual({
      code: 'KC2003',
      message: 'device tree blob version 15 (last compatible version 16) is not supported',
    });
    const incompatible = build({ struct: emptyRoot });
    incompatible.view.setUint32(24, 18);
    expect(refusal(incompatible.bytes).message).toBe('device tree blob version 17 (last compatible version 18) is not supported');
  });

  it('takes totalsize up to the blob size (KC2001 one past) and at least the header (KC2004 one below)', () => {
    const { bytes, view } = build({ struct: emptyRoot });
    expect(decodeFdt(bytes).root.name).toBe('');
    view.setUint32(4, bytes.length + 1);
    expect(refusal(bytes)).toEqual(truncated('totalsize', 4, bytes.length + 1, bytes.length));
    view.setUint32(4, 39);
    expect(refusal(bytes)).toEqual(outOfRange('totalsize', 4, 39, 'header', 40, 39));
    // totalsize 40 holds the header; the reservation block at 40 is then past it.
    view.setUint32(4, 40);
    expect(refusal(bytes)).toEqual(outOfRange('off_mem_rsvmap', 16, 40, 'memory reservation block', 56, 40));
    // A version 16 blob's header is 36 bytes: totalsize 36 passes that check.
    const v16 = build({ struct: emptyRoot, version: 16 });
    v16.view.setUint32(4, 36);
    expect(refusal(v16.bytes)).toEqual(outOfRange('off_mem_rsvmap', 16, 40, 'memory reservation block', 56, 36));
    v16.view.setUint32(4, 35);
    expect(refusal(v16.bytes)).toEqual(outOfRange('totalsize', 4, 35, 'header', 36, 35));
  });

  it('names the file the blob came from, and no file when none was given', () => {
    const { bytes } = build({ struct: emptyRoot });
    expect(refusal(bytes.slice(0, 3), 'board.dtb').file).toBe('board.dtb');
    expect(refusal(bytes.slice(0, 3))).not.toHaveProperty('file');
  });
});

describe('decodeFdt block bounds', () => {
  it('wants the reservation block 8-aligned, after the header, inside totalsize', () => {
    const a = build({ struct: emptyRoot });
    a.view.setUint32(16, 44);
    expect(refusal(a.bytes)).toEqual({ code: 'KC2005', message: "device tree header field 'off_mem_rsvmap' at offset 0x10 is 0x2c, not aligned to 8 bytes" });
    a.view.setUint32(16, 32);
    expect(refusal(a.bytes)).toEqual(outOfRange('off_mem_rsvmap', 16, 32, 'memory reservation block', 48, a.bytes.length));
    // Version 16: 36 header bytes, so a reservation block at 40 follows 4 free bytes.
    const v16 = build({ struct: emptyRoot, version: 16 });
    expect(decodeFdt(v16.bytes).reservations).toEqual([]);
  });

  it('wants the structure block 4-aligned and after the header', () => {
    const a = build({ struct: emptyRoot });
    const structOffset = a.view.getUint32(8);
    a.view.setUint32(8, structOffset + 2);
    expect(refusal(a.bytes)).toEqual({
      code: 'KC2005',
      message: `device tree header field 'off_dt_struct' at offset 0x8 is ${hex(structOffset + 2)}, not aligned to 4 bytes`,
    });
    a.view.setUint32(8, 36);
    expect(refusal(a.bytes)).toEqual(outOfRange('off_dt_struct', 8, 36, 'structure block', 40, a.bytes.length));
  });

  it('takes a version 16 structure block that is its last 4 bytes (FDT_END there)', () => {
    const { bytes, view } = build({ struct: words(END), version: 16, stringsFirst: true });
    const structOffset = view.getUint32(8);
    expect(structOffset + 4).toBe(bytes.length);
    expect(refusal(bytes)).toEqual(nesting('FDT_END', structOffset, 'ends the structure block before any node'));
    // One word further, the structure block's first token is past totalsize.
    view.setUint32(8, structOffset + 4);
    expect(refusal(bytes)).toEqual(outOfRange('off_dt_struct', 8, structOffset + 4, 'structure block', structOffset + 8, bytes.length));
  });

  it('takes blocks ending exactly at totalsize, and refuses one byte more', () => {
    const { bytes, view, stringsOffset } = build({ struct: [...words(BEGIN_NODE), ...padded(''), ...words(PROP, 0, 0, END_NODE, END)], strings: padded('x', true).slice(0, 2) });
    expect(stringsOffset + 2).toBe(bytes.length);
    expect(decodeFdt(bytes).root.properties).toEqual([{ name: 'x', value: new Uint8Array(0) }]);
    view.setUint32(32, 3);
    expect(refusal(bytes)).toEqual(outOfRange('size_dt_strings', 32, 3, 'strings block', bytes.length + 1, bytes.length));
    view.setUint32(32, 2);
    view.setUint32(12, bytes.length + 1);
    expect(refusal(bytes)).toEqual(outOfRange('off_dt_strings', 12, bytes.length + 1, 'strings block', bytes.length + 1, bytes.length));
    // An empty strings block at totalsize itself is inside.
    const empty = build({ struct: emptyRoot });
    expect(empty.stringsOffset).toBe(empty.bytes.length);
    expect(decodeFdt(empty.bytes).root.children).toEqual([]);
    const structSize = empty.view.getUint32(36);
    empty.view.setUint32(36, structSize + 1);
    expect(refusal(empty.bytes)).toEqual(
      outOfRange('size_dt_struct', 36, structSize + 1, 'structure block', empty.bytes.length + 1, empty.bytes.length),
    );
  });

  it('reads a version 16 structure block to the end of the blob, whatever size_dt_struct holds', () => {
    const { bytes, view } = build({ struct: emptyRoot, version: 16, stringsFirst: true, strings: padded('') });
    view.setUint32(36, 0xffff_ffff);
    expect(decodeFdt(bytes).root.name).toBe('');
  });
});

describe('decodeFdt reservation block', () => {
  it('keeps an entry with address 0 or size 0 (only both zero ends the block)', () => {
    const { bytes } = build({ struct: emptyRoot, reservations: [[0n, 0x1000n], [0x8000_0000n, 0n]] });
    expect(decodeFdt(bytes).reservations).toEqual([
      { address: 0n, size: 0x1000n },
      { address: 0x8000_0000n, size: 0n },
    ]);
  });

  it('takes a terminator that is the last 16 bytes of the blob, and refuses a block without one (KC2013)', () => {
    const { bytes, view } = build({ struct: emptyRoot, stringsFirst: true });
    // Move the reservation block to the end: its zero terminator is the blob's last 16 bytes.
    const padded16 = new Uint8Array(bytes.length + 24);
    padded16.set(bytes);
    const at = (bytes.length + 7) & ~7;
    const grown = new DataView(padded16.buffer);
    grown.setUint32(4, at + 16);
    grown.setUint32(16, at);
    const blob = padded16.subarray(0, at + 16);
    expect(decodeFdt(blob).reservations).toEqual([]);
    grown.setBigUint64(at + 8, 1n);
    expect(refusal(blob)).toEqual({
      code: 'KC2013',
      message: `memory reservation block at offset ${hex(at)} has no terminating zero entry before ${hex(at + 16)}`,
    });
    expect(view.getUint32(0)).toBe(0xd00dfeed);
  });
});

describe('decodeFdt structure block', () => {
  it('refuses a node name whose NUL is the first byte past the block (KC2006), and one with no NUL at all', () => {
    const { bytes, view, structOffset } = build({ struct: emptyRoot });
    // size_dt_struct 4: the root's empty name (its NUL) lies just past the block.
    view.setUint32(36, 4);
    expect(refusal(bytes)).toEqual({
      code: 'KC2006',
      message: `node name at offset ${hex(structOffset)} is not terminated before the end of the structure block (${hex(structOffset + 4)})`,
    });
    // The structure block ends the blob with a name that has no NUL anywhere after it.
    const open = build({ struct: [...words(BEGIN_NODE), ...padded('abcd', false)], version: 16, stringsFirst: true });
    expect(refusal(open.bytes)).toEqual({
      code: 'KC2006',
      message: `node name at offset ${hex(open.structOffset)} is not terminated before the end of the structure block (${hex(open.bytes.length)})`,
    });
  });

  it('refuses a block that runs out of tokens (KC2010), naming its end', () => {
    const struct = [...words(BEGIN_NODE), ...padded(''), ...words(END_NODE)];
    const { bytes, structOffset } = build({ struct });
    expect(refusal(bytes)).toEqual({
      code: 'KC2010',
      message: `structure block ends at offset ${hex(structOffset + struct.length)} without an FDT_END token`,
    });
  });

  it('skips FDT_NOP anywhere and refuses an unknown token (KC2009)', () => {
    const struct = [...words(NOP, BEGIN_NODE), ...padded('a'), ...words(NOP, END_NODE, NOP, END)];
    expect(decodeFdt(build({ struct }).bytes).root.name).toBe('a');
    const bad = build({ struct: [...words(BEGIN_NODE), ...padded(''), ...words(5, END_NODE, END)] });
    expect(refusal(bad.bytes)).toEqual({ code: 'KC2009', message: `unknown structure block token '0x5' at offset ${hex(bad.structOffset + 8)}` });
  });

  it('refuses unbalanced structure (KC2011): a second root, a close with none open, a property outside any node, an early end', () => {
    const second = build({ struct: [...emptyRoot.slice(0, -4), ...words(BEGIN_NODE), ...padded(''), ...words(END_NODE, END)] });
    expect(refusal(second.bytes)).toEqual(nesting('FDT_BEGIN_NODE', second.structOffset + 12, 'starts a second root node'));
    const close = build({ struct: words(END_NODE, END) });
    expect(refusal(close.bytes)).toEqual(nesting('FDT_END_NODE', close.structOffset, 'closes a node but none is open'));
    const before = build({ struct: [...words(PROP, 0, 0), ...emptyRoot], strings: [0x61, 0] });
    expect(refusal(before.bytes)).toEqual(nesting('FDT_PROP', before.structOffset, 'is outside any node'));
    const after = build({ struct: [...emptyRoot.slice(0, -4), ...words(PROP, 0, 0, END)], strings: [0x61, 0] });
    expect(refusal(after.bytes)).toEqual(nesting('FDT_PROP', after.structOffset + 12, 'is outside any node'));
    const early = build({ struct: words(END) });
    expect(refusal(early.bytes)).toEqual(nesting('FDT_END', early.structOffset, 'ends the structure block before any node'));
  });

  it(`nests ${FDT_MAX_DEPTH} nodes deep and refuses one more`, () => {
    const nested = (depth: number): FdtNode => ({ name: depth === 1 ? '' : `n${depth}`, properties: [], children: [] });
    const chain = (depth: number): FdtTree => {
      let node: FdtNode = nested(depth);
      for (let d = depth - 1; d >= 1; d--) node = { ...nested(d), children: [node] };
      return { version: 17, bootCpuId: 0, reservations: [], root: node };
    };
    let node = decodeFdt(encodeFdt(chain(FDT_MAX_DEPTH))).root;
    let depth = 1;
    while (node.children.length > 0) {
      node = node.children[0]!;
      depth++;
    }
    expect(depth).toBe(FDT_MAX_DEPTH);
    const deep = encodeFdt(chain(FDT_MAX_DEPTH + 1));
    const view = new DataView(deep.buffer);
    // The 513th FDT_BEGIN_NODE: each node before it is a token and its name padded.
    let at = view.getUint32(8);
    for (let d = 1; d <= FDT_MAX_DEPTH; d++) at += 4 + align4((d === 1 ? 0 : `n${d}`.length) + 1);
    expect(refusal(deep)).toEqual(nesting('FDT_BEGIN_NODE', at, `nests deeper than ${FDT_MAX_DEPTH} nodes`));
  });
});

describe('decodeFdt properties', () => {
  it('takes a property header that ends the block (KC2010 next) and refuses one word less (KC2012)', () => {
    const exact = build({ struct: [...words(BEGIN_NODE), ...padded(''), ...words(PROP, 0, 0)], strings: [0x61, 0] });
    expect(refusal(exact.bytes).code).toBe('KC2010');
    const short = build({ struct: [...words(BEGIN_NODE), ...padded(''), ...words(PROP, 0)], strings: [0x61, 0] });
    const prop = short.structOffset + 8;
    expect(refusal(short.bytes)).toEqual({
      code: 'KC2012',
      message: `property at offset ${hex(prop)} has length 8: its value would end at ${hex(prop + 12)}, past the end of the structure block (${hex(prop + 8)})`,
    });
  });

  it('takes a value that ends the block (KC2010 next) and refuses one byte longer (KC2012)', () => {
    const struct = [...words(BEGIN_NODE), ...padded(''), ...words(PROP, 4, 0, 0xcafe)];
    const exact = build({ struct, strings: [0x61, 0] });
    expect(refusal(exact.bytes).code).toBe('KC2010');
    const long = build({ struct: [...words(BEGIN_NODE), ...padded(''), ...words(PROP, 5, 0, 0xcafe)], strings: [0x61, 0] });
    const prop = long.structOffset + 8;
    expect(refusal(long.bytes)).toEqual({
      code: 'KC2012',
      message: `property at offset ${hex(prop)} has length 5: its value would end at ${hex(prop + 17)}, past the end of the structure block (${hex(prop + 16)})`,
    });
  });

  it('reads the last name of the strings block, and refuses a name offset at its size (KC2008)', () => {
    const struct = (nameOffset: number) => [...words(BEGIN_NODE), ...padded(''), ...words(PROP, 0, nameOffset, PROP, 0, 0, END_NODE, END)];
    const last = build({ struct: struct(3), strings: [0x61, 0x62, 0, 0] });
    expect(decodeFdt(last.bytes).root.properties.map((p) => p.name)).toEqual(['', 'ab']);
    const past = build({ struct: struct(4), strings: [0x61, 0x62, 0, 0] });
    expect(refusal(past.bytes)).toEqual({
      code: 'KC2008',
      message: `property at offset ${hex(past.structOffset + 8)} has name offset 0x4, outside the strings block of 4 bytes`,
    });
  });

  it('refuses a property name whose NUL is the first byte past the strings block (KC2007)', () => {
    const struct = [...words(BEGIN_NODE), ...padded(''), ...words(PROP, 0, 1, END_NODE, END)];
    const { bytes, stringsOffset, structOffset } = build({ struct, strings: [0, 0x62], tail: [0, 0] });
    expect(bytes[stringsOffset + 2]).toBe(0);
    expect(refusal(bytes)).toEqual({
      code: 'KC2007',
      message: `property name at strings-block offset 0x1 (property at offset ${hex(structOffset + 8)}) is not terminated before the end of the strings block`,
    });
  });

  it('reads one name offset for several properties (and each property its own value)', () => {
    const struct = [...words(BEGIN_NODE), ...padded(''), ...words(PROP, 4, 0, 1, PROP, 4, 0, 2, PROP, 0, 2, END_NODE, END)];
    const { bytes } = build({ struct, strings: [0x61, 0x62, 0] });
    const properties = decodeFdt(bytes).root.properties;
    expect(properties.map((p) => p.name)).toEqual(['ab', 'ab', '']);
    expect(properties.map((p) => Array.from(p.value))).toEqual([[0, 0, 0, 1], [0, 0, 0, 2], []]);
  });

  it('keeps every byte of Latin-1 names of 4095 to 8193 characters (decoded in 4096-byte chunks)', () => {
    for (const length of [4095, 4096, 4097, 8193]) {
      const name = Array.from({ length }, (_, i) => String.fromCharCode(0x21 + (i % 0xde))).join('');
      const tree: FdtTree = {
        version: 17,
        bootCpuId: 0,
        reservations: [],
        root: { name: '', properties: [{ name, value: new Uint8Array([1]) }], children: [{ name, properties: [], children: [] }] },
      };
      const decoded = decodeFdt(encodeFdt(tree));
      expect(decoded.root.children[0]!.name === name, `node name of ${length}`).toBe(true);
      expect(decoded.root.properties[0]!.name === name, `property name of ${length}`).toBe(true);
    }
  });
});
