// `--target sel4`: where the loader places the kernel, the DTB and the root task (the rule the
// boot model predicts the kernel's untypeds from), and the bootable ELF that carries them
// (image/sel4Image.ts). docs/sel4.md, "Placement".
import { readElf, type ElfFile } from '../../image/elf.js';
import type { Sel4Kernel } from '../../image/sel4Kernel.js';
import { alignUp } from '../../image/bootImage/format.js';
import { PAGE_BITS } from '../../schema/abi.js';
import { writeSel4Image, type LoaderRegion } from '../../image/sel4Image.js';
import type { Platform } from '../../image/platformModel.js';
import { isEnabled } from '../../image/platform.js';
import type { RootTaskImageInfo } from '../plan/untyped.js';

const PAGE_SIZE = 2 ** PAGE_BITS;
const alignDown = (value: number, align: number): number => Math.floor(value / align) * align;

/** Physical placement at boot, as seL4's init_kernel receives it. Ends exclusive. */
export interface Sel4BootLayout {
  readonly kernel: { readonly start: number; readonly end: number; readonly vbase: number; readonly entry: number };
  readonly dtb: { readonly start: number; readonly size: number };
  readonly rootTask: { readonly start: number; readonly end: number; readonly vstart: number; readonly pvOffset: number; readonly entry: number };
}

/**
 * The placement rule (seL4_tools' elfloader places the DTB the same way): the kernel at its ELF's
 * physical addresses; the DTB at the first page after the kernel image; the root task's whole
 * virtual extent [lowest page, last page end) at the first page after the DTB.
 */
export function layoutSel4Boot(kernel: Sel4Kernel, dtbSize: number, rootTask: ElfFile): Sel4BootLayout {
  const dtbStart = kernel.physEnd;
  const rootStart = alignUp(dtbStart + dtbSize, PAGE_SIZE);
  const image = rootTaskImage(rootTask);
  return {
    kernel: { start: kernel.physStart, end: kernel.physEnd, vbase: kernel.virtStart, entry: kernel.entry },
    dtb: { start: dtbStart, size: dtbSize },
    rootTask: { start: rootStart, end: rootStart + image.size, vstart: image.vaddr, pvOffset: (rootStart - image.vaddr) >>> 0, entry: image.entry },
  };
}

/** The root task's user image as the planner sees it: its whole virtual extent, in pages. */
export function rootTaskImage(rootTask: Pick<ElfFile, 'segments' | 'entry'>): RootTaskImageInfo {
  const loaded = rootTask.segments.filter((s) => s.memsz > 0);
  const vaddr = alignDown(Math.min(...loaded.map((s) => s.vaddr)), PAGE_SIZE);
  const vend = alignUp(Math.max(...loaded.map((s) => s.vaddr + s.memsz)), PAGE_SIZE);
  return { vaddr, size: vend - vaddr, entry: rootTask.entry };
}

/** The devices the loader drives, from the platform: console, timer, power-off. */
export interface LoaderDevices {
  readonly uartBase: number;
  readonly clintBase: number;
  readonly finisherBase: number;
}

export function loaderDevices(platform: Platform): LoaderDevices {
  const base = (...compatible: string[]) =>
    platform.devices.find((d) => isEnabled(d) && d.reg.length > 0 && d.compatible.some((c) => compatible.includes(c)))?.reg[0]!.base ?? 0;
  return { uartBase: base('ns16550a'), clintBase: base('sifive,clint0', 'riscv,clint0'), finisherBase: base('sifive,test0') };
}

/** One contiguous image of an ELF's segments from `start` (a page), zero-filled between them. */
function flatten(elf: ElfFile, start: number, size: number, address: (s: ElfFile['segments'][number]) => number): { data: Uint8Array; memsz: number } {
  const image = new Uint8Array(size);
  let fileEnd = 0;
  for (const segment of elf.segments) {
    image.set(segment.data, address(segment) - start);
    if (segment.filesz > 0) fileEnd = Math.max(fileEnd, address(segment) - start + segment.filesz);
  }
  // Bytes past the last file byte are zero: the loader zero-fills them instead of carrying them.
  return { data: image.slice(0, fileEnd), memsz: size };
}

export interface Sel4ImageParts {
  readonly loader: Uint8Array;
  readonly kernel: Sel4Kernel;
  readonly dtb: Uint8Array;
  readonly rootTask: Uint8Array;
  readonly devices: LoaderDevices;
}

/** The bootable ELF and the layout it boots with. Pure. */
export function buildSel4Image(parts: Sel4ImageParts): { elf: Uint8Array; layout: Sel4BootLayout } {
  const rootTask = readElf(parts.rootTask, 'root task');
  const layout = layoutSel4Boot(parts.kernel, parts.dtb.length, rootTask);
  const kernel = flatten(parts.kernel.elf, layout.kernel.start, layout.kernel.end - layout.kernel.start, (s) => s.paddr);
  const root = flatten(rootTask, layout.rootTask.vstart, layout.rootTask.end - layout.rootTask.start, (s) => s.vaddr);
  const regions: LoaderRegion[] = [
    { name: 'kernel', dest: layout.kernel.start, data: kernel.data, memsz: kernel.memsz },
    { name: 'dtb', dest: layout.dtb.start, data: parts.dtb, memsz: parts.dtb.length },
    { name: 'root task', dest: layout.rootTask.start, data: root.data, memsz: root.memsz },
  ];
  const elf = writeSel4Image({
    loader: parts.loader,
    boot: {
      kernelEntry: layout.kernel.entry,
      kernelPbase: layout.kernel.start,
      kernelVbase: layout.kernel.vbase,
      rootTaskPstart: layout.rootTask.start,
      rootTaskPend: layout.rootTask.end,
      pvOffset: layout.rootTask.pvOffset,
      rootTaskEntry: layout.rootTask.entry,
      dtbPaddr: layout.dtb.start,
      dtbSize: parts.dtb.length,
      ...parts.devices,
    },
    regions,
  });
  return { elf, layout };
}
