// Reads a seL4 kernel ELF for `--target sel4`: where it loads (physical and virtual), its entry,
// its float ABI (e_flags, RISC-V psABI: so whether it was built with the FPU), the RAM it was
// built for (its `avail_p_regs` table), how many kernel device frames it maps (from the size of its
// `ndks_boot`) and what its symbol table says of its configuration (MCS, SMP, debug). Only facts:
// compiler/sel4/kernelConfig.ts judges them.
import { D, fail } from '../schema/diagnostics.js';
import { findSymbol, readElf, type ElfFile } from './elf.js';
import { alignUp } from './bootImage/format.js';
import { PAGE_BITS } from '../schema/abi.js';

const PAGE_SIZE = 2 ** PAGE_BITS;

/** e_flags bits 1–2 (EF_RISCV_FLOAT_ABI). */
export type FloatAbi = 'soft' | 'single' | 'double' | 'quad';
const FLOAT_ABIS: readonly FloatAbi[] = ['soft', 'single', 'double', 'quad'];

/** A physical range, end exclusive, as seL4's p_region_t. */
export interface PhysRegion {
  readonly start: number;
  readonly end: number;
}

export interface Sel4Kernel {
  readonly elf: ElfFile;
  readonly entry: number;
  /** The lowest physical and virtual address of its segments (KERNEL_ELF_PADDR_BASE and KERNEL_ELF_BASE). */
  readonly physStart: number;
  readonly virtStart: number;
  /** The page after its last byte (`ki_end`, physical). */
  readonly physEnd: number;
  /** The end of its boot-only code and data (`ki_boot_end`, physical): RAM again after boot. */
  readonly bootEnd: number;
  readonly floatAbi: FloatAbi;
  /** `avail_p_regs`: the RAM the kernel was built to manage (from its build's device tree). */
  readonly availableMemory: readonly PhysRegion[];
  /** NUM_KERNEL_DEVICE_FRAMES (the overlay's `seL4,kernel-devices` in 4 MiB frames), when its symbol table tells. */
  readonly kernelDeviceFrames?: number;
  /** Symbols that only a kernel of that configuration has, when present. */
  readonly evidence: { readonly mcs?: string; readonly smp?: string; readonly debug?: string };
}

/** Symbols present only in kernels of a configuration (seL4 include/model/statedata.h, smp.h). */
const MCS_SYMBOLS = ['ksCurSC', 'ksConsumed'];
const SMP_SYMBOLS = ['ksSMP', 'big_kernel_lock'];
const DEBUG_SYMBOLS = ['ksDebugTCBs'];

/**
 * riscv32 `ndks_boot_t` (include/kernel/boot.h, arch/riscv/arch/bootinfo.h): `p_region_t
 * reserved[MAX_NUM_FREEMEM_REG + NUM_KERNEL_DEVICE_FRAMES + NUM_RESERVED_REGIONS]`, `resv_count`,
 * `region_t freemem[MAX_NUM_FREEMEM_REG]`, `bi_frame`, `slot_pos_cur`; MAX_NUM_FREEMEM_REG 16,
 * NUM_RESERVED_REGIONS 3, regions of two words. The device frames themselves are folded into code.
 */
const NDKS_BOOT_WITHOUT_DEVICES = 8 * (16 + 3) + 4 + 8 * 16 + 4 + 4;
const RESERVED_REGION_BYTES = 8;

function kernelDeviceFrames(elf: ElfFile): number | undefined {
  const size = findSymbol(elf, 'ndks_boot')?.size;
  if (size === undefined || size < NDKS_BOOT_WITHOUT_DEVICES || (size - NDKS_BOOT_WITHOUT_DEVICES) % RESERVED_REGION_BYTES !== 0) return undefined;
  return (size - NDKS_BOOT_WITHOUT_DEVICES) / RESERVED_REGION_BYTES;
}

/** Throws a DiagnosticError (KC5101, KC5108, KC65xx) when the file is not a usable seL4 kernel ELF. */
export function readSel4Kernel(bytes: Uint8Array, file: string): Sel4Kernel {
  if (bytes.length >= 5 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46 && bytes[4] === 2) {
    throw fail(D.sel4Kernel64Bit, { file });
  }
  const elf = readElf(bytes, file);
  if (elf.symbols.length === 0) throw fail(D.sel4KernelNotSel4, { file, reason: 'it has no symbol table (stripped?)' }, { file });
  const segments = elf.segments.filter((s) => s.memsz > 0);
  const physStart = Math.min(...segments.map((s) => s.paddr));
  const virtStart = Math.min(...segments.map((s) => s.vaddr));
  const physEnd = alignUp(Math.max(...segments.map((s) => s.paddr + s.memsz)), PAGE_SIZE);
  const bootEndSymbol = findSymbol(elf, 'ki_boot_end');
  if (bootEndSymbol === undefined) throw fail(D.sel4KernelNotSel4, { file, reason: "its symbol table has no 'ki_boot_end'" }, { file });
  const bootEnd = bootEndSymbol.value - virtStart + physStart;
  const firstWith = (names: readonly string[]) => names.find((name) => findSymbol(elf, name) !== undefined);
  const mcs = firstWith(MCS_SYMBOLS);
  const smp = firstWith(SMP_SYMBOLS);
  const debug = firstWith(DEBUG_SYMBOLS);
  const frames = kernelDeviceFrames(elf);
  return {
    elf,
    entry: elf.entry,
    physStart,
    virtStart,
    physEnd,
    bootEnd,
    floatAbi: FLOAT_ABIS[(elf.flags >> 1) & 3]!,
    availableMemory: readAvailableMemory(elf, file),
    ...(frames !== undefined ? { kernelDeviceFrames: frames } : {}),
    evidence: { ...(mcs ? { mcs } : {}), ...(smp ? { smp } : {}), ...(debug ? { debug } : {}) },
  };
}

/** `static const p_region_t avail_p_regs[]` (devices_gen.h): pairs of words, start and end. */
function readAvailableMemory(elf: ElfFile, file: string): PhysRegion[] {
  const symbol = findSymbol(elf, 'avail_p_regs');
  if (symbol === undefined || symbol.size === 0 || symbol.size % 8 !== 0) {
    throw fail(D.sel4KernelNotSel4, { file, reason: "its symbol table has no 'avail_p_regs' table of memory regions" }, { file });
  }
  const segment = elf.segments.find((s) => symbol.value >= s.vaddr && symbol.value + symbol.size <= s.vaddr + s.filesz);
  if (segment === undefined) throw fail(D.sel4KernelNotSel4, { file, reason: "its 'avail_p_regs' lies outside its loaded bytes" }, { file });
  const view = new DataView(segment.data.buffer, segment.data.byteOffset + symbol.value - segment.vaddr, symbol.size);
  const regions: PhysRegion[] = [];
  for (let at = 0; at < symbol.size; at += 8) regions.push({ start: view.getUint32(at, true), end: view.getUint32(at + 4, true) });
  return regions;
}
