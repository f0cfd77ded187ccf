// compiler/plan/index.ts, what planEdges.test.ts leaves: each object's purpose and the page tables'
// names, MAX_COMPONENTS (module-level code: the planner is imported afresh in each test, see
// docs/testing.md, "Module-level code"), the whole of an IRQ grant, IRQs sorted by number whatever
// order they were collected in, a device of two register windows (a grant each, at its own vaddr),
// a device at physical address 0 (its MMIO grant after the IRQ grants), and a fixed region's
// allocation problem reported at the region's `paddr`.
import { describe, expect, it, vi } from 'vitest';
import { systemSchema, type ComponentDescriptor, type SystemDescriptor } from '../../../schema/descriptor.js';
import { checkDescriptor } from '../../../compiler/check/index.js';
import { loadPlatform } from '../../../compiler/loadPlatform.js';
import type { Platform, PlatformDevice } from '../../../image/platformModel.js';
import { repoRoot } from '../../helpers/files.js';

const { platform: virt } = await loadPlatform('kaal-virt-rv32', repoRoot);

/** The planner, imported afresh (so a mutant of its module-level code is live). */
async function freshPlanner() {
  vi.resetModules();
  return import('../../../compiler/plan/index.js');
}

/** Checks (expecting no problem) and plans `descriptor` on `board` with placeholder ELFs. */
async function plan(descriptor: SystemDescriptor, board: Platform = virt) {
  const { model, diagnostics } = checkDescriptor(systemSchema.parse(descriptor), board);
  expect(diagnostics).toEqual([]);
  const { planSystem } = await freshPlanner();
  return planSystem(model, board, {});
}

const component = (name: string, extra: Partial<ComponentDescriptor> = {}): ComponentDescriptor => ({ name, code: { elf: `${name}.elf` }, ...extra });

/** A plain, enabled device node of kaal-virt-rv32's test device's shape (no labels or aliases). */
function device(path: string, extra: Partial<PlatformDevice>): PlatformDevice {
  const test = virt.devices.find((d) => d.path === '/soc/test@100000')!;
  return { ...test, path, name: path.slice(path.lastIndexOf('/') + 1), labels: [], aliases: [], compatible: ['vendor,edge'], phandle: null, ...extra };
}
const withDevices = (...devices: PlatformDevice[]): Platform => ({ ...virt, devices: [...virt.devices, ...devices] });

describe("a component's objects", () => {
  it('each has its purpose; the page tables are named by component and window', async () => {
    const { plan: p, diagnostics } = await plan({ name: 's', components: [component('a')] });
    expect(diagnostics).toEqual([]);
    expect(p.objects.filter((o) => o.kind !== 'frame').map((o) => [o.kind, o.purpose, o.name])).toEqual([
      ['cnode', 'cnode', 'cnode_a'],
      ['pageTable', 'pageTable', 'pt_a_00000000'],
      ['pageTable', 'pageTable', 'pt_a_7fc00000'],
      ['vspace', 'vspace', 'vspace_a'],
      ['tcb', 'tcb', 'tcb_a'],
      ['notification', 'input', 'ntfn_a'],
    ]);
    expect(p.components[0]!.pageTables).toEqual([
      { vaddr: 0, object: 'pt_a_00000000' },
      { vaddr: 0x7fc0_0000, object: 'pt_a_7fc00000' },
    ]);
  });

  it('two components have page tables of their own, and the 15th component needs the first extra ASID pool', async () => {
    const { plan: p } = await plan({ name: 's', components: Array.from({ length: 15 }, (_, i) => component(`c${i}`)) });
    expect(p.objects.filter((o) => o.kind === 'pageTable')).toHaveLength(30);
    expect(p.objects.filter((o) => o.kind === 'asidPool').map((o) => [o.name, o.purpose, o.owner])).toEqual([['asid_pool_000', 'asidPool', null]]);
  });

  it('MAX_COMPONENTS is the 14 free ASIDs of the initial pool and 31 more pools of 16', async () => {
    const { MAX_COMPONENTS } = await freshPlanner();
    expect(MAX_COMPONENTS).toBe(14 + 31 * 16);
  });
});

describe('grants', () => {
  it('an IRQ grant has no registers, perms or cache; IRQs by number when collected in that order too', async () => {
    const { plan: p } = await plan({ name: 's', components: [component('b', { devices: [{ device: 'serial0' }, { device: '/soc/rtc@101000' }] })] });
    expect(p.grants.filter((g) => g.kind === 'irq')).toEqual([
      { component: 'b', kind: 'irq', device: '/soc/serial@10000000', name: 'serial', paddr: 0, size: 0, vaddr: 0, perms: '', cached: false, irq: 10, channel: 0 },
      { component: 'b', kind: 'irq', device: '/soc/rtc@101000', name: 'rtc', paddr: 0, size: 0, vaddr: 0, perms: '', cached: false, irq: 11, channel: 1 },
    ]);
    // Three IRQs, collected 10, 11, 12: still by number.
    const board = withDevices(device('/soc/third@102000', { reg: [{ base: 0x10_2000, size: 0x1000 }], interrupts: [12], interruptParent: virt.devices.find((d) => d.path === '/soc/rtc@101000')!.interruptParent }));
    const three = await plan({ name: 's', components: [component('b', { devices: [{ device: 'serial0' }, { device: '/soc/rtc@101000' }, { device: '/soc/third@102000' }] })] }, board);
    expect(three.plan.grants.filter((g) => g.kind === 'irq').map((g) => g.irq)).toEqual([10, 11, 12]);
  });

  it('a device of two register windows gives a grant each, at the vaddr its window is mapped at', async () => {
    const board = withDevices(device('/soc/big@20000000', { reg: [{ base: 0x2000_0000, size: 0x2000 }, { base: 0x2001_0000, size: 0x1000 }], interrupts: [] }));
    const { plan: p } = await plan({ name: 's', components: [component('a', { devices: [{ device: '/soc/big@20000000', irq: false }] })] }, board);
    const mapped = (paddr: number) => p.components[0]!.vspace.find((m) => m.paddr === paddr)!.vaddr;
    expect(p.grants.map((g) => [g.paddr, g.size, g.vaddr])).toEqual([
      [0x2000_0000, 0x2000, mapped(0x2000_0000)],
      [0x2001_0000, 0x1000, mapped(0x2001_0000)],
    ]);
    expect(p.grants[1]!.vaddr).not.toBe(p.grants[0]!.vaddr);
  });

  it('a device at physical address 0: its IRQ grant still comes before its MMIO grant', async () => {
    const rtc = virt.devices.find((d) => d.path === '/soc/rtc@101000')!;
    const board = withDevices(device('/soc/low@0', { reg: [{ base: 0, size: 0x1000 }], interrupts: [12], interruptParent: rtc.interruptParent }));
    const { plan: p } = await plan({ name: 's', components: [component('a', { devices: [{ device: '/soc/low@0' }] })] }, board);
    expect(p.grants.map((g) => [g.kind, g.paddr, g.irq])).toEqual([['irq', 0, 12], ['mmio', 0, null]]);
    // Collected rtc's MMIO and IRQ, then low's MMIO at 0 and IRQ: both IRQs, then MMIO by address.
    const mixed = await plan({ name: 's', components: [component('a', { devices: [{ device: '/soc/rtc@101000' }, { device: '/soc/low@0' }] })] }, board);
    expect(mixed.plan.grants.map((g) => [g.kind, g.paddr, g.irq])).toEqual([
      ['irq', 0, 11],
      ['irq', 0, 12],
      ['mmio', 0, null],
      ['mmio', 0x10_1000, null],
    ]);
  });
});

describe('a fixed region', () => {
  it("in the kernel's image (0x8000_0000..0x8002_0000) is KC4002 at the region's paddr", async () => {
    const kernel = (await freshPlanner()).defaultKernelConfig(virt).kernelImage;
    expect(kernel.end - kernel.start).toBe(0x2_0000);
    const { model, diagnostics } = checkDescriptor(
      systemSchema.parse({
        name: 's',
        components: [component('a', { memory: [{ region: 'r' }] })],
        memoryRegions: [{ name: 'r', size: 0x1000, paddr: kernel.start + 0x1_0000 }],
      }),
      virt,
    );
    expect(diagnostics).toEqual([]);
    const { planSystem } = await freshPlanner();
    expect(planSystem(model, virt, {}).diagnostics.map((d) => [d.code, d.path])).toEqual([['KC4002', 'memoryRegions.0.paddr']]);
  });
});
