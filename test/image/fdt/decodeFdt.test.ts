// The decoder reads versions 16 and 17 and rejects every kind of malformed blob with a KC20xx
// diagnostic naming the field and offset, never a RangeError.
import { describe, expect, it } from 'vitest';
import { DiagnosticError } from '../../../schema/diagnostics.js';
import { decodeFdt } from '../../../image/fdt/decodeFdt.js';
import { encodeFdt } from '../../../image/fdt/encodeFdt.js';
import type { FdtTree } from '../../../image/fdt/fdtTree.js';
import { cells, text } from './fdtValues.js';


const sample: FdtTree = {
  version: 17,
  bootCpuId: 0,
  reservations: [{ address: 0x8000_0000n, size: 0x1_0000n }],
  root: {
    name: '',
    properties: [
      { name: '#address-cells', value: cells(1) },
      { name: '#size-cells', value: cells(1) },
      { name: 'compatible', value: text('kaal,test\0') },
    ],
    children: [
      { name: 'uart@1000', properties: [{ name: 'reg', value: cells(0x1000, 0x100) }, { name: 'status', value: text('okay\0') }], children: [] },
    ],
  },
};

/** Header field offsets (spec §5.2). */
const OFF_DT_STRUCT = 8;
const OFF_DT_STRINGS = 12;
const OFF_MEM_RSVMAP = 16;
const VERSION = 20;
const SIZE_DT_STRINGS = 32;

function blob(): { bytes: Uint8Array; view: DataView } {
  const bytes = encodeFdt(sample);
  return { bytes, view: new DataView(bytes.buffer) };
}

function codeOf(bytes: Uint8Array): { code: string; message: string } {
  try {
    decodeFdt(bytes, { file: 'bad.dtb' });
  } catch (error) {
    if (!(error instanceof DiagnosticError)) throw error;
    expect(error.diagnostic.file).toBe('bad.dtb');
    return { code: error.diagnostic.code, message: error.diagnostic.message };
  }
  throw new Error('decodeFdt accepted a malformed blob');
}

/** Offset of the first occurrence of a big-endian token at or after `from`. */
function findToken(view: DataView, token: number, from: number): number {
  for (let offset = from; offset + 4 <= view.byteLength; offset += 4) if (view.getUint32(offset) === token) return offset;
  throw new Error(`token ${token} not found`);
}

describe('decodeFdt', () => {
  it('decodes header, reservations, properties and children in blob order', () => {
    const tree = decodeFdt(blob().bytes);
    expect(tree.version).toBe(17);
    expect(tree.reservations).toEqual([{ address: 0x8000_0000n, size: 0x1_0000n }]);
    expect(tree.root.properties.map((p) => p.name)).toEqual(['#address-cells', '#size-cells', 'compatible']);
    expect(tree.root.children[0]!.name).toBe('uart@1000');
    expect(Array.from(tree.root.children[0]!.properties[0]!.value)).toEqual([0, 0, 0x10, 0, 0, 0, 1, 0]);
  });

  it('reads a version 16 blob (no size_dt_struct)', () => {
    const { bytes, view } = blob();
    view.setUint32(VERSION, 16);
    view.setUint32(36, 0);
    const tree = decodeFdt(bytes);
    expect(tree.version).toBe(16);
    expect(tree.root.children[0]!.name).toBe('uart@1000');
  });

  it('rejects a blob truncated at any point with KC2001', () => {
    const { bytes } = blob();
    for (const length of [0, 3, 10, 27, 39, 60, bytes.length - 1]) {
      const { code, message } = codeOf(bytes.slice(0, length));
      expect(code, `truncated to ${length}`).toBe('KC2001');
      expect(message).toContain(`the blob has ${length}`);
    }
  });

  it('rejects a bad magic number with KC2002', () => {
    const { bytes, view } = blob();
    view.setUint32(0, 0x7f454c46);
    expect(codeOf(bytes)).toEqual({ code: 'KC2002', message: "not a device tree blob: magic at offset 0x0 is '0x7f454c46', expected '0xd00dfeed'" });
  });

  it('rejects versions before 16, and blobs not readable as version 17, with KC2003', () => {
    const { bytes, view } = blob();
    view.setUint32(VERSION, 3);
    expect(codeOf(bytes).code).toBe('KC2003');
    view.setUint32(VERSION, 18);
    view.setUint32(24, 18);
    expect(codeOf(bytes).message).toBe('device tree blob version 18 (last compatible version 18) is not supported');
  });

  it('rejects block offsets and sizes outside the blob with KC2004, naming the field', () => {
    const a = blob();
    a.view.setUint32(OFF_DT_STRINGS, a.bytes.length + 4);
    expect(codeOf(a.bytes).message).toContain("'off_dt_strings' at offset 0xc");
    const b = blob();
    b.view.setUint32(SIZE_DT_STRINGS, 0x10000);
    expect(codeOf(b.bytes)).toMatchObject({ code: 'KC2004' });
    expect(codeOf(b.bytes).message).toContain("'size_dt_strings' at offset 0x20");
  });

  it('rejects a misaligned structure block with KC2005', () => {
    const { bytes, view } = blob();
    view.setUint32(OFF_DT_STRUCT, view.getUint32(OFF_DT_STRUCT) + 2);
    expect(codeOf(bytes).code).toBe('KC2005');
  });

  it('rejects a node name that runs past the structure block with KC2006', () => {
    const { bytes, view } = blob();
    const structStart = view.getUint32(OFF_DT_STRUCT);
    const structEnd = structStart + view.getUint32(36);
    // Overwrite the uart node's name and everything after it in the structure block with 'x'.
    const name = Buffer.from(bytes).indexOf('uart@1000');
    expect(name).toBeGreaterThan(structStart);
    bytes.fill(0x78, name, structEnd);
    expect(codeOf(bytes).code).toBe('KC2006');
  });

  it('rejects a property name without NUL in the strings block with KC2007', () => {
    const { bytes, view } = blob();
    const stringsEnd = view.getUint32(OFF_DT_STRINGS) + view.getUint32(SIZE_DT_STRINGS);
    bytes[stringsEnd - 1] = 0x78;
    expect(codeOf(bytes).code).toBe('KC2007');
  });

  it('rejects a property name offset outside the strings block with KC2008', () => {
    const { bytes, view } = blob();
    const prop = findToken(view, 3, view.getUint32(OFF_DT_STRUCT));
    view.setUint32(prop + 8, 0x1000);
    expect(codeOf(bytes).message).toBe(
      `property at offset 0x${prop.toString(16)} has name offset 0x1000, outside the strings block of ${view.getUint32(SIZE_DT_STRINGS)} bytes`,
    );
  });

  it('rejects an unknown token with KC2009', () => {
    const { bytes, view } = blob();
    view.setUint32(findToken(view, 3, view.getUint32(OFF_DT_STRUCT)), 0x7);
    expect(codeOf(bytes).code).toBe('KC2009');
  });

  it('rejects a structure block that never ends with KC2010', () => {
    const { bytes, view } = blob();
    view.setUint32(findToken(view, 9, view.getUint32(OFF_DT_STRUCT)), 4);
    expect(codeOf(bytes).code).toBe('KC2010');
  });

  it('rejects unbalanced nodes with KC2011', () => {
    const { bytes, view } = blob();
    const end = findToken(view, 9, view.getUint32(OFF_DT_STRUCT));
    view.setUint32(end - 4, 4);
    expect(codeOf(bytes)).toEqual({ code: 'KC2011', message: `structure block token 'FDT_END' at offset 0x${end.toString(16)} ends the structure block with 1 node(s) still open` });
  });

  it('rejects a property longer than the structure block with KC2012', () => {
    const { bytes, view } = blob();
    const prop = findToken(view, 3, view.getUint32(OFF_DT_STRUCT));
    view.setUint32(prop + 4, 0x100000);
    expect(codeOf(bytes).code).toBe('KC2012');
  });

  it('rejects a memory reservation block without its zero entry with KC2013', () => {
    const { bytes } = blob();
    const padded = new Uint8Array(bytes.length + 8 + 16);
    padded.set(bytes);
    const view = new DataView(padded.buffer);
    const at = (bytes.length + 7) & ~7;
    view.setBigUint64(at, 1n);
    view.setBigUint64(at + 8, 1n);
    view.setUint32(4, at + 16);
    view.setUint32(OFF_MEM_RSVMAP, at);
    expect(codeOf(padded.subarray(0, at + 16)).code).toBe('KC2013');
  });

  it('keeps tree and reservations of a blob with free space after the strings block', () => {
    const { bytes } = blob();
    const padded = new Uint8Array(1 << 20);
    padded.set(bytes);
    new DataView(padded.buffer).setUint32(4, 1 << 20);
    const tree = decodeFdt(padded);
    expect(tree.reservations).toEqual(sample.reservations);
    expect(Buffer.from(encodeFdt(tree))).toEqual(Buffer.from(bytes));
  });
});
