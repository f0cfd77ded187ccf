// The checks on boards kaal-virt-rv32 cannot show: a grantable device of several pages with two
// `reg` entries, a node with no `reg`, a device with two interrupts, RAM in two banks or none. Each
// board is kaal-virt-rv32's model with one device (or the RAM) changed in the test.
import { describe, expect, it } from 'vitest';
import { systemSchema, type ComponentDescriptor, type SystemDescriptor } from '../../../schema/descriptor.js';
import { checkDescriptor } from '../../../compiler/check/index.js';
import { loadPlatform } from '../../../compiler/loadPlatform.js';
import type { Platform, PlatformDevice } from '../../../image/platformModel.js';
import { repoRoot } from '../../helpers/files.js';

const { platform: virt } = await loadPlatform('kaal-virt-rv32', repoRoot);

/** A plain, enabled device node (no labels, aliases or interrupt parent). */
function device(path: string, extra: Partial<PlatformDevice>): PlatformDevice {
  const test = virt.devices.find((d) => d.path === '/soc/test@100000')!;
  return { ...test, path, name: path.slice(path.lastIndexOf('/') + 1), labels: [], aliases: [], compatible: ['vendor,edge'], phandle: null, ...extra };
}

/** The big device: 4 pages at 0x2000_0000 and one more at 0x2001_0000. */
const big = device('/soc/big@20000000', { reg: [{ base: 0x2000_0000, size: 0x4000 }, { base: 0x2001_0000, size: 0x1000 }], interrupts: [] });
const withDevices = (...devices: PlatformDevice[]): Platform => ({ ...virt, devices: [...virt.devices, ...devices] });

const diagnostics = (board: Platform, descriptor: SystemDescriptor) => checkDescriptor(systemSchema.parse(descriptor), board).diagnostics;
const check = (board: Platform, descriptor: SystemDescriptor) => diagnostics(board, descriptor).map((d) => [d.code, d.path]);
const component = (name: string, extra: Partial<ComponentDescriptor> = {}): ComponentDescriptor => ({ name, code: { elf: `${name}.elf` }, ...extra });
const ranges = (name: string, list: { paddr: number; size: number }[]) =>
  component(name, { devices: [{ device: big.path, mmio: { ranges: list }, irq: false }] });

describe('a device with two reg entries', () => {
  const board = withDevices(big);

  it('a range in either entry is inside the node; one across the gap is KC3045, listing both entries', () => {
    expect(check(board, { name: 's', components: [ranges('a', [{ paddr: 0x2000_0000, size: 0x4000 }])] })).toEqual([]);
    expect(check(board, { name: 's', components: [ranges('a', [{ paddr: 0x2001_0000, size: 0x1000 }])] })).toEqual([]);
    const across = { name: 's', components: [ranges('a', [{ paddr: 0x2000_3000, size: 0x2000 }])] };
    expect(check(board, across)).toEqual([['KC3045', 'components.0.devices.0.mmio.ranges.0']]);
    expect(diagnostics(board, across).map((d) => d.message)).toEqual([
      "range 0x2000_3000..0x2000_5000 granted to 'a' is outside the registers of '/soc/big@20000000' (0x2000_0000..0x2000_4000, 0x2001_0000..0x2001_1000)",
    ]);
  });

  it('a page-multiple range at a base between pages is KC3046', () => {
    expect(check(board, { name: 's', components: [ranges('a', [{ paddr: 0x2000_0800, size: 0x1000 }])] })).toEqual([
      ['KC3046', 'components.0.devices.0.mmio.ranges.0'],
    ]);
  });

  it('two components whose ranges share pages: KC3048 names exactly the shared pages', () => {
    const system = { name: 's', components: [ranges('a', [{ paddr: 0x2000_0000, size: 0x2000 }]), ranges('b', [{ paddr: 0x2000_1000, size: 0x2000 }])] };
    expect(check(board, system)).toEqual([['KC3048', 'components.1.devices.0.mmio']]);
    expect(diagnostics(board, system).map((d) => d.message)).toEqual([
      "registers of '/soc/big@20000000' (0x2000_1000..0x2000_2000) are granted to both 'a' and 'b'",
    ]);
    // The later component's pages lower: still named in component order, reported at the later one.
    const swapped = { name: 's', components: [ranges('a', [{ paddr: 0x2000_1000, size: 0x2000 }]), ranges('b', [{ paddr: 0x2000_0000, size: 0x2000 }])] };
    expect(diagnostics(board, swapped).map((d) => [d.path, d.message])).toEqual([
      ['components.1.devices.0.mmio', "registers of '/soc/big@20000000' (0x2000_1000..0x2000_2000) are granted to both 'a' and 'b'"],
    ]);
  });

  it('the whole node mapped at an explicit vaddr takes all five pages there', () => {
    const at = (vaddr: number) => ({ name: 's', components: [component('a', { devices: [{ device: big.path, mmio: { vaddr }, irq: false }] })] });
    // The stack area starts at 0x7fff_b000: five pages end exactly there, or one page into it.
    expect(check(board, at(0x7fff_6000))).toEqual([]);
    expect(check(board, at(0x7fff_7000))).toEqual([['KC3077', 'components.0.devices.0.mmio.vaddr']]);
  });

  it('a fixed region over its second entry overlaps the device (KC3055)', () => {
    const region = (paddr: number) => ({ name: 's', components: [component('a', { memory: [{ region: 'r', perms: 'rw' }] })], memoryRegions: [{ name: 'r', size: 0x1000, paddr }] });
    expect(diagnostics(board, region(0x2001_0000)).map((d) => [d.code, d.message])).toEqual([
      ['KC3055', "memory region 'r' (0x2001_0000..0x2001_1000) overlaps the registers of '/soc/big@20000000'"],
    ]);
    expect(check(board, region(0x2000_f000))).toEqual([['KC3111', 'memoryRegions.0.paddr']]);
  });
});

describe('nodes without reg, or with two interrupts', () => {
  it("explicit ranges of a node without reg are outside it: the message says 'none'", () => {
    const bare = device('/soc/bare@30000000', { reg: [], interrupts: [20] });
    const system = { name: 's', components: [component('a', { devices: [{ device: bare.path, mmio: { ranges: [{ paddr: 0x3000_0000, size: 0x1000 }] }, irq: false }] })] };
    expect(diagnostics(withDevices(bare), system).map((d) => [d.code, d.message])).toEqual([
      ['KC3045', "range 0x3000_0000..0x3000_1000 granted to 'a' is outside the registers of '/soc/bare@30000000' (none)"],
    ]);
  });

  it("a reg not read whole and empty: KC3112 says 'nothing' would be mapped", () => {
    const broken = device('/soc/broken@30000000', { reg: [], regProblem: 'cut short', interrupts: [] });
    const system = { name: 's', components: [component('a', { devices: [{ device: broken.path, mmio: { perms: 'r' }, irq: false }] })] };
    expect(diagnostics(withDevices(broken), system).map((d) => [d.code, d.message])).toEqual([
      ['KC3043', "'a' asks for the registers of '/soc/broken@30000000', which has no 'reg'"],
      ['KC3112', "'a' is granted the registers of '/soc/broken@30000000', whose 'reg' was not read whole (cut short): only nothing would be mapped"],
    ]);
  });

  it('a reg not read whole with two entries lists both', () => {
    const broken = device('/soc/broken@30000000', { reg: [{ base: 0x3000_0000, size: 0x1000 }, { base: 0x3000_2000, size: 0x1000 }], regProblem: 'cut short', interrupts: [] });
    const system = { name: 's', components: [component('a', { devices: [{ device: broken.path, irq: false }] })] };
    expect(diagnostics(withDevices(broken), system).map((d) => d.message)).toEqual([
      "'a' is granted the registers of '/soc/broken@30000000', whose 'reg' was not read whole (cut short): only 0x3000_0000..0x3000_1000, 0x3000_2000..0x3000_3000 would be mapped",
    ]);
  });

  it('an IRQ that is not one of two interrupts lists both', () => {
    const two = device('/soc/two@30000000', { reg: [{ base: 0x3000_0000, size: 0x1000 }], interrupts: [20, 21] });
    const system = { name: 's', components: [component('a', { devices: [{ device: two.path, irq: { numbers: [22] } }] })] };
    expect(diagnostics(withDevices(two), system).map((d) => [d.code, d.message])).toEqual([
      ['KC3061', "IRQ 22 granted to 'a' is not an interrupt of '/soc/two@30000000' (it has 20, 21)"],
    ]);
  });
});

describe('RAM in two banks, or none', () => {
  const region = (paddr: number) => ({ name: 's', components: [component('a', { memory: [{ region: 'r', perms: 'rw' }] })], memoryRegions: [{ name: 'r', size: 0x1000, paddr }] });
  const banks = { ...virt, memory: [{ base: 0x8000_0000, size: 0x100_0000 }, { base: 0x9000_0000, size: 0x100_0000 }] };

  it('a region in the second bank is in RAM; between the banks it is KC3111, listing both', () => {
    expect(check(banks, region(0x9000_0000))).toEqual([]);
    expect(check(banks, region(0x80ff_f000))).toEqual([]);
    const between = diagnostics(banks, region(0x8100_0000));
    expect(between.map((d) => [d.code, d.hint])).toEqual([
      ['KC3111', "RAM is 0x8000_0000..0x8100_0000, 0x9000_0000..0x9100_0000: place it there, or leave out 'paddr' and the planner places it"],
    ]);
  });

  it("without RAM the hint says 'none'", () => {
    expect(diagnostics({ ...virt, memory: [] }, region(0x8000_0000)).map((d) => d.hint)).toEqual([
      "RAM is none: place it there, or leave out 'paddr' and the planner places it",
    ]);
  });

  it('a region of size 0 is KC3078 only, wherever its paddr', () => {
    const empty = { ...region(0x4000_0000), memoryRegions: [{ name: 'r', size: 0, paddr: 0x4000_0000 }] };
    expect(check(virt, empty)).toEqual([['KC3078', 'memoryRegions.0.size']]);
  });
});
