// The physical address space: RAM and device windows dispatched by 4 KiB page (v86's MMIO table by
// `addr >>> 12`; QEMU virt devices sit 4 KiB apart), with per-region access counters for the report.
import type { AccessSize, MmioDevice } from './devices/device.js';
import type { PhysicalMemory } from './memory.js';

export const PAGE_BITS = 12;
export const PAGE_SIZE = 1 << PAGE_BITS;
/** `pageMap` value of a page nothing is attached to. */
export const PAGE_UNMAPPED = 0;
/** `pageMap` value of a RAM page; values from 2 up are `regions[value - 2]`. */
export const PAGE_RAM = 1;
const FIRST_DEVICE = 2;
/** A Uint8Array entry holds region numbers up to 255. */
const MAX_DEVICES = 255 - FIRST_DEVICE + 1;

/** One attached device window and how often it was used. */
export interface BusRegion {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  readonly device: MmioDevice;
  reads: number;
  writes: number;
  /** Accesses with a width the device does not accept (read as 0, write ignored). */
  badAccesses: number;
}

/** Result of a failed bus access (the CPU turns it into an access fault). */
export const BUS_FAULT = -1;

export class Bus {
  /** Per 4 KiB physical page: PAGE_UNMAPPED, PAGE_RAM or FIRST_DEVICE + region index. */
  readonly pageMap = new Uint8Array(1 << (32 - PAGE_BITS));
  readonly regions: BusRegion[] = [];
  ram: PhysicalMemory | undefined;
  /** Set by the last access that failed (unmapped address, misfit width); cleared by the caller. */
  faulted = false;
  /** Set by every access that reaches a device window; cleared by its reader (Rv32Cpu.run). */
  deviceAccessed = false;
  /**
   * When set, device accesses are also counted here: reads of region i at [2i], writes at [2i + 1]
   * (the kernel's driver points it at the running thread's counters, for the per-grant report).
   */
  accessCounts: Float64Array | undefined;
  /**
   * Asked for `accessCounts` at a device access while it is unset (undefined: nothing counts): a
   * thread switch then only clears `accessCounts`, and the counters are looked up when first used.
   */
  accessCountsSource: (() => Float64Array | undefined) | undefined;
  /** Hook for recording bad accesses with the pc (the machine sets it); defaults to counting only. */
  onBadAccess: ((region: BusRegion, offset: number, size: AccessSize, write: boolean) => void) | undefined;

  attachRam(memory: PhysicalMemory): void {
    if (this.ram) throw new Error('RAM already attached');
    this.claim(memory.base, memory.size, PAGE_RAM, 'RAM');
    this.ram = memory;
  }

  /** Maps `device` at `[base, base + size)`; `size` is rounded up to whole pages. */
  attachDevice(base: number, size: number, device: MmioDevice, name: string): BusRegion {
    if (this.regions.length >= MAX_DEVICES) throw new Error(`more than ${MAX_DEVICES} device regions`);
    const region: BusRegion = { name, base: base >>> 0, size, device, reads: 0, writes: 0, badAccesses: 0 };
    this.claim(base, size, FIRST_DEVICE + this.regions.length, name);
    this.regions.push(region);
    return region;
  }

  private claim(base: number, size: number, value: number, name: string): void {
    base >>>= 0;
    if (base % PAGE_SIZE !== 0 || size <= 0 || base + size > 2 ** 32) {
      throw new RangeError(`region '${name}' at 0x${base.toString(16)} size 0x${size.toString(16)} is not page-aligned inside 4 GiB`);
    }
    const first = base >>> PAGE_BITS;
    const last = (base + size - 1) >>> PAGE_BITS;
    // The lowest page of [first, last] already claimed. Checked against the claimed ranges (a few),
    // not page by page: RAM alone is 32768 pages, and the loop ran unoptimised in every start (~2 ms).
    let clash = Infinity;
    for (const range of this.claimed) if (range.first <= last && first <= range.last) clash = Math.min(clash, Math.max(first, range.first));
    if (clash !== Infinity) throw new RangeError(`region '${name}' overlaps another at page 0x${((clash << PAGE_BITS) >>> 0).toString(16)}`);
    this.claimed.push({ first, last });
    this.pageMap.fill(value, first, last + 1);
  }

  /** The page ranges (inclusive) `claim` has filled in `pageMap`: nothing else writes it. */
  private readonly claimed: { readonly first: number; readonly last: number }[] = [];

  /** The device region containing `paddr`, or undefined for RAM and unmapped addresses. */
  regionAt(paddr: number): BusRegion | undefined {
    const entry = this.pageMap[paddr >>> PAGE_BITS]!;
    return entry >= FIRST_DEVICE ? this.regions[entry - FIRST_DEVICE] : undefined;
  }

  /**
   * Reads `size` bytes at `paddr`, zero-extended. An access to an unmapped page, past RAM's end or
   * past a device's window sets `faulted` and returns 0. Width checks against the device's
   * `accessSizes` count a bad access and read 0 without faulting (QEMU logs and ignores them).
   */
  read(paddr: number, size: AccessSize): number {
    paddr >>>= 0;
    const entry = this.pageMap[paddr >>> PAGE_BITS]!;
    if (entry === PAGE_RAM) {
      const ram = this.ram!;
      const offset = paddr - ram.base;
      if (offset + size > ram.size) {
        this.faulted = true;
        return 0;
      }
      if (size === 1) return ram.bytes[offset]!;
      if (size === 2) return ram.view.getUint16(offset, true);
      return ram.view.getUint32(offset, true);
    }
    if (entry === PAGE_UNMAPPED) {
      this.faulted = true;
      return 0;
    }
    const region = this.regions[entry - FIRST_DEVICE]!;
    const offset = paddr - region.base;
    if (offset + size > region.size) {
      this.faulted = true;
      return 0;
    }
    region.reads++;
    this.deviceAccessed = true;
    const counts = this.accessCounts ?? (this.accessCounts = this.accessCountsSource?.());
    if (counts !== undefined) counts[2 * (entry - FIRST_DEVICE)]++;
    if (!region.device.accessSizes.includes(size)) {
      region.badAccesses++;
      this.onBadAccess?.(region, offset, size, false);
      return 0;
    }
    return region.device.read(offset, size);
  }

  /** Writes the low `size` bytes of `value` at `paddr`; faults as `read` does. */
  write(paddr: number, size: AccessSize, value: number): void {
    paddr >>>= 0;
    const entry = this.pageMap[paddr >>> PAGE_BITS]!;
    if (entry === PAGE_RAM) {
      const ram = this.ram!;
      const offset = paddr - ram.base;
      if (offset + size > ram.size) {
        this.faulted = true;
        return;
      }
      if (size === 1) ram.bytes[offset] = value;
      else if (size === 2) ram.view.setUint16(offset, value & 0xffff, true);
      else ram.view.setUint32(offset, value >>> 0, true);
      return;
    }
    if (entry === PAGE_UNMAPPED) {
      this.faulted = true;
      return;
    }
    const region = this.regions[entry - FIRST_DEVICE]!;
    const offset = paddr - region.base;
    if (offset + size > region.size) {
      this.faulted = true;
      return;
    }
    region.writes++;
    this.deviceAccessed = true;
    const counts = this.accessCounts ?? (this.accessCounts = this.accessCountsSource?.());
    if (counts !== undefined) counts[2 * (entry - FIRST_DEVICE) + 1]++;
    if (!region.device.accessSizes.includes(size)) {
      region.badAccesses++;
      this.onBadAccess?.(region, offset, size, true);
      return;
    }
    const mask = size === 4 ? 0xffffffff : (1 << (size * 8)) - 1;
    region.device.write(offset, size, (value & mask) >>> 0);
  }
}
