// The boot image reader on corrupted, truncated and crafted images: every problem is a KC60xx
// diagnostic naming what is wrong and where, never a crash. Edits that must reach the deeper checks
// re-seal the CRCs and the SHA-256 (`edited`).
import { describe, it, expect } from 'vitest';
import { writeImage, readImage } from '../../../image/bootImage/index.js';
import { input, edited, diagnosticOf, sectionOf, Kind } from './sampleImage.js';

const image = writeImage(input);
const read = readImage(image);
const section = (kind: number, n = 0) => sectionOf(image, kind, n);
const meta = section(Kind.META);
const bootInfo = section(Kind.BOOTINFO);
const untypedSection = section(Kind.UNTYPED);
const dtbSection = section(Kind.DTB);
const planSection = section(Kind.PLAN);
const ping = section(Kind.COMPONENT, 0);
const pong = section(Kind.COMPONENT, 1);
const hex = (n: number) => '0x' + n.toString(16);

function codeOf(bytes: Uint8Array): string {
  return diagnosticOf(() => readImage(bytes, 'bad.img')).code;
}

describe('readImage detects corruption in every section', () => {
  it.each(read.sections.map((s, i) => [s.kind, i, s.offset, s.size] as const))(
    'a flipped byte in the %s section (%i) is a CRC-32 mismatch naming it',
    (kind, index, offset, size) => {
      const bytes = edited(image, (_, b) => (b[offset + (size >> 1)] ^= 0x40), { reseal: false });
      const d = diagnosticOf(() => readImage(bytes));
      expect(d.code).toBe('KC6012');
      expect(d.message).toMatch(new RegExp(`^${kind} section ${index} at offset '${hex(offset)}' has CRC-32 '0x[0-9a-f]{8}' but the section table says '0x[0-9a-f]{8}'$`));
    },
  );

  it('rejects every single flipped bit of the image with a diagnostic', () => {
    for (let at = 0; at < image.length; at++) {
      const bytes = edited(image, (_, b) => (b[at] ^= 1 << (at & 7)), { reseal: false });
      expect(codeOf(bytes)).toMatch(/^KC60[0-1]\d$/);
    }
  });

  it('a flipped byte in the padding between sections is a SHA-256 mismatch', () => {
    const gaps = read.sections.slice(1).map((s, i) => [read.sections[i]!.offset + read.sections[i]!.size, s.offset]);
    const [gap, next] = gaps.find(([end, start]) => start! > end!)!;
    expect(next).toBeGreaterThan(gap!);
    const d = diagnosticOf(() => readImage(edited(image, (_, b) => (b[gap!] = 1), { reseal: false })));
    expect(d.code).toBe('KC6013');
    expect(d.message).toMatch(/^boot image SHA-256 is '[0-9a-f]{64}' but the header says '[0-9a-f]{64}'$/);
  });
});

describe('readImage rejects truncated images', () => {
  const boundaries = read.sections.flatMap((s) => [s.offset, s.offset + s.size]).filter((n) => n < image.length);

  it.each(boundaries)('cut at section boundary %i: the header size disagrees with the file (KC6004)', (length) => {
    const d = diagnosticOf(() => readImage(image.subarray(0, length)));
    expect(d.code).toBe('KC6004');
    expect(d.message).toBe(`boot image header says the image is '${image.length}' bytes but the file has '${length}'`);
  });

  it.each(boundaries.filter((n) => n > 64 + 7 * 24))(
    'cut at section boundary %i with the header size fixed: the next section runs past the end (KC6007)',
    (length) => {
      const bytes = edited(image.subarray(0, length), (v) => v.setUint32(28, length, true));
      expect(codeOf(bytes)).toBe('KC6007');
    },
  );

  it('a file shorter than the header is KC6000, and one without the magic KC6001', () => {
    expect(codeOf(image.subarray(0, 40))).toBe('KC6000');
    expect(codeOf(image.subarray(0, 4))).toBe('KC6000');
    expect(codeOf(new Uint8Array(0))).toBe('KC6001');
    expect(diagnosticOf(() => readImage(new TextEncoder().encode('\x7fELF and more'))).message).toBe(
      "not a kaal-compose boot image: it starts with '\\x7fELF and', expected 'KAALBOOT'",
    );
  });

  it('data appended to the image is KC6004', () => {
    const longer = new Uint8Array(image.length + 1);
    longer.set(image);
    expect(codeOf(longer)).toBe('KC6004');
  });
});

describe('readImage checks the header and section table', () => {
  const cases: [string, string, (v: DataView, b: Uint8Array) => void][] = [
    ['KC6001', 'a wrong magic', (_, b) => (b[0] = 0x4a)],
    ['KC6002', 'an unknown format version', (v) => v.setUint32(8, 2, true)],
    ['KC6003', 'unknown header flags', (v) => v.setUint32(12, 1, true)],
    ['KC6003', 'a different header size', (v) => v.setUint32(16, 80, true)],
    ['KC6005', 'a section table past the end of the file', (v) => v.setUint32(24, image.length - 8, true)],
    ['KC6005', 'a section table inside the header', (v) => v.setUint32(24, 32, true)],
    ['KC6005', 'a huge section count', (v) => v.setUint32(20, 0xffff_ffff, true)],
    ['KC6006', 'an unknown section kind', (v) => v.setUint32(planSection.entry, 99, true)],
    ['KC6007', 'a section pointing outside the file', (v) => v.setUint32(dtbSection.entry + 4, 0xffff_fff0, true)],
    ['KC6007', 'a section with a huge size', (v) => v.setUint32(dtbSection.entry + 8, 0xffff_fff0, true)],
    ['KC6008', 'an alignment that is not a power of two', (v) => v.setUint32(meta.entry + 12, 3, true)],
    ['KC6008', 'an offset that is not a multiple of the alignment', (v) => v.setUint32(meta.entry + 12, 4096, true)],
    ['KC6008', 'a non-zero reserved word', (v) => v.setUint32(meta.entry + 20, 1, true)],
    ['KC6009', 'overlapping sections', (v) => v.setUint32(planSection.entry + 4, dtbSection.offset, true)],
    ['KC6009', 'a section over the section table', (v) => v.setUint32(meta.entry + 4, 64, true)],
    ['KC6010', 'a missing DTB section', (v) => v.setUint32(dtbSection.entry, Kind.COMPONENT, true)],
    ['KC6011', 'two PLAN sections', (v) => v.setUint32(pong.entry, Kind.PLAN, true)],
    ['KC6013', 'a corrupted hash field', (_, b) => (b[40] ^= 1)],
  ];
  it.each(cases)('%s: %s', (code, _name, edit) => {
    // The table checks come before the checksums: no re-sealing (which needs a table inside the file).
    expect(codeOf(edited(image, edit, { reseal: false }))).toBe(code);
  });

  it('names both sides of an overlap and the version it knows', () => {
    const overlap = edited(image, (v) => v.setUint32(planSection.entry + 4, dtbSection.offset, true));
    expect(diagnosticOf(() => readImage(overlap)).message).toBe(
      `PLAN section 4 at '${hex(dtbSection.offset)}'..'${hex(dtbSection.offset + planSection.size)}' overlaps ` +
        `DTB section 3 at '${hex(dtbSection.offset)}'..'${hex(dtbSection.offset + dtbSection.size)}'`,
    );
    const v2 = edited(image, (v) => v.setUint32(8, 2, true));
    expect(diagnosticOf(() => readImage(v2)).message).toBe(
      "boot image format version '2' is not supported; this kaal-compose reads version '1'",
    );
    const outside = edited(image, (v) => v.setUint32(dtbSection.entry + 4, 0xffff_fff0, true));
    expect(diagnosticOf(() => readImage(outside)).message).toBe(
      `DTB section 3 at '0xfffffff0'..'${hex(0xffff_fff0 + dtbSection.size)}' runs past the image end '${hex(image.length)}'`,
    );
  });
});

describe('readImage checks the inside of each section (checksums re-sealed)', () => {
  const untypedDesc = (i: number) => untypedSection.offset + 8 + i * 8;
  const bootDesc = (i: number) => bootInfo.offset + 84 + i * 8;
  const cases: [string, string, (v: DataView, b: Uint8Array) => void][] = [
    ['KC6014', 'a META string length past the section', (v) => v.setUint32(meta.offset + 32, 0xffff_ff00, true)],
    ['KC6014', 'a META string that is not UTF-8', (_, b) => (b[meta.offset + 36] = 0xff)],
    ['KC6014', 'a huge UNTYPED count', (v) => v.setUint32(untypedSection.offset, 0x2000_0000, true)],
    ['KC6014', 'an UNTYPED isDevice that is not 0 or 1', (_, b) => (b[untypedDesc(0) + 5] = 2)],
    ['KC6016', 'an untyped not aligned to its size', (_, b) => {
      b[untypedDesc(3) + 4] = 23;
      b[bootDesc(3) + 4] = 23;
    }],
    ['KC6016', 'overlapping untypeds', (v) => {
      v.setUint32(untypedDesc(4), 0x8040_0000, true);
      v.setUint32(bootDesc(4), 0x8040_0000, true);
    }],
    ['KC6016', 'an untyped size beyond seL4_MaxUntypedBits', (_, b) => {
      b[untypedDesc(5) + 4] = 30;
      b[bootDesc(5) + 4] = 30;
    }],
    ['KC6015', 'bootinfo extraLen set', (v) => v.setUint32(bootInfo.offset, 8, true)],
    ['KC6015', 'a nodeID not below numNodes', (v) => v.setUint32(bootInfo.offset + 4, 3, true)],
    ['KC6015', 'a huge untyped slot region', (v) => v.setUint32(bootInfo.offset + 80, 0xffff_ffff, true)],
    ['KC6015', 'an untyped slot region one short of the UNTYPED list', (v) => {
      v.setUint32(bootInfo.offset + 80, v.getUint32(bootInfo.offset + 80, true) - 1, true);
      v.setUint32(bootDesc(5), 0, true);
      v.setUint32(bootDesc(5) + 4, 0, true);
    }],
    ['KC6015', 'an untypedList entry that differs from the UNTYPED section', (v) => v.setUint32(bootDesc(0), 0x0020_0000, true)],
    ['KC6015', 'slot regions that overlap', (v) => {
      v.setUint32(bootInfo.offset + 28, 16, true);
      v.setUint32(bootInfo.offset + 32, 18, true);
    }],
    ['KC6015', 'a slot region among the initial caps', (v) => {
      v.setUint32(bootInfo.offset + 36, 2, true);
      v.setUint32(bootInfo.offset + 40, 4, true);
    }],
    ['KC6015', 'stale bytes beyond the untyped count', (v) => v.setUint32(bootDesc(100), 0x1234, true)],
    ['KC6019', 'a DTB with a wrong magic', (_, b) => (b[dtbSection.offset] = 0)],
    ['KC6019', 'a DTB whose totalsize differs from the section', (v) => v.setUint32(dtbSection.offset + 4, 16, false)],
    ['KC6017', 'a plan that is not JSON', (_, b) => (b[planSection.offset] = 0x5c)],
    ['KC6017', 'a plan that is not UTF-8', (_, b) => (b[planSection.offset + 2] = 0xc3)],
    ['KC6017', 'a plan that is an array', (_, b) => {
      b.fill(0x20, planSection.offset, planSection.offset + planSection.size);
      b.set(new TextEncoder().encode('[1]'), planSection.offset);
    }],
    ['KC6017', 'a plan without formatVersion', (_, b) => {
      b.fill(0x20, planSection.offset, planSection.offset + planSection.size);
      b.set(new TextEncoder().encode('{"version":1}'), planSection.offset);
    }],
    ['KC6018', 'a huge segment count', (v) => v.setUint32(ping.offset + 12, 0x1000_0000, true)],
    ['KC6018', 'a huge symbol count', (v) => v.setUint32(ping.offset + 16, 0xffff_ffff, true)],
    ['KC6018', 'a name past the string area', (v) => v.setUint32(ping.offset + 8, 0x1000, true)],
    ['KC6018', 'an entry outside executable segments', (v) => v.setUint32(ping.offset, 0x10000, true)],
    ['KC6018', 'a segment vaddr off a page boundary', (v) => v.setUint32(ping.offset + 24, 0x10010, true)],
    ['KC6018', 'segments out of address order', (v) => v.setUint32(ping.offset + 24, 0x40000, true)],
    ['KC6018', 'a segment with more data than memory', (v) => v.setUint32(ping.offset + 24 + 4, 0, true)],
    ['KC6018', 'segment data past the section end', (v) => v.setUint32(ping.offset + 24 + 8, 0x10_0000, true)],
    ['KC6018', 'segment data over the tables', (v) => v.setUint32(ping.offset + 24 + 16, 0, true)],
    ['KC6018', 'overlapping segment data', (v) => v.setUint32(ping.offset + 48 + 16, v.getUint32(ping.offset + 24 + 16, true), true)],
    ['KC6018', 'unknown permission bits', (v) => v.setUint32(ping.offset + 24 + 12, 8, true)],
    ['KC6018', 'a symbol name past the string area', (v) => v.setUint32(ping.offset + 24 + 3 * 24, 0x7fff_ffff, true)],
    ['KC6018', 'two components out of name order', (_, b) => {
      // 'ping' -> 'pzng' sorts after 'pong'.
      const strings = ping.offset + 24 + 3 * 24 + 16;
      b[strings + 1] = 'z'.charCodeAt(0);
    }],
    ['KC6018', 'two components with one name', (_, b) => {
      const strings = pong.offset + 24 + 3 * 24 + 16;
      b[strings + 1] = 'i'.charCodeAt(0);
    }],
  ];
  it.each(cases)('%s: %s', (code, _name, edit) => {
    expect(codeOf(edited(image, edit))).toBe(code);
  });

  it('never throws anything but a diagnostic for any single byte changed and re-sealed', () => {
    const tableFields = new Set([20, 21, 22, 23, 24, 25, 26, 27]);
    let accepted = 0;
    // Skip what the reader treats as opaque bytes: the DTB body and component segment data.
    const opaque = [dtbSection, ping, pong].map((s) => [s.offset + 160, s.offset + s.size]);
    for (let at = 0; at < image.length; at++) {
      if (tableFields.has(at) || (at >= 32 && at < 64)) continue;
      if (opaque.some(([start, end]) => at >= start! && at < end!)) continue;
      const values = at < 64 + 7 * 24 ? [0x00, 0xff, image[at]! ^ 0x80] : [image[at]! ^ 0xff];
      for (const value of values) {
        if (value === image[at]) continue;
        const code = codeOf(edited(image, (_, b) => (b[at] = value)));
        expect(code).toMatch(/^KC60[0-1]\d$|^no error$/);
        if (code === 'no error') accepted++;
      }
    }
    // Changes to segment bytes, symbol values, the DTB body and bootinfo words are valid images.
    expect(accepted).toBeGreaterThan(0);
  });

  it('says where the problem is', () => {
    const huge = edited(image, (v) => v.setUint32(ping.offset + 12, 0x1000_0000, true));
    expect(diagnosticOf(() => readImage(huge)).message).toBe(
      `COMPONENT section 0 ('?') at offset '${hex(ping.offset)}': 268435456 segments, 1 symbols and 14 bytes of strings need ${24 + 0x1000_0000 * 24 + 16 + 14} bytes but the section has ${ping.size}`,
    );
    const entry = edited(image, (v) => v.setUint32(ping.offset, 0x10000, true));
    expect(diagnosticOf(() => readImage(entry)).message).toBe(
      `COMPONENT section 0 ('ping') at offset '${hex(ping.offset)}': entry '0x10000' is not inside an executable segment`,
    );
    const mismatch = edited(image, (v) => v.setUint32(bootDesc(0), 0x0020_0000, true));
    expect(diagnosticOf(() => readImage(mismatch)).message).toBe(
      `BOOTINFO section at offset '${hex(bootInfo.offset)}': 'untypedList' entry 0 (paddr '0x200000', sizeBits 12, device true) differs from the UNTYPED section's (paddr '0x100000', sizeBits 12, device true)`,
    );
  });

  it('names the file in its diagnostics', () => {
    try {
      readImage(new Uint8Array(3), 'x.img');
      expect.unreachable();
    } catch (error) {
      expect((error as { diagnostic: { file: string } }).diagnostic.file).toBe('x.img');
    }
  });
});
