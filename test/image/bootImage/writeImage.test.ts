// The boot image writer: layout facts of docs/image-format.md, round trip through the reader,
// determinism, and the inputs it refuses.
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { writeImage, readImage, bootInfoFor, BOOTINFO_SIZE } from '../../../image/bootImage/index.js';
import { layoutSections } from '../../../image/bootImage/writeImage.js';
import { crc32 } from '../../../image/crc32.js';
import { PF_R, PF_W, PF_X } from '../../../image/elf.js';
import { input, inputOf, elf, dtb, untyped, plan, diagnosticOf, sectionOf, Kind } from './sampleImage.js';

const image = writeImage(input);
const view = new DataView(image.buffer);

describe('writeImage layout', () => {
  it('starts with the KAALBOOT magic, version 1, no flags, a 64-byte header and the table right after it', () => {
    expect(new TextDecoder().decode(image.subarray(0, 8))).toBe('KAALBOOT');
    expect(view.getUint32(8, true)).toBe(1);
    expect(view.getUint32(12, true)).toBe(0);
    expect(view.getUint32(16, true)).toBe(64);
    expect(view.getUint32(20, true)).toBe(7);
    expect(view.getUint32(24, true)).toBe(64);
    expect(view.getUint32(28, true)).toBe(image.length);
  });

  it('stores the SHA-256 of the image computed with the hash field zeroed', () => {
    const zeroed = image.slice();
    zeroed.fill(0, 32, 64);
    const expected = createHash('sha256').update(zeroed).digest('hex');
    expect(Buffer.from(image.subarray(32, 64)).toString('hex')).toBe(expected);
  });

  it('lays out META, BOOTINFO, UNTYPED, DTB, PLAN and the components in name order, 8-byte aligned, with their CRC-32', () => {
    const read = readImage(image);
    expect(read.sections.map((s) => s.kind)).toEqual(['META', 'BOOTINFO', 'UNTYPED', 'DTB', 'PLAN', 'COMPONENT', 'COMPONENT']);
    expect(read.components.map((c) => c.name)).toEqual(['ping', 'pong']);
    let end = 64 + 7 * 24;
    for (const section of read.sections) {
      expect(section.offset % 8).toBe(0);
      expect(section.alignment).toBe(8);
      expect(section.offset).toBe(Math.ceil(end / 8) * 8);
      expect(section.crc32).toBe(crc32(image.subarray(section.offset, section.offset + section.size)));
      end = section.offset + section.size;
    }
    expect(end).toBe(image.length);
  });

  it('writes BOOTINFO at the seL4_BootInfo RV32 offsets: untyped region at 76, untypedList at 84, 1924 bytes', () => {
    const { offset, size } = sectionOf(image, Kind.BOOTINFO);
    expect(size).toBe(1924);
    expect(BOOTINFO_SIZE).toBe(1924);
    expect(view.getUint32(offset + 0, true)).toBe(0); // extraLen
    expect(view.getUint32(offset + 8, true)).toBe(1); // numNodes
    expect(view.getUint32(offset + 68, true)).toBe(12); // initThreadCNodeSizeBits
    expect(view.getUint32(offset + 76, true)).toBe(16); // untyped.start
    expect(view.getUint32(offset + 80, true)).toBe(16 + untyped.length); // untyped.end
    expect(view.getUint32(offset + 20, true)).toBe(16 + untyped.length); // empty.start
    expect(view.getUint32(offset + 24, true)).toBe(4096); // empty.end
    const last = offset + 84 + 5 * 8;
    expect(view.getUint32(last, true)).toBe(0x8100_0000);
    expect(image[last + 4]).toBe(24);
    expect(image[last + 5]).toBe(0);
    expect(image[offset + 84 + 5]).toBe(1); // untyped 0 is a device
  });

  it('writes UNTYPED as a count, a zero word and the descriptors', () => {
    const { offset, size } = sectionOf(image, Kind.UNTYPED);
    expect(size).toBe(8 + 6 * 8);
    expect(view.getUint32(offset, true)).toBe(6);
    expect(view.getUint32(offset + 8 + 3 * 8, true)).toBe(0x8040_0000);
  });

  it('stores the DTB as is and the plan as compact JSON', () => {
    const d = sectionOf(image, Kind.DTB);
    expect(Buffer.compare(image.subarray(d.offset, d.offset + d.size), dtb)).toBe(0);
    const p = sectionOf(image, Kind.PLAN);
    expect(new TextDecoder().decode(image.subarray(p.offset, p.offset + p.size))).toBe(JSON.stringify(plan));
  });

  it('writes META without timestamps or paths: the names, the tool version and a 64-digit inputs hash', () => {
    const read = readImage(image);
    expect(read.meta.systemName).toBe('demo');
    expect(read.meta.toolVersion).toBe('0.1.0');
    expect(read.meta.platformName).toBe('kaal-virt-rv32');
    expect(read.meta.inputsSha256).toMatch(/^[0-9a-f]{64}$/);
    const given = readImage(writeImage({ ...input, meta: { ...input.meta, inputsSha256: 'ab'.repeat(32) } }));
    expect(given.meta.inputsSha256).toBe('ab'.repeat(32));
  });
});

describe('writeImage and readImage round trip', () => {
  const read = readImage(image, 'demo.img');

  it('gives back the untypeds, bootinfo, DTB and plan', () => {
    expect(read.untyped).toEqual(untyped);
    expect(read.bootInfo).toEqual(bootInfoFor(untyped));
    expect(Buffer.compare(read.dtb, dtb)).toBe(0);
    expect(read.plan).toEqual(plan);
    expect(read.formatVersion).toBe(1);
    expect(read.sha256).toBe(Buffer.from(image.subarray(32, 64)).toString('hex'));
  });

  it('page-aligns each segment and keeps its bytes at their virtual addresses', () => {
    const ping = read.components[0]!;
    expect(ping.entry).toBe(elf.entry);
    expect(ping.symbols).toEqual([{ name: 'ipc_buffer', value: 0x13200, size: 512 }]);
    expect(ping.segments.map((s) => [s.vaddr, s.memsz, s.flags, s.data.length])).toEqual([
      [0x10000, 0x1000, PF_R, 0xe4],
      [0x11000, 0x1000, PF_R | PF_X, 0xe4 + 0x7e],
      [0x12000, 0x2000, PF_R | PF_W, 0x164 + 4],
    ]);
    for (const [i, original] of elf.segments.entries()) {
      const segment = ping.segments[i]!;
      const at = original.vaddr - segment.vaddr;
      expect(Buffer.compare(segment.data.subarray(at, at + original.filesz), original.data)).toBe(0);
      expect(segment.data.subarray(0, at).every((b) => b === 0)).toBe(true);
    }
  });

  it('rewrites a read image to the identical bytes', () => {
    expect(Buffer.compare(writeImage(inputOf(read)), image)).toBe(0);
  });

  it('gives the same bytes whatever the order of components and on every call', () => {
    const reversed = writeImage({ ...input, components: [...input.components].reverse() });
    expect(Buffer.compare(reversed, image)).toBe(0);
    expect(Buffer.compare(writeImage(input), image)).toBe(0);
  });

  it('writes an image with no components and an empty symbol list', () => {
    const bare = readImage(writeImage({ ...input, components: [] }));
    expect(bare.components).toEqual([]);
    const noSymbols = readImage(writeImage({ ...input, components: [{ name: 'a', entry: elf.entry, segments: elf.segments }] }));
    expect(noSymbols.components[0]!.symbols).toEqual([]);
  });
});

describe('writeImage refuses input its reader would reject', () => {
  const component = input.components[0]!;
  const cases: [string, string, () => unknown][] = [
    ['KC6030', 'two components with one name', () => writeImage({ ...input, components: [component, component] })],
    ['KC6030', 'overlapping untypeds', () => writeImage({ ...input, untyped: [...untyped, { paddr: 0x8040_1000, sizeBits: 12, isDevice: false }] })],
    ['KC6030', 'a misaligned untyped', () => writeImage({ ...input, untyped: [{ paddr: 0x8000_1000, sizeBits: 16, isDevice: false }] })],
    ['KC6030', 'more untypeds than bootinfo holds', () => writeImage({ ...input, untyped: Array.from({ length: 231 }, (_, i) => ({ paddr: 0x8000_0000 + i * 16, sizeBits: 4, isDevice: false })) })],
    ['KC6030', 'a bootinfo untyped region of the wrong length', () => writeImage({ ...input, bootInfo: { ...bootInfoFor(untyped), untyped: { start: 16, end: 18 } } })],
    ['KC6030', 'a plan without formatVersion', () => writeImage({ ...input, plan: { system: 'demo' } })],
    ['KC6030', 'a DTB that is not one', () => writeImage({ ...input, dtb: new Uint8Array(64) })],
    ['KC6030', 'an entry outside executable code', () => writeImage({ ...input, components: [{ ...component, entry: 0x10000 }] })],
    ['KC6030', 'a malformed inputs hash', () => writeImage({ ...input, meta: { ...input.meta, inputsSha256: 'xyz' } })],
    ['KC6030', 'segment data longer than memsz', () => writeImage({ ...input, components: [{ ...component, segments: [
      { vaddr: 0x11000, memsz: 0x10, flags: PF_R | PF_X, data: new Uint8Array(0x20) },
    ] }] })],
    ['KC6031', 'two segments in one page', () => writeImage({ ...input, components: [{ ...component, segments: [
      { vaddr: 0x10000, memsz: 0x100, flags: PF_R | PF_X, data: new Uint8Array(4) },
      { vaddr: 0x10800, memsz: 0x100, flags: PF_R | PF_W, data: new Uint8Array(4) },
    ] }] })],
  ];
  it.each(cases)('%s: %s', (code, _name, action) => {
    expect(diagnosticOf(action).code).toBe(code);
  });

  it('says which component and which page', () => {
    expect(diagnosticOf(cases[cases.length - 1]![2]).message).toBe(
      "component 'pong': segments at '0x10000' and '0x10800' share the page '0x10000'",
    );
    expect(diagnosticOf(cases[0]![2]).message).toBe("cannot write the boot image: two components are named 'pong'");
  });
});

describe('layoutSections', () => {
  it('places sections at 8-byte boundaries after the header and the table', () => {
    expect(layoutSections([5, 16, 1])).toEqual({ offsets: [136, 144, 160], totalSize: 161 });
  });
  it('refuses an image of 4 GiB or more (KC6032)', () => {
    expect(diagnosticOf(() => layoutSections([0x8000_0000, 0x8000_0000])).code).toBe('KC6032');
  });
});

