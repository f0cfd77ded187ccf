// The boot model's input for a real seL4 kernel (image/bootModel.ts): its configuration as
// kernel-config data (image/kernelConfig.ts) from what compiler/sel4/kernelConfig.ts read, and the
// placement compiler/sel4/image.ts gives. With it the planner predicts the bootinfo that kernel
// hands out (checked against a real kernel by test/sel4/realKernel.test.ts).
import { MEGA_PAGE_BITS } from '../../schema/abi.js';
import type { BootModelInput } from '../../image/bootModel.js';
import type { KernelConfig, KernelDeviceFrame } from '../../image/kernelConfig.js';
import { isEnabled } from '../../image/platform.js';
import type { Platform } from '../../image/platformModel.js';
import type { Sel4Kernel } from '../../image/sel4Kernel.js';
import type { Sel4KernelConfig } from './kernelConfig.js';
import type { Sel4BootLayout } from './image.js';

const MEGA_PAGE = 2 ** MEGA_PAGE_BITS;

/**
 * The kernel's device frames are not in its ELF (seL4 folds kernel_device_frames into code), so
 * they come from the configuration docs/sel4.md requires: the PLIC alone among the kernel devices,
 * one 4 MiB frame per 4 MiB of its registers, none available to user level.
 */
export function sel4KernelDevices(platform: Platform): KernelDeviceFrame[] {
  const plic = platform.devices.find((d) => isEnabled(d) && d.compatible.some((c) => c === 'riscv,plic0' || c === 'sifive,plic-1.0.0'));
  const frames: KernelDeviceFrame[] = [];
  for (const reg of plic?.reg ?? []) {
    for (let paddr = reg.base - (reg.base % MEGA_PAGE); paddr < reg.base + reg.size; paddr += MEGA_PAGE) frames.push({ paddr, userAvailable: false });
  }
  return frames;
}

export function sel4KernelConfig(kernel: Sel4Kernel, config: Sel4KernelConfig, platform: Platform): KernelConfig {
  return {
    kernel: 'sel4',
    fpu: config.fpu,
    rootCNodeSizeBits: config.rootCnodeSizeBits ?? DEFAULT_ROOT_CNODE_SIZE_BITS,
    maxBootInfoUntypeds: config.maxBootinfoUntypedCaps ?? DEFAULT_MAX_BOOTINFO_UNTYPEDS,
    debugBuild: config.debug,
    printing: config.printing,
    numPriorities: config.numPriorities,
    paddrUserDeviceTop: config.paddrUserDeviceTop,
    kernelDevices: sel4KernelDevices(platform),
    kernelImage: { start: kernel.physStart, end: kernel.physEnd, bootEnd: kernel.bootEnd },
  };
}

/** seL4's defaults (config.cmake) when no gen_config.json says otherwise. */
const DEFAULT_ROOT_CNODE_SIZE_BITS = 12;
const DEFAULT_MAX_BOOTINFO_UNTYPEDS = 230;

export function sel4BootInput(kernel: Sel4Kernel, config: Sel4KernelConfig, layout: Sel4BootLayout, platform: Platform): BootModelInput {
  return {
    config: sel4KernelConfig(kernel, config, platform),
    available: config.availableMemory,
    dtb: { paddr: layout.dtb.start, size: layout.dtb.size },
    userImage: { paddr: layout.rootTask.start, size: layout.rootTask.end - layout.rootTask.start, vaddr: layout.rootTask.vstart },
  };
}
