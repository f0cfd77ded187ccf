// Predicts the untypeds seL4's boot hands out on a platform (as Microkit's `emulate_kernel_boot`
// does): RAM minus the kernel's reserved start, and device memory for the rest of [0, 2^32), each
// region cut like the kernel's `create_untypeds_for_region` into naturally aligned power-of-two
// blocks of at most 2^29 bytes. Order as in bootinfo: device untypeds, then RAM, each by address.
import { InitialSlot, MAX_UNTYPED_BITS, MIN_UNTYPED_BITS } from '../../schema/abi.js';
import { KERNEL_RESERVED_BYTES, PHYSICAL_TOP } from '../../schema/plan.js';
import type { AddressRange, Platform } from '../../image/platformModel.js';

export interface UntypedSpec {
  readonly index: number;
  readonly paddr: number;
  readonly sizeBits: number;
  readonly isDevice: boolean;
  /** Root CNode slot of its cap: 16 + index. */
  readonly slot: number;
}

export interface UntypedPrediction {
  readonly untyped: readonly UntypedSpec[];
  readonly kernelReserved: AddressRange;
  /** RAM handed out as untyped (usable RAM minus the kernel's part), sorted. */
  readonly ram: readonly AddressRange[];
}

/** Count of trailing zero bits; 2^52 for 0 so that address 0 is aligned to everything. */
export function alignmentBits(address: number): number {
  if (address === 0) return 52;
  let bits = 0;
  while (address % 2 ** (bits + 1) === 0) bits++;
  return bits;
}

/** [start, end) cut into maximal naturally aligned power-of-two blocks ≤ 2^maxBits (dropping < 2^4). */
export function splitRegion(start: number, end: number, maxBits = MAX_UNTYPED_BITS): { paddr: number; sizeBits: number }[] {
  const blocks: { paddr: number; sizeBits: number }[] = [];
  let at = start;
  while (end - at >= 2 ** MIN_UNTYPED_BITS) {
    const fitBits = Math.floor(Math.log2(end - at));
    const bits = Math.min(alignmentBits(at), fitBits, maxBits);
    if (bits < MIN_UNTYPED_BITS) {
      at += 2 ** alignmentBits(at);
      continue;
    }
    blocks.push({ paddr: at, sizeBits: bits });
    at += 2 ** bits;
  }
  return blocks;
}

/** Subtracts sorted, disjoint `holes` from [start, end). */
function subtract(start: number, end: number, holes: readonly AddressRange[]): AddressRange[] {
  const result: AddressRange[] = [];
  let at = start;
  for (const hole of holes) {
    const holeEnd = hole.base + hole.size;
    if (holeEnd <= at || hole.base >= end) continue;
    if (hole.base > at) result.push({ base: at, size: hole.base - at });
    at = Math.max(at, holeEnd);
  }
  if (at < end) result.push({ base: at, size: end - at });
  return result;
}

export function predictUntypeds(platform: Platform): UntypedPrediction {
  const usable = [...platform.ram].filter((r) => r.base < PHYSICAL_TOP).sort((a, b) => a.base - b.base);
  const first = usable[0];
  const kernelReserved: AddressRange = first
    ? { base: first.base, size: Math.min(KERNEL_RESERVED_BYTES, first.size) }
    : { base: 0, size: 0 };
  const ram = usable.flatMap((r) => subtract(r.base, Math.min(r.base + r.size, PHYSICAL_TOP), [kernelReserved]));
  // Device memory: everything below 2^32 that is not memory (reserved-memory stays out of both).
  const memoryHoles = [...platform.memory, kernelReserved].sort((a, b) => a.base - b.base);
  const device = subtract(0, PHYSICAL_TOP, mergeRanges(memoryHoles));
  const untyped: UntypedSpec[] = [];
  const add = (regions: readonly AddressRange[], isDevice: boolean) => {
    for (const region of regions) {
      for (const block of splitRegion(region.base, region.base + region.size)) {
        const index = untyped.length;
        untyped.push({ index, paddr: block.paddr, sizeBits: block.sizeBits, isDevice, slot: InitialSlot.numInitialCaps + index });
      }
    }
  };
  add(device, true);
  add(ram, false);
  return { untyped, kernelReserved, ram };
}

function mergeRanges(ranges: readonly AddressRange[]): AddressRange[] {
  const merged: AddressRange[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.base <= last.base + last.size) {
      merged[merged.length - 1] = { base: last.base, size: Math.max(last.base + last.size, r.base + r.size) - last.base };
    } else merged.push({ base: r.base, size: r.size });
  }
  return merged;
}
