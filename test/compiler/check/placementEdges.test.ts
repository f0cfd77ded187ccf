// Explicit placements and channel ids at the edges the other check tests leave: the first page
// above the null page, write-only and write-execute memory, a mapping of an unknown region or a
// grant of an unknown or disabled device at a bad vaddr (reported once, as unknown or disabled),
// overlapping mappings declared in reverse order (reported at the later address), a region name
// used twice (the first one's size counts), and a channel to itself with equal ids (KC3020 only).
import { describe, expect, it } from 'vitest';
import { systemSchema, type ComponentDescriptor, type SystemDescriptor } from '../../../schema/descriptor.js';
import { checkDescriptor } from '../../../compiler/check/index.js';
import { loadPlatform } from '../../../compiler/loadPlatform.js';
import { repoRoot } from '../../helpers/files.js';

const { platform } = await loadPlatform('kaal-virt-rv32', repoRoot);
const diagnostics = (descriptor: SystemDescriptor) => checkDescriptor(systemSchema.parse(descriptor), platform).diagnostics;
const check = (descriptor: SystemDescriptor) => diagnostics(descriptor).map((d) => [d.code, d.path]);
const component = (name: string, extra: Partial<ComponentDescriptor> = {}): ComponentDescriptor => ({ name, code: { elf: `${name}.elf` }, ...extra });

/** Component 'a' mapping region 'r' (one page) at `vaddr` with `perms`. */
const mapped = (vaddr: number | undefined, perms: 'r' | 'rw' | 'w' | 'wx' | 'rx' = 'rw', region = 'r'): SystemDescriptor => ({
  name: 's',
  components: [component('a', { memory: [{ region, perms, ...(vaddr === undefined ? {} : { vaddr }) }] })],
  memoryRegions: [{ name: 'r', size: 0x1000 }],
});

describe('the null page', () => {
  it('0x1000, the first page above it, is fine; 0x0 is KC3101', () => {
    expect(check(mapped(0x1000))).toEqual([]);
    expect(check(mapped(0))).toEqual([['KC3101', 'components.0.memory.0.vaddr']]);
  });
});

describe('permissions of memory', () => {
  it("'w' is KC3051 naming the region; 'wx' is KC3051 and KC3079; 'rx' and 'r' are fine", () => {
    expect(diagnostics(mapped(undefined, 'w')).map((d) => [d.code, d.path, d.message])).toEqual([
      ['KC3051', 'components.0.memory.0.perms', "perms 'w' of memory region 'r' in 'a' allow writing without reading"],
    ]);
    expect(check(mapped(undefined, 'wx'))).toEqual([
      ['KC3051', 'components.0.memory.0.perms'],
      ['KC3079', 'components.0.memory.0.perms'],
    ]);
    expect(check(mapped(undefined, 'rx'))).toEqual([]);
    expect(check(mapped(undefined, 'r'))).toEqual([]);
  });
});

describe('placements of what does not exist', () => {
  it('an unknown region at a vaddr between pages is KC3005 only', () => {
    expect(check(mapped(0x4000_0800, 'rw', 'nope')).filter(([code]) => code !== 'KC3072')).toEqual([['KC3005', 'components.0.memory.0.region']]);
  });

  it('an unknown or a disabled device at a vaddr between pages is KC3040 or KC3042 only', async () => {
    const at = (device: string) => ({ name: 's', components: [component('a', { devices: [{ device, mmio: { vaddr: 0x6000_0010 }, irq: false }] })] });
    expect(check(at('/soc/nothing@0'))).toEqual([['KC3040', 'components.0.devices.0.device']]);
    const { platform: odd } = await loadPlatform('fixtures/invalid/odd-board.dts', repoRoot);
    const disabled = checkDescriptor(systemSchema.parse({ ...at('/soc/gpio@10002000'), platform: 'odd-board.dts' }), odd).diagnostics;
    expect(disabled.map((d) => [d.code, d.path])).toEqual([['KC3042', 'components.0.devices.0.device']]);
  });
});

describe('overlapping mappings declared in reverse order', () => {
  it('KC3077 is at the mapping with the higher address, whatever the order', () => {
    const system = {
      name: 's',
      components: [component('a', { memory: [{ region: 'q', vaddr: 0x4000_1000, perms: 'r' }, { region: 'p', vaddr: 0x4000_0000, perms: 'rw' }] })],
      memoryRegions: [{ name: 'p', size: 0x2000 }, { name: 'q', size: 0x1000 }],
    } satisfies SystemDescriptor;
    expect(check(system)).toEqual([['KC3077', 'components.0.memory.0.vaddr']]);
    // Two at the same start: the shorter sorts first and the longer is reported, overlapping it.
    const same = { ...system, components: [component('a', { memory: [{ region: 'p', vaddr: 0x4000_0000, perms: 'rw' }, { region: 'q', vaddr: 0x4000_0000, perms: 'r' }] })] };
    expect(diagnostics(same).map((d) => [d.path, d.message])).toEqual([
      ['components.0.memory.0.vaddr', "in 'a', memory region 'p' at 0x4000_0000..0x4000_2000 overlaps memory region 'q' at 0x4000_0000..0x4000_1000"],
    ]);
  });
});

describe('a region name used twice', () => {
  it("is KC3002; a mapping of it is placed with the first region's size", () => {
    // First 'r' is one page, ending below the stack area at 0x7fff_b000; the second, three pages, would reach into it.
    const system = {
      name: 's',
      components: [component('a', { memory: [{ region: 'r', vaddr: 0x7fff_a000, perms: 'rw' }] })],
      memoryRegions: [{ name: 'r', size: 0x1000 }, { name: 'r', size: 0x3000 }],
    } satisfies SystemDescriptor;
    expect(check(system)).toEqual([['KC3002', 'memoryRegions.1.name']]);
  });
});

describe('a channel to itself', () => {
  it('with the same id at both ends is KC3020 only, not also a clash of ids', () => {
    expect(check({ name: 's', components: [component('a')], channels: [{ from: 'a', to: 'a', fromId: 1, toId: 1 }] })).toEqual([['KC3020', 'channels.0']]);
  });
});
