// Predicts the bootinfo seL4's boot hands the root task on a platform, with the shared boot model
// (image/bootModel.ts): the kernel configuration, the DTB and the root task's user image placed
// as the loaders place them (placeBootImages). The untyped caps sit at bootinfo `untyped.start`.
import { D, type DiagnosticBag } from '../../schema/diagnostics.js';
import type { BootPlan } from '../../schema/plan.js';
import { availableMemory, BootModelError, emulateBoot, placeBootImages, type BootModel, type Region } from '../../image/bootModel.js';
import { bundledKernelConfig, type KernelConfig } from '../../image/kernelConfig.js';
import type { AddressRange, Platform } from '../../image/platformModel.js';

export interface UntypedSpec {
  readonly index: number;
  readonly paddr: number;
  readonly sizeBits: number;
  readonly isDevice: boolean;
  /** Root CNode slot of its cap: bootinfo untyped.start + index. */
  readonly slot: number;
}

/** The root task's user image as the planner sees it: where it links, how big, its entry. */
export interface RootTaskImageInfo {
  readonly vaddr: number;
  /** Bytes, page-rounded (ELF segments plus the plan data). */
  readonly size: number;
  readonly entry: number;
}

export interface BootPrediction {
  readonly untyped: readonly UntypedSpec[];
  /** The kernel image's physical range (what a fixed object may not overlap). */
  readonly kernelReserved: AddressRange;
  /** RAM handed out as untyped, sorted. */
  readonly ram: readonly AddressRange[];
  readonly model: BootModel;
  readonly boot: BootPlan;
}

/** Count of trailing zero bits; 2^52 for 0 so that address 0 is aligned to everything. */
export function alignmentBits(address: number): number {
  if (address === 0) return 52;
  let bits = 0;
  while (address % 2 ** (bits + 1) === 0) bits++;
  return bits;
}

/** The kernel configuration a plan uses when none is given: the bundled kernel's for this platform. */
export function defaultKernelConfig(platform: Platform): KernelConfig {
  const first = availableMemory(platform.ram)[0];
  return bundledKernelConfig(first ? first.start : 0);
}

/** The configuration as the plan records it (JSON-shaped, its own arrays). */
export function kernelConfigRecord(config: KernelConfig): BootPlan['kernelConfig'] {
  return { ...config, kernelDevices: config.kernelDevices.map((f) => ({ ...f })), kernelImage: { ...config.kernelImage } };
}

/**
 * Runs the boot model for this platform and root task; a boot seL4 would refuse is KC4100.
 * `available`: the RAM the kernel manages (a real seL4 kernel's is fixed by its build).
 */
export function predictBoot(
  platform: Platform,
  config: KernelConfig,
  dtbSize: number,
  rootTask: RootTaskImageInfo,
  bag: DiagnosticBag,
  available: readonly Region[] = availableMemory(platform.ram),
): BootPrediction | null {
  const placed = placeBootImages(config.kernelImage.end, dtbSize);
  let model: BootModel;
  try {
    model = emulateBoot({
      config,
      available,
      dtb: dtbSize > 0 ? { paddr: placed.dtbPaddr, size: dtbSize } : null,
      userImage: { paddr: placed.userImagePaddr, size: rootTask.size, vaddr: rootTask.vaddr },
    });
  } catch (error) {
    if (!(error instanceof BootModelError)) throw error;
    bag.add(D.bootModelRefused, { reason: error.message });
    return null;
  }
  const start = model.slots.untyped.start;
  const untyped = model.untypeds.map((u, index) => ({ index, paddr: u.paddr, sizeBits: u.sizeBits, isDevice: u.isDevice, slot: start + index }));
  const ram = untyped.filter((u) => !u.isDevice).map((u) => ({ base: u.paddr, size: 2 ** u.sizeBits })).sort((a, b) => a.base - b.base);
  const rs = model.rootServer;
  const boot: BootPlan = {
    kernelConfig: kernelConfigRecord(config),
    dtb: { paddr: dtbSize > 0 ? placed.dtbPaddr : 0, size: dtbSize },
    userImage: { paddr: placed.userImagePaddr, size: rootTask.size, vaddr: rootTask.vaddr, entry: rootTask.entry },
    bootInfo: {
      untyped: { ...model.slots.untyped },
      empty: { ...model.slots.empty },
      userImageFrames: { ...model.slots.userImageFrames },
      userImagePaging: { ...model.slots.userImagePaging },
      extraBIPages: { ...model.slots.extraBIPages },
      ipcBuffer: model.ipcBufferVaddr,
      bootInfoVaddr: model.bootInfoVaddr,
      extraLen: model.extraLen,
      untypedsDropped: model.untypedsDropped,
    },
    rootServer: {
      cnode: rs.cnode,
      vspace: rs.vspace,
      asidPool: rs.asidPool,
      ipcBuffer: rs.ipcBuffer,
      bootInfo: rs.bootInfo,
      extraBootInfo: rs.extraBootInfo,
      tcb: rs.tcb,
      pageTables: rs.pageTables.map((p) => ({ ...p })),
    },
  };
  const image = config.kernelImage;
  return { untyped, kernelReserved: { base: image.start, size: image.end - image.start }, ram, model, boot };
}
