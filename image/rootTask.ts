// The root task's plan table (roottask/plan.h; docs/image-format.md "The root task's plan table"):
// the bootinfo the plan expects, every invocation as libsel4 marshals it, each component's segment
// pages with the frame they go into, and the names the root task prints; and the root task ELF with
// the table appended as its own PT_LOAD segment. The compiler writes it; the runtime rebuilds it
// from the image's plan and components and refuses an image whose root task carries another.
import type { Invocation, Plan } from '../schema/plan.generated.js';
import { PAGE_BITS, VM_ATTR_CACHED, VM_ATTR_UNCACHED } from '../schema/abi.js';
import { alignUp } from './bootImage/format.js';
import { findSymbol, readElf, PF_R, type ElfFile } from './elf.js';
import { writeElf } from './elfWrite.js';

const PAGE = 2 ** PAGE_BITS;
export const PLAN_TABLE_MAGIC = 0x4e4c504b; // "KPLN"
export const PLAN_TABLE_VERSION = 1;
/** The symbol where the table goes: the page after the root task's .bss (roottask/roottask.ld). */
export const PLAN_TABLE_SYMBOL = '__kaal_plan';
const HEADER_WORDS = 16;
const UNTYPED_BYTES = 8;
const PAGE_ENTRY_WORDS = 4;
const MAX_CAPS = 3;


/** A component's loadable segments (an ELF's or an image's). */
export interface TableComponent {
  readonly name: string;
  readonly segments: readonly { readonly vaddr: number; readonly data: Uint8Array }[];
}

/** The table cannot be written for this plan (a segment page the plan maps to no frame). */
export class PlanTableError extends Error {
  constructor(
    readonly component: string,
    readonly vaddr: number,
  ) {
    super(`component '${component}': its segment page at '0x${vaddr.toString(16)}' is not mapped by the plan`);
  }
}

/** Message registers and extra caps of one invocation, as libsel4's syscall_stub_gen.py marshals them. */
function marshal(inv: Invocation, ipcBufferOf: (tcbSlot: number) => number): { mrs: number[]; caps: number[] } {
  switch (inv.op) {
    case 'Untyped_Retype':
      return { mrs: [inv.type, inv.sizeBits, inv.nodeIndex, inv.nodeDepth, inv.nodeOffset, inv.numObjects], caps: [inv.root] };
    case 'ASIDControl_MakePool':
      return { mrs: [inv.index, inv.depth], caps: [inv.untyped, inv.root] };
    case 'ASIDPool_Assign':
      return { mrs: [], caps: [inv.vspace] };
    case 'CNode_Mint':
      return { mrs: [inv.destIndex, inv.destDepth, inv.srcIndex, inv.srcDepth, inv.rights, inv.badge], caps: [inv.srcRoot] };
    case 'CNode_Copy':
      return { mrs: [inv.destIndex, inv.destDepth, inv.srcIndex, inv.srcDepth, inv.rights], caps: [inv.srcRoot] };
    case 'IRQControl_Get':
      return { mrs: [inv.irq, inv.index, inv.depth], caps: [inv.root] };
    case 'IRQHandler_SetNotification':
      return { mrs: [], caps: [inv.notification] };
    case 'PageTable_Map':
      return { mrs: [inv.vaddr, inv.attr], caps: [inv.vspace] };
    case 'Page_Map':
      return { mrs: [inv.vaddr, inv.rights, inv.attr | (inv.cached ? VM_ATTR_CACHED : VM_ATTR_UNCACHED)], caps: [inv.vspace] };
    case 'TCB_Configure':
      return { mrs: [inv.faultEp, inv.cspaceRootData, inv.vspaceRootData, inv.buffer], caps: [inv.cspaceRoot, inv.vspaceRoot, inv.bufferFrame] };
    case 'TCB_SetPriority':
      return { mrs: [inv.priority], caps: [inv.authority] };
    case 'TCB_WriteRegisters': {
      // seL4_UserContext up to a0 (index 16): pc, sp and the entry convention's a0 = IPC buffer.
      const context = new Array<number>(17).fill(0);
      context[0] = inv.pc;
      context[2] = inv.sp;
      context[16] = ipcBufferOf(inv.service);
      return { mrs: [inv.resumeTarget ? 1 : 0, context.length, ...context], caps: [] };
    }
    case 'TCB_BindNotification':
      return { mrs: [], caps: [inv.notification] };
    case 'TCB_Resume':
      return { mrs: [], caps: [] };
  }
}

/** What the root task names an invocation by: the object it makes, the component, or the slot. */
function objectOf(inv: Invocation): string {
  if ('object' in inv) return inv.object;
  if ('component' in inv && inv.component) return inv.component;
  return `slot ${inv.service}`;
}

/** Each component's segment bytes gathered per page (pages without a non-zero byte left out: retyped frames are zero). */
function segmentPages(component: TableComponent): Map<number, Uint8Array> {
  const pages = new Map<number, Uint8Array>();
  for (const segment of component.segments) {
    for (let at = 0; at < segment.data.length; ) {
      const vaddr = segment.vaddr + at;
      const page = vaddr - (vaddr % PAGE);
      const take = Math.min(segment.data.length - at, page + PAGE - vaddr);
      let bytes = pages.get(page);
      if (!bytes) pages.set(page, (bytes = new Uint8Array(PAGE)));
      bytes.set(segment.data.subarray(at, at + take), vaddr - page);
      at += take;
    }
  }
  return new Map([...pages].sort((a, b) => a[0] - b[0]));
}

function trimmedLength(bytes: Uint8Array): number {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return end;
}

/** The plan table for `plan` (its components' segments from `components`). Pure. Throws PlanTableError. */
export function encodePlanTable(plan: Plan, components: readonly TableComponent[]): Uint8Array {
  // Linear in the plan: names are looked up in maps, and the arrays grow by `push` of single values
  // (a `find` per component and spreads into large arrays made a 500-component build quadratic).
  const stringChunks: Uint8Array[] = [];
  let stringBytes = 0;
  const stringAt = new Map<string, number>();
  const encoder = new TextEncoder();
  const string = (text: string): number => {
    let at = stringAt.get(text);
    if (at === undefined) {
      at = stringBytes;
      stringAt.set(text, at);
      const bytes = encoder.encode(text);
      stringChunks.push(bytes);
      stringBytes += bytes.length + 1;
    }
    return at;
  };
  const systemName = string(plan.system);

  const slotOf = new Map(plan.objects.map((o) => [o.name, o.rootSlot] as const));
  const ipcBuffers = new Map<number, number>();
  for (const c of plan.components) {
    const tcbSlot = slotOf.get(c.objects.tcb);
    if (tcbSlot !== undefined) ipcBuffers.set(tcbSlot, c.tcb.ipcBuffer);
  }
  const words: number[] = [];
  const invocations: number[] = [];
  for (const inv of plan.invocations) {
    const { mrs, caps } = marshal(inv, (slot) => ipcBuffers.get(slot) ?? 0);
    const info = ((inv.label << 12) | (caps.length << 7) | mrs.length) >>> 0;
    invocations.push(inv.service, info);
    for (let i = 0; i < MAX_CAPS; i++) invocations.push(caps[i] ?? 0);
    invocations.push(words.length, string(inv.op), string(objectOf(inv)));
    for (const mr of mrs) words.push(mr);
  }
  const firstNotRetype = plan.invocations.findIndex((i) => i.op !== 'Untyped_Retype');
  const loadAfter = firstNotRetype < 0 ? plan.invocations.length : firstNotRetype;

  const imageOf = new Map<string, TableComponent>();
  for (const x of components) if (!imageOf.has(x.name)) imageOf.set(x.name, x);
  const pages: { frame: number; bytes: Uint8Array; name: number }[] = [];
  for (const c of plan.components) {
    const image = imageOf.get(c.name);
    if (!image) continue;
    for (const [vaddr, bytes] of segmentPages(image)) {
      const length = trimmedLength(bytes);
      if (length === 0) continue;
      const mapping = c.vspace.find((m) => vaddr >= m.vaddr && vaddr < m.vaddr + m.size);
      const frame = mapping ? slotOf.get(mapping.frame) : undefined;
      if (!mapping || frame === undefined) throw new PlanTableError(c.name, vaddr);
      pages.push({ frame, bytes: bytes.subarray(0, alignUp(length, 4)), name: string(mapping.frame) });
    }
  }

  const untypedsAt = HEADER_WORDS * 4;
  const invocationsAt = untypedsAt + UNTYPED_BYTES * plan.untyped.length;
  const pagesAt = invocationsAt + 4 * invocations.length;
  const wordsAt = pagesAt + 4 * PAGE_ENTRY_WORDS * pages.length;
  const stringsAt = wordsAt + 4 * words.length;
  let dataAt = alignUp(stringsAt + stringBytes, 4);
  const pageData = pages.map((p) => {
    const at = dataAt;
    dataAt += p.bytes.length;
    return at;
  });
  const size = dataAt;

  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  const header = [
    PLAN_TABLE_MAGIC, PLAN_TABLE_VERSION, size, systemName, plan.boot.bootInfo.untyped.start, plan.boot.bootInfo.empty.start,
    plan.untyped.length, untypedsAt, plan.invocations.length, invocationsAt, loadAfter, pages.length, pagesAt, wordsAt, stringsAt, 0,
  ];
  header.forEach((w, i) => view.setUint32(4 * i, w >>> 0, true));
  plan.untyped.forEach((u, i) => {
    view.setUint32(untypedsAt + UNTYPED_BYTES * i, u.paddr >>> 0, true);
    out[untypedsAt + UNTYPED_BYTES * i + 4] = u.sizeBits;
    out[untypedsAt + UNTYPED_BYTES * i + 5] = u.isDevice ? 1 : 0;
  });
  for (let i = 0; i < invocations.length; i++) view.setUint32(invocationsAt + 4 * i, invocations[i]! >>> 0, true);
  pages.forEach((p, i) => {
    const at = pagesAt + 4 * PAGE_ENTRY_WORDS * i;
    view.setUint32(at, p.frame, true);
    view.setUint32(at + 4, pageData[i]!, true);
    view.setUint32(at + 8, p.bytes.length, true);
    view.setUint32(at + 12, p.name, true);
    out.set(p.bytes, pageData[i]!);
  });
  for (let i = 0; i < words.length; i++) view.setUint32(wordsAt + 4 * i, words[i]! >>> 0, true);
  // Each string is followed by its NUL (the zeroed byte after it).
  let stringOffset = stringsAt;
  for (const bytes of stringChunks) {
    out.set(bytes, stringOffset);
    stringOffset += bytes.length + 1;
  }
  return out;
}

/** Where the table goes in a root task ELF, and where its user image starts. */
export function planTableAddress(elf: ElfFile): { table: number; imageStart: number } {
  const symbol = findSymbol(elf, PLAN_TABLE_SYMBOL);
  if (symbol === undefined) throw new Error(`the root task has no '${PLAN_TABLE_SYMBOL}' symbol`);
  const imageStart = Math.min(...elf.segments.map((s) => s.vaddr)) & ~(PAGE - 1);
  return { table: symbol.value, imageStart };
}

/** The user image size a table of `tableBytes` needs after the root task's own segments: whole 64 KiB. */
export const USER_IMAGE_GRANULE = 0x1_0000;
export function userImageSize(elf: ElfFile, tableBytes: number): number {
  const { table, imageStart } = planTableAddress(elf);
  return alignUp(table + tableBytes - imageStart, USER_IMAGE_GRANULE);
}

/**
 * The root task ELF with `table` appended at its `__kaal_plan` (a read-only PT_LOAD), its memory
 * size padded so that the user image is exactly `imageSize` bytes. Pure.
 */
export function attachPlanTable(rootTask: Uint8Array, table: Uint8Array, imageSize: number): Uint8Array {
  const elf = readElf(rootTask, 'root task');
  const { table: at, imageStart } = planTableAddress(elf);
  if (at + table.length > imageStart + imageSize) throw new Error(`a plan table of ${table.length} bytes does not fit a user image of ${imageSize} bytes`);
  return writeElf({
    entry: elf.entry,
    flags: elf.flags,
    segments: [
      // An ELF that already carries a table (a re-sealed image's) has it replaced.
      ...elf.segments.filter((s) => s.memsz > 0 && s.vaddr !== at).map((s) => ({ vaddr: s.vaddr, paddr: s.paddr, memsz: s.memsz, flags: s.flags, data: s.data })),
      { vaddr: at, paddr: at, memsz: imageStart + imageSize - at, flags: PF_R, data: table },
    ],
    symbols: [{ name: PLAN_TABLE_SYMBOL, value: at, size: table.length }],
  });
}

/** The table an ELF written by attachPlanTable carries (its last segment), or undefined. */
export function planTableOf(elf: ElfFile): Uint8Array | undefined {
  const symbol = findSymbol(elf, PLAN_TABLE_SYMBOL);
  const segment = elf.segments.find((s) => symbol !== undefined && s.vaddr === symbol.value);
  return segment?.data;
}
