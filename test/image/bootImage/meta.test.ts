// The META section codec at its bounds: the 32-byte hash, each string's length word and padding at
// the section's end and one byte past it, UTF-8 of every length modulo 4, and what metaProblem
// refuses (hash not 64 lower-case hex digits, an empty system name).
import { describe, expect, it } from 'vitest';
import { decodeMeta, decodeUtf8, encodeMeta, hexOf, metaProblem } from '../../../image/bootImage/meta.js';
import type { ImageMeta } from '../../../image/bootImage/types.js';

const HASH = 'ab'.repeat(32);
const meta = (over: Partial<ImageMeta> = {}): ImageMeta => ({
  systemName: 'demo',
  toolVersion: '0.1.0',
  platformName: 'kaal-virt-rv32',
  inputsSha256: HASH,
  ...over,
});
const problemOf = (bytes: Uint8Array) => {
  const decoded = decodeMeta(bytes);
  return 'problem' in decoded ? decoded.problem : 'decoded';
};

describe('META section', () => {
  it('lays out the hash, then each string as a length word and UTF-8 padded to 4 bytes', () => {
    for (const name of ['a', 'ab', 'abc', 'abcd', 'abcde', 'ü€']) {
      const bytes = encodeMeta(meta({ systemName: name }));
      const length = new TextEncoder().encode(name).length;
      const view = new DataView(bytes.buffer);
      expect(hexOf(bytes.subarray(0, 32))).toBe(HASH);
      expect(view.getUint32(32, true)).toBe(length);
      expect(bytes.length).toBe(32 + 4 + Math.ceil(length / 4) * 4 + 4 + 8 + 4 + 16);
      expect(decodeMeta(bytes)).toEqual({ value: meta({ systemName: name }) });
    }
    expect(decodeMeta(encodeMeta(meta({ toolVersion: '', platformName: '' })))).toEqual({ value: meta({ toolVersion: '', platformName: '' }) });
  });

  it('needs the 32-byte hash and each length word inside the section', () => {
    const bytes = encodeMeta(meta());
    expect(problemOf(bytes.subarray(0, 31))).toBe('31 bytes is shorter than the 32-byte inputs hash');
    expect(problemOf(bytes.subarray(0, 32))).toBe('the systemName length at byte 32 is past the section end 32');
    expect(problemOf(bytes.subarray(0, 35))).toBe('the systemName length at byte 32 is past the section end 35');
    // systemName 'demo' ends at 40: the toolVersion length word needs 40..44.
    expect(problemOf(bytes.subarray(0, 43))).toBe('the toolVersion length at byte 40 is past the section end 43');
  });

  it('takes a string whose padding ends the section, and refuses one byte less', () => {
    const bytes = encodeMeta(meta());
    expect(problemOf(bytes)).toBe('decoded');
    expect(problemOf(bytes.subarray(0, bytes.length - 1))).toBe(
      `the platformName (14 bytes at byte ${bytes.length - 16}) runs past the section end ${bytes.length - 1}`,
    );
  });

  it('refuses bad UTF-8, non-zero padding and bytes after the platform name', () => {
    const bytes = encodeMeta(meta({ systemName: 'abc' }));
    const badUtf8 = bytes.slice();
    badUtf8[36] = 0xff;
    expect(problemOf(badUtf8)).toBe('the systemName is not valid UTF-8');
    const padding = bytes.slice();
    padding[39] = 1;
    expect(problemOf(padding)).toBe('the systemName padding is not zero');
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    expect(problemOf(longer)).toBe('4 bytes follow the platform name');
    expect(decodeUtf8(new Uint8Array([0xc3]))).toBeUndefined();
    expect(decodeUtf8(new Uint8Array([0xc3, 0xbc]))).toBe('ü');
  });

  it('wants 64 lower-case hex digits and a system name', () => {
    expect(metaProblem(meta())).toBeUndefined();
    expect(metaProblem(meta({ inputsSha256: 'AB'.repeat(32) }))).toBe(`inputsSha256 '${'AB'.repeat(32)}' is not 64 lower-case hex digits`);
    expect(metaProblem(meta({ inputsSha256: 'ab'.repeat(31) }))).toBe(`inputsSha256 '${'ab'.repeat(31)}' is not 64 lower-case hex digits`);
    expect(metaProblem(meta({ inputsSha256: `x${'ab'.repeat(32)}` }))).toContain('is not 64 lower-case hex digits');
    expect(metaProblem(meta({ inputsSha256: `${'ab'.repeat(32)}x` }))).toContain('is not 64 lower-case hex digits');
    expect(metaProblem(meta({ systemName: '' }))).toBe('the system name is empty');
    expect(problemOf(encodeMeta(meta({ systemName: '' })))).toBe('the system name is empty');
    expect(hexOf(new Uint8Array([0, 0x0f, 0xff]))).toBe('000fff');
  });
});
