// Allocates kernel objects from the predicted untypeds the way `seL4_Untyped_Retype` places them
// (seL4 manual, "Untyped memory"; Microkit `capdl/allocation.rs`): an object goes at the untyped's
// watermark rounded up to its size, and the watermark only moves forward.
// Step 1: fixed-address frames by paddr, reaching each through filler untypeds.
// Step 2: the rest largest first (then by name), first fit over RAM untypeds and RAM fillers.
import { D, type DiagnosticBag } from '../../schema/diagnostics.js';
import type { ObjectKind, PlanObject } from '../../schema/plan.js';
import { hex } from '../check/format.js';
import { alignmentBits, type UntypedSpec } from './untyped.js';
import type { AddressRange } from '../../image/platformModel.js';

/** An object before allocation. */
export interface ObjectNeed {
  readonly name: string;
  readonly kind: ObjectKind;
  readonly sizeBits: number;
  /** Fixed physical address (MMIO pages, regions with `paddr`), else null. */
  readonly paddr: number | null;
  readonly owner: string | null;
  readonly purpose: string;
  /** Descriptor path for a diagnostic about it. */
  readonly path?: string;
}

export interface Allocation {
  /** In creation order, fillers included; `id` and `rootSlot` assigned. */
  readonly objects: readonly PlanObject[];
  /** Final watermark offset of each bootinfo untyped, by index. */
  readonly usedBytes: readonly number[];
}

interface Pool {
  readonly base: number;
  readonly end: number;
  readonly slot: number;
  readonly untyped: number;
  watermark: number;
}

export function allocateObjects(
  untyped: readonly UntypedSpec[],
  needs: readonly ObjectNeed[],
  firstSlot: number,
  kernelReserved: AddressRange,
  ram: readonly AddressRange[],
  bag: DiagnosticBag,
): Allocation {
  const objects: PlanObject[] = [];
  const usedBytes = untyped.map(() => 0);
  const create = (need: Omit<PlanObject, 'id' | 'rootSlot'>) => {
    const id = objects.length;
    const object: PlanObject = {
      id, name: need.name, kind: need.kind, sizeBits: need.sizeBits, paddr: need.paddr, untyped: need.untyped,
      parentSlot: need.parentSlot, rootSlot: firstSlot + id, owner: need.owner, fixed: need.fixed, purpose: need.purpose,
    };
    objects.push(object);
    return object;
  };

  // Step 1: fixed-address objects, ascending. Untypeds are sorted by paddr for the search.
  const byAddress = [...untyped].sort((a, b) => a.paddr - b.paddr);
  const watermark = untyped.map((u) => u.paddr);
  const ramFillers: Pool[] = [];
  let fillerCount = 0;
  const fixed = needs.filter((n) => n.paddr !== null).sort((a, b) => a.paddr! - b.paddr! || (a.name < b.name ? -1 : 1));
  for (const need of fixed) {
    const paddr = need.paddr!;
    const size = 2 ** need.sizeBits;
    const u = findContaining(byAddress, paddr, size);
    const what = describeNeed(need);
    if (!u) {
      if (paddr < kernelReserved.base + kernelReserved.size && paddr + size > kernelReserved.base) {
        bag.add(
          D.fixedObjectInKernelMemory,
          { what, start: hex(paddr), end: hex(paddr + size), kernelStart: hex(kernelReserved.base), kernelEnd: hex(kernelReserved.base + kernelReserved.size) },
          { path: need.path },
        );
      } else {
        const ramText = ram.map((r) => `${hex(r.base)}..${hex(r.base + r.size)}`).join(', ') || 'none';
        bag.add(D.fixedObjectOutsideUntyped, { what, start: hex(paddr), end: hex(paddr + size), ram: ramText }, { path: need.path });
      }
      continue;
    }
    // Already passed: a second need for the same page is a conflict the checks report.
    if (watermark[u.index]! > paddr) continue;
    while (watermark[u.index]! < paddr) {
      const at = watermark[u.index]!;
      const bits = Math.min(alignmentBits(at), Math.floor(Math.log2(paddr - at)));
      const filler = create({
        name: `filler_${String(fillerCount++).padStart(5, '0')}`,
        kind: 'untyped', sizeBits: bits, paddr: at, untyped: u.index, parentSlot: u.slot, owner: null, fixed: true, purpose: 'filler',
      });
      if (!u.isDevice) ramFillers.push({ base: at, end: at + 2 ** bits, slot: filler.rootSlot, untyped: u.index, watermark: at });
      watermark[u.index] = at + 2 ** bits;
    }
    create({ name: need.name, kind: need.kind, sizeBits: need.sizeBits, paddr, untyped: u.index, parentSlot: u.slot, owner: need.owner, fixed: true, purpose: need.purpose });
    watermark[u.index] = paddr + size;
  }

  // Step 2: everything else, largest first, first fit over RAM (bootinfo untypeds and fillers).
  const pools: Pool[] = [
    ...untyped.filter((u) => !u.isDevice).map((u) => ({ base: u.paddr, end: u.paddr + 2 ** u.sizeBits, slot: u.slot, untyped: u.index, watermark: watermark[u.index]! })),
    ...ramFillers,
  ].sort((a, b) => a.base - b.base);
  const rest = needs.filter((n) => n.paddr === null).sort((a, b) => b.sizeBits - a.sizeBits || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const unplaced: ObjectNeed[] = [];
  let firstOpen = 0;
  for (const need of rest) {
    const size = 2 ** need.sizeBits;
    let placed = false;
    for (let i = firstOpen; i < pools.length; i++) {
      const pool = pools[i]!;
      const at = Math.ceil(pool.watermark / size) * size;
      if (at + size > pool.end) continue;
      create({ name: need.name, kind: need.kind, sizeBits: need.sizeBits, paddr: at, untyped: pool.untyped, parentSlot: pool.slot, owner: need.owner, fixed: false, purpose: need.purpose });
      pool.watermark = at + size;
      placed = true;
      break;
    }
    // Pools that cannot take even the smallest object (16 bytes) are skipped from now on.
    while (firstOpen < pools.length && pools[firstOpen]!.end - pools[firstOpen]!.watermark < 16) firstOpen++;
    if (!placed) unplaced.push(need);
  }
  if (unplaced.length > 0) {
    const bytes = unplaced.reduce((sum, n) => sum + 2 ** n.sizeBits, 0);
    const ramBytes = pools.reduce((sum, p) => sum + (p.end - p.base), 0);
    bag.add(D.outOfUntypedMemory, { what: describeUnplaced(unplaced, needs), bytes: hex(bytes), ram: hex(ramBytes) }, { path: unplaced[0]!.path });
  }
  for (const u of untyped) usedBytes[u.index] = watermark[u.index]! - u.paddr;
  for (const pool of pools) {
    const u = untyped[pool.untyped]!;
    if (pool.slot === u.slot) usedBytes[u.index] = pool.watermark - u.paddr;
  }
  return { objects, usedBytes };
}

function findContaining(sorted: readonly UntypedSpec[], paddr: number, size: number): UntypedSpec | undefined {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const u = sorted[mid]!;
    if (u.paddr + 2 ** u.sizeBits <= paddr) low = mid + 1;
    else if (u.paddr > paddr) high = mid - 1;
    else return paddr + size <= u.paddr + 2 ** u.sizeBits ? u : undefined;
  }
  return undefined;
}

/** `memory region 'rx' (page 3)`, `the registers of '/soc/serial@10000000'`, else kind and name. */
/**
 * What did not fit, by what the user wrote: a region's pages as one ("31612 of the 31744 pages of
 * memory region 'big'"), a component's objects by kind. The first three, then how many more.
 */
function describeUnplaced(unplaced: readonly ObjectNeed[], needs: readonly ObjectNeed[]): string {
  const groups = new Map<string, { count: number; of: number; noun: string }>();
  const labelOf = (n: ObjectNeed) =>
    n.purpose.startsWith('region:') ? `memory region '${n.purpose.slice(7)}'` : n.owner === null ? 'the system' : `'${n.owner}'`;
  const nounOf = (n: ObjectNeed) => (n.purpose.startsWith('region:') ? 'page' : 'object');
  const counted = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
  for (const n of unplaced) {
    const label = labelOf(n);
    const group = groups.get(label) ?? { count: 0, of: 0, noun: nounOf(n) };
    group.count++;
    groups.set(label, group);
  }
  for (const n of needs) {
    const group = groups.get(labelOf(n));
    if (group && n.paddr === null) group.of++;
  }
  const parts = [...groups].map(([label, g]) => (g.count === g.of ? `${counted(g.count, g.noun)} of ${label}` : `${g.count} of the ${counted(g.of, g.noun)} of ${label}`));
  return parts.length > 3 ? `${parts.slice(0, 3).join(', ')} and ${parts.length - 3} more` : parts.join(', ');
}

function describeNeed(need: ObjectNeed): string {
  if (need.purpose.startsWith('region:')) return `memory region '${need.purpose.slice(7)}' (frame '${need.name}')`;
  if (need.purpose.startsWith('mmio:')) return `the registers of '${need.purpose.slice(5)}'`;
  return `${need.kind} '${need.name}'`;
}
