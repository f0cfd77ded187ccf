// The physical memory map of the HTML report (issue 8): every bootinfo untyped in address order with
// the objects retyped from it (grouped into runs), the device regions of the platform, the kernel's
// reserved RAM, filler and free space, and which component maps each frame where. Data, then SVG.
import type { Plan, PlanObject, PlanUntyped } from '../../schema/plan.js';
import type { Platform } from '../../image/platformModel.js';
import { isEnabled } from '../../image/platform.js';
import { MAP_COLOURS, byteSize, componentColour, escapeHtml, hexAddress } from './html.js';

export type MemoryRowKind = 'object' | 'mmio' | 'region' | 'device' | 'filler' | 'free' | 'reserved';

/** One line of the map: a run of objects of one owner and purpose, a device region, or a gap. */
export interface MemoryRow {
  readonly start: number;
  readonly size: number;
  readonly kind: MemoryRowKind;
  /** Short: `elf frames ×8`, `tcb`, `serial@10000000`, `free`. */
  readonly label: string;
  /** Object names (first … last) or the device path. */
  readonly detail: string;
  readonly owner: string | null;
  /** The owner's position in the descriptor (its colour), or null. */
  readonly ownerIndex: number | null;
  /** `client rw @0x4000_0000`, one per component mapping part of the row. */
  readonly mappedBy: readonly string[];
}

/** One untyped (or several unused ones in a row, or a span no untyped covers) and its rows. */
export interface MemoryBlock {
  readonly title: string;
  readonly start: number;
  readonly size: number;
  /** Bytes below the watermark and the untyped's size, for the usage bar; null for no untyped. */
  readonly usage: { readonly used: number; readonly total: number } | null;
  readonly rows: readonly MemoryRow[];
}

/** Which run a plan object belongs to: same owner, same purpose, physically contiguous. */
function runKey(o: PlanObject): string {
  return `${o.owner ?? ''}|${o.kind}|${o.purpose}`;
}

function runLabel(first: PlanObject, count: number): { kind: MemoryRowKind; label: string } {
  const times = count > 1 ? ` ×${count}` : '';
  if (first.purpose.startsWith('mmio:')) return { kind: 'mmio', label: `MMIO ${first.purpose.slice(5).split('/').pop()}${times}` };
  if (first.purpose.startsWith('region:')) return { kind: 'region', label: `region ${first.purpose.slice(7)}${times}` };
  const what: Readonly<Record<string, string>> = {
    elf: 'ELF frames',
    stack: 'stack frames',
    ipcBuffer: 'IPC buffer',
    pageTable: 'page tables',
    input: first.kind === 'endpoint' ? 'input endpoint' : 'input notification',
  };
  return { kind: 'object', label: `${what[first.purpose] ?? first.kind}${times}` };
}

/** `component perms @vaddr` for every component mapping a frame in [start, end), sorted. */
function mappersOf(plan: Plan, start: number, end: number): string[] {
  const result: string[] = [];
  for (const c of plan.components) {
    const maps = c.vspace.filter((m) => m.paddr >= start && m.paddr < end);
    if (maps.length === 0) continue;
    const perms = [...new Set(maps.map((m) => m.perms))].sort().join(', ');
    const lowest = Math.min(...maps.map((m) => m.vaddr));
    result.push(`${c.name} ${perms} @${hexAddress(lowest)}`);
  }
  return result.sort();
}

/** Length of the common prefix of `a` and `b`, cut back to a '_' so the rest reads as a name part. */
export function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n += 1;
  const cut = a.lastIndexOf('_', n - 1);
  return cut < 0 ? 0 : cut + 1;
}

function objectRuns(plan: Plan, objects: readonly PlanObject[], ownerIndex: ReadonlyMap<string, number>): MemoryRow[] {
  const rows: MemoryRow[] = [];
  let run: PlanObject[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const first = run[0]!;
    const last = run[run.length - 1]!;
    const end = last.paddr + 2 ** last.sizeBits;
    const { kind, label } = runLabel(first, run.length);
    const detail = first.purpose.startsWith('mmio:')
      ? first.purpose.slice(5)
      : run.length === 1 ? first.name : `${first.name} … ${last.name.slice(commonPrefix(first.name, last.name))}`;
    rows.push({
      start: first.paddr,
      size: end - first.paddr,
      kind,
      label,
      detail,
      owner: first.owner,
      ownerIndex: first.owner === null ? null : (ownerIndex.get(first.owner) ?? null),
      mappedBy: first.kind === 'frame' ? mappersOf(plan, first.paddr, end) : [],
    });
    run = [];
  };
  for (const o of objects) {
    const previous = run[run.length - 1];
    if (previous && (runKey(previous) !== runKey(o) || previous.paddr + 2 ** previous.sizeBits !== o.paddr)) flush();
    run.push(o);
  }
  flush();
  return rows;
}

/** Gap rows for [start, end): the platform's device regions inside it, filler below the watermark, free above. */
function gapRows(start: number, end: number, watermark: number, devices: readonly { path: string; base: number; size: number }[]): MemoryRow[] {
  const rows: MemoryRow[] = [];
  const plain = (from: number, to: number) => {
    const cut = Math.min(Math.max(watermark, from), to);
    if (cut > from) rows.push({ start: from, size: cut - from, kind: 'filler', label: 'filler untyped', detail: 'retyped to reach fixed addresses or alignment', owner: null, ownerIndex: null, mappedBy: [] });
    if (to > cut) rows.push({ start: cut, size: to - cut, kind: 'free', label: 'free', detail: '', owner: null, ownerIndex: null, mappedBy: [] });
  };
  let cursor = start;
  for (const d of devices) {
    if (d.base < cursor || d.base >= end) continue;
    const dEnd = Math.min(end, d.base + d.size);
    plain(cursor, d.base);
    rows.push({ start: d.base, size: dEnd - d.base, kind: 'device', label: `${d.path.split('/').pop()} (not granted)`, detail: d.path, owner: null, ownerIndex: null, mappedBy: [] });
    cursor = dEnd;
  }
  plain(cursor, end);
  return rows;
}

/**
 * The map's blocks in address order. `platform` adds the device regions nobody was granted; the plan
 * alone gives untypeds, objects and mappings.
 */
export function memoryMap(plan: Plan, platform: Platform | null): MemoryBlock[] {
  const ownerIndex = new Map(plan.components.map((c) => [c.name, c.index]));
  const mmioFrames = plan.objects.filter((o) => o.purpose.startsWith('mmio:'));
  // Device regions from the tree (first `reg` entry of enabled nodes) not covered by a planned MMIO frame.
  const devices = (platform?.devices ?? [])
    .filter(isEnabled)
    .flatMap((d) => d.reg.filter((r) => r.size > 0).map((r) => ({ path: d.path, base: r.base, size: r.size })))
    .filter((r) => !mmioFrames.some((o) => o.paddr < r.base + r.size && o.paddr + 2 ** o.sizeBits > r.base))
    .sort((a, b) => a.base - b.base || a.path.localeCompare(b.path));

  const blocks: MemoryBlock[] = [];
  const untypeds = [...plan.untyped].sort((a, b) => a.paddr - b.paddr);
  const pendingUnused: PlanUntyped[] = [];
  const flushUnused = () => {
    if (pendingUnused.length === 0) return;
    const first = pendingUnused[0]!;
    const last = pendingUnused[pendingUnused.length - 1]!;
    const size = last.paddr + 2 ** last.sizeBits - first.paddr;
    const which = pendingUnused.length === 1 ? `untyped #${first.index}` : `untypeds #${first.index}–#${last.index}`;
    blocks.push({
      title: `${which} · ${first.isDevice ? 'device' : 'RAM'} · ${byteSize(size)} · unused`,
      start: first.paddr,
      size,
      usage: { used: 0, total: size },
      rows: [],
    });
    pendingUnused.length = 0;
  };
  const kernelDevices = plan.boot.kernelConfig.kernelDevices.filter((f) => !f.userAvailable).map((f) => f.paddr);
  const uncovered = (start: number, end: number) => {
    const reserved = plan.platform.kernelReserved;
    const isKernel = reserved.base < end && reserved.base + reserved.size > start;
    // seL4 reserves each kernel device frame (a mega page): the devices inside are the kernel's.
    const isKernelDevice = kernelDevices.some((p) => p < end && p + 0x40_0000 > start);
    const inside = (platform?.devices ?? []).filter((d) => d.reg.some((r) => r.base >= start && r.base < end)).map((d) => d.path);
    const boot = plan.boot;
    const rs = boot.rootServer;
    const rootServerEnd = Math.max(rs.cnode, rs.vspace, rs.asidPool, rs.ipcBuffer, rs.bootInfo, rs.extraBootInfo, rs.tcb, ...rs.pageTables.map((p) => p.paddr)) + 0x1000;
    const parts = (
      [
        ['kernel image', reserved.base, reserved.base + reserved.size],
        ['DTB', boot.dtb.paddr, boot.dtb.paddr + boot.dtb.size],
        ['root task image', boot.userImage.paddr, boot.userImage.paddr + boot.userImage.size],
        ['root task objects', rs.cnode, rootServerEnd],
      ] as const
    ).filter(([, s0, e0]) => e0 > s0 && s0 < end && e0 > start).map(([name]) => name);
    const title = isKernel ? 'kernel reserved (no untyped)' : isKernelDevice ? 'kernel devices (no untyped)' : 'not handed out as untyped';
    const label = isKernelDevice ? `kernel device ${inside.map((p) => p.slice(p.lastIndexOf('/') + 1)).join(', ')}` : parts.length > 0 ? parts.join(', ') : 'no untyped';
    blocks.push({
      title,
      start,
      size: end - start,
      usage: null,
      rows: [{ start, size: end - start, kind: 'reserved', label, detail: isKernelDevice ? inside.join(', ') : '', owner: null, ownerIndex: null, mappedBy: [] }],
    });
  };

  let cursor = 0;
  for (const u of untypeds) {
    const end = u.paddr + 2 ** u.sizeBits;
    const inside = devices.filter((d) => d.base >= u.paddr && d.base < end);
    const objects = plan.objects
      .filter((o) => o.untyped === u.index && o.purpose !== 'filler')
      .sort((a, b) => a.paddr - b.paddr || a.id - b.id);
    const unused = objects.length === 0 && inside.length === 0 && u.usedBytes === 0;
    const last = pendingUnused[pendingUnused.length - 1];
    if (!unused || (last && (last.isDevice !== u.isDevice || last.paddr + 2 ** last.sizeBits !== u.paddr))) flushUnused();
    if (u.paddr > cursor) {
      flushUnused();
      uncovered(cursor, u.paddr);
    }
    cursor = Math.max(cursor, end);
    if (unused) {
      pendingUnused.push(u);
      continue;
    }
    const watermark = u.paddr + u.usedBytes;
    const rows: MemoryRow[] = [];
    let at = u.paddr;
    for (const run of objectRuns(plan, objects, ownerIndex)) {
      if (run.start > at) rows.push(...gapRows(at, run.start, watermark, inside));
      rows.push(run);
      at = Math.max(at, run.start + run.size);
    }
    if (end > at) rows.push(...gapRows(at, end, watermark, inside));
    blocks.push({
      title: `untyped #${u.index} · ${u.isDevice ? 'device' : 'RAM'} · ${byteSize(2 ** u.sizeBits)} · slot ${u.slot}`,
      start: u.paddr,
      size: 2 ** u.sizeBits,
      usage: { used: u.usedBytes, total: 2 ** u.sizeBits },
      rows,
    });
  }
  flushUnused();
  if (cursor < plan.platform.physicalTop && untypeds.length > 0) uncovered(cursor, plan.platform.physicalTop);
  return blocks;
}

const ROW_HEIGHT = 20;
const HEADER_HEIGHT = 26;
const WIDTH = 1220;
const COLUMNS = { address: 22, block: 122, size: 342, owner: 414, detail: 530, mappedBy: 860 } as const;
const BLOCK_WIDTH = 210;

function fillOf(row: MemoryRow): string {
  if (row.ownerIndex !== null) return row.kind === 'mmio' ? MAP_COLOURS.device : componentColour(row.ownerIndex);
  switch (row.kind) {
    case 'mmio':
    case 'device':
      return row.kind === 'mmio' ? MAP_COLOURS.device : MAP_COLOURS.deviceIdle;
    case 'region':
      return MAP_COLOURS.shared;
    case 'reserved':
      return MAP_COLOURS.reserved;
    case 'filler':
      return MAP_COLOURS.filler;
    case 'free':
      return MAP_COLOURS.free;
    case 'object':
      return MAP_COLOURS.root;
  }
}

/** Cuts `text` to about `width` pixels at 11 px (monospace glyphs are wider), with an ellipsis. */
function fit(text: string, width: number, mono = false): string {
  const max = Math.floor(width / (mono ? 6.8 : 6.2));
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${x}" y="${y}"${attrs ? ` ${attrs}` : ''}>${escapeHtml(content)}</text>`;
}

/** The map as an inline SVG: one header line per block, one line per row, colours per owner. */
export function memoryMapSvg(blocks: readonly MemoryBlock[]): string {
  const parts: string[] = [];
  let y = 8;
  const headerY = y + 14;
  parts.push(
    text(COLUMNS.address, headerY, 'address', 'class="h"'),
    text(COLUMNS.block, headerY, 'contents', 'class="h"'),
    text(COLUMNS.size, headerY, 'size', 'class="h"'),
    text(COLUMNS.owner, headerY, 'owner', 'class="h"'),
    text(COLUMNS.detail, headerY, 'objects / device', 'class="h"'),
    text(COLUMNS.mappedBy, headerY, 'mapped by (component perms @vaddr)', 'class="h"'),
  );
  y += 26;
  for (const block of blocks) {
    parts.push(`<rect x="4" y="${y + 2}" width="${WIDTH - 8}" height="${HEADER_HEIGHT - 4}" rx="3" class="bh"/>`);
    parts.push(text(COLUMNS.address - 12, y + 17, hexAddress(block.start), 'class="a"'));
    parts.push(text(COLUMNS.block, y + 17, block.title, 'class="t"'));
    if (block.usage && block.usage.total > 0) {
      const barX = COLUMNS.mappedBy;
      const barWidth = 200;
      const used = Math.min(barWidth, Math.max(block.usage.used > 0 ? 2 : 0, Math.round((block.usage.used / block.usage.total) * barWidth)));
      const percent = ((block.usage.used / block.usage.total) * 100).toFixed(1);
      parts.push(`<rect x="${barX}" y="${y + 8}" width="${barWidth}" height="10" class="ub"/>`);
      if (used > 0) parts.push(`<rect x="${barX}" y="${y + 8}" width="${used}" height="10" class="uu"/>`);
      parts.push(text(barX + barWidth + 8, y + 17, `${byteSize(block.usage.used)} retyped (${percent}%)`, 'class="s"'));
    }
    y += HEADER_HEIGHT;
    const top = y;
    for (const row of block.rows) {
      const fill = fillOf(row);
      const title = [hexAddress(row.start), row.label, row.detail, ...row.mappedBy].filter(Boolean).join(' · ');
      parts.push(`<g><title>${escapeHtml(title)}</title>`);
      parts.push(text(COLUMNS.address, y + 14, hexAddress(row.start), 'class="a"'));
      const dashed = row.kind === 'free' || row.kind === 'device' ? ' stroke-dasharray="3 2"' : '';
      parts.push(`<rect x="${COLUMNS.block}" y="${y + 1}" width="${BLOCK_WIDTH}" height="${ROW_HEIGHT - 2}" fill="${fill}" class="b"${dashed}/>`);
      parts.push(text(COLUMNS.block + 6, y + 14, fit(row.label, BLOCK_WIDTH - 10), row.kind === 'reserved' ? 'class="w"' : ''));
      parts.push(text(COLUMNS.size, y + 14, byteSize(row.size), 'class="s"'));
      if (row.owner !== null) {
        if (row.ownerIndex !== null) parts.push(`<rect x="${COLUMNS.owner}" y="${y + 5}" width="10" height="10" fill="${componentColour(row.ownerIndex)}" class="b"/>`);
        parts.push(text(COLUMNS.owner + 14, y + 14, fit(row.owner, COLUMNS.detail - COLUMNS.owner - 18)));
      } else if (row.kind === 'region') {
        parts.push(text(COLUMNS.owner + 14, y + 14, 'shared', 'class="s"'));
      }
      parts.push(text(COLUMNS.detail, y + 14, fit(row.detail, COLUMNS.mappedBy - COLUMNS.detail - 12, true), 'class="m"'));
      parts.push(text(COLUMNS.mappedBy, y + 14, fit(row.mappedBy.join('; '), WIDTH - COLUMNS.mappedBy - 8, true), 'class="m"'));
      parts.push('</g>');
      y += ROW_HEIGHT;
    }
    // A bracket left of the rows: they all lie inside this block.
    if (block.rows.length > 0) parts.push(`<path d="M10 ${top + 2} h-4 v${y - top - 4} h4" class="br"/>`);
    y += 4;
  }
  const height = y + 6;
  return [
    `<svg class="memmap" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="physical memory map">`,
    ...parts,
    '</svg>',
  ].join('\n');
}
