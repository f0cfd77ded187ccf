// The numeric edges of the static checks on kaal-virt-rv32, each at the bound and one past it: stack
// sizes, page alignment, the top of user space, the stack area, touching versus overlapping ranges
// (virtual and physical), MMIO ranges against the device's `reg`, and PPC priorities.
import { describe, expect, it } from 'vitest';
import { systemSchema, type ComponentDescriptor, type SystemDescriptor } from '../../../schema/descriptor.js';
import { checkDescriptor } from '../../../compiler/check/index.js';
import { MAX_STACK_SIZE, MIN_STACK_SIZE } from '../../../compiler/check/memory.js';
import { loadPlatform } from '../../../compiler/loadPlatform.js';
import { repoRoot } from '../../helpers/files.js';

const { platform } = await loadPlatform('kaal-virt-rv32', repoRoot);

/** [code, path] of every diagnostic, warnings included. */
const check = (descriptor: SystemDescriptor) => checkDescriptor(systemSchema.parse(descriptor), platform).diagnostics.map((d) => [d.code, d.path]);
const messages = (descriptor: SystemDescriptor) => checkDescriptor(systemSchema.parse(descriptor), platform).diagnostics.map((d) => d.message);

const component = (extra: Partial<ComponentDescriptor> = {}): ComponentDescriptor => ({ name: 'a', code: { elf: 'a.elf' }, ...extra });
const one = (extra: Partial<ComponentDescriptor>, system: Partial<SystemDescriptor> = {}): SystemDescriptor => ({ name: 's', components: [component(extra)], ...system });

/** Component 'a' mapping region 'r' (`size` bytes) at `vaddr`. */
const mapped = (vaddr: number, size = 0x1000, extra: Partial<ComponentDescriptor> = {}) =>
  one({ memory: [{ region: 'r', vaddr, perms: 'rw' }], ...extra }, { memoryRegions: [{ name: 'r', size }] });

describe('stack size bounds', () => {
  it('4 KiB and 16 MiB are accepted; one page less or more is KC3074; a size between pages is KC3073', () => {
    expect([MIN_STACK_SIZE, MAX_STACK_SIZE]).toEqual([0x1000, 0x100_0000]);
    expect(check(one({ stackSize: 0x1000 }))).toEqual([]);
    expect(check(one({ stackSize: 0x100_0000 }))).toEqual([]);
    expect(check(one({ stackSize: 0 }))).toEqual([['KC3074', 'components.0.stackSize']]);
    expect(check(one({ stackSize: 0xfff }))).toEqual([['KC3074', 'components.0.stackSize']]);
    expect(check(one({ stackSize: 0x100_1000 }))).toEqual([['KC3074', 'components.0.stackSize']]);
    expect(check(one({ stackSize: 0x1001 }))).toEqual([['KC3073', 'components.0.stackSize']]);
    expect(messages(one({ stackSize: 0x100_1000 }))).toEqual(["stack size 0x100_1000 of 'a' is outside 0x1000..0x100_0000"]);
  });
});

describe('memory regions', () => {
  it('a page-sized region at a page-aligned paddr is fine; size 0, a size between pages or a paddr between pages is not', () => {
    const region = (size: number, paddr?: number) => mapped(0x4000_0000, size, {}).memoryRegions!.map((r) => ({ ...r, size, ...(paddr !== undefined ? { paddr } : {}) }));
    const withRegion = (size: number, paddr?: number) => ({ ...mapped(0x4000_0000, size), memoryRegions: region(size, paddr) });
    expect(check(withRegion(0x1000, 0x87ff_f000))).toEqual([]);
    expect(check(withRegion(0))).toEqual([['KC3078', 'memoryRegions.0.size']]);
    expect(check(withRegion(0x1001))).toEqual([['KC3070', 'memoryRegions.0.size']]);
    expect(check(withRegion(0xfff))).toEqual([['KC3070', 'memoryRegions.0.size']]);
    expect(check(withRegion(0x1000, 0x87ff_e800))).toEqual([['KC3071', 'memoryRegions.0.paddr']]);
  });

  it('fixed regions that touch do not overlap; one page into the other, or into a device, is KC3055', () => {
    const regions = (second: number) => ({
      name: 's',
      components: [component({ memory: [{ region: 'p', perms: 'rw' as const }, { region: 'q', perms: 'rw' as const }] })],
      memoryRegions: [{ name: 'p', size: 0x2000, paddr: 0x87f0_0000 }, { name: 'q', size: 0x1000, paddr: second }],
    });
    expect(check(regions(0x87f0_2000))).toEqual([]);
    expect(check(regions(0x87f0_1000))).toEqual([['KC3055', 'memoryRegions.1.paddr']]);
    expect(check(regions(0x87ef_f000))).toEqual([]);
    // Just past the RTC is neither RAM nor a device (KC3111); one page lower overlaps the RTC.
    expect(check(regions(0x0010_2000))).toEqual([['KC3111', 'memoryRegions.1.paddr']]);
    expect(check(regions(0x0010_1000))).toEqual([['KC3055', 'memoryRegions.1.paddr']]);
    expect(messages(regions(0x0010_1000))).toEqual(["memory region 'q' (0x10_1000..0x10_2000) overlaps the registers of '/soc/rtc@101000'"]);
  });
});

describe('fixed regions in RAM', () => {
  it('the first and the last page of RAM are fine; one page below or beyond it is KC3111 (nothing answers there)', () => {
    // kaal-virt-rv32: RAM 0x8000_0000..0x8800_0000; planning keeps the kernel's image out (KC4002).
    const at = (paddr: number, size = 0x1000) => ({ ...mapped(0x4000_0000, size), memoryRegions: [{ name: 'r', size, paddr }] });
    expect(check(at(0x87ff_f000))).toEqual([]);
    expect(check(at(0x8000_0000))).toEqual([]);
    expect(check(at(0x8800_0000))).toEqual([['KC3111', 'memoryRegions.0.paddr']]);
    expect(check(at(0x7fff_f000))).toEqual([['KC3111', 'memoryRegions.0.paddr']]);
    // Starting in RAM and running one page past its end.
    expect(check(at(0x87ff_f000, 0x2000))).toEqual([['KC3111', 'memoryRegions.0.paddr']]);
    expect(messages(at(0x4000_0000))).toEqual([
      "memory region 'r' (0x4000_0000..0x4000_1000) is neither in RAM nor the registers of a device: nothing answers there",
    ]);
  });

  it('above the 32-bit physical space it is left to planning (KC4001: no untyped there)', () => {
    expect(check({ ...mapped(0x4000_0000), memoryRegions: [{ name: 'r', size: 0x1000, paddr: 0x1_0000_0000 }] })).toEqual([]);
  });
});

describe('explicit vaddrs', () => {
  it('a mapping ending exactly at the top of user space is beyond the stack area check only; one page further is KC3076', () => {
    // The stack area (default 0x2000 stack, guard page) starts at 0x7fff_b000.
    expect(check(mapped(0x7fff_a000))).toEqual([]);
    expect(check(mapped(0x7fff_b000))).toEqual([['KC3077', 'components.0.memory.0.vaddr']]);
    expect(check(mapped(0x7fff_f000))).toEqual([['KC3077', 'components.0.memory.0.vaddr']]);
    expect(check(mapped(0x8000_0000))).toEqual([['KC3076', 'components.0.memory.0.vaddr']]);
    expect(check(mapped(0x7fff_f000, 0x2000))).toEqual([['KC3076', 'components.0.memory.0.vaddr']]);
    expect(check(mapped(0x4000_0800))).toEqual([['KC3075', 'components.0.memory.0.vaddr']]);
  });

  it('a bigger stack moves the area down by exactly its size', () => {
    expect(check(mapped(0x7fff_9000, 0x1000, { stackSize: 0x3000 }))).toEqual([]);
    expect(check(mapped(0x7fff_a000, 0x1000, { stackSize: 0x3000 }))).toEqual([['KC3077', 'components.0.memory.0.vaddr']]);
  });

  it('two mappings that touch do not overlap; sharing a page does (KC3077, at the later one)', () => {
    const two = (second: number) =>
      one(
        { memory: [{ region: 'p', vaddr: 0x4000_0000, perms: 'rw' }, { region: 'q', vaddr: second, perms: 'r' }] },
        { memoryRegions: [{ name: 'p', size: 0x2000 }, { name: 'q', size: 0x1000 }] },
      );
    expect(check(two(0x4000_2000))).toEqual([]);
    expect(check(two(0x4000_1000))).toEqual([['KC3077', 'components.0.memory.1.vaddr']]);
    expect(check(two(0x3fff_f000))).toEqual([]);
    expect(messages(two(0x4000_1000))).toEqual([
      "in 'a', memory region 'q' at 0x4000_1000..0x4000_2000 overlaps memory region 'p' at 0x4000_0000..0x4000_2000",
    ]);
  });

  it('device registers at an explicit vaddr are checked like memory', () => {
    const device = (vaddr: number) => one({ devices: [{ device: '/soc/test@100000', mmio: { vaddr } }] });
    expect(check(device(0x7fff_a000))).toEqual([]);
    expect(check(device(0x7fff_b000))).toEqual([['KC3077', 'components.0.devices.0.mmio.vaddr']]);
    expect(check(device(0x6000_0010))).toEqual([['KC3075', 'components.0.devices.0.mmio.vaddr']]);
  });
});

describe('MMIO ranges', () => {
  const ranges = (base: number, size: number) => one({ devices: [{ device: '/soc/rtc@101000', irq: false, mmio: { ranges: [{ paddr: base, size }] } }] });

  it("the device's whole reg is fine; a range one page past its end or one page below is KC3045; a part-page range is KC3046", () => {
    expect(check(ranges(0x10_1000, 0x1000))).toEqual([]);
    expect(check(ranges(0x10_1000, 0x2000))).toEqual([['KC3045', 'components.0.devices.0.mmio.ranges.0']]);
    expect(check(ranges(0x10_0000, 0x1000))).toEqual([['KC3045', 'components.0.devices.0.mmio.ranges.0']]);
    expect(check(ranges(0x10_1000, 0x800))).toEqual([['KC3046', 'components.0.devices.0.mmio.ranges.0']]);
    expect(check(ranges(0x10_1800, 0x800))).toEqual([['KC3046', 'components.0.devices.0.mmio.ranges.0']]);
    expect(messages(ranges(0x10_1000, 0x2000))).toEqual([
      "range 0x10_1000..0x10_3000 granted to 'a' is outside the registers of '/soc/rtc@101000' (0x10_1000..0x10_2000)",
    ]);
  });
});

describe('PPC priorities', () => {
  const ppc = (from: number, to: number): SystemDescriptor => ({
    name: 's',
    components: [component({ name: 'c', priority: from }), component({ name: 'v', priority: to })],
    channels: [{ from: 'c', to: 'v', ppc: true }],
  });

  it('a PPC to exactly one priority higher is fine; to the same priority or lower is KC3030, naming both', () => {
    expect(check(ppc(0, 1))).toEqual([]);
    expect(check(ppc(253, 254))).toEqual([]);
    expect(check(ppc(1, 1))).toEqual([['KC3030', 'channels.0.ppc']]);
    expect(check(ppc(2, 1))).toEqual([['KC3030', 'channels.0.ppc']]);
    expect(messages(ppc(254, 254))).toEqual(["PPC from 'c' (priority 254) to 'v' (priority 254) must go to a strictly higher priority"]);
  });
});
