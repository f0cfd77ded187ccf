// Checks of memory: region sizes and alignment, regions never mapped, stack sizes, and each
// component's explicitly placed mappings (page aligned, below seL4_UserTop, not overlapping each
// other or the stack/IPC-buffer area at the top; docs/plan.md "VSpaces").
import { D, type DiagnosticBag } from '../../schema/diagnostics.js';
import { VSpaceLayout } from '../../schema/plan.js';
import type { ModelComponent, SystemModel } from '../resolvePlatform.js';
import { writableAndExecutable } from '../../image/systemRules.js';
import { hex, overlaps } from './format.js';
import { mmioWindows, usableDevice } from './mmio.js';

export const MIN_STACK_SIZE = 0x1000;
export const MAX_STACK_SIZE = 0x100_0000;

export function checkMemory(model: SystemModel, bag: DiagnosticBag): void {
  const mapped = new Set<string>();
  for (const c of model.components) for (const m of c.memory) mapped.add(m.region);
  for (const r of model.memoryRegions) {
    if (r.size === 0) bag.add(D.regionEmpty, { name: r.name }, { path: `${r.path}.size` });
    else if (r.size % 0x1000 !== 0) bag.add(D.regionSizeNotPageMultiple, { name: r.name, size: hex(r.size) }, { path: `${r.path}.size` });
    if (r.paddr !== null && r.paddr % 0x1000 !== 0) bag.add(D.regionPaddrNotAligned, { name: r.name, paddr: hex(r.paddr) }, { path: `${r.path}.paddr` });
    if (!mapped.has(r.name)) bag.add(D.regionNeverMapped, { name: r.name }, { path: r.path });
  }
  const regionSize = new Map<string, number>();
  for (const r of model.memoryRegions) if (!regionSize.has(r.name)) regionSize.set(r.name, r.size);
  for (const c of model.components) {
    checkStack(c, bag);
    checkPlacements(c, regionSize, bag);
  }
}

function checkStack(c: ModelComponent, bag: DiagnosticBag): void {
  const at = { path: `${c.path}.stackSize` };
  if (c.stackSize < MIN_STACK_SIZE || c.stackSize > MAX_STACK_SIZE) {
    bag.add(D.stackSizeOutOfRange, { size: hex(c.stackSize), component: c.name, min: hex(MIN_STACK_SIZE), max: hex(MAX_STACK_SIZE) }, at);
  } else if (c.stackSize % 0x1000 !== 0) {
    bag.add(D.stackSizeNotPageMultiple, { size: hex(c.stackSize), component: c.name }, at);
  }
}

interface Placed {
  readonly what: string;
  readonly start: number;
  readonly end: number;
  readonly path: string;
}

/** Explicit vaddrs: aligned, inside user space, disjoint from each other and from the stack area. */
function checkPlacements(c: ModelComponent, regionSize: ReadonlyMap<string, number>, bag: DiagnosticBag): void {
  const placed: Placed[] = [];
  const consider = (what: string, vaddr: number, size: number, path: string) => {
    if (vaddr % 0x1000 !== 0) {
      bag.add(D.vaddrNotAligned, { vaddr: hex(vaddr), what, component: c.name }, { path });
      return;
    }
    if (vaddr < 0x1000) {
      bag.add(D.vaddrInNullPage, { what, component: c.name, vaddr: hex(vaddr) }, { path });
      return;
    }
    if (vaddr + size > VSpaceLayout.userTop) {
      bag.add(D.vaddrBeyondUserTop, { what, component: c.name, start: hex(vaddr), end: hex(vaddr + size), top: hex(VSpaceLayout.userTop) }, { path });
      return;
    }
    placed.push({ what, start: vaddr, end: vaddr + size, path });
  };
  for (const m of c.memory) {
    const permsPath = `${m.path}.perms`;
    if (m.perms.includes('w') && !m.perms.includes('r')) {
      bag.add(D.writeWithoutRead, { perms: m.perms, what: `memory region '${m.region}'`, component: c.name }, { path: permsPath });
    }
    if (writableAndExecutable(m.perms)) bag.add(D.sharedRegionWritableExecutable, { component: c.name, name: m.region }, { path: permsPath });
    const size = regionSize.get(m.region);
    if (m.vaddr !== null && size !== undefined) consider(`memory region '${m.region}'`, m.vaddr, Math.max(size, 0x1000), `${m.path}.vaddr`);
  }
  for (const d of c.devices) {
    if (!usableDevice(d) || !d.mmio || d.mmio.vaddr === null) continue;
    const size = mmioWindows(d).reduce((sum, w) => sum + w.size, 0);
    consider(`the registers of '${d.node.path}'`, d.mmio.vaddr, size, `${d.mmio.path}.vaddr`);
  }
  const stackBottom = VSpaceLayout.stackTop - c.stackSize - 0x1000;
  const top: Placed = { what: 'the stack, its guard pages and the IPC buffer', start: stackBottom, end: VSpaceLayout.userTop, path: `${c.path}.stackSize` };
  placed.sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 0; i < placed.length; i++) {
    const p = placed[i]!;
    const previous = placed.slice(0, i).find((o) => overlaps(o.start, o.end - o.start, p.start, p.end - p.start));
    const other = previous ?? (overlaps(top.start, top.end - top.start, p.start, p.end - p.start) ? top : undefined);
    if (other) {
      bag.add(
        D.virtualOverlap,
        { component: c.name, what: p.what, start: hex(p.start), end: hex(p.end), other: other.what, otherStart: hex(other.start), otherEnd: hex(other.end) },
        { path: p.path },
      );
    }
  }
}
