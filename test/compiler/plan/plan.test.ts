// Properties of the plans of the example systems (docs/plan.md): objects inside one untyped of the
// right kind, naturally aligned, never overlapping; MMIO frames at the device's address; slots and
// badges as pinned; invocations referring only to filled slots; valid against plan.schema.json.
import * as fs from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { Slot, faultBadge, notificationBadge, ppcBadge, ppcSlot, notifySlot, irqSlot, InitialSlot } from '../../../schema/abi.js';
import { VSpaceLayout, invocationsOf, type Plan } from '../../../schema/plan.js';
import { defaultKernelConfig, planSystem, rootCNodeBits } from '../../../compiler/plan/index.js';
import { repoRoot } from '../../helpers/files.js';
import { exampleSystems, planFile } from './planFile.js';

const schema = JSON.parse(fs.readFileSync(`${repoRoot}/schema/plan.schema.json`, 'utf8'));
const validatePlan = new Ajv({ allErrors: true, strict: false }).compile(schema);

function checkPhysicalLayout(plan: Plan): void {
  const byPaddr = [...plan.objects].filter((o) => o.purpose !== 'filler').sort((a, b) => a.paddr - b.paddr);
  for (let i = 1; i < byPaddr.length; i++) {
    const previous = byPaddr[i - 1]!;
    expect(previous.paddr + 2 ** previous.sizeBits, `${previous.name} overlaps ${byPaddr[i]!.name}`).toBeLessThanOrEqual(byPaddr[i]!.paddr);
  }
  for (const o of plan.objects) {
    const u = plan.untyped[o.untyped]!;
    expect(o.paddr % 2 ** o.sizeBits, `${o.name} aligned`).toBe(0);
    expect(o.paddr >= u.paddr && o.paddr + 2 ** o.sizeBits <= u.paddr + 2 ** u.sizeBits, `${o.name} inside untyped ${u.index}`).toBe(true);
    if (u.isDevice) expect(o.kind === 'frame' || o.purpose === 'filler', `${o.name} in device memory`).toBe(true);
    if (o.kind !== 'frame' && o.purpose !== 'filler') expect(u.isDevice).toBe(false);
  }
}

describe('plans of the example systems', () => {
  for (const file of exampleSystems) {
    it(`${file}: no diagnostics, schema-valid, objects placed as the kernel would`, async () => {
      const { plan, diagnostics, platform } = await planFile(file);
      expect(diagnostics).toEqual([]);
      expect(validatePlan(plan), JSON.stringify(validatePlan.errors?.slice(0, 3))).toBe(true);
      checkPhysicalLayout(plan);
      for (const c of plan.components) {
        for (const m of c.vspace) {
          if (m.purpose !== 'mmio') continue;
          const device = platform.devices.find((d) => d.path === m.source)!;
          expect(device.reg.some((r) => m.paddr <= r.base && r.base < m.paddr + 0x1000) || device.reg.some((r) => m.paddr >= r.base && m.paddr < r.base + r.size)).toBe(true);
          expect(m.cached).toBe(false);
          expect(m.perms.includes('x')).toBe(false);
        }
        expect(c.vspace.every((m) => m.vaddr < VSpaceLayout.userTop)).toBe(true);
        expect(c.vspace.some((m) => m.vaddr === VSpaceLayout.stackTop)).toBe(false);
        expect(c.vspace.find((m) => m.purpose === 'ipcBuffer')!.vaddr).toBe(VSpaceLayout.ipcBuffer);
      }
    });
  }

  it('uart-echo: the UART frame sits at 0x1000_0000 in device untyped, shared rings map the same frames', async () => {
    const { plan } = await planFile('fixtures/systems/uart-echo/uart-echo.system.ts');
    const uart = plan.objects.find((o) => o.name === 'mmio_10000000')!;
    expect(uart.paddr).toBe(0x1000_0000);
    expect(plan.untyped[uart.untyped]!.isDevice).toBe(true);
    const driver = plan.components.find((c) => c.name === 'uart-driver')!;
    const client = plan.components.find((c) => c.name === 'client')!;
    const ring = (c: typeof driver) => c.vspace.find((m) => m.source === 'rx_ring')!;
    expect(ring(driver).frame).toBe(ring(client).frame);
    expect(ring(driver).paddr).toBe(ring(client).paddr);
    expect(driver.irqs).toEqual([{ irq: 10, channel: 1, handlerSlot: irqSlot(1), notification: 'ntfn_uart-driver', badge: notificationBadge(1), device: '/soc/serial@10000000', name: 'uart' }]);
    expect(plan.grants.filter((g) => g.component === 'uart-driver').map((g) => [g.kind, g.device, g.paddr, g.irq])).toEqual([
      ['irq', '/soc/serial@10000000', 0, 10],
      ['mmio', '/soc/test@100000', 0x10_0000, null],
      ['mmio', '/soc/serial@10000000', 0x1000_0000, null],
    ]);
    // Channel 'serial': ids 0 at both ends; each notifies the other with the peer's bit.
    expect(driver.cspace.find((s) => s.slot === notifySlot(0))).toMatchObject({ object: 'ntfn_client', badge: notificationBadge(0) });
    expect(client.cspace.find((s) => s.slot === notifySlot(0))).toMatchObject({ object: 'ntfn_uart-driver', badge: notificationBadge(0) });
  });

  it('ping-pong: the server holds its endpoint at the input slot and the client a PPC cap with the pinned badge', async () => {
    const { plan } = await planFile('fixtures/systems/ping-pong/ping-pong.system.ts');
    const server = plan.components.find((c) => c.name === 'server')!;
    const client = plan.components.find((c) => c.name === 'client')!;
    expect(server.cspace.find((s) => s.slot === Slot.input)).toMatchObject({ object: 'ep_server', kind: 'endpoint' });
    expect(client.cspace.find((s) => s.slot === Slot.input)).toMatchObject({ object: 'ntfn_client', kind: 'notification' });
    expect(client.cspace.find((s) => s.slot === ppcSlot(0))).toMatchObject({ object: 'ep_server', badge: ppcBadge(0) });
    expect(client.cspace.map((s) => s.slot)).toEqual([Slot.input, Slot.vspace, Slot.tcb, ppcSlot(0)]);
  });

  it('every invocation names a slot that an earlier invocation filled (or an initial/untyped slot)', async () => {
    const { plan } = await planFile('fixtures/systems/uart-echo/uart-echo.system.ts');
    const filled = new Set<number>([...Array(InitialSlot.numInitialCaps).keys()]);
    for (let s = plan.rootTask.untypedSlots.start; s < plan.rootTask.untypedSlots.end; s++) filled.add(s);
    for (const inv of plan.invocations) {
      expect(filled.has(inv.service), `${inv.op} service ${inv.service}`).toBe(true);
      if (inv.op === 'Untyped_Retype') filled.add(inv.nodeOffset);
      if (inv.op === 'IRQControl_Get' || inv.op === 'ASIDControl_MakePool') filled.add(inv.index);
      if ((inv.op === 'CNode_Mint' || inv.op === 'CNode_Copy') && inv.component === null) filled.add(inv.destIndex);
      if (inv.op === 'Page_Map' || inv.op === 'PageTable_Map') expect(filled.has(inv.vspace)).toBe(true);
    }
    expect(Math.max(...filled) + 1).toBe(plan.rootTask.usedSlots);
    expect(2 ** plan.rootTask.cnodeSizeBits).toBeGreaterThanOrEqual(plan.rootTask.usedSlots);
    expect(invocationsOf(plan, 'TCB_Resume')).toHaveLength(2);
  });

  // process.chdir() is refused in worker threads, where Stryker's vitest runner runs the tests.
  it.skipIf(!isMainThread)('the same descriptor gives byte-identical plan JSON on every run and from any directory', async () => {
    const first = JSON.stringify((await planFile('fixtures/systems/uart-echo/uart-echo.system.ts')).plan);
    const cwd = process.cwd();
    try {
      process.chdir('/');
      const second = JSON.stringify((await planFile('fixtures/systems/uart-echo/uart-echo.system.ts')).plan);
      expect(second).toBe(first);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('planning failures shown by unit tests', () => {
  it('KC4004: a root CNode beyond 2^27 slots is refused', () => {
    expect(rootCNodeBits(100)).toBe(12);
    expect(rootCNodeBits(5000)).toBe(13);
    expect(rootCNodeBits(2 ** 27)).toBe(27);
    expect(rootCNodeBits(2 ** 27 + 1)).toBeNull();
  });

  it('KC4100: a platform seL4 cannot boot on is refused with the kernel\'s reason', async () => {
    const { model, platform } = await planFile('fixtures/systems/hello/hello.system.ts');
    const tiny = { ...platform, ram: [{ base: 0x8000_0000, size: 0x4_0000 }] };
    const result = planSystem(model, tiny, {}, { dtbSize: 0x1000 });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['KC4100']);
    expect(result.diagnostics[0]!.message).toBe(
      'seL4 would not boot this image: no free memory region is big enough for root server objects, need size/alignment of 2^16',
    );
    expect(result.plan.invocations).toEqual([]);
  });

  it('KC4004: a real kernel\'s root CNode too small for the plan is refused; the bundled one grows', async () => {
    const { model, platform } = await planFile('fixtures/systems/timer/timer.system.ts');
    const bundled = defaultKernelConfig(platform);
    const small = planSystem(model, platform, {}, { kernelConfig: { ...bundled, rootCNodeSizeBits: 7 } });
    expect(small.diagnostics).toEqual([]);
    expect(small.plan.rootTask.cnodeSizeBits).toBe(12);
    expect(small.plan.boot.kernelConfig.rootCNodeSizeBits).toBe(12);
    const sel4 = planSystem(model, platform, {}, { kernelConfig: { ...bundled, kernel: 'sel4', rootCNodeSizeBits: 7 } });
    expect(sel4.plan.rootTask.usedSlots).toBeGreaterThan(128);
    expect(sel4.diagnostics.map((d) => d.code)).toEqual(['KC4004']);
    expect(sel4.diagnostics[0]!.message).toBe(`the plan needs ${sel4.plan.rootTask.usedSlots} root CNode slots, more than 2^7`);
  });

  it('KC4007: an ELF segment inside the automatic areas is rejected', async () => {
    const { model, platform } = await planFile('fixtures/systems/hello/hello.system.ts');
    const name = model.components[0]!.name;
    const result = planSystem(model, platform, { [name]: { entry: 0x5000_0000, segments: [{ vaddr: 0x5000_0000, memsz: 0x1000, flags: 5 }], placeholder: false } });
    expect(result.diagnostics.map((d) => [d.code, d.path])).toEqual([['KC4007', 'components.0.code']]);
  });

  it('a component faulting to a handler gets the handler endpoint at slot 2 with the fault badge', async () => {
    const { model, platform } = await planFile('fixtures/systems/ping-pong/ping-pong.system.ts');
    const withHandler = { ...model, components: model.components.map((c, i) => (i === 0 ? { ...c, faultHandler: 'server' } : c)) };
    const { plan } = planSystem(withHandler, platform, {});
    const client = plan.components[0]!;
    expect(client.cspace.find((s) => s.slot === Slot.faultEndpoint)).toMatchObject({ object: 'ep_server', badge: faultBadge(0) });
    expect(client.tcb.faultEndpointSlot).toBe(Slot.faultEndpoint);
    expect(invocationsOf(plan, 'TCB_Configure')[0]!.faultEp).toBe(Slot.faultEndpoint);
  });
});
