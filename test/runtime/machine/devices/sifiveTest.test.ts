// The SiFive test finisher (QEMU hw/misc/sifive_test.c).
import { describe, expect, it } from 'vitest';
import { createSifiveTest } from '../../../../runtime/machine/devices/sifiveTest.js';
import { harness } from './deviceHarness.js';

describe('sifive test finisher', () => {
  it('powers off with pass on 0x5555', () => {
    const h = harness();
    createSifiveTest(h.context).write(0, 4, 0x5555);
    expect(h.powerOffs).toEqual([{ kind: 'pass', code: 0 }]);
  });

  it('powers off with fail and the code from the upper 16 bits on 0x3333', () => {
    const h = harness();
    createSifiveTest(h.context).write(0, 4, (42 << 16) | 0x3333);
    expect(h.powerOffs).toEqual([{ kind: 'fail', code: 42 }]);
  });

  it('asks for a reset on 0x7777', () => {
    const h = harness();
    createSifiveTest(h.context).write(0, 4, 0x7777);
    expect(h.powerOffs).toEqual([{ kind: 'reset', code: 0 }]);
  });

  it('records other values and offsets, reads 0', () => {
    const h = harness();
    const test = createSifiveTest(h.context);
    test.write(0, 4, 0x1234);
    test.write(4, 4, 0x5555);
    expect(test.read(0, 4)).toBe(0);
    expect(h.powerOffs).toEqual([]);
    expect(h.errors.map((e) => e.offset)).toEqual([0, 4]);
  });
});
