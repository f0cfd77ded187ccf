// seL4's boot on riscv32 non-MCS, as data: from the platform's memory, the kernel configuration and
// where the kernel image, the DTB and the root task's user image sit, the bootinfo the kernel hands
// its initial thread and where it puts every rootserver object. One implementation: the planner
// predicts bootinfo with it and the bundled kernel hands that bootinfo out (docs/boot.md).
// Follows seL4 src/arch/riscv/kernel/boot.c try_init_kernel and src/kernel/boot.c init_freemem,
// create_rootserver_objects, create_untypeds, create_frames_of_region, bi_finalise.
import { KERNEL_DEVICE_FRAME_BYTES, tcbBits, type KernelConfig } from './kernelConfig.js';

/** [start, end) in physical or virtual addresses. */
export interface Region {
  readonly start: number;
  readonly end: number;
}

export interface SlotRegion {
  readonly start: number;
  readonly end: number;
}

export interface BootUntyped {
  readonly paddr: number;
  readonly sizeBits: number;
  readonly isDevice: boolean;
}

/** The root task's user image as the loader placed it: physical range, and its virtual start. */
export interface UserImagePlacement {
  readonly paddr: number;
  /** Bytes, a multiple of the page size. */
  readonly size: number;
  readonly vaddr: number;
}

export interface BootModelInput {
  readonly config: KernelConfig;
  /** seL4 `avail_p_regs`: memory nodes minus no-map `/reserved-memory`, sorted, below 2^32. */
  readonly available: readonly Region[];
  /** Where the loader put the DTB (seL4 passes it on as extra bootinfo), or null. */
  readonly dtb: { readonly paddr: number; readonly size: number } | null;
  readonly userImage: UserImagePlacement;
}

/** Physical addresses of the objects seL4 creates for its initial thread (rootserver_mem_t). */
export interface RootServerObjects {
  readonly cnode: number;
  readonly vspace: number;
  readonly asidPool: number;
  readonly ipcBuffer: number;
  readonly bootInfo: number;
  /** 0 when there is no extra bootinfo. */
  readonly extraBootInfo: number;
  readonly tcb: number;
  /** The initial thread's page tables, in creation order, with the virtual address each covers. */
  readonly pageTables: readonly { readonly paddr: number; readonly vaddr: number }[];
  /** The whole block they were carved from. */
  readonly region: Region;
}

export interface BootModel {
  /** physBase: the kernel image's physical start (RISC-V aligns nothing, sel4 tools/hardware). */
  readonly physBase: number;
  /** PADDR_BASE .. PADDR_TOP: the physical memory the kernel window maps. */
  readonly kernelWindow: Region;
  /** User image: physical range and the virtual range the initial thread sees it at. */
  readonly userImage: { readonly physical: Region; readonly virtual: Region };
  readonly ipcBufferVaddr: number;
  readonly bootInfoVaddr: number;
  /** Start of the extra bootinfo (FDT chunk) in the initial thread's VSpace. */
  readonly extraBootInfoVaddr: number;
  /** bootinfo extraLen: header + DTB bytes, or 0. */
  readonly extraLen: number;
  /** it_v_reg: everything the initial thread's page tables cover. */
  readonly initialThreadRegion: Region;
  readonly rootServer: RootServerObjects;
  readonly slots: {
    readonly userImagePaging: SlotRegion;
    readonly extraBIPages: SlotRegion;
    readonly userImageFrames: SlotRegion;
    readonly untyped: SlotRegion;
    readonly empty: SlotRegion;
  };
  /** bootinfo untypedList, in slot order. */
  readonly untypeds: readonly BootUntyped[];
  /** Untypeds seL4 made no cap for (beyond CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS). */
  readonly untypedsDropped: number;
  /** ndks_boot.reserved after boot (kernel devices, kernel image, DTB, user image, RAM in use). */
  readonly reserved: readonly Region[];
}

/** Why seL4 would stop its boot ("ERROR: …" in try_init_kernel), with the kernel's reason. */
export class BootModelError extends Error {}

const PAGE = 0x1000;
const PAGE_BITS = 12;
const SLOT_BITS = 4;
const VSPACE_BITS = 12;
const PAGE_TABLE_BITS = 12;
const ASID_POOL_BITS = 12;
const BOOT_INFO_FRAME_BITS = 12;
const NUM_INITIAL_CAPS = 16;
const MIN_UNTYPED_BITS = 4;
const MAX_UNTYPED_BITS = 29;
/** Sv32: one level-0 page table entry covers 2^22 bytes; RISCV_GET_LVL_PGSIZE_BITS(0). */
const LEVEL0_PAGE_BITS = 22;
/** seL4_UserTop on RV32; PPTR_BASE is the same address, PPTR_TOP the kernel window's end. */
const USER_TOP = 0x8000_0000;
const PPTR_BASE = 0x8000_0000;
const PPTR_TOP = 0xff80_0000;
/** riscv arch/bootinfo.h MAX_NUM_FREEMEM_REG. */
const MAX_NUM_FREEMEM_REG = 16;
/** sizeof(seL4_BootInfoHeader) on RV32. */
const BOOT_INFO_HEADER_BYTES = 8;

const roundDown = (n: number, bits: number): number => Math.floor(n / 2 ** bits) * 2 ** bits;
const roundUp = (n: number, bits: number): number => Math.ceil(n / 2 ** bits) * 2 ** bits;
const isEmpty = (r: Region): boolean => r.start === r.end;
/** Count of trailing zero bits (ctzl) of a non-zero address. */
function ctz(n: number): number {
  let bits = 0;
  while (n % 2 ** (bits + 1) === 0) bits++;
  return bits;
}

/** calculate_extra_bi_size_bits: 0 for none, else at least a page, rounded up to a power of two. */
export function extraBootInfoSizeBits(extraSize: number): number {
  if (extraSize === 0) return 0;
  let msb = Math.floor(Math.log2(roundUp(extraSize, PAGE_BITS)));
  if (extraSize > 2 ** msb) msb++;
  return msb;
}

/** get_n_paging summed over the non-root levels (arch_get_n_paging; Sv32 has one). */
export function pagingCount(region: Region): number {
  return (roundUp(region.end, LEVEL0_PAGE_BITS) - roundDown(region.start, LEVEL0_PAGE_BITS)) / 2 ** LEVEL0_PAGE_BITS;
}

/** ndks_boot.reserved: kept sorted, merged with a neighbour it touches (reserve_region). */
class ReservedList {
  readonly regions: Region[] = [];
  reserve(reg: Region): void {
    if (reg.start === reg.end) return;
    const list = this.regions;
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!;
      if (r.start === reg.end) {
        list[i] = { start: reg.start, end: r.end };
        this.merge();
        return;
      }
      if (r.end === reg.start) {
        list[i] = { start: r.start, end: reg.end };
        this.merge();
        return;
      }
      if (r.start > reg.end) {
        list.splice(i, 0, reg);
        return;
      }
    }
    list.push(reg);
  }
  private merge(): void {
    const list = this.regions;
    for (let i = 1; i < list.length; ) {
      if (list[i - 1]!.end === list[i]!.start) {
        list[i - 1] = { start: list[i - 1]!.start, end: list[i]!.end };
        list.splice(i, 1);
      } else i++;
    }
  }
}

/** The rootserver block's size and alignment (calculate_rootserver_size, rootserver_max_size_bits). */
function rootServerSize(config: KernelConfig, itRegion: Region, extraBits: number): { size: number; alignBits: number } {
  const cnodeBits = config.rootCNodeSizeBits + SLOT_BITS;
  let size = 2 ** cnodeBits + 2 ** tcbBits(config) + 2 ** PAGE_BITS + 2 ** BOOT_INFO_FRAME_BITS + 2 ** ASID_POOL_BITS;
  size += extraBits > 0 ? 2 ** extraBits : 0;
  size += 2 ** VSPACE_BITS + pagingCount(itRegion) * 2 ** PAGE_TABLE_BITS;
  return { size, alignBits: Math.max(cnodeBits, VSPACE_BITS, extraBits) };
}

/** create_rootserver_objects: the fixed allocation order from `start`. */
function placeRootServer(config: KernelConfig, start: number, size: number, itRegion: Region, extraBits: number): RootServerObjects {
  let at = start;
  const alloc = (bits: number, n = 1): number => {
    const p = at;
    at += n * 2 ** bits;
    return p;
  };
  const cnodeBits = config.rootCNodeSizeBits + SLOT_BITS;
  const maxBits = Math.max(cnodeBits, VSPACE_BITS, extraBits);
  let extra = 0;
  const maybeExtra = (cmpBits: number): void => {
    if (extraBits >= cmpBits && extra === 0 && extraBits > 0) extra = alloc(extraBits);
  };
  maybeExtra(maxBits);
  let cnode: number;
  let vspace: number;
  if (cnodeBits > VSPACE_BITS) {
    cnode = alloc(cnodeBits);
    maybeExtra(VSPACE_BITS);
    vspace = alloc(VSPACE_BITS);
  } else {
    vspace = alloc(VSPACE_BITS);
    maybeExtra(cnodeBits);
    cnode = alloc(cnodeBits);
  }
  maybeExtra(PAGE_BITS);
  const asidPool = alloc(ASID_POOL_BITS);
  const ipcBuffer = alloc(PAGE_BITS);
  const bootInfo = alloc(BOOT_INFO_FRAME_BITS);
  const n = pagingCount(itRegion);
  const paging = alloc(PAGE_TABLE_BITS, n);
  const tcb = alloc(tcbBits(config));
  if (at !== start + size) throw new BootModelError(`internal: rootserver objects take ${at - start} bytes, not ${size}`);
  const firstVaddr = roundDown(itRegion.start, LEVEL0_PAGE_BITS);
  const pageTables = Array.from({ length: n }, (_, i) => ({ paddr: paging + i * 2 ** PAGE_TABLE_BITS, vaddr: firstVaddr + i * 2 ** LEVEL0_PAGE_BITS }));
  return { cnode, vspace, asidPool, ipcBuffer, bootInfo, extraBootInfo: extra, tcb, pageTables, region: { start, end: start + size } };
}

/**
 * init_freemem: available memory in the kernel window minus the reserved regions becomes freemem
 * (each piece also reserved), then the rootserver block is taken from the top of the highest
 * region it fits in, aligned down to its largest object.
 */
function initFreemem(
  config: KernelConfig,
  available: readonly Region[],
  reservedIn: readonly Region[],
  reserved: ReservedList,
  itRegion: Region,
  extraBits: number,
  window: Region,
): { freemem: Region[]; rootServer: RootServerObjects } {
  const avail: Region[] = [];
  for (const r of available) {
    if (r.start >= window.end || r.end <= window.start) continue;
    avail.push({ start: Math.max(r.start, window.start), end: Math.min(r.end, window.end) });
  }
  if (avail.length === 0) throw new BootModelError('no available memory within the kernel window');
  for (let i = 1; i < reservedIn.length; i++) {
    if (reservedIn[i]!.start < reservedIn[i - 1]!.end) {
      throw new BootModelError(`reserved region ${i} in wrong order (the kernel image, the DTB and the user image must be in ascending order)`);
    }
  }
  const freemem: Region[] = Array.from({ length: MAX_NUM_FREEMEM_REG }, () => ({ start: 0, end: 0 }));
  const insert = (reg: Region): void => {
    if (isEmpty(reg)) return;
    const slot = freemem.findIndex(isEmpty);
    if (slot < 0) throw new BootModelError(`no free memory slot left for [${hex(reg.start)}..${hex(reg.end)})`);
    reserved.reserve(reg);
    freemem[slot] = reg;
  };
  let a = 0;
  let r = 0;
  while (a < avail.length && r < reservedIn.length) {
    const res = reservedIn[r]!;
    const av = avail[a]!;
    if (res.start === res.end) r++;
    else if (av.start >= av.end) a++;
    else if (res.end <= av.start) {
      reserved.reserve(res);
      r++;
    } else if (res.start >= av.end) {
      insert(av);
      a++;
    } else if (res.start <= av.start) {
      avail[a] = { start: Math.min(av.end, res.end), end: av.end };
    } else {
      insert({ start: av.start, end: res.start });
      if (av.end > res.end) avail[a] = { start: res.end, end: av.end };
      else a++;
    }
  }
  for (; r < reservedIn.length; r++) if (reservedIn[r]!.start < reservedIn[r]!.end) reserved.reserve(reservedIn[r]!);
  for (; a < avail.length; a++) if (avail[a]!.start < avail[a]!.end) insert(avail[a]!);

  if (!isEmpty(freemem[MAX_NUM_FREEMEM_REG - 1]!)) throw new BootModelError(`insufficient MAX_NUM_FREEMEM_REG (${MAX_NUM_FREEMEM_REG})`);
  let i = MAX_NUM_FREEMEM_REG - 1;
  while (i >= 0 && isEmpty(freemem[i]!)) i--;
  const { size, alignBits } = rootServerSize(config, itRegion, extraBits);
  for (; i >= 0; i--) {
    const region = freemem[i]!;
    const unalignedStart = region.end - size;
    const start = roundDown(unalignedStart, alignBits);
    if (unalignedStart >= 0 && start >= region.start) {
      const rootServer = placeRootServer(config, start, size, itRegion, extraBits);
      freemem[i + 1] = { start: start + size, end: region.end };
      freemem[i] = { start: region.start, end: start };
      return { freemem, rootServer };
    }
    freemem[i + 1] = region;
    freemem[i] = { start: 0, end: 0 };
  }
  throw new BootModelError(`no free memory region is big enough for root server objects, need size/alignment of 2^${alignBits}`);
}

/** create_untypeds_for_region: naturally aligned power-of-two blocks, at most 2^29, pieces < 2^4 lost. */
export function untypedsOfRegion(region: Region, isDevice: boolean): BootUntyped[] {
  const out: BootUntyped[] = [];
  let start = region.start;
  while (start < region.end) {
    let sizeBits = Math.min(Math.floor(Math.log2(region.end - start)), MAX_UNTYPED_BITS);
    if (start !== 0) sizeBits = Math.min(sizeBits, ctz(start));
    if (sizeBits >= MIN_UNTYPED_BITS) out.push({ paddr: start, sizeBits, isDevice });
    start += 2 ** sizeBits;
  }
  return out;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** Runs seL4's boot for these inputs. Throws BootModelError where seL4 would stop with "ERROR". */
export function emulateBoot(input: BootModelInput): BootModel {
  const { config, userImage } = input;
  if (input.available.length === 0) throw new BootModelError('no memory regions available');
  const physBase = config.kernelImage.start;
  const paddrBase = roundDown(physBase, LEVEL0_PAGE_BITS);
  const window: Region = { start: paddrBase, end: PPTR_TOP - PPTR_BASE + paddrBase };
  if (userImage.size % PAGE !== 0 || userImage.paddr % PAGE !== 0 || userImage.vaddr % PAGE !== 0) {
    throw new BootModelError(`the user image at '${hex(userImage.paddr)}' (${userImage.size} bytes, vaddr '${hex(userImage.vaddr)}') is not page-aligned`);
  }
  const physical: Region = { start: userImage.paddr, end: userImage.paddr + userImage.size };
  const virtual: Region = { start: userImage.vaddr, end: userImage.vaddr + userImage.size };
  const ipcBufferVaddr = virtual.end;
  const bootInfoVaddr = ipcBufferVaddr + PAGE;
  const extraBootInfoVaddr = bootInfoVaddr + 2 ** BOOT_INFO_FRAME_BITS;

  const reserved = new ReservedList();
  // map_kernel_devices (called from map_kernel_window, before anything else).
  for (const frame of config.kernelDevices) {
    if (!frame.userAvailable) reserved.reserve({ start: frame.paddr, end: frame.paddr + KERNEL_DEVICE_FRAME_BYTES });
  }
  let extraLen = 0;
  let dtbRegion: Region = { start: 0, end: 0 };
  if (input.dtb && input.dtb.size > 0) {
    const end = input.dtb.paddr + input.dtb.size;
    if (end >= window.end) throw new BootModelError(`DTB at [${hex(input.dtb.paddr)}..${hex(end)}) exceeds PADDR_TOP (${hex(window.end)})`);
    extraLen = BOOT_INFO_HEADER_BYTES + input.dtb.size;
    dtbRegion = { start: input.dtb.paddr, end };
  }
  const extraBits = extraBootInfoSizeBits(extraLen);
  const initialThreadRegion: Region = { start: virtual.start, end: extraBootInfoVaddr + (extraBits > 0 ? 2 ** extraBits : 0) };
  if (initialThreadRegion.end >= USER_TOP) {
    throw new BootModelError(`userland image virt [${hex(initialThreadRegion.start)}..${hex(initialThreadRegion.end)}) exceeds USER_TOP (${hex(USER_TOP)})`);
  }
  // arch_init_freemem: the kernel image, the DTB (when there is one) and the user image.
  const image = config.kernelImage;
  const resReg: Region[] = [{ start: image.start, end: image.end }];
  if (dtbRegion.start !== 0) resReg.push(dtbRegion);
  resReg.push(physical);
  const { freemem, rootServer } = initFreemem(config, input.available, resReg, reserved, initialThreadRegion, extraBits, window);

  // Slots, in the order try_init_kernel provides caps.
  let slot = NUM_INITIAL_CAPS;
  const take = (n: number): SlotRegion => {
    const region = { start: slot, end: slot + n };
    slot += n;
    return region;
  };
  const userImagePaging = take(rootServer.pageTables.length);
  const extraBIPages = take(Math.ceil(extraLen / PAGE));
  const userImageFrames = take(userImage.size / PAGE);
  const rootSlots = 2 ** config.rootCNodeSizeBits;

  // create_untypeds: device memory between the reserved regions, then the kernel's boot code, then freemem.
  const found: BootUntyped[] = [];
  let start = 0;
  for (const r of reserved.regions) {
    if (start < r.start) found.push(...untypedsOfRegion({ start, end: r.start }, true));
    start = r.end;
  }
  if (start < config.paddrUserDeviceTop) found.push(...untypedsOfRegion({ start, end: config.paddrUserDeviceTop }, true));
  found.push(...untypedsOfRegion({ start: image.start, end: image.bootEnd }, false));
  for (const region of freemem) found.push(...untypedsOfRegion(region, false));
  const room = Math.max(0, Math.min(config.maxBootInfoUntypeds, rootSlots - slot));
  const untypeds = found.slice(0, room);
  const untyped = take(untypeds.length);
  if (slot > rootSlots) throw new BootModelError(`can't add another cap, all ${rootSlots} (=2^CONFIG_ROOT_CNODE_SIZE_BITS) slots used`);
  return {
    physBase,
    kernelWindow: window,
    userImage: { physical, virtual },
    ipcBufferVaddr,
    bootInfoVaddr,
    extraBootInfoVaddr,
    extraLen,
    initialThreadRegion,
    rootServer,
    slots: { userImagePaging, extraBIPages, userImageFrames, untyped, empty: { start: slot, end: rootSlots } },
    untypeds,
    untypedsDropped: found.length - untypeds.length,
    reserved: reserved.regions.map((r) => ({ ...r })),
  };
}

/**
 * Where kaal-compose's loaders put the three images (as seL4_tools' elfloader does on RISC-V): the
 * kernel at physBase, the DTB on the next page after it, the user image on the page after the DTB.
 */
export function placeBootImages(kernelImageEnd: number, dtbSize: number): { dtbPaddr: number; userImagePaddr: number } {
  const dtbPaddr = roundUp(kernelImageEnd, PAGE_BITS);
  return { dtbPaddr, userImagePaddr: roundUp(dtbPaddr + dtbSize, PAGE_BITS) };
}

/** seL4 `avail_p_regs` from RAM ranges: below 2^32 (the riscv32 overlay reserves the rest), sorted. */
export function availableMemory(ram: readonly { readonly base: number; readonly size: number }[]): Region[] {
  return ram
    .filter((r) => r.base < 2 ** 32)
    .map((r) => ({ start: r.base, end: Math.min(r.base + r.size, 2 ** 32 - 1) }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start);
}
