// compiler/plan/index.ts at its edges, each at the bound and one past it: the root CNode exactly
// full (2^7 slots used of 2^7) and one slot over, for seL4 and for the bundled kernel that grows it;
// exactly as many components as there are ASIDs (510) and one more; grants of several components,
// IRQs by number before MMIO by address, `shared` only where asked, a shared frame owned by the first;
// channel ends by id, the TCB, mapping names and placeholder ELFs; the endpoint of a fault handler
// that serves no PPC; the root task's placeholder image and the DTB's size;
// KC4003 at the component whose objects do not fit; elfInfoOf keeping only what the planner reads.
import { describe, expect, it } from 'vitest';
import { systemSchema, type SystemDescriptor } from '../../../schema/descriptor.js';
import { checkDescriptor } from '../../../compiler/check/index.js';
import { loadPlatform } from '../../../compiler/loadPlatform.js';
import { MAX_COMPONENTS, ROOT_TASK_PLACEHOLDER, elfInfoOf, planSystem, type PlanOptions } from '../../../compiler/plan/index.js';
import { defaultKernelConfig } from '../../../compiler/plan/untyped.js';
import { repoRoot } from '../../helpers/files.js';

const { platform } = await loadPlatform('kaal-virt-rv32', repoRoot);

/** Checks (expecting no problem) and plans `descriptor` with placeholder ELFs. */
function plan(descriptor: SystemDescriptor, options: PlanOptions = {}) {
  const { model, diagnostics } = checkDescriptor(systemSchema.parse(descriptor), platform);
  expect(diagnostics).toEqual([]);
  return planSystem(model, platform, {}, options);
}

const component = (name: string, extra: object = {}) => ({ name, code: { elf: `${name}.elf` }, ...extra });

/** One component mapping a region of `pages` pages: the plan uses 93 + `pages` root slots. */
const withPages = (pages: number): SystemDescriptor => ({
  name: 's',
  components: [component('a', { memory: [{ region: 'r', perms: 'rw' }] })],
  memoryRegions: [{ name: 'r', size: pages * 0x1000 }],
});

describe('the root CNode', () => {
  const kernel = (kind: 'bundled' | 'sel4') => ({ ...defaultKernelConfig(platform), kernel: kind, rootCNodeSizeBits: 7 });

  it('seL4: 128 slots used fit 2^7; 129 are KC4004', () => {
    const full = plan(withPages(35), { kernelConfig: kernel('sel4') });
    expect(full.plan.rootTask.usedSlots).toBe(128);
    expect(full.diagnostics).toEqual([]);
    expect(full.plan.rootTask.cnodeSizeBits).toBe(7);
    const over = plan(withPages(36), { kernelConfig: kernel('sel4') });
    expect(over.plan.rootTask.usedSlots).toBe(129);
    expect(over.diagnostics.map((d) => [d.code, d.message])).toEqual([['KC4004', 'the plan needs 129 root CNode slots, more than 2^7']]);
  });

  it('the bundled kernel keeps 2^7 when 128 slots are used and grows to the smallest radix (2^12) at 129', () => {
    const full = plan(withPages(35), { kernelConfig: kernel('bundled') });
    expect([full.plan.rootTask.cnodeSizeBits, full.plan.boot.kernelConfig.rootCNodeSizeBits, full.diagnostics]).toEqual([7, 7, []]);
    const over = plan(withPages(36), { kernelConfig: kernel('bundled') });
    expect([over.plan.rootTask.cnodeSizeBits, over.plan.boot.kernelConfig.rootCNodeSizeBits, over.diagnostics]).toEqual([12, 12, []]);
  });
});

describe('components and ASIDs', () => {
  const many = (count: number): SystemDescriptor => ({ name: 's', components: Array.from({ length: count }, (_, i) => component(`c${i}`)) });

  it('510 components (every ASID) plan; 511 are KC4005 at components', () => {
    expect(MAX_COMPONENTS).toBe(510);
    const all = plan(many(510));
    expect(all.diagnostics).toEqual([]);
    // 14 in the initial pool, 31 more pools of 16.
    expect(all.plan.objects.filter((o) => o.kind === 'asidPool')).toHaveLength(31);
    const over = plan(many(511));
    expect(over.diagnostics.map((d) => [d.code, d.path])).toEqual([['KC4005', 'components']]);
    expect(over.diagnostics[0]!.message).toContain('511');
    expect(over.diagnostics[0]!.message).toContain('510');
  });
});

describe('grants', () => {
  it('in component order; within one, IRQs by number, then MMIO by address; `shared` only on the grants that say it', () => {
    const { plan: p } = plan({
      name: 's',
      components: [
        component('a', { devices: [{ device: '/soc/test@100000', mmio: { shared: true } }] }),
        // b's grants are collected per device (registers, then interrupt): rtc, serial, test.
        component('b', { devices: [{ device: '/soc/rtc@101000' }, { device: 'serial0' }, { device: '/soc/test@100000', mmio: { shared: true } }] }),
      ],
    });
    expect(p.grants.map((g) => [g.component, g.kind, g.device, g.paddr, g.irq, g.channel, g.shared ?? false])).toEqual([
      ['a', 'mmio', '/soc/test@100000', 0x10_0000, null, null, true],
      ['b', 'irq', '/soc/serial@10000000', 0, 10, 1, false],
      ['b', 'irq', '/soc/rtc@101000', 0, 11, 0, false],
      ['b', 'mmio', '/soc/test@100000', 0x10_0000, null, null, true],
      ['b', 'mmio', '/soc/rtc@101000', 0x10_1000, null, null, false],
      ['b', 'mmio', '/soc/serial@10000000', 0x1000_0000, null, null, false],
    ]);
    expect(p.grants.filter((g) => 'shared' in g).map((g) => g.component)).toEqual(['a', 'b']);
    // The frame both map is one object, owned by the first component that needs it.
    expect(p.objects.filter((o) => o.name === 'mmio_00100000').map((o) => o.owner)).toEqual(['a']);
    // Each MMIO grant is where the component maps that frame.
    for (const g of p.grants.filter((x) => x.kind === 'mmio')) {
      const mapping = p.components.find((c) => c.name === g.component)!.vspace.find((m) => m.paddr === g.paddr)!;
      expect([g.vaddr, g.perms, g.size]).toEqual([mapping.vaddr, mapping.perms, 0x1000]);
    }
  });
});

describe('a component plan', () => {
  it('lists its channel ends by id, whatever the descriptor order', () => {
    const { plan: p } = plan({
      name: 's',
      components: [component('a'), component('b'), component('c')],
      channels: [{ from: 'a', to: 'b', fromId: 5, toId: 1 }, { from: 'a', to: 'c', fromId: 2, toId: 0 }],
    });
    expect(p.components[0]!.channels).toEqual([
      { id: 2, name: 'a_c', peer: 'c', peerId: 0, notify: true, ppc: 'none' },
      { id: 5, name: 'a_b', peer: 'b', peerId: 1, notify: true, ppc: 'none' },
    ]);
    expect(p.components.map((c) => c.tcb.faultEndpointSlot)).toEqual([0, 0, 0]);
  });

  it("has its TCB's registers from the layout, its mappings' names, and says which ELF is a placeholder", () => {
    const { model, diagnostics } = checkDescriptor(systemSchema.parse({
      name: 's',
      components: [component('a', { priority: 7, memory: [{ region: 'r', name: 'ring' }] }), component('b')],
      memoryRegions: [{ name: 'r', size: 0x1000 }],
    }), platform);
    expect(diagnostics).toEqual([]);
    const elf = { entry: 0x1_0040, segments: [{ vaddr: 0x1_0000, memsz: 0x1000, flags: 5 }], placeholder: false };
    const { plan: p } = planSystem(model, platform, { a: elf });
    expect(p.components.map((c) => c.elfPlaceholder)).toEqual([false, true]);
    // The default stack of 0x2000 below the guard page at 0x7fff_e000, the IPC buffer above it.
    expect(p.components[0]!.tcb).toEqual({ priority: 7, entry: 0x1_0040, stackTop: 0x7fff_e000, stackBottom: 0x7fff_c000, ipcBuffer: 0x7fff_f000, faultEndpointSlot: 0 });
    expect(p.components[0]!.vspace.map((m) => [m.purpose, m.name])).toEqual([
      ['elf', ''], ['region', 'ring'], ['stack', ''], ['stack', ''], ['ipcBuffer', ''],
    ]);
    expect(p.components[0]!.vspace.every((m) => m.paddr === p.objects.find((o) => o.name === m.frame)!.paddr)).toBe(true);
  });

  it('a fault handler that serves no PPC gets an endpoint; the component it handles does not', () => {
    const { plan: p } = plan({ name: 's', components: [component('a', { faultHandler: 'h' }), component('h')] });
    expect(p.objects.filter((o) => o.kind === 'endpoint').map((o) => [o.name, o.sizeBits, o.owner])).toEqual([['ep_h', 4, 'h']]);
  });
});

describe('the root task image and the DTB', () => {
  it('without a root task the placeholder (64 KiB at 0x1_0000) is planned for; a given one is used as it is', () => {
    expect(ROOT_TASK_PLACEHOLDER).toEqual({ vaddr: 0x1_0000, size: 0x1_0000, entry: 0x1_0000 });
    const one = { name: 's', components: [component('a')] };
    expect(plan(one).plan.boot.userImage).toMatchObject(ROOT_TASK_PLACEHOLDER);
    const rootTask = { vaddr: 0x2_0000, size: 0x2_0000, entry: 0x2_0100 };
    expect(plan(one, { rootTask }).plan.boot.userImage).toMatchObject(rootTask);
  });

  it('the DTB has the size given, none without', () => {
    const one = { name: 's', components: [component('a')] };
    expect(plan(one).plan.boot.dtb).toEqual({ paddr: 0, size: 0 });
    expect(plan(one, { dtbSize: 0x1234 }).plan.boot.dtb.size).toBe(0x1234);
  });
});

describe('out of memory', () => {
  it("KC4003 for components' own objects (16 MiB stacks) is reported at the component, not a region", () => {
    const { diagnostics } = plan({ name: 's', components: Array.from({ length: 9 }, (_, i) => component(`c${i}`, { stackSize: 0x100_0000 })) });
    expect(diagnostics.map((d) => [d.code, d.path])).toEqual([['KC4003', 'components.7']]);
  });
});

describe('elfInfoOf', () => {
  it('keeps the entry and each segment\'s vaddr, memsz and flags', () => {
    const segment = { vaddr: 0x1_0000, memsz: 0x2345, flags: 5, filesz: 0x100, offset: 0x40, paddr: 0x1_0000, align: 0x1000, data: new Uint8Array(0x100) };
    expect(elfInfoOf({ entry: 0x1_0040, segments: [segment, { ...segment, vaddr: 0x2_0000, flags: 6 }] })).toEqual({
      entry: 0x1_0040,
      segments: [{ vaddr: 0x1_0000, memsz: 0x2345, flags: 5 }, { vaddr: 0x2_0000, memsz: 0x2345, flags: 6 }],
      placeholder: false,
    });
  });
});
