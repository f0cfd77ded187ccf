// The checks the mutation run of compiler/check showed unguarded (docs/testing.md): page rounding,
// the fault-handler cycle as reported (only the cycle, from its first component), a device without
// interrupts or reg named as such, MMIO ranges repeated versus merely sharing a base, a range in a
// an unaligned range inside the node, execute-only registers, one report per clashing component,
// and the ends shown in KC3076 and KC3055.
import { describe, expect, it } from 'vitest';
import { systemSchema, type ComponentDescriptor, type SystemDescriptor } from '../../../schema/descriptor.js';
import { checkDescriptor } from '../../../compiler/check/index.js';
import { hex, pageDown, pageUp } from '../../../compiler/check/format.js';
import { loadPlatform } from '../../../compiler/loadPlatform.js';
import { repoRoot } from '../../helpers/files.js';

const { platform } = await loadPlatform('kaal-virt-rv32', repoRoot);
const diagnostics = (descriptor: SystemDescriptor) => checkDescriptor(systemSchema.parse(descriptor), platform).diagnostics;
const check = (descriptor: SystemDescriptor) => diagnostics(descriptor).map((d) => [d.code, d.path]);
const messages = (descriptor: SystemDescriptor) => diagnostics(descriptor).map((d) => d.message);
const component = (name: string, extra: Partial<ComponentDescriptor> = {}): ComponentDescriptor => ({ name, code: { elf: `${name}.elf` }, ...extra });

describe('page rounding and hex', () => {
  it('rounds down and up to 4 KiB pages, exact pages unchanged', () => {
    expect([pageDown(0x1000_0100), pageDown(0x1000_0000), pageDown(0x1000_0fff)]).toEqual([0x1000_0000, 0x1000_0000, 0x1000_0000]);
    expect([pageUp(0x1000_0100), pageUp(0x1000_1000), pageUp(0x1000_0001)]).toEqual([0x1000_1000, 0x1000_1000, 0x1000_1000]);
    expect([hex(0), hex(0xffff), hex(0x1_0000), hex(0x8000_0000)]).toEqual(['0x0', '0xffff', '0x1_0000', '0x8000_0000']);
  });
});

describe('fault-handler cycles', () => {
  it('a component that only leads into a cycle is not part of it; the cycle starts at its first component', () => {
    // d → b → a → b: the cycle is a, b (a comes first in the descriptor), reported once at a.
    const system: SystemDescriptor = {
      name: 's',
      components: [component('d', { faultHandler: 'b' }), component('a', { faultHandler: 'b' }), component('b', { faultHandler: 'a' })],
    };
    expect(check(system)).toEqual([['KC3007', 'components.1.faultHandler']]);
    expect(messages(system)).toEqual(["fault handlers form a cycle: 'a' → 'b' → 'a'"]);
    expect(messages(system)[0]).not.toContain("'d'");
  });
});

describe('interrupts of a device', () => {
  it('an IRQ asked of a device without interrupts says none; of one with several lists them', () => {
    const ask = (device: string, irq: number) => ({ name: 's', components: [component('a', { devices: [{ device, irq: { numbers: [irq] } }] })] });
    const none = diagnostics(ask('/soc/test@100000', 5)).filter((d) => d.code === 'KC3061');
    expect(none.map((d) => d.message)).toEqual([expect.stringMatching(/\bnone\b/)]);
    expect(none.map((d) => d.path)).toEqual(['components.0.devices.0.irq.numbers']);
    const rtc = diagnostics(ask('/soc/rtc@101000', 5)).filter((d) => d.code === 'KC3061');
    expect(rtc.map((d) => d.message)).toEqual([expect.stringContaining('11')]);
  });
});

describe('explicit MMIO ranges', () => {
  const ranges = (list: { paddr: number; size: number }[], device = '/soc/test@100000', extra: object = {}) => ({
    name: 's',
    components: [component('a', { devices: [{ device, mmio: { ranges: list, ...extra }, irq: false as const }] })],
  });

  it('a range repeated exactly is KC3103 at the second; one with the same base or the same size only is not', () => {
    expect(check(ranges([{ paddr: 0x10_0000, size: 0x1000 }, { paddr: 0x10_0000, size: 0x1000 }]))).toEqual([['KC3103', 'components.0.devices.0.mmio.ranges.1']]);
    // The same base, a different size; the same size, a different base: each is outside the node.
    expect(check(ranges([{ paddr: 0x10_0000, size: 0x1000 }, { paddr: 0x10_0000, size: 0x2000 }]))).toEqual([['KC3045', 'components.0.devices.0.mmio.ranges.1']]);
    expect(check(ranges([{ paddr: 0x10_0000, size: 0x1000 }, { paddr: 0x10_1000, size: 0x1000 }]))).toEqual([['KC3045', 'components.0.devices.0.mmio.ranges.1']]);
  });

  it('inside the node is inside its reg; the message lists the reg', () => {
    expect(check(ranges([{ paddr: 0x10_0000, size: 0x1000 }]))).toEqual([]);
    expect(check(ranges([{ paddr: 0x10_1000, size: 0x1000 }]))).toEqual([['KC3045', 'components.0.devices.0.mmio.ranges.0']]);
    expect(messages(ranges([{ paddr: 0x10_1000, size: 0x1000 }]))[0]).toContain('0x10_0000..0x10_1000');
  });

  it('a range inside the node but not on page boundaries is KC3046, by base or by size', () => {
    expect(check(ranges([{ paddr: 0x1000_0000, size: 0x100 }], '/soc/serial@10000000'))).toEqual([['KC3046', 'components.0.devices.0.mmio.ranges.0']]);
    expect(check(ranges([{ paddr: 0x1000_0080, size: 0x80 }], '/soc/serial@10000000'))).toEqual([['KC3046', 'components.0.devices.0.mmio.ranges.0']]);
  });

  it('execute-only registers are KC3050 alone: no write-without-read', () => {
    const codes = check(ranges([{ paddr: 0x10_0000, size: 0x1000 }], '/soc/test@100000', { perms: 'x' })).map(([code]) => code);
    expect(codes).toEqual(['KC3050']);
  });

  it('a grant clashing with another component through two of its ranges in one page is reported once', () => {
    const two = component('b', { devices: [{ device: '/soc/test@100000', mmio: { ranges: [{ paddr: 0x10_0000, size: 0x800 }, { paddr: 0x10_0800, size: 0x800 }] } }] });
    const codes = check({ name: 's', components: [component('a', { devices: [{ device: '/soc/test@100000' }] }), two] }).map(([code]) => code);
    expect(codes.filter((code) => code === 'KC3048')).toEqual(['KC3048']);
  });
});

describe('ends shown in messages', () => {
  it('KC3076 shows where the mapping would end', () => {
    const system = { name: 's', components: [component('a', { memory: [{ region: 'r', vaddr: 0x7fff_f000, perms: 'rw' as const }] })], memoryRegions: [{ name: 'r', size: 0x2000 }] };
    expect(messages(system)).toEqual([expect.stringContaining('0x7fff_f000..0x8000_1000')]);
  });

  it('KC3055 between two regions shows the earlier one with its end', () => {
    const system = {
      name: 's',
      components: [component('a', { memory: [{ region: 'p', perms: 'rw' as const }, { region: 'q', perms: 'rw' as const }] })],
      memoryRegions: [{ name: 'p', size: 0x2000, paddr: 0x8700_0000 }, { name: 'q', size: 0x1000, paddr: 0x8700_1000 }],
    };
    expect(messages(system)).toEqual(["memory region 'q' (0x8700_1000..0x8700_2000) overlaps memory region 'p' (0x8700_0000..0x8700_2000)"]);
  });
});
