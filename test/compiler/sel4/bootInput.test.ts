// The kernel-config data of a real seL4 kernel (compiler/sel4/bootInput.ts): its kernel devices
// from the platform and the count its ELF gives, its configuration from the kernel read, and — with
// the layout of a 2-page root task and the bundled DTB — the bootinfo the planner predicts against
// what a real seL4 16.0.0-dev kernel (riscv32, qemu-riscv-virt, non-MCS, debug; docs/sel4.md) was
// seen to hand out under this loader, with the CLINT removed from its kernel devices and as shipped
// (recorded from the probe root task of test/sel4/realKernel.test.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sel4KernelConfig, sel4KernelDevices } from '../../../compiler/sel4/bootInput.js';
import { checkSel4Kernel } from '../../../compiler/sel4/kernelConfig.js';
import { layoutSel4Boot, rootTaskImage } from '../../../compiler/sel4/image.js';
import { predictBoot } from '../../../compiler/plan/untyped.js';
import { DiagnosticBag } from '../../../schema/diagnostics.js';
import { readElf } from '../../../image/elf.js';
import { writeElf } from '../../../image/elfWrite.js';
import { decodeFdt } from '../../../image/fdt/index.js';
import { platformFromFdt } from '../../../image/platform.js';
import { repoRoot } from '../../helpers/files.js';

const dtb = new Uint8Array(fs.readFileSync(path.join(repoRoot, 'fixtures/platforms/kaal-virt-rv32.dtb')));
const platform = platformFromFdt(decodeFdt(dtb));

/** What the real kernel handed out: untyped slots 20..70, empty from 70, these 50 untypeds. */
const SEEN_UNTYPEDS = [
  '0x00000000 2^27 device',
  '0x08000000 2^26 device',
  '0x0c800000 2^23 device',
  '0x0d000000 2^24 device',
  '0x0e000000 2^25 device',
  '0x10000000 2^28 device',
  '0x20000000 2^29 device',
  '0x40000000 2^29 device',
  '0x60000000 2^29 device',
  '0x80000000 2^21 device',
  '0xff800000 2^23 device',
  '0x80200000 2^13 ram',
  '0x80202000 2^12 ram',
  '0x802208a0 2^5 ram',
  '0x802208c0 2^6 ram',
  '0x80220900 2^8 ram',
  '0x80220a00 2^9 ram',
  '0x80220c00 2^10 ram',
  '0x80223000 2^12 ram',
  '0x80224000 2^14 ram',
  '0x80228000 2^15 ram',
  '0x80230000 2^16 ram',
  '0x80240000 2^18 ram',
  '0x80280000 2^19 ram',
  '0x80300000 2^20 ram',
  '0x80400000 2^22 ram',
  '0x80800000 2^23 ram',
  '0x81000000 2^24 ram',
  '0x82000000 2^25 ram',
  '0x84000000 2^26 ram',
  '0x88000000 2^27 ram',
  '0x90000000 2^28 ram',
  '0xa0000000 2^29 ram',
  '0xc0000000 2^29 ram',
  '0xe0000000 2^28 ram',
  '0xf0000000 2^27 ram',
  '0xf8000000 2^26 ram',
  '0xfc000000 2^25 ram',
  '0xfe000000 2^24 ram',
  '0xff000000 2^22 ram',
  '0xff400000 2^21 ram',
  '0xff600000 2^20 ram',
  '0xff700000 2^19 ram',
  '0xff780000 2^18 ram',
  '0xff7c0000 2^17 ram',
  '0xff7f6200 2^9 ram',
  '0xff7f6400 2^10 ram',
  '0xff7f6800 2^11 ram',
  '0xff7f7000 2^12 ram',
  '0xff7f8000 2^15 ram',
];

/** What the kernel as shipped (the CLINT among its kernel devices) handed out: slots 20..74, these 54. */
const SEEN_UNTYPEDS_STOCK = [
  // Below the PLIC: the CLINT's 4 MiB frame (0x02000000) is reserved, so the first device untyped is cut around it.
  '0x00000000 2^25 device',
  '0x02400000 2^22 device',
  '0x02800000 2^23 device',
  '0x03000000 2^24 device',
  '0x04000000 2^26 device',
  ...SEEN_UNTYPEDS.slice(1),
];

/** `ndks_boot`'s size with `frames` kernel device frames (riscv32, image/sel4Kernel.ts). */
const ndksBootSize = (frames: number) => 8 * (16 + frames + 3) + 4 + 8 * 16 + 8;

/** A kernel ELF with the real one's layout: 0x80200000..0x80220000, boot code to 0x80203000. */
function realLikeKernel(kernelDeviceFrames?: number) {
  const text = new Uint8Array(0x3000);
  new DataView(text.buffer).setUint32(0x2d00, 0x8020_0000, true);
  new DataView(text.buffer).setUint32(0x2d04, 0xffff_ffff, true);
  const bytes = writeElf({
    entry: 0xffa0_0000,
    flags: 1,
    segments: [
      { vaddr: 0xffa0_0000, paddr: 0x8020_0000, memsz: 0x3000, flags: 5, data: text },
      { vaddr: 0xffa0_3000, paddr: 0x8020_3000, memsz: 0x1_d000, flags: 6, data: new Uint8Array(0) },
    ],
    symbols: [
      { name: 'avail_p_regs', value: 0xffa0_2d00, size: 8 },
      { name: 'ki_boot_end', value: 0xffa0_3000, size: 0 },
      { name: 'ksDebugTCBs', value: 0xffa0_3000, size: 4 },
      ...(kernelDeviceFrames === undefined ? [] : [{ name: 'ndks_boot', value: 0xffa0_4000, size: ndksBootSize(kernelDeviceFrames) }]),
    ],
  });
  return checkSel4Kernel({ kernelFile: 'kernel.elf', kernelBytes: bytes, platform: 'kaal-virt-rv32', memoryStart: 0x8000_0000 });
}

/** The probe root task's shape: text at 0x10000, one page of data and stack at 0x11000. */
const rootTask = readElf(
  writeElf({
    entry: 0x1_0000,
    flags: 1,
    segments: [
      { vaddr: 0x1_0000, paddr: 0x1_0000, memsz: 0xb0a, flags: 5, data: new Uint8Array(0xb0a) },
      { vaddr: 0x1_1000, paddr: 0x1_1000, memsz: 0x1000, flags: 6, data: new Uint8Array(0) },
    ],
    symbols: [],
  }),
);

/** The planner's prediction for the real-like kernel with `frames` kernel device frames. */
function predicted(frames?: number) {
  const checked = realLikeKernel(frames);
  expect(checked.diagnostics).toEqual([]);
  const devices = sel4KernelDevices(platform, checked.kernel!.kernelDeviceFrames)!;
  const layout = layoutSel4Boot(checked.kernel!, dtb.length, rootTask);
  const bag = new DiagnosticBag();
  const prediction = predictBoot(platform, sel4KernelConfig(checked.kernel!, checked.config!, devices.frames), dtb.length, rootTaskImage(rootTask), bag, checked.config!.availableMemory)!;
  expect(bag.sorted()).toEqual([]);
  return { prediction, layout, devices };
}

const listed = (untypeds: readonly { paddr: number; sizeBits: number; isDevice: boolean }[]) =>
  untypeds.map((u) => `0x${u.paddr.toString(16).padStart(8, '0')} 2^${u.sizeBits} ${u.isDevice ? 'device' : 'ram'}`);

describe('the boot model for a real seL4 kernel', () => {
  it("takes the kernel devices from the platform's PLIC (one 4 MiB frame per 4 MiB of registers) when the kernel maps 2 frames or does not say", () => {
    const plic = [
      { paddr: 0x0c00_0000, userAvailable: false },
      { paddr: 0x0c40_0000, userAvailable: false },
    ];
    expect(sel4KernelDevices(platform)).toEqual({ frames: plic, withClint: false });
    expect(sel4KernelDevices(platform, 2)).toEqual({ frames: plic, withClint: false });
    expect(sel4KernelDevices(platform, 3)).toEqual({ frames: [{ paddr: 0x0200_0000, userAvailable: false }, ...plic], withClint: true });
    expect(sel4KernelDevices(platform, 1)).toBeUndefined();
    expect(sel4KernelDevices(platform, 4)).toBeUndefined();
  });

  it("reads the count from the size of the kernel's ndks_boot", () => {
    expect(realLikeKernel(3).kernel!.kernelDeviceFrames).toBe(3);
    expect(realLikeKernel(0).kernel!.kernelDeviceFrames).toBe(0);
    expect(realLikeKernel().kernel!.kernelDeviceFrames).toBeUndefined();
  });

  it('gives the configuration and placement the kernel and the loader use', () => {
    const { prediction, layout } = predicted();
    expect(prediction.boot.kernelConfig).toMatchObject({ kernel: 'sel4', fpu: false, rootCNodeSizeBits: 12, maxBootInfoUntypeds: 230, kernelImage: { start: 0x8020_0000, end: 0x8022_0000, bootEnd: 0x8020_3000 } });
    expect(prediction.boot.dtb).toEqual({ paddr: 0x8022_0000, size: dtb.length });
    expect(prediction.boot.userImage).toEqual({ paddr: 0x8022_1000, size: 0x2000, vaddr: 0x1_0000, entry: 0x1_0000 });
    expect([layout.dtb.start, layout.rootTask.start, layout.rootTask.end - layout.rootTask.start]).toEqual([0x8022_0000, 0x8022_1000, 0x2000]);
  });

  it('predicts the bootinfo the real kernel handed out, entry by entry', () => {
    const { model } = predicted(2).prediction;
    expect([model.slots.untyped.start, model.slots.untyped.end, model.slots.empty.start]).toEqual([20, 70, 70]);
    expect(listed(model.untypeds)).toEqual(SEEN_UNTYPEDS);
  });

  it('predicts the bootinfo the kernel as shipped (the CLINT among its kernel devices) handed out, entry by entry', () => {
    const { model } = predicted(3).prediction;
    expect([model.slots.untyped.start, model.slots.untyped.end, model.slots.empty.start]).toEqual([20, 74, 74]);
    expect(listed(model.untypeds)).toEqual(SEEN_UNTYPEDS_STOCK);
  });
});
