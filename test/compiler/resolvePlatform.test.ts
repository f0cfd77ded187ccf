// resolveSystem: devices bound to device-tree nodes, MMIO and IRQs from reg/interrupts, channel ids.
import { describe, expect, it } from 'vitest';
import { systemSchema, type SystemDescriptor } from '../../schema/descriptor.js';
import { resolveSystem } from '../../compiler/resolvePlatform.js';
import type { Platform } from '../../image/platformModel.js';

const device = (path: string, reg: [number, number][], interrupts: number[], extra: Partial<Platform['devices'][number]> = {}) => ({
  path,
  name: path.split('/').pop()!,
  labels: [],
  aliases: [],
  compatible: [],
  status: 'okay',
  reg: reg.map(([base, size]) => ({ base, size })),
  interrupts,
  interruptParent: '/soc/plic@c000000',
  isInterruptController: false,
  ...extra,
});

/** The bundled platform, built by hand so this test does not depend on the DTB reader. */
const platform = {
  model: 'kaal-virt-rv32',
  compatible: ['kaal,virt-rv32'],
  memory: [{ base: 0x8000_0000, size: 0x800_0000 }],
  reserved: [],
  ram: [{ base: 0x8000_0000, size: 0x800_0000 }],
  devices: [
    device('/soc/clint@2000000', [[0x200_0000, 0x1_0000]], [3, 7], { compatible: ['sifive,clint0', 'riscv,clint0'], interruptParent: null }),
    device('/soc/plic@c000000', [[0xc00_0000, 0x60_0000]], [11, 9], { compatible: ['sifive,plic-1.0.0'], isInterruptController: true, interruptParent: null }),
    device('/soc/rtc@101000', [[0x10_1000, 0x1000]], [11], { compatible: ['google,goldfish-rtc'], labels: ['rtc'] }),
    device('/soc/serial@10000000', [[0x1000_0000, 0x100]], [10], { compatible: ['ns16550a'], labels: ['uart0'], aliases: ['serial0'] }),
    device('/soc/test@100000', [[0x10_0000, 0x1000]], [], { compatible: ['sifive,test0'], labels: ['test'] }),
  ],
  aliases: { serial0: '/soc/serial@10000000' },
  labels: { uart0: '/soc/serial@10000000', rtc: '/soc/rtc@101000', test: '/soc/test@100000' },
  stdoutPath: '/soc/serial@10000000',
  timebaseFrequency: 10_000_000,
  otherNodes: { '/': 'root', '/cpus': 'noResources', '/cpus/cpu@0': 'cpu', '/memory@80000000': 'memory', '/soc': 'noResources' },
} as unknown as Platform;

const resolve = (descriptor: SystemDescriptor) => resolveSystem(systemSchema.parse(descriptor), platform);
const code = { sources: ['a.c'] };

describe('resolveSystem', () => {
  it('binds a device by alias, label, path or compatible and derives MMIO and IRQs from the node', () => {
    const { model, diagnostics } = resolve({
      name: 's',
      components: [{ name: 'a', code, devices: [{ device: 'serial0' }, { device: 'rtc', irq: false }, { device: '/soc/test@100000' }, { device: 'google,goldfish-rtc', mmio: false, irq: false }] }],
    });
    expect(diagnostics).toEqual([]);
    const [uart, rtc, test, byCompatible] = model.components[0]!.devices;
    expect(uart!.node!.path).toBe('/soc/serial@10000000');
    expect(uart!.mmio).toMatchObject({ ranges: [{ base: 0x1000_0000, size: 0x100 }], perms: 'rw', cached: false, shared: false, vaddr: null });
    expect(uart!.irqs).toEqual([{ path: 'components.0.devices.0.device', irq: 10, channel: 0, explicitChannel: false }]);
    expect(uart!.name).toBe('serial');
    expect(rtc!.irqs).toEqual([]);
    expect(test!.irqs).toEqual([]);
    expect(byCompatible!.node!.path).toBe('/soc/rtc@101000');
    expect(byCompatible!.mmio).toBeNull();
  });

  it('assigns free channel ids after the explicit ones: channels first, then IRQs', () => {
    const { model } = resolve({
      name: 's',
      components: [
        { name: 'a', code, devices: [{ device: 'serial0' }] },
        { name: 'b', code },
      ],
      channels: [
        { from: 'a', to: 'b', fromId: 0 },
        { from: 'a', to: 'b' },
      ],
    });
    expect(model.channels.map((c) => [c.fromId, c.toId])).toEqual([[0, 0], [1, 1]]);
    expect(model.components[0]!.devices[0]!.irqs[0]!.channel).toBe(2);
    expect(model.components[1]!.channelEnds.map((e) => [e.id, e.peer, e.peerId])).toEqual([[0, 'a', 0], [1, 'a', 1]]);
  });

  it('reports a device that is not in the tree (KC3040) and keeps going', () => {
    const { model, diagnostics } = resolve({ name: 's', components: [{ name: 'a', code, devices: [{ device: 'nope' }, { device: 'serial0' }] }] });
    expect(diagnostics.map((d) => [d.code, d.path])).toEqual([['KC3040', 'components.0.devices.0.device']]);
    expect(model.components[0]!.devices[1]!.node!.path).toBe('/soc/serial@10000000');
  });

  it('explicit ranges, vaddr, perms and IRQ numbers are kept as given', () => {
    const { model } = resolve({
      name: 's',
      components: [{ name: 'a', code, devices: [{ device: 'serial0', mmio: { vaddr: 0x6100_0000, perms: 'r', ranges: [{ paddr: 0x1000_0000, size: 0x1000 }] }, irq: { channel: 5, numbers: [10] } }] }],
    });
    const d = model.components[0]!.devices[0]!;
    expect(d.mmio).toMatchObject({ explicitRanges: true, vaddr: 0x6100_0000, perms: 'r', path: 'components.0.devices.0.mmio' });
    expect(d.irqs).toEqual([{ path: 'components.0.devices.0.irq', irq: 10, channel: 5, explicitChannel: true }]);
  });
});
