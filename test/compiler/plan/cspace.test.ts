// compiler/plan/cspace.ts: each component's CNode as docs/slot-layout.md pins it. Every slot with
// exactly the rights the table gives (a Signal needs write only, a Call write, grant and grantReply,
// an IRQ handler none), its badge, its kind and role; caps only where the table says "present when".
import { describe, expect, it } from 'vitest';
import { systemSchema, type ComponentDescriptor, type SystemDescriptor } from '../../../schema/descriptor.js';
import { checkDescriptor } from '../../../compiler/check/index.js';
import { loadPlatform } from '../../../compiler/loadPlatform.js';
import { planSystem } from '../../../compiler/plan/index.js';
import { RIGHTS_CALL, RIGHTS_NONE, RIGHTS_RW, RIGHTS_SIGNAL, buildCSpace, componentObjects, irqHandlerName } from '../../../compiler/plan/cspace.js';
import { Slot, faultBadge, irqSlot, notificationBadge, notifySlot, ppcBadge, ppcSlot } from '../../../schema/abi.js';
import type { ModelChannelEnd, ModelComponent } from '../../../compiler/resolvePlatform.js';
import { repoRoot } from '../../helpers/files.js';

const { platform } = await loadPlatform('kaal-virt-rv32', repoRoot);
const component = (name: string, extra: Partial<ComponentDescriptor> = {}): ComponentDescriptor => ({ name, code: { elf: `${name}.elf` }, ...extra });

function plan(system: SystemDescriptor) {
  const checked = checkDescriptor(systemSchema.parse(system), platform);
  expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const planned = planSystem(checked.model, platform, {});
  expect(planned.diagnostics).toEqual([]);
  return planned.plan;
}

const cspaceOf = (p: ReturnType<typeof plan>, name: string) => p.components.find((c) => c.name === name)!.cspace;

describe('rights', () => {
  it('are those of docs/slot-layout.md', () => {
    expect(RIGHTS_RW).toEqual({ read: true, write: true, grant: false, grantReply: false });
    expect(RIGHTS_SIGNAL).toEqual({ read: false, write: true, grant: false, grantReply: false });
    expect(RIGHTS_CALL).toEqual({ read: false, write: true, grant: true, grantReply: true });
    expect(RIGHTS_NONE).toEqual({ read: false, write: false, grant: false, grantReply: false });
  });
});

describe('object names', () => {
  it('names a component’s objects, the endpoint only when it needs one', () => {
    expect(componentObjects('a', true)).toEqual({ tcb: 'tcb_a', cnode: 'cnode_a', vspace: 'vspace_a', notification: 'ntfn_a', endpoint: 'ep_a' });
    expect(componentObjects('a', false).endpoint).toBeNull();
    expect(irqHandlerName(10)).toBe('irq_10');
  });
});

describe('a CNode as pinned', () => {
  // client calls server (PPC, client's id 3, server's id 5) and is notified by it; server handles
  // client's faults; driver receives the UART's interrupt on channel 4 and the RTC's on channel 2.
  const system: SystemDescriptor = {
    name: 's',
    components: [
      component('client', { priority: 10, faultHandler: 'server' }),
      component('server', { priority: 20 }),
      component('driver', {
        priority: 30,
        devices: [
          { device: 'serial0', name: 'uart', irq: { channel: 4 } },
          { device: '/soc/rtc@101000', name: 'rtc', irq: { channel: 2 } },
        ],
      }),
      component('quiet', { priority: 5 }),
    ],
    channels: [
      { name: 'call', from: 'client', to: 'server', fromId: 3, toId: 5, ppc: true },
      { name: 'oneway', from: 'driver', to: 'quiet', fromId: 7, toId: 8, notify: false },
    ],
  };
  // Planned inside each test: Stryker switches a mutant on before each test, after the file's
  // describe bodies ran (docs/testing.md, "Module-level code").

  it('the caller: input notification, fault endpoint, own VSpace and TCB, a notify and a PPC cap', () => {
    expect(cspaceOf(plan(system), 'client')).toEqual([
      { slot: Slot.input, object: 'ntfn_client', kind: 'notification', rights: RIGHTS_RW, badge: 0, role: 'input' },
      { slot: Slot.faultEndpoint, object: 'ep_server', kind: 'endpoint', rights: RIGHTS_CALL, badge: faultBadge(0), role: 'faultEndpoint' },
      { slot: Slot.vspace, object: 'vspace_client', kind: 'vspace', rights: RIGHTS_RW, badge: 0, role: 'vspace' },
      { slot: Slot.tcb, object: 'tcb_client', kind: 'tcb', rights: RIGHTS_RW, badge: 0, role: 'tcb' },
      { slot: notifySlot(3), object: 'ntfn_server', kind: 'notification', rights: RIGHTS_SIGNAL, badge: notificationBadge(5), role: 'notify:3' },
      { slot: ppcSlot(3), object: 'ep_server', kind: 'endpoint', rights: RIGHTS_CALL, badge: ppcBadge(5), role: 'ppc:3' },
    ]);
  });

  it('the server: its endpoint at the input slot, no fault endpoint, no PPC cap of its own', () => {
    expect(cspaceOf(plan(system), 'server')).toEqual([
      { slot: Slot.input, object: 'ep_server', kind: 'endpoint', rights: RIGHTS_RW, badge: 0, role: 'input' },
      { slot: Slot.vspace, object: 'vspace_server', kind: 'vspace', rights: RIGHTS_RW, badge: 0, role: 'vspace' },
      { slot: Slot.tcb, object: 'tcb_server', kind: 'tcb', rights: RIGHTS_RW, badge: 0, role: 'tcb' },
      { slot: notifySlot(5), object: 'ntfn_client', kind: 'notification', rights: RIGHTS_SIGNAL, badge: notificationBadge(3), role: 'notify:5' },
    ]);
  });

  it('a channel with notify false gives neither end a notification cap', () => {
    const p = plan(system);
    expect(cspaceOf(p, 'quiet').map((s) => s.role)).toEqual(['input', 'vspace', 'tcb']);
    expect(cspaceOf(p, 'driver').some((s) => s.role.startsWith('notify'))).toBe(false);
  });

  it('the driver: an IRQ handler cap per interrupt, no rights, sorted by slot; its IRQ bindings by channel', () => {
    const driver = plan(system).components.find((c) => c.name === 'driver')!;
    expect(driver.cspace.slice(3)).toEqual([
      { slot: irqSlot(2), object: 'irq_11', kind: 'irqHandler', rights: RIGHTS_NONE, badge: 0, role: 'irq:2' },
      { slot: irqSlot(4), object: 'irq_10', kind: 'irqHandler', rights: RIGHTS_NONE, badge: 0, role: 'irq:4' },
    ]);
    expect(driver.irqs).toEqual([
      { irq: 11, channel: 2, handlerSlot: irqSlot(2), notification: 'ntfn_driver', badge: notificationBadge(2), device: '/soc/rtc@101000', name: 'rtc' },
      { irq: 10, channel: 4, handlerSlot: irqSlot(4), notification: 'ntfn_driver', badge: notificationBadge(4), device: '/soc/serial@10000000', name: 'uart' },
    ]);
  });

  it('a device granted without its interrupt gets no IRQ handler', () => {
    const noIrq = plan({ name: 's', components: [component('d', { devices: [{ device: 'serial0', irq: false }] })] });
    expect(noIrq.components[0]!.cspace.map((s) => s.role)).toEqual(['input', 'vspace', 'tcb']);
    expect(noIrq.components[0]!.irqs).toEqual([]);
  });
});

describe('buildCSpace on ends the checks would report', () => {
  const end = (peer: string, id: number | null, peerId: number | null, ppc: ModelChannelEnd['ppc'] = 'caller'): ModelChannelEnd => ({ channel: 0, path: 'channels.0', name: 'ch', id, peer, peerId, notify: true, ppc });
  const c = (ends: ModelChannelEnd[]): ModelComponent => ({
    index: 0, path: 'components.0', name: 'a', priority: 1, stackSize: 0x1000, code: { sources: [], elf: 'a.elf' }, faultHandler: null, devices: [], memory: [], channelEnds: ends,
  });
  const objectsOf = new Map([['a', componentObjects('a', true)], ['b', componentObjects('b', true)]]);
  const roles = (ends: ModelChannelEnd[]) => buildCSpace(c(ends), objectsOf.get('a')!, objectsOf).cspace.map((s) => s.role);

  it('gives caps for a channel end with both ids and a known peer other than itself, and none otherwise', () => {
    expect(roles([end('b', 1, 2)])).toEqual(['input', 'vspace', 'tcb', 'notify:1', 'ppc:1']);
    expect(roles([end('b', null, 2)])).toEqual(['input', 'vspace', 'tcb']);
    expect(roles([end('b', 1, null)])).toEqual(['input', 'vspace', 'tcb']);
    expect(roles([end('nobody', 1, 2)])).toEqual(['input', 'vspace', 'tcb']);
    expect(roles([end('a', 1, 2)])).toEqual(['input', 'vspace', 'tcb']);
  });

  it('a PPC cap only at the caller, even when the peer has an endpoint; slots sorted whatever the channel order', () => {
    expect(roles([end('b', 1, 2, 'server')])).toEqual(['input', 'vspace', 'tcb', 'notify:1']);
    expect(roles([end('b', 1, 2, 'none')])).toEqual(['input', 'vspace', 'tcb', 'notify:1']);
    expect(roles([end('b', 5, 2), end('b', 2, 3)])).toEqual(['input', 'vspace', 'tcb', 'notify:2', 'notify:5', 'ppc:2', 'ppc:5']);
  });
});
