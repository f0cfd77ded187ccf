// A COMPONENT section (image/bootImage/component.ts) called directly: page alignment of the
// clang-built fixture's segments, the load rules, the encoder's layout and each decoder check at its
// bound with its whole message. readImage.test.ts shows the reader naming the section (KC6018).
import { describe, expect, it } from 'vitest';
import { compareNames, componentProblem, decodeComponent, encodeComponent, normalizeComponent, pageAlignSegments } from '../../../image/bootImage/component.js';
import type { ImageComponent } from '../../../image/bootImage/index.js';
import { diagnosticOf, elf } from './sampleImage.js';

const page = (vaddr: number, flags = 5, data = new Uint8Array(0), memsz = 0x1000) => ({ vaddr, memsz, flags, data });
const problemOf = (decoded: { value: unknown } | { problem: string }): string => ('problem' in decoded ? decoded.problem : 'no problem');

describe('pageAlignSegments', () => {
  it("widens the fixture's three segments to whole pages, its bytes shifted by the lead", () => {
    const segments = pageAlignSegments('ping', elf.segments);
    expect(segments.map((s) => [s.vaddr, s.memsz, s.flags, s.data.length])).toEqual([
      [0x1_0000, 0x1000, 4, 0xe4],
      [0x1_1000, 0x1000, 5, 0xe4 + 0x7e],
      [0x1_2000, 0x2000, 6, 0x164 + 4],
    ]);
    expect(Array.from(segments[1]!.data.subarray(0, 0xe4)).every((b) => b === 0)).toBe(true);
    expect(Buffer.from(segments[1]!.data.subarray(0xe4)).equals(Buffer.from(elf.segments[1]!.data))).toBe(true);
    // A segment at a page start keeps its own bytes.
    expect(segments[0]!.data).toBe(elf.segments[0]!.data);
  });

  it('sorts by address, drops empty segments, and keeps a segment without data empty', () => {
    const segments = pageAlignSegments('c', [page(0x3000), { ...page(0x2000), memsz: 0 }, page(0x1010, 6, new Uint8Array(0), 0x10)]);
    expect(segments.map((s) => [s.vaddr, s.memsz, s.data.length])).toEqual([
      [0x1000, 0x1000, 0],
      [0x3000, 0x1000, 0],
    ]);
  });

  it('ends a segment at the page after its last byte', () => {
    expect(pageAlignSegments('c', [page(0x1fff, 5, new Uint8Array(1), 1)]).map((s) => [s.vaddr, s.memsz])).toEqual([[0x1000, 0x1000]]);
    expect(pageAlignSegments('c', [page(0x1fff, 5, new Uint8Array(1), 2)]).map((s) => [s.vaddr, s.memsz])).toEqual([[0x1000, 0x2000]]);
  });

  it('refuses more data than memsz (KC6030) and two segments in one page (KC6031), and takes adjacent pages', () => {
    expect(diagnosticOf(() => pageAlignSegments('c', [page(0x1000, 5, new Uint8Array(0x11), 0x10)]))).toEqual({
      code: 'KC6030',
      message: "cannot write the boot image: component 'c': segment at '0x1000' has 17 bytes of data but memsz 16",
    });
    expect(diagnosticOf(() => pageAlignSegments('c', [page(0x1000, 5, new Uint8Array(0x10), 0x10)]))).toEqual({ code: 'no error', message: '' });
    expect(diagnosticOf(() => pageAlignSegments('c', [page(0x2800, 6, new Uint8Array(0), 0x10), page(0x1000, 5, new Uint8Array(0), 0x1801)]))).toEqual({
      code: 'KC6031',
      message: "component 'c': segments at '0x1000' and '0x2800' share the page '0x2000'",
    });
    expect(pageAlignSegments('c', [page(0x2000, 6), page(0x1000, 5)]).map((s) => s.vaddr)).toEqual([0x1000, 0x2000]);
  });
});

describe('normalizeComponent and compareNames', () => {
  it('sorts symbols by their UTF-8 bytes, not by UTF-16 units', () => {
    // U+FF5E (UTF-8 ef bd 9e) before U+1F600 (f0 9f 98 80); UTF-16 order is the other way round.
    const names = ['\u{1f600}', 'b', '\uff5e', 'a', 'B'];
    const component = normalizeComponent({ name: 'c', entry: 0x1000, segments: [page(0x1000)], symbols: names.map((name, i) => ({ name, value: i, size: 0 })) });
    expect(component.symbols.map((s) => s.name)).toEqual(['B', 'a', 'b', '\uff5e', '\u{1f600}']);
    expect([compareNames('a', 'a'), compareNames('a', 'b'), compareNames('b', 'a')]).toEqual([0, -1, 1]);
    expect(normalizeComponent({ name: 'c', entry: 0x1000, segments: [page(0x1000)] }).symbols).toEqual([]);
  });
});

const good = (): ImageComponent => ({
  name: 'ping',
  entry: 0x1_1000,
  segments: [page(0x1_0000, 4, new Uint8Array(8).fill(1)), page(0x1_1000, 5, new Uint8Array(3).fill(2)), page(0x1_2000, 6, new Uint8Array(0), 0x2000)],
  symbols: [
    { name: 'a', value: 1, size: 2 },
    { name: 'ipc_buffer', value: 0x1_2000, size: 0x1000 },
  ],
});
const broken = (change: (c: { -readonly [K in keyof ImageComponent]: ImageComponent[K] }) => void) => {
  const c = good();
  change(c as never);
  return componentProblem(c);
};

describe('componentProblem', () => {
  it('takes a well-formed component', () => {
    expect(componentProblem(good())).toBeUndefined();
  });

  it('refuses an empty name, an entry that is no word, no segments', () => {
    expect(broken((c) => (c.name = ''))).toBe('the name is empty');
    expect(broken((c) => (c.entry = 2 ** 32))).toBe("entry '4294967296' is not a 32-bit word");
    expect(broken((c) => (c.segments = []))).toBe('it has no loadable segment');
  });

  it('refuses a segment not on a page, not of whole pages, past 2^32, with too much data, bad flags or out of order', () => {
    const seg = (change: Partial<ImageComponent['segments'][number]>, index = 2) =>
      broken((c) => (c.segments = c.segments.map((s, i) => (i === index ? { ...s, ...change } : s))));
    const what = (vaddr: string, memsz: string, index = 2) => `segment ${index} (vaddr '${vaddr}', memsz '${memsz}')`;
    expect(seg({ vaddr: 0x1_2800 })).toBe(`${what('0x12800', '0x2000')} does not start on a page boundary`);
    expect(seg({ vaddr: -0x1000 })).toBe(`${what('0x-1000', '0x2000')} does not start on a page boundary`);
    expect(seg({ memsz: 0 })).toBe(`${what('0x12000', '0x0')} is not a positive whole number of pages`);
    expect(seg({ memsz: -0x1000 })).toBe(`${what('0x12000', '0x-1000')} is not a positive whole number of pages`);
    expect(seg({ memsz: 0x1800 })).toBe(`${what('0x12000', '0x1800')} is not a positive whole number of pages`);
    expect(seg({ memsz: 4096.5 })).toBe(`${what('0x12000', '0x1000.8')} is not a positive whole number of pages`);
    expect(seg({ vaddr: 0xffff_f000, memsz: 0x2000 })).toBe(`${what('0xfffff000', '0x2000')} runs past the 32-bit address space`);
    expect(seg({ vaddr: 0xffff_f000, memsz: 0x1000 })).toBeUndefined();
    expect(seg({ data: new Uint8Array(0x2001) })).toBe(`${what('0x12000', '0x2000')} has 8193 bytes of data, more than its memsz`);
    expect(seg({ data: new Uint8Array(0x2000) })).toBeUndefined();
    for (const flags of [0, 8, 1.5]) expect(seg({ flags })).toBe(`${what('0x12000', '0x2000')} has permission bits '${flags}', expected 1..7 (R=4 W=2 X=1)`);
    expect(seg({ flags: 7 })).toBeUndefined();
    expect(seg({ flags: 1 })).toBeUndefined();
    expect(seg({ vaddr: 0x1_1000 })).toBe(`${what('0x11000', '0x2000')} overlaps or precedes the segment before it`);
    expect(seg({ vaddr: 0x1_0000 }, 1)).toBe(`${what('0x10000', '0x1000', 1)} overlaps or precedes the segment before it`);
  });

  it('needs the entry inside an executable segment, to its last byte', () => {
    const entry = (value: number, flags = 5) => broken((c) => {
      c.entry = value;
      c.segments = c.segments.map((s, i) => (i === 1 ? { ...s, flags } : s));
    });
    expect(entry(0x1_1fff)).toBeUndefined();
    expect(entry(0x1_2000)).toBe("entry '0x12000' is not inside an executable segment");
    expect(entry(0x1_0fff)).toBe("entry '0x10fff' is not inside an executable segment");
    expect(entry(0x1_1000, 4)).toBe("entry '0x11000' is not inside an executable segment");
    expect(entry(0x1_1000, 1)).toBeUndefined();
  });

  it('refuses a symbol without a name, with a value or size that is no word, duplicated or out of order', () => {
    const symbols = (list: ImageComponent['symbols']) => broken((c) => (c.symbols = list));
    expect(symbols([{ name: 'a', value: 0, size: 0 }, { name: '', value: 0, size: 0 }])).toBe('symbol 1 has an empty name');
    expect(symbols([{ name: 'a', value: 2 ** 32, size: 0 }])).toBe("symbol 'a' has a value or size that is not a 32-bit word");
    expect(symbols([{ name: 'a', value: 0, size: -1 }])).toBe("symbol 'a' has a value or size that is not a 32-bit word");
    expect(symbols([{ name: 'b', value: 0, size: 0 }, { name: 'a', value: 0, size: 0 }])).toBe("symbol 'a' is duplicated or out of name order");
    expect(symbols([{ name: 'a', value: 0, size: 0 }, { name: 'a', value: 1, size: 0 }])).toBe("symbol 'a' is duplicated or out of name order");
    expect(symbols([{ name: 'z', value: 0xffff_ffff, size: 0xffff_ffff }])).toBeUndefined();
  });
});

describe('the COMPONENT section', () => {
  const component = good();
  const bytes = encodeComponent(component);
  const view = new DataView(bytes.buffer);

  it('is the header, the segment and symbol tables, the strings, then each segment with data at an 8-byte boundary', () => {
    // 24 + 3 * 24 + 2 * 16 = 128; strings 'ping' 'a' 'ipc_buffer' = 15 bytes to 143; data at 144 and 152.
    expect(Array.from({ length: 6 }, (_, i) => view.getUint32(4 * i, true))).toEqual([0x1_1000, 0, 4, 3, 2, 15]);
    const segment = (i: number) => Array.from({ length: 6 }, (_, w) => view.getUint32(24 + 24 * i + 4 * w, true));
    expect([segment(0), segment(1), segment(2)]).toEqual([
      [0x1_0000, 0x1000, 8, 4, 144, 0],
      [0x1_1000, 0x1000, 3, 5, 152, 0],
      [0x1_2000, 0x2000, 0, 6, 0, 0],
    ]);
    const symbol = (i: number) => Array.from({ length: 4 }, (_, w) => view.getUint32(96 + 16 * i + 4 * w, true));
    expect([symbol(0), symbol(1)]).toEqual([
      [4, 1, 1, 2],
      [5, 10, 0x1_2000, 0x1000],
    ]);
    expect(Buffer.from(bytes.subarray(128, 143)).toString()).toBe('pingaipc_buffer');
    expect(bytes[143]).toBe(0);
    expect(Array.from(bytes.subarray(144, 155))).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2]);
    expect(bytes.length).toBe(155);
  });

  it('decodes to what was encoded, from a subarray too', () => {
    expect(decodeComponent(bytes)).toEqual({ value: component, name: 'ping' });
    const padded = new Uint8Array(bytes.length + 8);
    padded.set(bytes, 8);
    expect(decodeComponent(padded.subarray(8))).toEqual({ value: component, name: 'ping' });
    // The normalized fixture component round-trips too.
    const ping = normalizeComponent({ name: 'ping', entry: elf.entry, segments: elf.segments, symbols: [] });
    expect(decodeComponent(encodeComponent(ping))).toEqual({ value: ping, name: 'ping' });
  });

  const patched = (edit: (v: DataView, b: Uint8Array) => void, length = bytes.length) => {
    const copy = new Uint8Array(length);
    copy.set(bytes.subarray(0, Math.min(length, bytes.length)));
    edit(new DataView(copy.buffer), copy);
    return decodeComponent(copy);
  };

  it('refuses a short header and tables or strings past the section', () => {
    expect(problemOf(decodeComponent(bytes.subarray(0, 23)))).toBe('23 bytes is shorter than its 24-byte header');
    // A header alone is read, and judged by the load rules.
    expect(problemOf(decodeComponent(new Uint8Array(24)))).toBe('the name is empty');
    expect(problemOf(decodeComponent(bytes.subarray(0, 142)))).toBe('3 segments, 2 symbols and 15 bytes of strings need 143 bytes but the section has 142');
    // One byte more of strings still fits before the data.
    expect(problemOf(patched((v) => v.setUint32(20, 16, true)))).toBe('no problem');
    expect(problemOf(patched((v) => v.setUint32(20, 17, true)))).toBe("segment 0 data offset '0x90' is not 8-byte aligned after the tables and strings (end '0x91')");
  });

  it('refuses a name or symbol name past the string area, or not UTF-8, naming the component once it is known', () => {
    expect(patched((v) => v.setUint32(8, 16, true))).toEqual({ problem: 'the name (16 bytes at string offset 0) runs past the 15-byte string area' });
    expect(patched((v) => v.setUint32(4, 12, true))).toEqual({ problem: 'the name (4 bytes at string offset 12) runs past the 15-byte string area' });
    expect(patched((v) => v.setUint32(4, 11, true))).toMatchObject({ name: 'ffer' });
    expect(patched((_, b) => (b[128] = 0xff))).toEqual({ problem: 'the name is not valid UTF-8' });
    expect(patched((v) => v.setUint32(96 + 16 + 4, 11, true))).toEqual({ problem: 'the name of symbol 1 (11 bytes at string offset 5) runs past the 15-byte string area', name: 'ping' });
    expect(patched((_, b) => (b[129 + 4] = 0xc3))).toEqual({ problem: 'the name of symbol 1 is not valid UTF-8', name: 'ping' });
  });

  it('refuses a reserved word, an offset without data, data before the strings end or misaligned, or past the section', () => {
    const at = (i: number, field: number) => 24 + 24 * i + field;
    expect(problemOf(patched((v) => v.setUint32(at(2, 20), 1, true)))).toBe('segment 2 has a non-zero reserved word');
    expect(problemOf(patched((v) => v.setUint32(at(2, 16), 8, true)))).toBe("segment 2 has no data but data offset '0x8'");
    const misplaced = (offset: number) => problemOf(patched((v) => v.setUint32(at(0, 16), offset, true)));
    expect(misplaced(136)).toBe("segment 0 data offset '0x88' is not 8-byte aligned after the tables and strings (end '0x8f')");
    expect(misplaced(148)).toBe("segment 0 data offset '0x94' is not 8-byte aligned after the tables and strings (end '0x8f')");
    expect(problemOf(patched((v) => v.setUint32(at(1, 8), 4, true)))).toBe("segment 1 data '0x98'..'0x9c' runs past the section end '0x9b'");
  });

  it('refuses overlapping data and bytes after the content', () => {
    const at = (i: number, field: number) => 24 + 24 * i + field;
    expect(problemOf(patched((v) => v.setUint32(at(1, 16), 144, true)))).toBe('the data of segments 0 and 1 overlap');
    // Data stored in another order than the segments' is read by offset.
    const swapped = patched((v) => {
      v.setUint32(at(0, 16), 152, true);
      v.setUint32(at(1, 16), 144, true);
    }, 160);
    expect(problemOf(swapped)).toBe('no problem');
    // Adjacent data is no overlap: segment 0's eight bytes end where segment 1's start.
    expect(problemOf(patched((v) => v.setUint32(at(0, 8), 8, true)))).toBe('no problem');
    expect(problemOf(patched(() => {}, bytes.length + 1))).toBe("its content ends at '0x9b' but the section is '0x9c' bytes");
    // A component without data ends at its strings.
    const bare = encodeComponent({ ...component, segments: [page(0x1_1000, 5)] });
    expect(bare.length).toBe(24 + 24 + 32 + 15);
    expect(problemOf(decodeComponent(bare))).toBe('no problem');
    const longer = new Uint8Array(bare.length + 1);
    longer.set(bare);
    expect(problemOf(decodeComponent(longer))).toBe("its content ends at '0x5f' but the section is '0x60' bytes");
  });

  it('applies the load rules to what it decoded, naming the component', () => {
    expect(patched((v) => v.setUint32(0, 0x1_2000, true))).toEqual({ problem: "entry '0x12000' is not inside an executable segment", name: 'ping' });
  });
});
