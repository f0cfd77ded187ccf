// Inert regions, the compatible → model table, and the guest-error log.
import { describe, expect, it } from 'vitest';
import { createInertDevice, findDeviceFactory } from '../../../../runtime/machine/devices/index.js';
import { createGuestErrorLog } from '../../../../runtime/machine/devices/device.js';
import { harness } from './deviceHarness.js';

describe('inert device', () => {
  it('reads 0, drops writes and counts both', () => {
    const h = harness();
    const device = createInertDevice(h.context, 'virtio,mmio');
    device.write(0x10, 4, 7);
    expect(device.read(0x10, 4)).toBe(0);
    expect(device.read(0x0, 1)).toBe(0);
    expect([device.reads, device.writes]).toEqual([2, 1]);
  });
});

describe('findDeviceFactory', () => {
  it('takes the first compatible in the node order that has a model', () => {
    expect(findDeviceFactory(['sifive,test1', 'sifive,test0', 'syscon'])?.compatible).toBe('sifive,test1');
    expect(findDeviceFactory(['vendor,unknown', 'ns16550a'])?.compatible).toBe('ns16550a');
    expect(findDeviceFactory(['riscv,plic0'])?.compatible).toBe('riscv,plic0');
  });

  it('has no model for unknown or prototype-named compatibles', () => {
    expect(findDeviceFactory(['virtio,mmio'])).toBeUndefined();
    expect(findDeviceFactory(['toString', 'constructor'])).toBeUndefined();
  });
});

describe('createGuestErrorLog', () => {
  it('keeps the first entries up to its limit and counts the rest', () => {
    const log = createGuestErrorLog(() => 0x8000_0010, 2);
    for (let i = 0; i < 5; i++) log.record('/soc/x', i * 4, 4, true, 'bad');
    expect(log.entries.map((e) => [e.offset, e.pc])).toEqual([
      [0, 0x8000_0010],
      [4, 0x8000_0010],
    ]);
    expect(log.dropped).toBe(3);
  });
});
