// seL4's riscv32 boot as the boot model computes it (image/bootModel.ts), checked against the rules
// of seL4's src/kernel/boot.c and src/arch/riscv/kernel/boot.c on the bundled platform and on the
// QEMU virt machine a real kernel boots on (2 GiB, 2 MiB reserved for the SBI).
import { describe, expect, it } from 'vitest';
import {
  availableMemory,
  BootModelError,
  emulateBoot,
  extraBootInfoSizeBits,
  pagingCount,
  placeBootImages,
  untypedsOfRegion,
  type BootModel,
  type BootModelInput,
} from '../../image/bootModel.js';
import { bundledKernelConfig, type KernelConfig } from '../../image/kernelConfig.js';

const KAAL_RAM = { base: 0x8000_0000, size: 0x800_0000 };

function bundled(overrides: Partial<KernelConfig> = {}, userImageSize = 0x8000, dtbSize = 0x1234): BootModelInput {
  const config = { ...bundledKernelConfig(0x8000_0000), ...overrides };
  const placed = placeBootImages(config.kernelImage.end, dtbSize);
  return {
    config,
    available: availableMemory([KAAL_RAM]),
    dtb: { paddr: placed.dtbPaddr, size: dtbSize },
    userImage: { paddr: placed.userImagePaddr, size: userImageSize, vaddr: 0x1_0000 },
  };
}

/** Sorted [start, end) of every untyped. */
const spans = (m: BootModel, device: boolean) =>
  m.untypeds.filter((u) => u.isDevice === device).map((u) => [u.paddr, u.paddr + 2 ** u.sizeBits] as const).sort((a, b) => a[0] - b[0]);

/** Total bytes of [start, end) pairs after merging adjacent ones. */
function merged(list: readonly (readonly [number, number])[]): [number, number][] {
  const out: [number, number][] = [];
  for (const [s, e] of [...list].sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && last[1] === s) last[1] = e;
    else out.push([s, e]);
  }
  return out;
}

describe('the boot model (seL4 riscv32 non-MCS)', () => {
  it('rounds the extra bootinfo up to a power of two of at least a page (calculate_extra_bi_size_bits)', () => {
    expect(extraBootInfoSizeBits(0)).toBe(0);
    expect(extraBootInfoSizeBits(0x1000)).toBe(12);
    expect(extraBootInfoSizeBits(0x1001)).toBe(13);
    expect(extraBootInfoSizeBits(0x2000)).toBe(13);
    expect(extraBootInfoSizeBits(0x5000)).toBe(15);
  });

  it('counts one Sv32 page table per 4 MiB the initial thread touches (arch_get_n_paging)', () => {
    expect(pagingCount({ start: 0x1_0000, end: 0x2_0000 })).toBe(1);
    expect(pagingCount({ start: 0x3f_f000, end: 0x40_1000 })).toBe(2);
    expect(pagingCount({ start: 0x40_0000, end: 0x80_0000 })).toBe(1);
  });

  it('cuts a region as create_untypeds_for_region: aligned blocks, at most 2^29, pieces under 2^4 lost', () => {
    expect(untypedsOfRegion({ start: 0x8023_7500, end: 0x8023_8000 }, false)).toEqual([
      { paddr: 0x8023_7500, sizeBits: 8, isDevice: false },
      { paddr: 0x8023_7600, sizeBits: 9, isDevice: false },
      { paddr: 0x8023_7800, sizeBits: 11, isDevice: false },
    ]);
    expect(untypedsOfRegion({ start: 0, end: 0x8000_0000 }, true).map((u) => u.sizeBits)).toEqual([29, 29, 29, 29]);
    expect(untypedsOfRegion({ start: 0x1008, end: 0x1010 }, true)).toEqual([]);
    // 0x1004 and 0x1008 are aligned to less than 2^4: those bytes are lost; 0x1010 is aligned to 2^4 only.
    expect(untypedsOfRegion({ start: 0x1004, end: 0x1030 }, true)).toEqual([
      { paddr: 0x1010, sizeBits: 4, isDevice: true },
      { paddr: 0x1020, sizeBits: 4, isDevice: true },
    ]);
  });

  it('on kaal-virt-rv32: slot regions in the order try_init_kernel provides caps', () => {
    const m = emulateBoot(bundled());
    // 0x1234 bytes of DTB + the 8-byte header: 2 frames; a 32 KiB image: 8 frames; one page table.
    expect(m.slots.userImagePaging).toEqual({ start: 16, end: 17 });
    expect(m.slots.extraBIPages).toEqual({ start: 17, end: 19 });
    expect(m.slots.userImageFrames).toEqual({ start: 19, end: 27 });
    expect(m.slots.untyped).toEqual({ start: 27, end: 27 + m.untypeds.length });
    expect(m.slots.empty).toEqual({ start: 27 + m.untypeds.length, end: 4096 });
    expect(m.ipcBufferVaddr).toBe(0x1_8000);
    expect(m.bootInfoVaddr).toBe(0x1_9000);
    expect(m.extraBootInfoVaddr).toBe(0x1_a000);
    expect(m.extraLen).toBe(0x1234 + 8);
    expect(m.initialThreadRegion).toEqual({ start: 0x1_0000, end: 0x1_a000 + 0x2000 });
  });

  it('on kaal-virt-rv32: device untypeds are [0, 2^32) minus RAM and the kernel devices, in address order', () => {
    const m = emulateBoot(bundled());
    const device = m.untypeds.filter((u) => u.isDevice);
    expect(m.untypeds.slice(0, device.length)).toEqual(device);
    expect(merged(spans(m, true))).toEqual([
      [0, 0x0200_0000],
      [0x0240_0000, 0x0c00_0000],
      [0x0c80_0000, 0x8000_0000],
      [0x8800_0000, 2 ** 32],
    ]);
  });

  it('on kaal-virt-rv32: RAM untypeds are RAM minus the kernel image (its boot part given back), DTB, user image and rootserver objects', () => {
    const input = bundled();
    const m = emulateBoot(input);
    const rs = m.rootServer;
    // The rootserver block is taken from the top of RAM, aligned down to the root CNode (2^16).
    const size = 0x1_0000 + 0x200 + 0x1000 * 4 + 0x2000 + 0x1000; // CNode, TCB, IPC buffer/bootinfo/ASID pool/VSpace, extra bootinfo, one PT
    expect(rs.region.start).toBe(Math.floor((0x8800_0000 - size) / 0x1_0000) * 0x1_0000);
    expect(rs.region.end - rs.region.start).toBe(size);
    // create_rootserver_objects' order: the CNode (2^16 > the VSpace's 2^12), then the extra bootinfo
    // (2^13 ≥ 2^12), the VSpace, ASID pool, IPC buffer, bootinfo, page tables and the TCB (2^9 < 2^12).
    expect([rs.cnode, rs.extraBootInfo, rs.vspace, rs.asidPool, rs.ipcBuffer, rs.bootInfo, rs.pageTables[0]!.paddr, rs.tcb].map((p) => p - rs.region.start)).toEqual([
      0, 0x1_0000, 0x1_2000, 0x1_3000, 0x1_4000, 0x1_5000, 0x1_6000, 0x1_7000,
    ]);
    expect(rs.pageTables).toEqual([{ paddr: rs.region.start + 0x1_6000, vaddr: 0 }]);
    const dtbEnd = input.dtb!.paddr + input.dtb!.size;
    const ui = input.userImage;
    expect(merged(spans(m, false))).toEqual([
      [0x8000_0000, 0x8000_4000],
      [Math.ceil(dtbEnd / 16) * 16, ui.paddr],
      [ui.paddr + ui.size, rs.region.start],
      [rs.region.end, 0x8800_0000],
    ]);
    // Order: the kernel's boot part first, then freemem regions by address.
    const ram = m.untypeds.filter((u) => !u.isDevice);
    expect(ram[0]).toEqual({ paddr: 0x8000_0000, sizeBits: 14, isDevice: false });
    expect(ram.slice(1).map((u) => u.paddr)).toEqual([...ram.slice(1).map((u) => u.paddr)].sort((a, b) => a - b));
  });

  it('places a 2^10 TCB after the page tables when the kernel has the FPU', () => {
    const without = emulateBoot(bundled());
    const withFpu = emulateBoot(bundled({ fpu: true }));
    expect(withFpu.rootServer.region.end - withFpu.rootServer.region.start).toBe(without.rootServer.region.end - without.rootServer.region.start + 0x200);
    expect(withFpu.rootServer.tcb - withFpu.rootServer.region.start).toBe(0x1_7000);
    expect(withFpu.rootServer.tcb % 0x400).toBe(0);
  });

  it('stops listing untypeds at CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS and counts the rest as dropped', () => {
    const all = emulateBoot(bundled());
    const capped = emulateBoot(bundled({ maxBootInfoUntypeds: 10 }));
    expect(capped.untypeds).toEqual(all.untypeds.slice(0, 10));
    expect(capped.untypedsDropped).toBe(all.untypeds.length - 10);
    expect(capped.slots.empty.start).toBe(capped.slots.untyped.start + 10);
  });

  it('on QEMU virt with 2 GiB: the untyped count and slots seen on a real kernel', () => {
    // seL4's qemu-riscv-virt riscv32: the SBI keeps 2 MiB, physBase is 0x8020_0000, RAM ends at 0xffff_ffff.
    const config: KernelConfig = { ...bundledKernelConfig(0x8020_0000), kernel: 'sel4', kernelImage: { start: 0x8020_0000, end: 0x8023_6000, bootEnd: 0x8021_2000 } };
    const placed = placeBootImages(config.kernelImage.end, 0x1500);
    const m = emulateBoot({
      config,
      available: availableMemory([{ base: 0x8020_0000, size: 0x7fe0_0000 }]),
      dtb: { paddr: placed.dtbPaddr, size: 0x1500 },
      userImage: { paddr: placed.userImagePaddr, size: 0x8000, vaddr: 0x1_0000 },
    });
    expect(m.untypeds.length).toBeGreaterThanOrEqual(45);
    expect(m.untypeds.length).toBeLessThanOrEqual(52);
    expect(m.slots.untyped.start).toBeGreaterThanOrEqual(25);
    expect(m.slots.untyped.start).toBeLessThanOrEqual(39);
    // The SBI's 2 MiB and the RAM beyond the kernel window (0xff80_0000) are device memory.
    expect(m.untypeds).toContainEqual({ paddr: 0x8000_0000, sizeBits: 21, isDevice: true });
    expect(m.untypeds).toContainEqual({ paddr: 0xff80_0000, sizeBits: 23, isDevice: true });
    expect(m.kernelWindow).toEqual({ start: 0x8000_0000, end: 0xff80_0000 });
  });

  it('refuses what seL4 refuses: images out of order, no room for the rootserver objects, an image past USER_TOP', () => {
    const input = bundled();
    expect(() => emulateBoot({ ...input, dtb: { paddr: input.userImage.paddr + input.userImage.size, size: 0x100 } })).toThrow(BootModelError);
    expect(() => emulateBoot({ ...input, available: [{ start: 0x8000_0000, end: 0x8003_0000 }] })).toThrow(/root server objects/);
    expect(() => emulateBoot({ ...input, userImage: { ...input.userImage, vaddr: 0x7fff_8000 } })).toThrow(/USER_TOP/);
    expect(() => emulateBoot({ ...input, userImage: { ...input.userImage, size: 0x8001 } })).toThrow(/page-aligned/);
  });
});
