// What `inspect` shows, at the unit level (the CLI tests run it outside image's test set): the file's
// SHA-256 as sha256sum prints it, the header's, the signer, component names on their sections,
// untyped slots; and the text: mappings merged into runs exactly while vaddr, paddr, permissions,
// purpose and source continue, slots with and without badge and role, each kind of grant, and
// sizes at the KiB and MiB bounds.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeImage } from '../../../image/bootImage/index.js';
import { formatImageSummary, inspectImage, type ImageSummary } from '../../../image/bootImage/inspectImage.js';
import { keyFingerprint, signImage } from '../../../image/bootImage/signature.js';
import { input } from './sampleImage.js';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-inspect-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

const page = (vaddr: number, extra: Record<string, unknown> = {}) => ({ vaddr, size: 0x1000, perms: 'rw', purpose: 'stack', ...extra });

function textWith(change: (summary: ImageSummary) => ImageSummary): string[] {
  return formatImageSummary(change(inspectImage(writeImage(input)))).split('\n');
}

/** The text with the plan's summary giving one component these slots and mappings (and these grants). */
function textWithPlan(name: string, slots: unknown[], mappings: unknown[], grants?: unknown[]): string[] {
  return textWith((s) => ({ ...s, plan: { ...s.plan, components: [{ name, slots, mappings }], ...(grants ? { grants } : {}) } }));
}

describe('inspectImage', () => {
  it('gives the file SHA-256 as sha256sum prints it, the header hash, and no signer', () => {
    const image = writeImage(input);
    fs.writeFileSync(path.join(temp, 'a.img'), image);
    const summary = inspectImage(image);
    expect(summary.sha256).toBe(execFileSync('sha256sum', [path.join(temp, 'a.img')]).toString().split(' ')[0]);
    expect(summary.headerSha256).toBe(Buffer.from(image.subarray(32, 64)).toString('hex'));
    expect(summary.totalSize).toBe(image.length);
    expect(summary.signer).toBeNull();
    expect(summary.sections.filter((s) => s.kind === 'COMPONENT').map((s) => s.name)).toEqual(['ping', 'pong']);
    expect(summary.sections.filter((s) => s.kind !== 'COMPONENT').every((s) => !('name' in s))).toBe(true);
    expect(summary.sections[0]!.crc32).toMatch(/^0x[0-9a-f]{8}$/);
    const start = summary.bootinfo.untypedStart;
    expect(summary.untyped.map((u) => u.slot)).toEqual(summary.untyped.map((_, i) => start + i));
    expect(summary.untyped[0]).toEqual({ slot: start, paddr: '0x100000', sizeBits: 12, device: true });
    expect(summary.rootTask.name).toBe('none (the image carries no root task)');
  });

  it('names the signer of a signed image', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const summary = inspectImage(signImage(writeImage(input), privateKey));
    expect(summary.signer).toBe(keyFingerprint(privateKey));
    expect(formatImageSummary(summary)).toContain(`  signed    by ${keyFingerprint(privateKey)} (signature valid)\n`);
    expect(formatImageSummary(inspectImage(writeImage(input)))).toContain('  signed    no\n');
  });
});

describe('formatImageSummary', () => {
  it('merges mappings into runs only while everything continues', () => {
    const lines = textWithPlan(
      'ping',
      [],
      [
        page(0x1000, { paddr: 0x8000_0000 }),
        page(0x2000, { paddr: 0x8000_1000 }),
        page(0x3000, { paddr: 0x8000_3000 }), // paddr jumps
        page(0x4000, { paddr: 0x8000_4000, perms: 'r' }), // perms change
        page(0x5000, { paddr: 0x8000_5000, perms: 'r', purpose: 'elf' }), // purpose change
        page(0x7000, { paddr: 0x8000_6000, perms: 'r', purpose: 'elf' }), // vaddr gap, paddr continuing
        page(0x8000, { paddr: 0x8000_8000, perms: 'r', purpose: 'elf', source: 'x' }), // source change
        page(0x10000, { purpose: 'region', source: 'buf' }),
        page(0x11000, { purpose: 'region', source: 'buf' }), // no paddr, both: merged
        page(0x12000, { purpose: 'region', source: 'buf', paddr: 0x9000_0000 }), // paddr appears
        { frame: 'odd' },
        { vaddr: 0x20000 },
      ],
    );
    const at = lines.indexOf('    mappings (12):');
    expect(lines.slice(at + 1, at + 11)).toEqual([
      '      0x1000..0x3000 -> 0x80000000 rw stack (2 pages)',
      '      0x3000..0x4000 -> 0x80003000 rw stack (1 pages)',
      '      0x4000..0x5000 -> 0x80004000 r stack (1 pages)',
      '      0x5000..0x6000 -> 0x80005000 r elf (1 pages)',
      '      0x7000..0x8000 -> 0x80006000 r elf (1 pages)',
      '      0x8000..0x9000 -> 0x80008000 r elf x (1 pages)',
      '      0x10000..0x12000 rw region buf (2 pages)',
      '      0x12000..0x13000 -> 0x90000000 rw region buf (1 pages)',
      '      {"frame":"odd"}',
      '      {"vaddr":131072}',
    ]);
  });

  it('describes slots with badge and role only when present, and each kind of grant', () => {
    const lines = textWithPlan(
      'pong',
      [
        { slot: 1, kind: 'notification', object: 'n', badge: 0 },
        { slot: 10, kind: 'notification', object: 'n', badge: 3, role: 'input' },
        { slot: 100, kind: 'endpoint' },
        { kind: 'frame' },
      ],
      [],
      [
        { kind: 'mmio', component: 'pong', device: '/soc/serial@10000000', paddr: 0x1000_0000, size: 0x1000, vaddr: 0x20_0000, perms: 'rw' },
        { kind: 'irq', component: 'pong', device: '/soc/serial@10000000', irq: 10, channel: 3 },
        { kind: 'other' },
      ],
    );
    const at = lines.indexOf('    slots (4):');
    expect(lines.slice(at + 1, at + 5)).toEqual([
      '      slot   1: notification n',
      '      slot  10: notification n badge 0x3 (input)',
      '      slot 100: endpoint',
      '      {"kind":"frame"}',
    ]);
    expect(lines.indexOf('    mappings (0):')).toBe(-1);
    const grants = lines.indexOf('grants (3):');
    expect(lines.slice(grants + 1, grants + 4)).toEqual([
      '  pong: mmio /soc/serial@10000000 0x10000000 size 0x1000 at 0x200000 rw',
      '  pong: irq 10 /soc/serial@10000000 on channel 3',
      '  {"kind":"other"}',
    ]);
    expect(textWith((s) => ({ ...s, plan: { ...s.plan, grants: [] } })).some((l) => l.startsWith('grants'))).toBe(false);
  });

  it('gives untyped sizes in B, KiB and MiB at their bounds', () => {
    const lines = textWith((s) => ({
      ...s,
      untyped: [9, 10, 19, 20, 21].map((sizeBits, i) => ({ slot: 20 + i, paddr: '0x1000', sizeBits, device: i === 0 })),
    }));
    const at = lines.indexOf('untyped (5):');
    expect(lines.slice(at + 1, at + 6)).toEqual([
      '  slot   20      0x1000  2^9 (512 B)  device',
      '  slot   21      0x1000  2^10 (1 KiB)  ram',
      '  slot   22      0x1000  2^19 (512 KiB)  ram',
      '  slot   23      0x1000  2^20 (1 MiB)  ram',
      '  slot   24      0x1000  2^21 (2 MiB)  ram',
    ]);
  });
});
