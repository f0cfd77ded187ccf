// CRC-32 (IEEE) against the standard check values.
import { describe, it, expect } from 'vitest';
import { crc32 } from '../../image/crc32.js';

describe('crc32', () => {
  it('gives the IEEE check value 0xcbf43926 for "123456789"', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
  it('gives 0 for no bytes and the zlib value for one zero byte', () => {
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(new Uint8Array(1))).toBe(0xd202ef8d);
  });
});
