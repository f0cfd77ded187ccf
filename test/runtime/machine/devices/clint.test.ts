// The CLINT (SiFive CLINT memory map, QEMU hw/intc/riscv_aclint.c).
import { describe, expect, it } from 'vitest';
import * as C from '../../../../runtime/machine/devices/clint.js';
import { createClint } from '../../../../runtime/machine/devices/clint.js';
import { harness } from './deviceHarness.js';

describe('CLINT', () => {
  it('reads mtime from the clock in timebase ticks, in two halves', () => {
    const h = harness(0x1_0000);
    const clint = createClint(h.context, 1);
    h.clock.ticks = 0x1_0000_0002;
    expect(clint.read(C.CLINT_MTIME, 4)).toBe(2);
    expect(clint.read(C.CLINT_MTIME + 4, 4)).toBe(1);
  });

  it('signals the timer when mtime reaches mtimecmp', () => {
    const h = harness(0x1_0000);
    const clint = createClint(h.context, 1);
    clint.write(C.CLINT_MTIMECMP_BASE + 4, 4, 0);
    clint.write(C.CLINT_MTIMECMP_BASE, 4, 1000);
    expect(clint.read(C.CLINT_MTIMECMP_BASE, 4)).toBe(1000);
    h.clock.ticks = 999;
    expect(clint.timerPending(0)).toBe(false);
    h.clock.ticks = 1000;
    expect(clint.timerPending(0)).toBe(true);
  });

  it('keeps bit 0 of msip per hart', () => {
    const h = harness(0x1_0000);
    const clint = createClint(h.context, 2);
    clint.write(C.CLINT_MSIP_BASE + 4, 4, 0xffff_ffff);
    expect(clint.read(C.CLINT_MSIP_BASE + 4, 4)).toBe(1);
    expect(clint.softwarePending(1)).toBe(true);
    expect(clint.softwarePending(0)).toBe(false);
  });

  it('moves mtime when it is written', () => {
    const h = harness(0x1_0000);
    const clint = createClint(h.context, 1);
    h.clock.ticks = 50;
    clint.write(C.CLINT_MTIME, 4, 10);
    h.clock.ticks = 60;
    expect(clint.mtime()).toBe(20n);
  });

  it('records byte accesses and unknown offsets', () => {
    const h = harness(0x1_0000);
    const clint = createClint(h.context, 1);
    expect(clint.read(C.CLINT_MTIME, 1)).toBe(0);
    clint.write(0x8000, 4, 1);
    expect(h.errors.map((e) => [e.offset, e.write])).toEqual([
      [C.CLINT_MTIME, false],
      [0x8000, true],
    ]);
  });
});
