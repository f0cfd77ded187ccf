// Lays out one component's Sv32 address space (docs/plan.md "VSpaces"): ELF pages at their link
// addresses, explicitly placed mappings, automatic areas for regions and MMIO, the stack with a
// guard page below it, the IPC buffer at the top page. One 4 KiB mapping per frame.
import { D, type DiagnosticBag } from '../../schema/diagnostics.js';
import { VSpaceLayout, type ComponentElfInfo, type Mapping } from '../../schema/plan.js';
import type { ModelComponent, ModelRegion } from '../resolvePlatform.js';
import { hex, overlaps } from '../check/format.js';
import { mmioWindows, usableDevice } from '../check/mmio.js';

const PAGE = 0x1000;
const PT_SPAN = 0x40_0000;

/** A frame a mapping needs; `paddr` is set for frames at fixed physical addresses. */
export interface FrameNeed {
  readonly name: string;
  readonly paddr: number | null;
  readonly purpose: string;
  readonly owner: string | null;
}

export interface VSpaceSpec {
  readonly mappings: readonly (Omit<Mapping, 'paddr'>)[];
  readonly frames: readonly FrameNeed[];
  /** Bases of the 4 MiB windows that need a level-0 page table, sorted. */
  readonly pageTableWindows: readonly number[];
  readonly stackTop: number;
  readonly stackBottom: number;
  readonly ipcBuffer: number;
  readonly entry: number;
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');
export const regionFrameName = (region: string, page: number) => `region_${region}_${String(page).padStart(5, '0')}`;
export const mmioFrameName = (paddr: number) => `mmio_${hex8(paddr)}`;

function permsOf(flags: number): Mapping['perms'] {
  const r = (flags & 4) !== 0 || (flags & 2) !== 0;
  const perms = `${r ? 'r' : ''}${flags & 2 ? 'w' : ''}${flags & 1 ? 'x' : ''}`;
  return (perms || 'r') as Mapping['perms'];
}

export function layoutVSpace(
  c: ModelComponent,
  regions: ReadonlyMap<string, ModelRegion>,
  elf: ComponentElfInfo,
  bag: DiagnosticBag,
): VSpaceSpec {
  const mappings: Omit<Mapping, 'paddr'>[] = [];
  const frames: FrameNeed[] = [];
  const own = (purpose: string, vaddr: number) => {
    const name = purpose === 'ipcBuffer' ? `frame_${c.name}_ipc` : `frame_${c.name}_${purpose}_${hex8(vaddr)}`;
    frames.push({ name, paddr: null, purpose, owner: c.name });
    return name;
  };

  // Step 1: ELF pages; pages shared by two segments get the union of their rights.
  const elfPages = new Map<number, number>();
  const segments: { index: number; start: number; end: number }[] = [];
  elf.segments.forEach((s, index) => {
    if (s.memsz === 0) return;
    const start = s.vaddr - (s.vaddr % PAGE);
    const end = Math.ceil((s.vaddr + s.memsz) / PAGE) * PAGE;
    if (start < PAGE || end > VSpaceLayout.regionBase) {
      bag.add(
        D.elfSegmentOutsideUserSpace,
        { segment: index, component: c.name, start: hex(s.vaddr), end: hex(s.vaddr + s.memsz), low: hex(PAGE), high: hex(VSpaceLayout.regionBase) },
        { path: `${c.path}.code` },
      );
      return;
    }
    segments.push({ index, start, end });
    for (let page = start; page < end; page += PAGE) elfPages.set(page, (elfPages.get(page) ?? 0) | s.flags);
  });
  for (const [vaddr, flags] of [...elfPages].sort((a, b) => a[0] - b[0])) {
    mappings.push({ vaddr, size: PAGE, frame: own('elf', vaddr), perms: permsOf(flags), cached: true, purpose: 'elf', source: '', name: '' });
  }

  // Step 2: explicit placements are taken first so the automatic areas flow around them.
  const taken: { start: number; end: number }[] = segments.map((s) => ({ start: s.start, end: s.end }));
  const place = (what: string, vaddr: number | null, size: number, area: 'region' | 'mmio', path: string, cursor: { at: number }): number | null => {
    if (vaddr !== null) {
      const clash = segments.find((s) => overlaps(s.start, s.end - s.start, vaddr, size));
      if (clash) {
        bag.add(
          D.mappingOverlapsElf,
          { component: c.name, what, start: hex(vaddr), end: hex(vaddr + size), segment: clash.index, segmentStart: hex(clash.start), segmentEnd: hex(clash.end) },
          { path },
        );
        return null;
      }
      return vaddr;
    }
    const limit = area === 'region' ? VSpaceLayout.mmioBase : VSpaceLayout.stackAreaBase;
    let at = cursor.at;
    for (;;) {
      const clash = taken.find((t) => overlaps(t.start, t.end - t.start, at, size));
      if (!clash) break;
      at = clash.end;
    }
    if (at + size > limit) {
      const start = area === 'region' ? VSpaceLayout.regionBase : VSpaceLayout.mmioBase;
      bag.add(D.automaticAreaFull, { area, component: c.name, start: hex(start), end: hex(limit), what, size: hex(size) }, { path });
      return null;
    }
    cursor.at = at + size;
    taken.push({ start: at, end: at + size });
    return at;
  };
  for (const m of c.memory) if (m.vaddr !== null) taken.push({ start: m.vaddr, end: m.vaddr + (regions.get(m.region)?.size ?? 0) });
  for (const d of c.devices) {
    if (d.mmio?.vaddr != null) taken.push({ start: d.mmio.vaddr, end: d.mmio.vaddr + mmioWindows(d).reduce((s, w) => s + w.size, 0) });
  }

  // Step 3: memory regions, then MMIO windows, in descriptor order.
  const regionCursor = { at: VSpaceLayout.regionBase };
  for (const m of c.memory) {
    const region = regions.get(m.region);
    if (!region || region.size === 0) continue;
    const size = Math.ceil(region.size / PAGE) * PAGE;
    const base = place(`memory region '${m.region}'`, m.vaddr, size, 'region', m.vaddr !== null ? `${m.path}.vaddr` : m.path, regionCursor);
    if (base === null) continue;
    for (let page = 0; page * PAGE < size; page++) {
      const name = regionFrameName(region.name, page);
      frames.push({ name, paddr: region.paddr === null ? null : region.paddr + page * PAGE, purpose: `region:${region.name}`, owner: null });
      mappings.push({ vaddr: base + page * PAGE, size: PAGE, frame: name, perms: m.perms as Mapping['perms'], cached: m.cached, purpose: 'region', source: region.name, name: m.name });
    }
  }
  const mmioCursor = { at: VSpaceLayout.mmioBase };
  for (const d of c.devices) {
    if (!usableDevice(d) || !d.mmio) continue;
    const windows = mmioWindows(d);
    const total = windows.reduce((s, w) => s + w.size, 0);
    const path = d.mmio.vaddr !== null ? `${d.mmio.path}.vaddr` : d.mmio.path;
    const base = place(`the registers of '${d.node.path}'`, d.mmio.vaddr, total, 'mmio', path, mmioCursor);
    if (base === null) continue;
    let vaddr = base;
    const perms = (d.mmio.perms.replace('x', '') || 'r') as Mapping['perms'];
    for (const w of windows) {
      for (let offset = 0; offset < w.size; offset += PAGE) {
        const name = mmioFrameName(w.base + offset);
        frames.push({ name, paddr: w.base + offset, purpose: `mmio:${d.node.path}`, owner: c.name });
        mappings.push({ vaddr, size: PAGE, frame: name, perms, cached: d.mmio.cached, purpose: 'mmio', source: d.node.path, name: d.name });
        vaddr += PAGE;
      }
    }
  }

  // Step 4: stack below the guard page under the IPC buffer, and the IPC buffer.
  const stackSize = Math.ceil(c.stackSize / PAGE) * PAGE;
  const stackBottom = VSpaceLayout.stackTop - stackSize;
  for (let vaddr = stackBottom; vaddr < VSpaceLayout.stackTop; vaddr += PAGE) {
    mappings.push({ vaddr, size: PAGE, frame: own('stack', vaddr), perms: 'rw', cached: true, purpose: 'stack', source: '', name: '' });
  }
  mappings.push({ vaddr: VSpaceLayout.ipcBuffer, size: PAGE, frame: own('ipcBuffer', VSpaceLayout.ipcBuffer), perms: 'rw', cached: true, purpose: 'ipcBuffer', source: '', name: '' });

  mappings.sort((a, b) => a.vaddr - b.vaddr);
  const windows = [...new Set(mappings.map((m) => m.vaddr - (m.vaddr % PT_SPAN)))].sort((a, b) => a - b);
  return {
    mappings,
    frames,
    pageTableWindows: windows,
    stackTop: VSpaceLayout.stackTop,
    stackBottom,
    ipcBuffer: VSpaceLayout.ipcBuffer,
    entry: elf.entry,
  };
}
