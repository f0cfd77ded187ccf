// compiler/plan/index.ts: what planSystem puts around the allocation. Object sizes as seL4 RV32
// has them (sel4-abi.md §1: TCB 2^9 or 2^10 with the FPU, CNode 2^(8+4), VSpace and page table
// 2^12, endpoint and notification 2^4), ASID pools beyond the initial one's 14 free ASIDs (14 and
// 15 components, 30 and 31), the root task's slots, the platform summary, utilisation summed from
// the objects, grants in component order, and the empty plan of a boot seL4 refuses.
import { describe, expect, it } from 'vitest';
import { planSystem } from '../../../compiler/plan/index.js';
import { defaultKernelConfig } from '../../../compiler/plan/untyped.js';
import type { Plan } from '../../../schema/plan.js';
import { planFile } from './planFile.js';

/** The utilisation block computed from the plan's own objects and untypeds. */
function expectedUtilisation(plan: Plan): Plan['utilisation'] {
  const ram = plan.untyped.filter((u) => !u.isDevice);
  const kinds = [...new Set(plan.objects.map((o) => o.kind))].sort();
  return {
    ramBytes: ram.reduce((s, u) => s + 2 ** u.sizeBits, 0),
    ramUsedBytes: ram.reduce((s, u) => s + u.usedBytes, 0),
    objectBytes: plan.objects.filter((o) => o.purpose !== 'filler' && !plan.untyped[o.untyped]!.isDevice).reduce((s, o) => s + 2 ** o.sizeBits, 0),
    fillerBytes: plan.objects.filter((o) => o.purpose === 'filler').reduce((s, o) => s + 2 ** o.sizeBits, 0),
    objects: plan.objects.length,
    rootSlots: plan.rootTask.usedSlots,
    perKind: kinds.map((kind) => {
      const of = plan.objects.filter((o) => o.kind === kind);
      return { kind, count: of.length, bytes: of.reduce((s, o) => s + 2 ** o.sizeBits, 0) };
    }),
  };
}

describe('planSystem', () => {
  it('uart-echo: object sizes of seL4 RV32 without the FPU, each kind', async () => {
    const { plan } = await planFile('fixtures/systems/uart-echo/uart-echo.system.ts');
    const sizes = Object.fromEntries(plan.objects.filter((o) => o.purpose !== 'filler').map((o) => [o.kind, o.sizeBits]));
    expect(sizes).toEqual({ tcb: 9, cnode: 12, vspace: 12, notification: 4, pageTable: 12, frame: 12 });
    const names = plan.objects.map((o) => o.name);
    expect(names).toEqual(expect.arrayContaining(['tcb_client', 'cnode_client', 'vspace_client', 'ntfn_client', 'pt_client_00000000', 'pt_client_7fc00000']));
    expect(names.some((n) => n.startsWith('ep_'))).toBe(false);
  });

  it('ping-pong: an endpoint (2^4) for the PPC server only; a TCB of 2^10 with the FPU', async () => {
    const { model, platform, plan } = await planFile('fixtures/systems/ping-pong/ping-pong.system.ts');
    expect(plan.objects.filter((o) => o.kind === 'endpoint').map((o) => [o.name, o.sizeBits, o.owner, o.purpose])).toEqual([['ep_server', 4, 'server', 'endpoint']]);
    const fpu = planSystem(model, platform, {}, { kernelConfig: { ...defaultKernelConfig(platform), fpu: true } });
    expect(fpu.plan.objects.filter((o) => o.kind === 'tcb').map((o) => o.sizeBits)).toEqual([10, 10]);
  });

  it('the root task: its CNode, bootinfo untyped slots, the first free slot, and what the plan uses of them', async () => {
    const { plan } = await planFile('fixtures/systems/hello/hello.system.ts');
    expect(plan.rootTask).toEqual({
      cnodeSizeBits: 12,
      untypedSlots: plan.boot.bootInfo.untyped,
      firstFreeSlot: plan.boot.bootInfo.empty.start,
      usedSlots: plan.rootTask.usedSlots,
      cptrDepth: 32,
    });
    expect(plan.objects[0]!.rootSlot).toBe(plan.boot.bootInfo.empty.start);
    expect(plan.untyped.map((u) => u.slot)).toEqual(plan.untyped.map((_, i) => plan.boot.bootInfo.untyped.start + i));
    expect(plan.untyped.some((u) => u.usedBytes > 0)).toBe(true);
  });

  it('summarises the platform and the utilisation from the objects', async () => {
    const { plan, platform, model } = await planFile('fixtures/systems/uart-echo/uart-echo.system.ts');
    expect(plan.platform).toEqual({
      name: 'kaal-virt-rv32', model: platform.model, ram: platform.ram.map((r) => ({ base: r.base, size: r.size })),
      kernelReserved: { base: 0x8000_0000, size: 0x2_0000 }, physicalTop: 2 ** 32,
    });
    expect(plan.utilisation).toEqual(expectedUtilisation(plan));
    expect(plan.utilisation.fillerBytes).toBeGreaterThan(0);
    expect(plan.utilisation.objectBytes).toBeGreaterThan(0);
    expect(planSystem(model, platform, {}, { platformName: 'board.dtb' }).plan.platform.name).toBe('board.dtb');
  });

  it('lists grants by component, then IRQs before MMIO, then by address', async () => {
    const { plan } = await planFile('fixtures/systems/uart-echo/uart-echo.system.ts');
    expect(plan.grants.map((g) => [g.component, g.kind, g.paddr, g.irq])).toEqual([
      ['uart-driver', 'irq', 0, 10],
      ['uart-driver', 'mmio', 0x10_0000, null],
      ['uart-driver', 'mmio', 0x1000_0000, null],
    ]);
    expect(plan.grants[2]).toEqual({
      component: 'uart-driver', kind: 'mmio', device: '/soc/serial@10000000', name: 'uart', paddr: 0x1000_0000, size: 0x1000,
      vaddr: plan.components[0]!.vspace.find((m) => m.paddr === 0x1000_0000)!.vaddr, perms: 'rw', cached: false, irq: null, channel: null,
    });
  });

  it(`makes an ASID pool for the 15th component and another for the 31st`, async () => {
    const { model, platform } = await planFile('fixtures/systems/hello/hello.system.ts');
    const pools = (count: number) => {
      const many = { ...model, components: Array.from({ length: count }, (_, i) => ({ ...model.components[0]!, index: i, name: `c${i}`, path: `components.${i}` })) };
      const { plan, diagnostics } = planSystem(many, platform, {});
      expect(diagnostics).toEqual([]);
      return plan.objects.filter((o) => o.kind === 'asidPool').map((o) => [o.name, o.sizeBits, o.owner]);
    };
    expect(pools(14)).toEqual([]);
    expect(pools(15)).toEqual([['asid_pool_000', 12, null]]);
    expect(pools(30)).toHaveLength(1);
    expect(pools(31)).toEqual([['asid_pool_000', 12, null], ['asid_pool_001', 12, null]]);
  });

  it('gives an empty plan, with the configuration it was for, when seL4 would not boot', async () => {
    const { model, platform } = await planFile('fixtures/systems/hello/hello.system.ts');
    const tiny = { ...platform, ram: [{ base: 0x8000_0000, size: 0x4_0000 }] };
    const config = defaultKernelConfig(tiny);
    const { plan } = planSystem(model, tiny, {}, { dtbSize: 0x1000 });
    const none = { start: 0, end: 0 };
    expect(plan).toEqual({
      formatVersion: 1,
      system: model.name,
      platform: { name: 'kaal-virt-rv32', model: platform.model, ram: [{ base: 0x8000_0000, size: 0x4_0000 }], kernelReserved: { base: 0x8000_0000, size: 0x2_0000 }, physicalTop: 2 ** 32 },
      rootTask: { cnodeSizeBits: 12, untypedSlots: none, firstFreeSlot: 0, usedSlots: 0, cptrDepth: 32 },
      boot: {
        kernelConfig: config,
        dtb: { paddr: 0, size: 0 },
        userImage: { paddr: 0, size: 0, vaddr: 0, entry: 0 },
        bootInfo: { untyped: none, empty: none, userImageFrames: none, userImagePaging: none, extraBIPages: none, ipcBuffer: 0, bootInfoVaddr: 0, extraLen: 0, untypedsDropped: 0 },
        rootServer: { cnode: 0, vspace: 0, asidPool: 0, ipcBuffer: 0, bootInfo: 0, extraBootInfo: 0, tcb: 0, pageTables: [] },
      },
      untyped: [],
      objects: [],
      components: [],
      grants: [],
      invocations: [],
      utilisation: { ramBytes: 0, ramUsedBytes: 0, objectBytes: 0, fillerBytes: 0, objects: 0, rootSlots: 0, perKind: [] },
    });
  });
});
