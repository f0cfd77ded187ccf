// The boot model's input for a real seL4 kernel (compiler/sel4/bootInput.ts): its kernel devices
// from the platform, its configuration from the kernel read, and — with the layout of a 2-page root
// task and the bundled DTB — the bootinfo a real seL4 16.0.0-dev kernel (riscv32, qemu-riscv-virt,
// non-MCS, debug, CLINT removed from its kernel devices; docs/sel4.md) was seen to hand out under
// this loader (recorded from the probe root task of test/sel4/realKernel.test.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sel4BootInput, sel4KernelDevices } from '../../../compiler/sel4/bootInput.js';
import { checkSel4Kernel } from '../../../compiler/sel4/kernelConfig.js';
import { layoutSel4Boot } from '../../../compiler/sel4/image.js';
import { emulateBoot } from '../../../image/bootModel.js';
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

/** A kernel ELF with the real one's layout: 0x80200000..0x80220000, boot code to 0x80203000. */
function realLikeKernel() {
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

describe('the boot model for a real seL4 kernel', () => {
  it("takes the kernel devices from the platform's PLIC: one 4 MiB frame per 4 MiB of registers", () => {
    expect(sel4KernelDevices(platform)).toEqual([
      { paddr: 0x0c00_0000, userAvailable: false },
      { paddr: 0x0c40_0000, userAvailable: false },
    ]);
  });

  it('gives the configuration and placement the kernel and the loader use', () => {
    const checked = realLikeKernel();
    expect(checked.diagnostics).toEqual([]);
    const layout = layoutSel4Boot(checked.kernel!, dtb.length, rootTask);
    const input = sel4BootInput(checked.kernel!, checked.config!, layout, platform);
    expect(input.config).toMatchObject({ kernel: 'sel4', fpu: false, rootCNodeSizeBits: 12, maxBootInfoUntypeds: 230, kernelImage: { start: 0x8020_0000, end: 0x8022_0000, bootEnd: 0x8020_3000 } });
    expect(input.available).toEqual([{ start: 0x8020_0000, end: 0xffff_ffff }]);
    expect(input.dtb).toEqual({ paddr: 0x8022_0000, size: dtb.length });
    expect(input.userImage).toEqual({ paddr: 0x8022_1000, size: 0x2000, vaddr: 0x1_0000 });
  });

  it('predicts the bootinfo the real kernel handed out, entry by entry', () => {
    const checked = realLikeKernel();
    const model = emulateBoot(sel4BootInput(checked.kernel!, checked.config!, layoutSel4Boot(checked.kernel!, dtb.length, rootTask), platform));
    expect([model.slots.untyped.start, model.slots.untyped.end, model.slots.empty.start]).toEqual([20, 70, 70]);
    expect(model.untypeds.map((u) => `0x${u.paddr.toString(16).padStart(8, '0')} 2^${u.sizeBits} ${u.isDevice ? 'device' : 'ram'}`)).toEqual(SEEN_UNTYPEDS);
  });
});
