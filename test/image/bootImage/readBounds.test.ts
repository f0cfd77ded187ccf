// The boot image reader's header and section-table checks at their bounds, each with its whole
// message: the magic's prefix in a short file, the header fields, the table's start at the header's
// end and one byte inside it, section kinds just outside 1–7, alignments 0, 1, 6 and 2^31, an empty
// section inside another (not an overlap), missing and duplicated sections, equal component names.
import { describe, expect, it } from 'vitest';
import { readImage, writeImage } from '../../../image/bootImage/index.js';
import { diagnosticOf, edited, input, Kind, sectionOf } from './sampleImage.js';

const hex = (n: number) => '0x' + n.toString(16);

function setup() {
  const image = writeImage(input);
  const section = (kind: number, n = 0) => sectionOf(image, kind, n);
  return { image, meta: section(Kind.META), dtb: section(Kind.DTB), plan: section(Kind.PLAN), ping: section(Kind.COMPONENT, 0), pong: section(Kind.COMPONENT, 1) };
}

const refusal = (bytes: Uint8Array) => diagnosticOf(() => readImage(bytes));

describe('readImage header bounds', () => {
  it('takes a short file that starts like the magic as truncated, and one that does not as no image', () => {
    const { image } = setup();
    expect(refusal(image.subarray(0, 7))).toEqual({ code: 'KC6000', message: 'boot image is 7 bytes, too short for the 64-byte header' });
    expect(refusal(image.subarray(0, 63))).toEqual({ code: 'KC6000', message: 'boot image is 63 bytes, too short for the 64-byte header' });
    const wrong = image.slice(0, 8);
    wrong[7] = 0x58;
    expect(refusal(wrong)).toEqual({ code: 'KC6001', message: "not a kaal-compose boot image: it starts with 'KAALBOOX', expected 'KAALBOOT'" });
    expect(refusal(new Uint8Array([0x4b, 0x41, 0x01]))).toEqual({ code: 'KC6001', message: "not a kaal-compose boot image: it starts with 'KA\\x01', expected 'KAALBOOT'" });
    expect(refusal(new Uint8Array([0x4b, 0x41, 0x41]))).toEqual({ code: 'KC6000', message: 'boot image is 3 bytes, too short for the 64-byte header' });
    expect(refusal(new Uint8Array([0x4b, 0x41, 0x20, 0x7e, 0x7f, 0x1f]))).toEqual({
      code: 'KC6001',
      message: "not a kaal-compose boot image: it starts with 'KA ~\\x7f\\x1f', expected 'KAALBOOT'",
    });
    expect(refusal(new Uint8Array(0))).toEqual({ code: 'KC6001', message: "not a kaal-compose boot image: it starts with '', expected 'KAALBOOT'" });
    // A whole header and nothing else: the header's size field is what disagrees.
    expect(refusal(image.subarray(0, 64))).toEqual({
      code: 'KC6004',
      message: `boot image header says the image is '${image.length}' bytes but the file has '64'`,
    });
  });

  it('names the header field and what it expects', () => {
    const { image } = setup();
    expect(refusal(edited(image, (v) => v.setUint32(16, 80, true), { reseal: false }))).toEqual({
      code: 'KC6003',
      message: "boot image header field 'headerSize' is '80', expected '64'",
    });
    expect(refusal(edited(image, (v) => v.setUint32(12, 0x10, true), { reseal: false }))).toEqual({
      code: 'KC6003',
      message: "boot image header field 'flags' is '0x10', expected '0' (version 1 defines no flags)",
    });
  });

  it('takes the section table right after the header and refuses it one byte inside', () => {
    const { image } = setup();
    const view = new DataView(image.buffer, image.byteOffset);
    expect(view.getUint32(24, true)).toBe(64);
    const count = view.getUint32(20, true);
    expect(refusal(edited(image, (v) => v.setUint32(24, 63, true), { reseal: false }))).toEqual({
      code: 'KC6005',
      message: `section table at '0x3f'..'${hex(63 + count * 24)}' (${count} entries) does not lie between the header end '0x40' and the image end '${hex(image.length)}'`,
    });
  });
});

describe('readImage section table bounds', () => {
  it('knows section kinds 1 to 7 only', () => {
    const { image, plan } = setup();
    for (const kind of [0, 8]) {
      expect(refusal(edited(image, (v) => v.setUint32(plan.entry, kind, true), { reseal: false }))).toEqual({
        code: 'KC6006',
        message: `section 4 (table entry at '${hex(plan.entry)}') has unknown kind '${kind}'`,
      });
    }
  });

  it('takes alignment 1, refuses 0 and 6 (not powers of two) and an offset off 2^31', () => {
    const { image, meta } = setup();
    expect(readImage(edited(image, (v) => v.setUint32(meta.entry + 12, 1, true))).sections[0]!.alignment).toBe(1);
    const entry = (alignment: number) => refusal(edited(image, (v) => v.setUint32(meta.entry + 12, alignment, true), { reseal: false }));
    const prefix = `META section 0 at offset '${hex(meta.offset)}': `;
    expect(entry(0)).toEqual({ code: 'KC6008', message: `${prefix}alignment '0' is not a power of two` });
    expect(entry(6)).toEqual({ code: 'KC6008', message: `${prefix}alignment '6' is not a power of two` });
    expect(entry(2 ** 31)).toEqual({ code: 'KC6008', message: `${prefix}the offset is not a multiple of its alignment '2147483648'` });
    expect(refusal(edited(image, (v) => v.setUint32(meta.entry + 20, 1, true), { reseal: false }))).toEqual({
      code: 'KC6008',
      message: `${prefix}the reserved word of its table entry is not zero`,
    });
  });

  it('does not take an empty section inside another for an overlap (the section itself is then malformed)', () => {
    const { image, ping, pong } = setup();
    const bytes = edited(image, (v) => {
      v.setUint32(pong.entry + 4, ping.offset + 8, true);
      v.setUint32(pong.entry + 8, 0, true);
    });
    expect(refusal(bytes).code).toBe('KC6018');
  });

  it('names a missing section and the offsets of a duplicated one', () => {
    const { image, dtb, plan, pong } = setup();
    expect(refusal(edited(image, (v) => v.setUint32(dtb.entry, Kind.COMPONENT, true), { reseal: false }))).toEqual({
      code: 'KC6010',
      message: 'boot image has no DTB section',
    });
    expect(refusal(edited(image, (v) => v.setUint32(pong.entry, Kind.PLAN, true), { reseal: false }))).toEqual({
      code: 'KC6011',
      message: `boot image has 2 PLAN sections at '${hex(plan.offset)}', '${hex(pong.offset)}'; exactly one is allowed`,
    });
  });

  it('refuses two components of one name, naming the order rule', () => {
    const { image, pong } = setup();
    const strings = pong.offset + 24 + 3 * 24 + 16;
    const twin = edited(image, (_, b) => (b[strings + 1] = 'i'.charCodeAt(0)));
    expect(refusal(twin)).toEqual({
      code: 'KC6018',
      message: `COMPONENT section 1 ('ping') at offset '${hex(pong.offset)}': components must be in strictly increasing name order, but it follows 'ping'`,
    });
  });
});
