// The kernel configuration as data (seL4's gen_config: the settings a build of seL4 fixes), recorded
// in every image's plan so that the planner, the bundled kernel and the root task agree on every
// configuration-dependent number. Only riscv32, non-MCS, uniprocessor configurations exist here.
import { MEGA_PAGE_BITS } from '../schema/abi.js';

/** A kernel device frame (seL4 `kernel_device_frames[]`, from the platform's `seL4,kernel-devices`). */
export interface KernelDeviceFrame {
  readonly paddr: number;
  /** `userAvailable`: when false, seL4 reserves the 2^22 bytes at `paddr` (no untyped covers them). */
  readonly userAvailable: boolean;
}

/** The physical range of the kernel's ELF image (seL4 KERNEL_ELF_PADDR_BASE .. ki_end, ki_boot_end). */
export interface KernelImageRegion {
  readonly start: number;
  readonly end: number;
  /** End of the boot-only part at the image's start (ki_boot_end): handed out as RAM untyped after boot. */
  readonly bootEnd: number;
}

export interface KernelConfig {
  /** Who the configuration describes: 'bundled' (kaal-compose's kernel) or 'sel4' (a real kernel ELF). */
  readonly kernel: 'bundled' | 'sel4';
  /** CONFIG_HAVE_FPU: seL4_TCBBits is 10 with it, 9 without (sel4-abi.md §1). */
  readonly fpu: boolean;
  /** CONFIG_ROOT_CNODE_SIZE_BITS. */
  readonly rootCNodeSizeBits: number;
  /** CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS. */
  readonly maxBootInfoUntypeds: number;
  /** CONFIG_DEBUG_BUILD (the debug system calls −10 … −14 exist). */
  readonly debugBuild: boolean;
  /** CONFIG_PRINTING (seL4_DebugPutChar exists). */
  readonly printing: boolean;
  /** CONFIG_NUM_PRIORITIES. */
  readonly numPriorities: number;
  /** CONFIG_PADDR_USER_DEVICE_TOP: device untypeds end here. */
  readonly paddrUserDeviceTop: number;
  readonly kernelDevices: readonly KernelDeviceFrame[];
  /** Where the kernel's image sits in physical memory. */
  readonly kernelImage: KernelImageRegion;
}

/** seL4_TCBBits of a configuration. */
export const tcbBits = (config: Pick<KernelConfig, 'fpu'>): number => (config.fpu ? 10 : 9);

/**
 * The bundled kernel: seL4's qemu-riscv-virt riscv32 debug build without the FPU (the CLINT and
 * both PLIC frames are its kernel devices, as the platform's overlay names them). Its image is
 * notional: 128 KiB at physBase of which the first 16 KiB are boot code, reclaimed after boot.
 */
export function bundledKernelConfig(physBase: number): KernelConfig {
  return {
    kernel: 'bundled',
    fpu: false,
    rootCNodeSizeBits: 12,
    maxBootInfoUntypeds: 230,
    debugBuild: true,
    printing: true,
    numPriorities: 256,
    paddrUserDeviceTop: 2 ** 32,
    kernelDevices: [
      { paddr: 0x0200_0000, userAvailable: false },
      { paddr: 0x0c00_0000, userAvailable: false },
      { paddr: 0x0c40_0000, userAvailable: false },
    ],
    kernelImage: { start: physBase, end: physBase + BUNDLED_IMAGE_BYTES, bootEnd: physBase + BUNDLED_BOOT_BYTES },
  };
}

const BUNDLED_IMAGE_BYTES = 0x2_0000;
const BUNDLED_BOOT_BYTES = 0x4000;

/** Bytes seL4 reserves for one kernel device frame (a mega page on RV32). */
export const KERNEL_DEVICE_FRAME_BYTES = 2 ** MEGA_PAGE_BITS;
