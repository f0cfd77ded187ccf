// A real seL4 kernel's configuration as the boot model's kernel-config data (image/kernelConfig.ts),
// from what compiler/sel4/kernelConfig.ts read: with it (and the kernel's memory, and the loader's
// placement, compiler/sel4/image.ts) the planner predicts the bootinfo that kernel hands out
// (checked against a real kernel by test/sel4/realKernel.test.ts).
import { MEGA_PAGE_BITS } from '../../schema/abi.js';
import type { KernelConfig, KernelDeviceFrame } from '../../image/kernelConfig.js';
import { isEnabled } from '../../image/platform.js';
import type { Platform, PlatformDevice } from '../../image/platformModel.js';
import type { Sel4Kernel } from '../../image/sel4Kernel.js';
import type { Sel4KernelConfig } from './kernelConfig.js';

const MEGA_PAGE = 2 ** MEGA_PAGE_BITS;

/** One 4 MiB frame per 4 MiB of a device's registers, none available to user level (seL4 `kernel_frame_t`). */
function framesOf(device: PlatformDevice | undefined): KernelDeviceFrame[] {
  const frames: KernelDeviceFrame[] = [];
  for (const reg of device?.reg ?? []) {
    for (let paddr = reg.base - (reg.base % MEGA_PAGE); paddr < reg.base + reg.size; paddr += MEGA_PAGE) frames.push({ paddr, userAvailable: false });
  }
  return frames;
}

const deviceWith = (platform: Platform, compatible: readonly string[]) => platform.devices.find((d) => isEnabled(d) && d.compatible.some((c) => compatible.includes(c)));

/**
 * The kernel's device frames. Which devices they are is folded into the kernel's code; how many
 * there are its ELF tells (`Sel4Kernel.kernelDeviceFrames`). seL4's qemu-riscv-virt overlay names
 * the CLINT and the PLIC; docs/sel4.md requires the PLIC alone. So: the PLIC's frames when the count
 * is theirs (or unknown), the CLINT's and the PLIC's when it is theirs together, in the overlay's
 * order; undefined for any other count.
 */
export function sel4KernelDevices(platform: Platform, count?: number): { frames: KernelDeviceFrame[]; withClint: boolean } | undefined {
  const known = knownKernelDevices(platform);
  if (count === undefined || count === known.plic.length) return { frames: known.plic, withClint: false };
  return count === known.clintAndPlic.length ? { frames: known.clintAndPlic, withClint: true } : undefined;
}

/** The two sets of kernel device frames known on a platform: the PLIC's, and the CLINT's and the PLIC's. */
export function knownKernelDevices(platform: Platform): { plic: KernelDeviceFrame[]; clintAndPlic: KernelDeviceFrame[] } {
  const plic = framesOf(deviceWith(platform, PLIC));
  return { plic, clintAndPlic: [...framesOf(deviceWith(platform, CLINT)), ...plic] };
}

const PLIC = ['riscv,plic0', 'sifive,plic-1.0.0'];
const CLINT = ['sifive,clint0', 'riscv,clint0'];

/** The kernel-config data of a kernel read and checked; `kernelDevices` from `sel4KernelDevices`. */
export function sel4KernelConfig(kernel: Sel4Kernel, config: Sel4KernelConfig, kernelDevices: readonly KernelDeviceFrame[]): KernelConfig {
  return {
    kernel: 'sel4',
    fpu: config.fpu,
    rootCNodeSizeBits: config.rootCnodeSizeBits ?? DEFAULT_ROOT_CNODE_SIZE_BITS,
    maxBootInfoUntypeds: config.maxBootinfoUntypedCaps ?? DEFAULT_MAX_BOOTINFO_UNTYPEDS,
    debugBuild: config.debug,
    printing: config.printing,
    numPriorities: config.numPriorities,
    paddrUserDeviceTop: config.paddrUserDeviceTop,
    kernelDevices,
    kernelImage: { start: kernel.physStart, end: kernel.physEnd, bootEnd: kernel.bootEnd },
  };
}

/** seL4's defaults (config.cmake) when no gen_config.json says otherwise. */
const DEFAULT_ROOT_CNODE_SIZE_BITS = 12;
const DEFAULT_MAX_BOOTINFO_UNTYPEDS = 230;
