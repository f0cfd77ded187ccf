// compiler/plan/untyped.ts: the planner's view of seL4's boot. Alignment of an address (what a
// filler untyped may be), the bundled kernel's configuration for a platform, and predictBoot's
// bootinfo: each untyped at its slot, RAM untypeds by address, the kernel's image as reserved, the
// DTB only when there is one, and every bootinfo and rootserver field as the boot model gives it.
import { describe, expect, it } from 'vitest';
import { alignmentBits, defaultKernelConfig, kernelConfigRecord, predictBoot } from '../../../compiler/plan/untyped.js';
import { loadPlatform } from '../../../compiler/loadPlatform.js';
import { availableMemory, placeBootImages } from '../../../image/bootModel.js';
import { bundledKernelConfig } from '../../../image/kernelConfig.js';
import { DiagnosticBag } from '../../../schema/diagnostics.js';
import { repoRoot } from '../../helpers/files.js';

const { platform } = await loadPlatform('kaal-virt-rv32', repoRoot);
const rootTask = { vaddr: 0x1_0000, size: 0x2_0000, entry: 0x1_0040 };

describe('alignmentBits', () => {
  it('counts trailing zero bits: exactly at a power of two, and one past it', () => {
    expect([1, 2, 3, 4, 0x10, 0x18, 0x1000, 0x1001, 0x1800, 0x3000].map(alignmentBits)).toEqual([0, 1, 0, 2, 4, 3, 12, 0, 11, 12]);
    expect([0x8000_0000, 0x8040_0000, 0x8040_1000, 2 ** 32, 2 ** 32 + 2 ** 31].map(alignmentBits)).toEqual([31, 22, 12, 32, 31]);
  });

  it('takes address 0 as aligned to every size seL4 has (2^52)', () => {
    expect(alignmentBits(0)).toBe(52);
  });
});

describe('the kernel configuration', () => {
  it("is the bundled kernel's at the platform's first RAM below 4 GiB, or at 0 without RAM", () => {
    expect(defaultKernelConfig(platform)).toEqual(bundledKernelConfig(0x8000_0000));
    const twoBanks = { ...platform, ram: [{ base: 0x9000_0000, size: 0x100_0000 }, { base: 0x8800_0000, size: 0x100_0000 }] };
    expect(defaultKernelConfig(twoBanks).kernelImage.start).toBe(0x8800_0000);
    expect(defaultKernelConfig({ ...platform, ram: [] })).toEqual(bundledKernelConfig(0));
    expect(defaultKernelConfig({ ...platform, ram: [{ base: 2 ** 32, size: 0x100_0000 }] })).toEqual(bundledKernelConfig(0));
  });

  it('is recorded as a copy: equal, with arrays and objects of its own', () => {
    const config = bundledKernelConfig(0x8000_0000);
    const record = kernelConfigRecord(config);
    expect(record).toEqual(config);
    expect(record.kernelDevices).not.toBe(config.kernelDevices);
    expect(record.kernelDevices[0]).not.toBe(config.kernelDevices[0]);
    expect(record.kernelImage).not.toBe(config.kernelImage);
  });
});

describe('predictBoot', () => {
  const config = defaultKernelConfig(platform);

  function predict(dtbSize: number, available?: Parameters<typeof predictBoot>[5]) {
    const bag = new DiagnosticBag();
    const prediction = predictBoot(platform, config, dtbSize, rootTask, bag, available);
    return { prediction: prediction!, diagnostics: bag.sorted().map((d) => [d.code, d.message]) };
  }

  it('numbers the untypeds in bootinfo order from untyped.start, and lists RAM untypeds by address', () => {
    const { prediction: p, diagnostics } = predict(0x1234);
    expect(diagnostics).toEqual([]);
    const start = p.model.slots.untyped.start;
    expect(p.untyped).toEqual(p.model.untypeds.map((u, index) => ({ index, paddr: u.paddr, sizeBits: u.sizeBits, isDevice: u.isDevice, slot: start + index })));
    expect(p.untyped.some((u) => u.isDevice)).toBe(true);
    expect(p.ram).toEqual(p.model.untypeds.filter((u) => !u.isDevice).map((u) => ({ base: u.paddr, size: 2 ** u.sizeBits })));
    expect(p.kernelReserved).toEqual({ base: 0x8000_0000, size: 0x2_0000 });
  });

  it('sorts RAM by address when bootinfo does not: a kernel above free RAM lists its reclaimed boot code first', () => {
    // seL4 hands out the boot code's region (kernelImage.start..bootEnd) before the rest of RAM.
    const above = bundledKernelConfig(0x8020_0000);
    const p = predictBoot(platform, above, 0x1234, rootTask, new DiagnosticBag())!;
    const ram = p.model.untypeds.filter((u) => !u.isDevice).map((u) => ({ base: u.paddr, size: 2 ** u.sizeBits }));
    expect(ram[0]!.base).toBe(0x8020_0000);
    expect(p.ram).toEqual([...ram].sort((a, b) => a.base - b.base));
    expect(p.ram[0]!.base).toBe(0x8000_0000);
    expect(p.ram.every((r, i) => i === 0 || p.ram[i - 1]!.base < r.base)).toBe(true);
    expect(p.kernelReserved).toEqual({ base: 0x8020_0000, size: 0x2_0000 });
  });

  it('records the kernel configuration, the DTB and the user image where the loader places them', () => {
    const { prediction: p } = predict(0x1234);
    const placed = placeBootImages(config.kernelImage.end, 0x1234);
    expect(p.boot.kernelConfig).toEqual(config);
    expect(p.boot.dtb).toEqual({ paddr: placed.dtbPaddr, size: 0x1234 });
    expect(placed.dtbPaddr).toBe(0x8002_0000);
    expect(p.boot.userImage).toEqual({ paddr: placed.userImagePaddr, size: 0x2_0000, vaddr: 0x1_0000, entry: 0x1_0040 });
    expect(p.model.userImage.physical.start).toBe(placed.userImagePaddr);
  });

  it('copies every bootinfo and rootserver field of the boot model', () => {
    const { prediction: p } = predict(0x1234);
    const m = p.model;
    expect(p.boot.bootInfo).toEqual({
      untyped: m.slots.untyped,
      empty: m.slots.empty,
      userImageFrames: m.slots.userImageFrames,
      userImagePaging: m.slots.userImagePaging,
      extraBIPages: m.slots.extraBIPages,
      ipcBuffer: m.ipcBufferVaddr,
      bootInfoVaddr: m.bootInfoVaddr,
      extraLen: 0x1234 + 8,
      untypedsDropped: m.untypedsDropped,
    });
    // Every slot region is non-empty, so a region copied as {} would differ.
    for (const r of [m.slots.untyped, m.slots.empty, m.slots.userImageFrames, m.slots.userImagePaging, m.slots.extraBIPages]) expect(r.end).toBeGreaterThan(r.start);
    const rs = m.rootServer;
    expect(p.boot.rootServer).toEqual({
      cnode: rs.cnode, vspace: rs.vspace, asidPool: rs.asidPool, ipcBuffer: rs.ipcBuffer, bootInfo: rs.bootInfo,
      extraBootInfo: rs.extraBootInfo, tcb: rs.tcb, pageTables: rs.pageTables,
    });
    expect(rs.pageTables.length).toBeGreaterThan(0);
    expect(rs.extraBootInfo).not.toBe(0);
  });

  it('passes no DTB to the boot model when its size is 0: no extra bootinfo, DTB recorded at 0', () => {
    const { prediction: p } = predict(0);
    expect(p.boot.dtb).toEqual({ paddr: 0, size: 0 });
    expect(p.boot.bootInfo.extraLen).toBe(0);
    expect(p.boot.rootServer.extraBootInfo).toBe(0);
    expect(p.boot.bootInfo.extraBIPages.end).toBe(p.boot.bootInfo.extraBIPages.start);
    // The user image then sits on the page right after the kernel's image.
    expect(p.boot.userImage.paddr).toBe(config.kernelImage.end);
    const one = predict(1).prediction;
    expect(one.boot.dtb).toEqual({ paddr: config.kernelImage.end, size: 1 });
    expect(one.boot.bootInfo.extraLen).toBe(1 + 8);
  });

  it('uses the RAM it is given (the kernel build’s), else the platform’s', () => {
    const all = predict(0).prediction;
    expect(all.ram.reduce((s, r) => s + r.size, 0)).toBe(predict(0, availableMemory(platform.ram)).prediction.ram.reduce((s, r) => s + r.size, 0));
    const half = predict(0, [{ start: 0x8000_0000, end: 0x8400_0000 }]).prediction;
    expect(Math.max(...half.ram.map((r) => r.base + r.size))).toBeLessThanOrEqual(0x8400_0000);
    expect(Math.max(...all.ram.map((r) => r.base + r.size))).toBe(0x8800_0000);
  });

  it("turns the boot model's refusal into KC4100 and returns null; any other error is not a diagnostic", () => {
    const bag = new DiagnosticBag();
    expect(predictBoot(platform, config, 0x1000, rootTask, bag, [{ start: 0x8000_0000, end: 0x8004_0000 }])).toBeNull();
    expect(bag.sorted().map((d) => d.code)).toEqual(['KC4100']);
    expect(bag.sorted()[0]!.message).toContain('seL4 would not boot this image: ');
    const other = new DiagnosticBag();
    expect(() => predictBoot(platform, config, 0x1000, rootTask, other, null as never)).toThrow(TypeError);
    expect(other.sorted()).toEqual([]);
  });
});
