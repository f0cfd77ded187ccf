// Synthetic inputs of --target sel4 tests: a kernel-shaped ELF (avail_p_regs, linked at
// 0xffa00000 / 0x80200000 as a qemu-riscv-virt seL4) and a small root task ELF.
import { writeElf } from '../../image/elfWrite.js';
import { readSel4Kernel } from '../../image/sel4Kernel.js';

/** A root task: text at 0x10000 (0x22 bytes), data at 0x11000 (0x21 bytes) plus .bss to 0x11800. */
export const rootTask = writeElf({
  entry: 0x1_0000,
  flags: 1,
  segments: [
    { vaddr: 0x1_0000, paddr: 0x1_0000, memsz: 0x22, flags: 5, data: Uint8Array.from({ length: 0x22 }, (_, i) => i + 1) },
    { vaddr: 0x1_1000, paddr: 0x1_1000, memsz: 0x800, flags: 6, data: new Uint8Array(0x21).fill(0x5a) },
  ],
  symbols: [],
});

/** A kernel-shaped ELF (read as one) whose image ends at `physEnd`. */
export function kernelLike(physEnd: number) {
  return readSel4Kernel(kernelLikeElf(physEnd), 'kernel.elf');
}

/** The bytes of `kernelLike`'s ELF; with `kernelDeviceFrames`, an `ndks_boot` of the size that many give. */
export function kernelLikeElf(physEnd: number, kernelDeviceFrames?: number): Uint8Array {
  const text = new Uint8Array(0x200);
  new DataView(text.buffer).setUint32(0x100, 0x8020_0000, true);
  new DataView(text.buffer).setUint32(0x104, 0xffff_ffff, true);
  return writeElf({
    entry: 0xffa0_0000,
    flags: 1,
    segments: [
      { vaddr: 0xffa0_0000, paddr: 0x8020_0000, memsz: 0x200, flags: 5, data: text },
      { vaddr: 0xffa0_1000, paddr: 0x8020_1000, memsz: physEnd - 0x8020_1000 - 0x10, flags: 6, data: new Uint8Array(0) },
    ],
    symbols: [
      { name: 'avail_p_regs', value: 0xffa0_0100, size: 8 },
      { name: 'ki_boot_end', value: 0xffa0_1000, size: 0 },
      // A debug (printing) build, as the target needs: without it a build warns (KC5116).
      { name: 'ksDebugTCBs', value: 0xffa0_1000, size: 4 },
      ...(kernelDeviceFrames === undefined ? [] : [{ name: 'ndks_boot', value: 0xffa0_1000, size: 8 * (16 + kernelDeviceFrames + 3) + 4 + 8 * 16 + 8 }]),
    ],
  });
}
