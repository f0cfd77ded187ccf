// The small section codecs and the integrity fields, with peers: the image SHA-256 against
// `sha256sum` of the image with its hash field zeroed, each section's CRC-32 against Python's
// zlib.crc32; the DTB check at the 40-byte FDT header and one byte short; the PLAN's shape rules.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readImage, writeImage } from '../../../image/bootImage/index.js';
import { dtbProblem } from '../../../image/bootImage/dtb.js';
import { decodePlan, encodePlan, planProblem } from '../../../image/bootImage/plan.js';
import { imageSha256, sealImage } from '../../../image/bootImage/seal.js';
import { layoutSections } from '../../../image/bootImage/writeImage.js';
import { diagnosticOf, input } from './sampleImage.js';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-sections-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

describe('integrity fields', () => {
  it('hashes the image with its hash field as zeros, as sha256sum does on that copy', () => {
    const image = writeImage(input);
    const zeroed = image.slice();
    zeroed.fill(0, 32, 64);
    fs.writeFileSync(path.join(temp, 'zeroed.img'), zeroed);
    const peer = execFileSync('sha256sum', [path.join(temp, 'zeroed.img')]).toString().split(' ')[0];
    expect(Buffer.from(imageSha256(image)).toString('hex')).toBe(peer);
    expect(Buffer.from(image.subarray(32, 64)).toString('hex')).toBe(peer);
    // Whatever the hash field holds, the hash is the same.
    const scribbled = image.slice();
    scribbled.fill(0xaa, 32, 64);
    expect(Buffer.from(imageSha256(scribbled)).toString('hex')).toBe(peer);
  });

  it('seals each section with its CRC-32 as zlib.crc32 computes it, then the hash', () => {
    const image = writeImage(input);
    const view = new DataView(image.buffer, image.byteOffset);
    const count = view.getUint32(20, true);
    const table = view.getUint32(24, true);
    const broken = image.slice();
    const brokenView = new DataView(broken.buffer);
    for (let i = 0; i < count; i++) brokenView.setUint32(table + i * 24 + 16, 0, true);
    broken.fill(0, 32, 64);
    expect(Buffer.from(sealImage(broken))).toEqual(Buffer.from(image));
    fs.writeFileSync(path.join(temp, 'sealed.img'), image);
    const entries = Array.from({ length: count }, (_, i) => [view.getUint32(table + i * 24 + 4, true), view.getUint32(table + i * 24 + 8, true)]);
    const script = `import sys, zlib\nb = open(sys.argv[1], 'rb').read()\nfor o, s in ${JSON.stringify(entries)}: print(zlib.crc32(b[o:o + s]))`;
    const peer = execFileSync('python3', ['-c', script, path.join(temp, 'sealed.img')]).toString().trim().split('\n').map(Number);
    expect(Array.from({ length: count }, (_, i) => view.getUint32(table + i * 24 + 16, true))).toEqual(peer);
  });
});

describe('DTB section', () => {
  const header = (length: number, totalSize = length, magic = 0xd00dfeed) => {
    const bytes = new Uint8Array(length);
    const view = new DataView(bytes.buffer);
    if (length >= 4) view.setUint32(0, magic);
    if (length >= 8) view.setUint32(4, totalSize);
    return bytes;
  };

  it('wants a 40-byte FDT header, the magic and a totalsize equal to the section', () => {
    expect(dtbProblem(header(40))).toBeUndefined();
    expect(dtbProblem(header(39))).toBe('39 bytes is shorter than the 40-byte FDT header');
    expect(dtbProblem(header(40, 40, 0xedfe0dd0))).toBe("FDT magic is '0xedfe0dd0', expected '0xd00dfeed'");
    expect(dtbProblem(header(48, 40))).toBe('FDT totalsize is 40 but the section has 48 bytes');
    expect(dtbProblem(header(48, 49))).toBe('FDT totalsize is 49 but the section has 48 bytes');
    // A view into a larger buffer is read from its own start.
    const outer = new Uint8Array(44);
    outer.set(header(40), 4);
    expect(dtbProblem(outer.subarray(4))).toBeUndefined();
  });
});

describe('PLAN section', () => {
  it('takes a JSON object with an integer formatVersion, and nothing else', () => {
    expect(planProblem({ formatVersion: 1 })).toBeUndefined();
    expect(planProblem({ formatVersion: 0, other: [] })).toBeUndefined();
    for (const notObject of [null, [], [{ formatVersion: 1 }], 1, 'x', true]) {
      expect(planProblem(notObject), JSON.stringify(notObject)).toBe('the plan is not a JSON object');
    }
    for (const version of [undefined, '1', 1.5, null, Number.NaN]) {
      expect(planProblem({ formatVersion: version }), String(version)).toBe("the plan has no integer 'formatVersion'");
    }
  });

  it('decodes what it encodes, and names UTF-8, JSON and shape problems', () => {
    const plan = { formatVersion: 1, system: 'ü', components: [] };
    const bytes = encodePlan(plan);
    expect(new TextDecoder().decode(bytes)).toBe('{"formatVersion":1,"system":"ü","components":[]}');
    expect(decodePlan(bytes)).toEqual({ value: { json: '{"formatVersion":1,"system":"ü","components":[]}', plan } });
    expect(decodePlan(new Uint8Array([0x7b, 0xc3]))).toEqual({ problem: 'the plan is not valid UTF-8' });
    const notJson = decodePlan(new TextEncoder().encode('{'));
    expect('problem' in notJson && notJson.problem).toMatch(/^the plan is not valid JSON \(.+\)$/);
    expect(decodePlan(new TextEncoder().encode('[]'))).toEqual({ problem: 'the plan is not a JSON object' });
  });
});

describe('writer defaults and limits', () => {
  it("hashes the inputs as each section after META's kind, size (u32 LE each) and bytes, as Python's hashlib does", () => {
    const image = writeImage(input);
    fs.writeFileSync(path.join(temp, 'inputs.img'), image);
    const sections = readImage(image).sections.slice(1).map((s) => [{ BOOTINFO: 2, UNTYPED: 3, DTB: 4, PLAN: 5, COMPONENT: 6, ROOTTASK: 7, META: 1 }[s.kind], s.offset, s.size]);
    const script =
      `import hashlib, struct, sys\nb = open(sys.argv[1], 'rb').read()\nh = hashlib.sha256()\n` +
      `for k, o, s in ${JSON.stringify(sections)}:\n    h.update(struct.pack('<II', k, s)); h.update(b[o:o + s])\nprint(h.hexdigest())`;
    const peer = execFileSync('python3', ['-c', script, path.join(temp, 'inputs.img')]).toString().trim();
    expect(readImage(image).meta.inputsSha256).toBe(peer);
  });

  it('lays out an image of 2^32 - 1 bytes and refuses one byte more (KC6032)', () => {
    // One section: the header and one table entry end at 88, already 8-aligned.
    expect(layoutSections([2 ** 32 - 1 - 88])).toEqual({ offsets: [88], totalSize: 2 ** 32 - 1 });
    expect(diagnosticOf(() => layoutSections([2 ** 32 - 88]))).toEqual({
      code: 'KC6032',
      message: "the boot image would be '4294967296' bytes; the format holds less than 4 GiB",
    });
    expect(layoutSections([])).toEqual({ offsets: [], totalSize: 64 });
  });
});
