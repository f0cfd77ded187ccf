// The BOOTINFO section (seL4_BootInfo, RV32 non-MCS, sel4-abi.md §5.2) and the UNTYPED section
// (a count and the same seL4_UntypedDesc list): encoders, decoders and the consistency rules both
// the writer and the reader apply.
import { MAX_UNTYPED_BITS, MIN_UNTYPED_BITS } from '../../schema/abi.js';
import type { Plan } from '../../schema/plan.generated.js';
import type { BootModel } from '../bootModel.js';
import type { BootInfoData, SlotRegion, UntypedDescriptor } from './types.js';
import {
  BOOTINFO_SIZE,
  BootInfoField,
  MAX_BOOTINFO_UNTYPEDS,
  NUM_INITIAL_CAPS,
  UNTYPED_DESC_SIZE,
  UNTYPED_HEADER_SIZE,
  hex,
  isWord,
} from './format.js';

/** The slot-region fields of seL4_BootInfo, in layout order. */
const REGION_FIELDS = [
  'empty',
  'sharedFrames',
  'userImageFrames',
  'userImagePaging',
  'ioSpaceCaps',
  'extraBIPages',
  'untyped',
] as const;
const WORD_FIELDS = ['nodeID', 'numNodes', 'numIOPTLevels', 'ipcBuffer', 'initThreadCNodeSizeBits', 'initThreadDomain'] as const;
/** seL4's default CONFIG_ROOT_CNODE_SIZE_BITS. */
const DEFAULT_CNODE_SIZE_BITS = 12;

/**
 * Bootinfo as seL4's boot would fill it for a root task with no image frames: the untyped caps
 * right after the initial caps, the rest of a 2^12-slot root CNode empty.
 */
export function bootInfoFor(
  untyped: readonly UntypedDescriptor[],
  cnodeSizeBits = DEFAULT_CNODE_SIZE_BITS,
): BootInfoData {
  const none = { start: NUM_INITIAL_CAPS, end: NUM_INITIAL_CAPS };
  const untypedEnd = NUM_INITIAL_CAPS + untyped.length;
  return {
    nodeID: 0,
    numNodes: 1,
    numIOPTLevels: 0,
    ipcBuffer: 0,
    empty: { start: untypedEnd, end: 2 ** cnodeSizeBits },
    sharedFrames: none,
    userImageFrames: none,
    userImagePaging: none,
    ioSpaceCaps: none,
    extraBIPages: none,
    initThreadCNodeSizeBits: cnodeSizeBits,
    initThreadDomain: 0,
    untyped: { start: NUM_INITIAL_CAPS, end: untypedEnd },
    untypedList: untyped,
  };
}

/** Slot regions and IPC buffer as the boot model computes them (the model itself or a plan's record). */
interface BootSlots {
  readonly untyped: SlotRegion;
  readonly empty: SlotRegion;
  readonly userImageFrames: SlotRegion;
  readonly userImagePaging: SlotRegion;
  readonly extraBIPages: SlotRegion;
}

/** seL4_BootInfo after bi_finalise: the frame is cleared first, so regions never filled read {0, 0}. */
function bootInfoWith(untyped: readonly UntypedDescriptor[], cnodeSizeBits: number, slots: BootSlots, ipcBuffer: number): BootInfoData {
  const none = { start: 0, end: 0 };
  return {
    ...bootInfoFor(untyped, cnodeSizeBits),
    sharedFrames: none,
    ioSpaceCaps: none,
    ipcBuffer,
    empty: { ...slots.empty },
    userImageFrames: { ...slots.userImageFrames },
    userImagePaging: { ...slots.userImagePaging },
    extraBIPages: slots.extraBIPages.start < slots.extraBIPages.end ? { ...slots.extraBIPages } : none,
    untyped: { ...slots.untyped },
  };
}

/** The bootinfo the boot model gives (what the kernel writes into the bootinfo frame). */
export function bootInfoOfModel(model: BootModel, cnodeSizeBits: number): BootInfoData {
  return bootInfoWith(model.untypeds, cnodeSizeBits, model.slots, model.ipcBufferVaddr);
}

/** The bootinfo a plan predicts (its boot model's slot regions, IPC buffer and root CNode size). */
export function bootInfoOfPlan(plan: Pick<Plan, 'boot' | 'rootTask'>, untyped: readonly UntypedDescriptor[]): BootInfoData {
  return bootInfoWith(untyped, plan.rootTask.cnodeSizeBits, plan.boot.bootInfo, plan.boot.bootInfo.ipcBuffer);
}

/** Why an untyped list cannot be booted, or undefined. Rules: sizes in seL4's range, aligned, disjoint. */
export function untypedListProblem(list: readonly UntypedDescriptor[]): string | undefined {
  if (list.length > MAX_BOOTINFO_UNTYPEDS) {
    return `${list.length} untypeds exceed the ${MAX_BOOTINFO_UNTYPEDS} bootinfo can hold`;
  }
  for (const [index, u] of list.entries()) {
    const what = `untyped ${index} (paddr '${hex(u.paddr)}', sizeBits ${u.sizeBits})`;
    if (!isWord(u.paddr)) return `${what} has a paddr that is not a 32-bit word`;
    if (!Number.isInteger(u.sizeBits) || u.sizeBits < MIN_UNTYPED_BITS || u.sizeBits > MAX_UNTYPED_BITS) {
      return `${what} has sizeBits outside ${MIN_UNTYPED_BITS}..${MAX_UNTYPED_BITS}`;
    }
    if (u.paddr % 2 ** u.sizeBits !== 0) return `${what} is not aligned to its size`;
    // No end check: aligned, below 2^32 and at most 2^29 bytes, it ends at 2^32 at the latest.
  }
  const byAddress = list.map((u, index) => ({ u, index })).sort((a, b) => a.u.paddr - b.u.paddr);
  for (let i = 1; i < byAddress.length; i++) {
    const previous = byAddress[i - 1]!;
    const current = byAddress[i]!;
    const previousEnd = previous.u.paddr + 2 ** previous.u.sizeBits;
    if (current.u.paddr < previousEnd) {
      return (
        `untyped ${previous.index} ('${hex(previous.u.paddr)}'..'${hex(previousEnd)}') overlaps ` +
        `untyped ${current.index} ('${hex(current.u.paddr)}'..'${hex(current.u.paddr + 2 ** current.u.sizeBits)}')`
      );
    }
  }
  return undefined;
}

/** Why bootinfo is not self-consistent, or undefined. Its `untypedList` is checked by `untypedListProblem`. */
export function bootInfoProblem(info: BootInfoData): string | undefined {
  for (const field of WORD_FIELDS) {
    if (!isWord(info[field])) return `'${field}' is '${info[field]}', not a 32-bit word`;
  }
  if (info.numNodes < 1) return `'numNodes' is 0, expected at least 1`;
  if (info.nodeID >= info.numNodes) return `'nodeID' ${info.nodeID} is not below 'numNodes' ${info.numNodes}`;
  const bits = info.initThreadCNodeSizeBits;
  if (bits < 1 || bits > 28) return `'initThreadCNodeSizeBits' is ${bits}, expected 1..28`;
  const slots = 2 ** bits;
  for (const field of REGION_FIELDS) {
    const region = info[field];
    if (!isWord(region.start) || !isWord(region.end)) return `'${field}' has a bound that is not a 32-bit word`;
    if (region.start > region.end) return `'${field}' starts at slot ${region.start} after its end ${region.end}`;
    if (region.end > slots) return `'${field}' ends at slot ${region.end}, past the ${slots}-slot root CNode`;
    if (region.start < region.end && region.start < NUM_INITIAL_CAPS) {
      return `'${field}' starts at slot ${region.start}, among the ${NUM_INITIAL_CAPS} initial caps`;
    }
  }
  const used = REGION_FIELDS.filter((f) => info[f].start < info[f].end).sort((a, b) => info[a].start - info[b].start);
  for (let i = 1; i < used.length; i++) {
    const previous = info[used[i - 1]!];
    const current = info[used[i]!];
    if (current.start < previous.end) {
      return `slot regions '${used[i - 1]}' (${previous.start}..${previous.end}) and '${used[i]}' (${current.start}..${current.end}) overlap`;
    }
  }
  const count = info.untyped.end - info.untyped.start;
  if (count !== info.untypedList.length) {
    return `the 'untyped' slot region holds ${count} caps but 'untypedList' has ${info.untypedList.length} entries`;
  }
  return undefined;
}

function writeRegion(view: DataView, at: number, region: SlotRegion): void {
  view.setUint32(at, region.start, true);
  view.setUint32(at + 4, region.end, true);
}

function writeUntypedDesc(view: DataView, at: number, u: UntypedDescriptor): void {
  view.setUint32(at, u.paddr, true);
  view.setUint8(at + 4, u.sizeBits);
  view.setUint8(at + 5, u.isDevice ? 1 : 0);
}

/** The BOOTINFO section: exactly sizeof(seL4_BootInfo), unused untypedList entries zero. */
export function encodeBootInfo(info: BootInfoData): Uint8Array {
  const bytes = new Uint8Array(BOOTINFO_SIZE);
  const view = new DataView(bytes.buffer);
  view.setUint32(BootInfoField.extraLen, 0, true);
  for (const field of WORD_FIELDS) view.setUint32(BootInfoField[field], info[field], true);
  for (const field of REGION_FIELDS) writeRegion(view, BootInfoField[field], info[field]);
  info.untypedList.forEach((u, i) => writeUntypedDesc(view, BootInfoField.untypedList + i * UNTYPED_DESC_SIZE, u));
  return bytes;
}

/** The UNTYPED section: count, reserved zero word, then the descriptors. */
export function encodeUntypedSection(list: readonly UntypedDescriptor[]): Uint8Array {
  const bytes = new Uint8Array(UNTYPED_HEADER_SIZE + list.length * UNTYPED_DESC_SIZE);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, list.length, true);
  list.forEach((u, i) => writeUntypedDesc(view, UNTYPED_HEADER_SIZE + i * UNTYPED_DESC_SIZE, u));
  return bytes;
}

/** A decoder's complaint: the reader turns it into a diagnostic naming the section. */
export type Decoded<T> = { readonly value: T } | { readonly problem: string };

function readUntypedDesc(view: DataView, at: number, index: number): Decoded<UntypedDescriptor> {
  const isDevice = view.getUint8(at + 5);
  if (isDevice > 1) return { problem: `untyped ${index} has isDevice '${isDevice}', expected 0 or 1` };
  if (view.getUint16(at + 6, true) !== 0) return { problem: `untyped ${index} has non-zero padding bytes` };
  return { value: { paddr: view.getUint32(at, true), sizeBits: view.getUint8(at + 4), isDevice: isDevice === 1 } };
}

/** Decodes the UNTYPED section; the count is checked against the size before anything is allocated. */
export function decodeUntypedSection(bytes: Uint8Array): Decoded<UntypedDescriptor[]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < UNTYPED_HEADER_SIZE) return { problem: `${bytes.length} bytes is shorter than its 8-byte header` };
  const count = view.getUint32(0, true);
  if (view.getUint32(4, true) !== 0) return { problem: 'the reserved word is not zero' };
  const expected = UNTYPED_HEADER_SIZE + count * UNTYPED_DESC_SIZE;
  if (expected !== bytes.length) {
    return { problem: `count ${count} needs ${expected} bytes but the section has ${bytes.length}` };
  }
  if (count > MAX_BOOTINFO_UNTYPEDS) return { problem: `count ${count} exceeds the ${MAX_BOOTINFO_UNTYPEDS} bootinfo can hold` };
  const list: UntypedDescriptor[] = [];
  for (let i = 0; i < count; i++) {
    const entry = readUntypedDesc(view, UNTYPED_HEADER_SIZE + i * UNTYPED_DESC_SIZE, i);
    if ('problem' in entry) return entry;
    list.push(entry.value);
  }
  return { value: list };
}

/** Decodes the BOOTINFO section's structure; `bootInfoProblem` checks its consistency afterwards. */
export function decodeBootInfo(bytes: Uint8Array): Decoded<BootInfoData> {
  if (bytes.length !== BOOTINFO_SIZE) {
    return { problem: `size is ${bytes.length} bytes, expected sizeof(seL4_BootInfo) = ${BOOTINFO_SIZE}` };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const extraLen = view.getUint32(BootInfoField.extraLen, true);
  if (extraLen !== 0) return { problem: `'extraLen' is ${extraLen}, expected 0 (format version 1 has no extra bootinfo)` };
  const word = (field: (typeof WORD_FIELDS)[number]) => view.getUint32(BootInfoField[field], true);
  const region = (field: (typeof REGION_FIELDS)[number]): SlotRegion => ({
    start: view.getUint32(BootInfoField[field], true),
    end: view.getUint32(BootInfoField[field] + 4, true),
  });
  const untyped = region('untyped');
  if (untyped.end < untyped.start) return { problem: `'untyped' starts at slot ${untyped.start} after its end ${untyped.end}` };
  const count = untyped.end - untyped.start;
  if (count > MAX_BOOTINFO_UNTYPEDS) {
    return { problem: `'untyped' region holds ${count} caps, more than the ${MAX_BOOTINFO_UNTYPEDS} 'untypedList' entries` };
  }
  const untypedList: UntypedDescriptor[] = [];
  for (let i = 0; i < MAX_BOOTINFO_UNTYPEDS; i++) {
    const at = BootInfoField.untypedList + i * UNTYPED_DESC_SIZE;
    if (i >= count) {
      if (view.getUint32(at, true) !== 0 || view.getUint32(at + 4, true) !== 0) {
        return { problem: `'untypedList' entry ${i} is beyond the ${count} untypeds but not zero` };
      }
      continue;
    }
    const entry = readUntypedDesc(view, at, i);
    if ('problem' in entry) return entry;
    untypedList.push(entry.value);
  }
  return {
    value: {
      nodeID: word('nodeID'),
      numNodes: word('numNodes'),
      numIOPTLevels: word('numIOPTLevels'),
      ipcBuffer: word('ipcBuffer'),
      empty: region('empty'),
      sharedFrames: region('sharedFrames'),
      userImageFrames: region('userImageFrames'),
      userImagePaging: region('userImagePaging'),
      ioSpaceCaps: region('ioSpaceCaps'),
      extraBIPages: region('extraBIPages'),
      initThreadCNodeSizeBits: word('initThreadCNodeSizeBits'),
      initThreadDomain: word('initThreadDomain'),
      untyped,
      untypedList,
    },
  };
}

/** Why the UNTYPED section and bootinfo's untypedList differ, or undefined. */
export function untypedMismatch(
  fromBootInfo: readonly UntypedDescriptor[],
  fromSection: readonly UntypedDescriptor[],
): string | undefined {
  if (fromBootInfo.length !== fromSection.length) {
    return `'untypedList' has ${fromBootInfo.length} untypeds but the UNTYPED section has ${fromSection.length}`;
  }
  for (let i = 0; i < fromSection.length; i++) {
    const a = fromBootInfo[i]!;
    const b = fromSection[i]!;
    if (a.paddr !== b.paddr || a.sizeBits !== b.sizeBits || a.isDevice !== b.isDevice) {
      return (
        `'untypedList' entry ${i} (paddr '${hex(a.paddr)}', sizeBits ${a.sizeBits}, device ${a.isDevice}) differs from ` +
        `the UNTYPED section's (paddr '${hex(b.paddr)}', sizeBits ${b.sizeBits}, device ${b.isDevice})`
      );
    }
  }
  return undefined;
}
