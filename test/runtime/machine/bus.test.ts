// The physical bus: RAM and device windows by 4 KiB page, access faults for unmapped addresses,
// per-region counters, and device stops reaching the CPU.
import { describe, expect, it } from 'vitest';
import { Bus, PAGE_RAM, PAGE_UNMAPPED } from '../../../runtime/machine/bus.js';
import { Rv32Cpu } from '../../../runtime/machine/cpu.js';
import type { AccessSize, MmioDevice } from '../../../runtime/machine/devices/device.js';
import { PhysicalMemory } from '../../../runtime/machine/memory.js';
import { StopReason } from '../../../runtime/machine/trap.js';
import * as A from './asm.js';
import { place } from './harness.js';

/** A device that records accesses and returns offset + size from reads. */
function recorder(accessSizes: readonly AccessSize[] = [4]) {
  const log: string[] = [];
  const device: MmioDevice = {
    kind: 'test,recorder',
    size: 0x100,
    accessSizes,
    read: (offset, size) => {
      log.push(`r ${offset} ${size}`);
      return 0x1000 + offset + size;
    },
    write: (offset, size, value) => {
      log.push(`w ${offset} ${size} ${value.toString(16)}`);
    },
    reset: () => undefined,
  };
  return { device, log };
}

describe('PhysicalMemory', () => {
  it('reads and writes little-endian values at physical addresses', () => {
    const ram = new PhysicalMemory(0x8000_0000, 0x2000);
    ram.writeU32(0x8000_1000, 0x1122_3344);
    expect(ram.readU8(0x8000_1000)).toBe(0x44);
    expect(ram.readU16(0x8000_1002)).toBe(0x1122);
    expect(ram.words[0x400]).toBe(0x1122_3344);
    ram.writeU32(0x8000_0000, -1);
    expect(ram.readU32(0x8000_0000)).toBe(0xffff_ffff);
    ram.writeBytes(0x8000_0010, new Uint8Array([1, 2, 3]));
    expect([...ram.readBytes(0x8000_0010, 3)]).toEqual([1, 2, 3]);
    ram.fill(0x8000_0010, 2);
    expect(ram.readU8(0x8000_0011)).toBe(0);
  });
  it('contains() checks whole ranges, and accesses outside RAM throw RangeError', () => {
    const ram = new PhysicalMemory(0x8000_0000, 0x1000);
    expect(ram.contains(0x8000_0ffc, 4)).toBe(true);
    expect(ram.contains(0x8000_0ffd, 4)).toBe(false);
    expect(ram.contains(0x7fff_ffff)).toBe(false);
    expect(() => ram.readU32(0x8000_1000)).toThrow(RangeError);
    expect(() => new PhysicalMemory(0x8000_0100, 0x1000)).toThrow(RangeError);
  });
});

describe('Bus', () => {
  it('maps pages to RAM, devices, or nothing', () => {
    const bus = new Bus();
    bus.attachRam(new PhysicalMemory(0x8000_0000, 0x2000));
    const { device } = recorder();
    const region = bus.attachDevice(0x1000_0000, 0x100, device, 'uart');
    expect(bus.pageMap[0x8000_0000 >>> 12]).toBe(PAGE_RAM);
    expect(bus.pageMap[0x8000_2000 >>> 12]).toBe(PAGE_UNMAPPED);
    expect(bus.regionAt(0x1000_0010)).toBe(region);
    expect(bus.regionAt(0x8000_0000)).toBeUndefined();
  });
  it('dispatches device accesses by offset and counts them per region', () => {
    const bus = new Bus();
    const { device, log } = recorder();
    const region = bus.attachDevice(0x1000_0000, 0x100, device, 'dev');
    expect(bus.read(0x1000_0008, 4)).toBe(0x1000 + 8 + 4);
    bus.write(0x1000_000c, 4, -1);
    expect(log).toEqual(['r 8 4', 'w 12 4 ffffffff']);
    expect([region.reads, region.writes, bus.faulted]).toEqual([1, 1, false]);
  });
  it('counts device accesses per region into accessCounts while it is set (RAM accesses not)', () => {
    const bus = new Bus();
    bus.attachRam(new PhysicalMemory(0x8000_0000, 0x1000));
    bus.attachDevice(0x1000_0000, 0x100, recorder().device, 'first');
    bus.attachDevice(0x1000_1000, 0x100, recorder().device, 'second');
    const counts = new Float64Array(4);
    bus.accessCounts = counts;
    bus.read(0x1000_1000, 4);
    bus.read(0x1000_1004, 4);
    bus.write(0x1000_0000, 4, 1);
    bus.write(0x8000_0000, 4, 1);
    bus.read(0x8000_0000, 4);
    expect([...counts]).toEqual([0, 1, 2, 0]);
    bus.accessCounts = undefined;
    bus.read(0x1000_0000, 4);
    expect([...counts]).toEqual([0, 1, 2, 0]);
    expect(bus.regions.map((r) => [r.reads, r.writes])).toEqual([[1, 1], [2, 0]]);
    // Unset, the counters come from accessCountsSource at the first device access (not at RAM accesses).
    const other = new Float64Array(4);
    let asked = 0;
    bus.accessCountsSource = () => (asked++ === 0 ? other : undefined);
    bus.read(0x8000_0000, 4);
    expect(asked).toBe(0);
    bus.write(0x1000_0000, 4, 1);
    bus.read(0x1000_1000, 4);
    expect([asked, [...other], bus.accessCounts === other]).toEqual([1, [0, 1, 1, 0], true]);
    bus.accessCounts = undefined;
    bus.accessCountsSource = () => undefined;
    bus.read(0x1000_0000, 4);
    expect([...other]).toEqual([0, 1, 1, 0]);
  });
  it('an access width the device does not accept reads 0, is counted and reported, and is not a fault', () => {
    const bus = new Bus();
    const { device, log } = recorder([4]);
    const bad: string[] = [];
    bus.onBadAccess = (region, offset, size, write) => bad.push(`${region.name} ${offset} ${size} ${write}`);
    const region = bus.attachDevice(0x1000_0000, 0x100, device, 'dev');
    expect(bus.read(0x1000_0001, 1)).toBe(0);
    bus.write(0x1000_0002, 2, 5);
    expect([log, bad, region.badAccesses, bus.faulted]).toEqual([[], ['dev 1 1 false', 'dev 2 2 true'], 2, false]);
  });
  it('unmapped addresses and addresses past a device window fault', () => {
    const bus = new Bus();
    bus.attachDevice(0x1000_0000, 0x100, recorder().device, 'dev');
    expect(bus.read(0x2000_0000, 4)).toBe(0);
    expect(bus.faulted).toBe(true);
    bus.faulted = false;
    bus.write(0x1000_0200, 4, 1);
    expect(bus.faulted).toBe(true);
  });
  it('rejects overlapping and unaligned regions', () => {
    const bus = new Bus();
    bus.attachDevice(0x1000_0000, 0x100, recorder().device, 'a');
    expect(() => bus.attachDevice(0x1000_0000, 0x100, recorder().device, 'b')).toThrow(/overlaps/);
    expect(() => bus.attachDevice(0x1000_0800, 0x100, recorder().device, 'c')).toThrow(/page-aligned/);
  });

  it('names the lowest page already taken, whichever region holds it, and maps nothing of a rejected region', () => {
    const bus = new Bus();
    bus.attachRam(new PhysicalMemory(0x8000_0000, 0x10000));
    bus.attachDevice(0x1000_3000, 0x2000, recorder().device, 'high');
    bus.attachDevice(0x1000_1000, 0x1000, recorder().device, 'low');
    // Both regions inside; the one attached first is the higher: the page is 'low''s.
    expect(() => bus.attachDevice(0x1000_0000, 0x8000, recorder().device, 'wide')).toThrow("region 'wide' overlaps another at page 0x10001000");
    expect(() => bus.attachDevice(0x1000_4000, 0x1000, recorder().device, 'end')).toThrow('at page 0x10004000');
    expect(() => bus.attachDevice(0x8000_f000, 0x2000, recorder().device, 'ram')).toThrow('at page 0x8000f000');
    expect(() => bus.attachDevice(0x7fff_f000, 0x1000_0000, recorder().device, 'over-ram')).toThrow('at page 0x80000000');
    expect(bus.regionAt(0x1000_0000)).toBeUndefined();
    expect(bus.regionAt(0x1000_2000)).toBeUndefined();
    // Next to them, not on them: accepted.
    expect(bus.attachDevice(0x1000_2000, 0x1000, recorder().device, 'between').name).toBe('between');
    expect(bus.attachDevice(0x1000_5000, 0x1000, recorder().device, 'after').name).toBe('after');
    expect(bus.regionAt(0x1000_2fff)?.name).toBe('between');
  });
});

describe('CPU accesses through the bus', () => {
  function machineWithDevice(accessSizes: readonly AccessSize[] = [1, 2, 4]) {
    const ram = new PhysicalMemory(0x8000_0000, 0x10000);
    const bus = new Bus();
    bus.attachRam(ram);
    const { device, log } = recorder(accessSizes);
    const region = bus.attachDevice(0x1000_0000, 0x100, device, 'dev');
    const cpu = new Rv32Cpu(bus);
    cpu.pc = 0x8000_0000;
    cpu.x[A.a1] = 0x1000_0000;
    return { ram, bus, cpu, log, region, device };
  }
  it('device loads and stores carry offset, width and value; lb sign-extends device data', () => {
    const m = machineWithDevice();
    place(m.ram, 0x8000_0000, [A.lw(A.a0, A.a1, 4), A.sb(A.a0, A.a1, 3), A.lb(A.a2, A.a1, 0x7b), A.ecall()]);
    m.cpu.run(100);
    expect(m.log).toEqual(['r 4 4', 'w 3 1 8', 'r 123 1']);
    expect(m.cpu.x[A.a0]).toBe(0x1008);
    expect(m.cpu.x[A.a2]).toBe(((0x1000 + 123 + 1) << 24) >> 24);
    expect([m.region.reads, m.region.writes]).toEqual([2, 1]);
  });
  it('a device that requests a stop ends run after the store, with the pc after it', () => {
    const m = machineWithDevice();
    m.device.write = () => m.cpu.requestStop();
    place(m.ram, 0x8000_0000, [A.sw(A.a0, A.a1, 0), A.addi(A.a2, 0, 1), A.ecall()]);
    expect(m.cpu.run(100)).toBe(StopReason.Stopped);
    expect([m.cpu.pc, m.cpu.instret, m.cpu.x[A.a2]]).toEqual([0x8000_0004, 1, 0]);
    expect(m.cpu.run(100)).toBe(StopReason.Trap);
    expect(m.cpu.x[A.a2]).toBe(1);
  });
  it('devices see the pc of the accessing instruction in cpu.pc', () => {
    const m = machineWithDevice();
    const pcs: number[] = [];
    m.device.read = () => {
      pcs.push(m.cpu.pc);
      return 0;
    };
    place(m.ram, 0x8000_0000, [A.addi(0, 0, 0), A.lw(A.a0, A.a1, 0), A.ecall()]);
    m.cpu.run(100);
    expect(pcs).toEqual([0x8000_0004]);
  });
  it('misaligned device accesses and code fetches from devices are access faults', () => {
    const m = machineWithDevice();
    place(m.ram, 0x8000_0000, [A.lw(A.a0, A.a1, 2)]);
    m.cpu.run(10);
    expect([m.cpu.cause, m.cpu.tval]).toEqual([5, 0x1000_0002]);
    m.cpu.pc = 0x1000_0000;
    m.cpu.run(10);
    expect([m.cpu.cause, m.cpu.tval]).toEqual([1, 0x1000_0000]);
    expect(m.log).toEqual([]);
  });
});
