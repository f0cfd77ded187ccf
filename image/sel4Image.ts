// The `--target sel4` output: one ELF32 executable that boots under `qemu-system-riscv32 -M virt
// -bios none -kernel sys.elf`: the loader's own segments (with its boot header filled in) and one
// payload segment holding the kernel, the DTB and the root task, which the loader copies into
// place. Layout and header: docs/sel4.md ("The image"); the header is loader/loader.h's
// struct kaal_loader_header, written here and read back for `inspect`.
import { findSymbol, readElf, type ElfFile, type ElfSegment } from './elf.js';
import { writeElf } from './elfWrite.js';
import { alignUp } from './bootImage/format.js';
import { PAGE_BITS } from '../schema/abi.js';

const PAGE_SIZE = 2 ** PAGE_BITS;

export const LOADER_MAGIC = 0x52444c4b; // "KLDR"
export const LOADER_VERSION = 1;
export const LOADER_MAX_REGIONS = 16;
/** The symbol of the boot header in the loader (and in the output, which keeps it). */
export const LOADER_HEADER_SYMBOL = 'kaal_loader_header';
const HEADER_WORDS = 15;
export const LOADER_HEADER_SIZE = HEADER_WORDS * 4 + LOADER_MAX_REGIONS * 16;

/** One region the loader places: `data` at `dest`, then zeros up to `memsz`. */
export interface LoaderRegion {
  readonly name: string;
  readonly dest: number;
  readonly data: Uint8Array;
  readonly memsz: number;
}

/** What the boot header says besides the regions (loader/loader.h, field by field). */
export interface LoaderBootArguments {
  readonly kernelEntry: number;
  readonly kernelPbase: number;
  readonly kernelVbase: number;
  readonly rootTaskPstart: number;
  readonly rootTaskPend: number;
  /** ui_p_reg_start minus the root task's lowest virtual address (mod 2^32). */
  readonly pvOffset: number;
  readonly rootTaskEntry: number;
  readonly dtbPaddr: number;
  readonly dtbSize: number;
  readonly uartBase: number;
  readonly clintBase: number;
  readonly finisherBase: number;
}

export interface Sel4ImageInput {
  /** The prebuilt loader ELF (loader/kaal-loader.elf). */
  readonly loader: Uint8Array;
  readonly boot: LoaderBootArguments;
  readonly regions: readonly LoaderRegion[];
}

export interface Sel4ImageHeader extends LoaderBootArguments {
  readonly regions: readonly { readonly dest: number; readonly src: number; readonly filesz: number; readonly memsz: number }[];
}


/** Where the payload goes: above every region's end, so the loader's forward copies never overlap. */
export function payloadBase(regions: readonly LoaderRegion[]): number {
  return alignUp(Math.max(...regions.map((r) => r.dest + r.memsz)), PAGE_SIZE);
}

/** Writes the bootable ELF. Pure: the same input gives the same bytes. Throws on a misuse (a bug). */
export function writeSel4Image(input: Sel4ImageInput): Uint8Array {
  const loader = readElf(input.loader, 'loader');
  const headerSymbol = findSymbol(loader, LOADER_HEADER_SYMBOL);
  if (headerSymbol === undefined) throw new Error(`the loader has no '${LOADER_HEADER_SYMBOL}' symbol`);
  if (input.regions.length > LOADER_MAX_REGIONS) throw new Error(`${input.regions.length} regions, the loader places at most ${LOADER_MAX_REGIONS}`);

  // The payload: each region's bytes, page aligned, one after the other.
  const base = payloadBase(input.regions);
  const sources: number[] = [];
  let payloadSize = 0;
  for (const region of input.regions) {
    sources.push(base + payloadSize);
    payloadSize = alignUp(payloadSize + region.data.length, PAGE_SIZE);
  }
  const payload = new Uint8Array(payloadSize);
  input.regions.forEach((region, i) => payload.set(region.data, sources[i]! - base));

  const header = encodeHeader(input.boot, input.regions.map((r, i) => ({ dest: r.dest, src: sources[i]!, filesz: r.data.length, memsz: r.memsz })));
  const loaderSegments = loader.segments.map((segment) => patchSegment(segment, headerSymbol.value, header));

  const segments = [
    ...loaderSegments.map((s) => ({ vaddr: s.vaddr, paddr: s.paddr, memsz: s.memsz, flags: s.flags, data: s.data })),
    { vaddr: base, paddr: base, memsz: payload.length, flags: 4 /* PF_R */, data: payload },
  ];
  return writeElf({ entry: loader.entry, flags: loader.flags, segments, symbols: [{ name: LOADER_HEADER_SYMBOL, value: headerSymbol.value, size: LOADER_HEADER_SIZE }] });
}

function patchSegment(segment: ElfSegment, at: number, header: Uint8Array): ElfSegment {
  if (at < segment.vaddr || at + header.length > segment.vaddr + segment.filesz) return segment;
  const data = segment.data.slice();
  data.set(header, at - segment.vaddr);
  return { ...segment, data };
}

function encodeHeader(boot: LoaderBootArguments, regions: Sel4ImageHeader['regions']): Uint8Array {
  const bytes = new Uint8Array(LOADER_HEADER_SIZE);
  const view = new DataView(bytes.buffer);
  const words = [
    LOADER_MAGIC,
    LOADER_VERSION,
    boot.kernelEntry,
    boot.kernelPbase,
    boot.kernelVbase,
    boot.rootTaskPstart,
    boot.rootTaskPend,
    boot.pvOffset,
    boot.rootTaskEntry,
    boot.dtbPaddr,
    boot.dtbSize,
    boot.uartBase,
    boot.clintBase,
    boot.finisherBase,
    regions.length,
  ];
  words.forEach((word, i) => view.setUint32(i * 4, word >>> 0, true));
  regions.forEach((region, i) => {
    const at = HEADER_WORDS * 4 + i * 16;
    view.setUint32(at, region.dest, true);
    view.setUint32(at + 4, region.src, true);
    view.setUint32(at + 8, region.filesz, true);
    view.setUint32(at + 12, region.memsz, true);
  });
  return bytes;
}

/** Reads the boot header back from an output ELF; undefined when it is not one (no header symbol or magic). */
export function readSel4ImageHeader(elf: ElfFile): Sel4ImageHeader | undefined {
  const symbol = findSymbol(elf, LOADER_HEADER_SYMBOL);
  if (symbol === undefined) return undefined;
  const segment = elf.segments.find((s) => symbol.value >= s.vaddr && symbol.value + LOADER_HEADER_SIZE <= s.vaddr + s.filesz);
  if (segment === undefined) return undefined;
  const view = new DataView(segment.data.buffer, segment.data.byteOffset + (symbol.value - segment.vaddr), LOADER_HEADER_SIZE);
  const word = (i: number) => view.getUint32(i * 4, true);
  if (word(0) !== LOADER_MAGIC || word(1) !== LOADER_VERSION) return undefined;
  const count = Math.min(word(14), LOADER_MAX_REGIONS);
  const regions = Array.from({ length: count }, (_, i) => {
    const at = HEADER_WORDS + i * 4;
    return { dest: word(at), src: word(at + 1), filesz: word(at + 2), memsz: word(at + 3) };
  });
  return {
    kernelEntry: word(2),
    kernelPbase: word(3),
    kernelVbase: word(4),
    rootTaskPstart: word(5),
    rootTaskPend: word(6),
    pvOffset: word(7),
    rootTaskEntry: word(8),
    dtbPaddr: word(9),
    dtbSize: word(10),
    uartBase: word(11),
    clintBase: word(12),
    finisherBase: word(13),
    regions,
  };
}

/** The bytes a region of the header points at, from the payload segment of the same ELF. */
export function regionBytes(elf: ElfFile, region: Sel4ImageHeader['regions'][number]): Uint8Array | undefined {
  const segment = elf.segments.find((s) => region.src >= s.paddr && region.src + region.filesz <= s.paddr + s.filesz);
  return segment?.data.subarray(region.src - segment.paddr, region.src - segment.paddr + region.filesz);
}
