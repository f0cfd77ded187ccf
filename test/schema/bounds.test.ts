// Every numeric bound of the descriptor schema, exactly at the bound and one past it: names of 64
// characters, priorities 0..254, channel ids 0..26, addresses 0..2^34 - 1, and permissions.
// The schema is imported afresh for each test (vi.resetModules), so it is built inside the test and a
// mutant of its module-level zod code is seen by the tests here (docs/testing.md, "Static mutants").
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ComponentDescriptor, SystemDescriptor } from '../../schema/descriptor.js';

let MAX_CHANNEL_ID: number;
let MAX_PRIORITY: number;
let addressSchema: typeof import('../../schema/descriptor.js').addressSchema;
let permsSchema: typeof import('../../schema/descriptor.js').permsSchema;
let systemSchema: typeof import('../../schema/descriptor.js').systemSchema;

beforeEach(async () => {
  vi.resetModules();
  ({ MAX_CHANNEL_ID } = await import('../../schema/abi.js'));
  ({ MAX_PRIORITY, addressSchema, permsSchema, systemSchema } = await import('../../schema/descriptor.js'));
});

const component = (extra: Partial<ComponentDescriptor> = {}): ComponentDescriptor => ({ name: 'a', code: { elf: 'a.elf' }, ...extra });
const system = (extra: Partial<SystemDescriptor> = {}): SystemDescriptor => ({ name: 's', components: [component(), component({ name: 'b' })], ...extra });

/** The schema's issues as `[path, message]`; [] when the descriptor is valid. */
function issues(descriptor: unknown): [string, string][] {
  const result = systemSchema.safeParse(descriptor);
  return result.success ? [] : result.error.issues.map((i) => [i.path.join('.'), i.message]);
}

describe('descriptor bounds, at each bound and one past it', () => {
  it('a name may have 64 characters, not 65', () => {
    expect(issues(system({ name: 'n'.repeat(64) }))).toEqual([]);
    expect(issues(system({ name: 'n'.repeat(65) })).map(([p]) => p)).toEqual(['name']);
  });

  it('priority runs from 0 to 254: -1 and 255 are rejected, and 0 is kept (not replaced by the default)', () => {
    expect(MAX_PRIORITY).toBe(254);
    const parsed = systemSchema.parse(system({ components: [component({ priority: 0 }), component({ name: 'b', priority: 254 })] }));
    expect(parsed.components.map((c) => c.priority)).toEqual([0, 254]);
    expect(issues(system({ components: [component({ priority: -1 }), component({ name: 'b', priority: 255 })] })).map(([p]) => p)).toEqual([
      'components.0.priority',
      'components.1.priority',
    ]);
    expect(issues(system({ components: [component({ priority: 1.5 })] })).map(([p]) => p)).toEqual(['components.0.priority']);
  });

  it('channel ids run from 0 to 26 at either end; -1 and 27 are rejected', () => {
    expect(MAX_CHANNEL_ID).toBe(26);
    expect(issues(system({ channels: [{ from: 'a', to: 'b', fromId: 0, toId: 26 }] }))).toEqual([]);
    expect(issues(system({ channels: [{ from: 'a', to: 'b', fromId: -1, toId: 27 }] })).map(([p]) => p)).toEqual([
      'channels.0.fromId',
      'channels.0.toId',
    ]);
    expect(issues(system({ channels: [{ from: 'a', to: 'b', fromId: 27, toId: -1 }] })).map(([p]) => p)).toEqual([
      'channels.0.fromId',
      'channels.0.toId',
    ]);
  });

  it('an IRQ channel runs from 0 to 26', () => {
    const withIrq = (channel: number) => system({ components: [component({ devices: [{ device: 'serial0', irq: { channel } }] })] });
    expect(issues(withIrq(0))).toEqual([]);
    expect(issues(withIrq(26))).toEqual([]);
    expect(issues(withIrq(27)).map(([p]) => p)).toEqual(['components.0.devices.0.irq.channel']);
    expect(issues(withIrq(-1)).map(([p]) => p)).toEqual(['components.0.devices.0.irq.channel']);
  });

  it('an address runs from 0 to 2^34 - 1 (the Sv32 physical space), as a number or a string', () => {
    expect(addressSchema.parse(0)).toBe(0);
    expect(addressSchema.parse(2 ** 34 - 1)).toBe(2 ** 34 - 1);
    expect(addressSchema.parse('0x3_ffff_ffff')).toBe(2 ** 34 - 1);
    expect(addressSchema.parse('4_096')).toBe(4096);
    const past = addressSchema.safeParse(2 ** 34);
    expect(past.success).toBe(false);
    expect(past.error?.issues.map((i) => i.message)).toEqual(['beyond the 34-bit Sv32 physical address space']);
    expect(addressSchema.safeParse('0x4_0000_0000').success).toBe(false);
    expect(addressSchema.safeParse(-1).success).toBe(false);
    expect(addressSchema.safeParse(0.5).success).toBe(false);
    expect(addressSchema.safeParse('0x').success).toBe(false);
    expect(addressSchema.safeParse('-1').success).toBe(false);
  });

  it('permissions are one to three of r, w, x in that order', () => {
    for (const ok of ['r', 'w', 'x', 'rw', 'rx', 'wx', 'rwx']) expect(permsSchema.safeParse(ok).success, ok).toBe(true);
    expect(permsSchema.safeParse('').error?.issues.map((i) => i.message)).toEqual(['permissions must not be empty']);
    for (const bad of ['wr', 'rr', 'rwxr', 'R']) expect(permsSchema.safeParse(bad).success, bad).toBe(false);
  });

  it('a system needs one component; code needs sources or an ELF', () => {
    expect(issues({ name: 's', components: [] })).toEqual([['components', 'a system needs at least one component']]);
    expect(issues(system({ components: [component({ code: {} })] })).map(([p]) => p)).toEqual(['components.0.code']);
  });

  it("says what is wrong with a name, an address string and a component's code", () => {
    expect(issues(system({ name: '1s' }))).toEqual([['name', "a system name starts with a letter or '_' and has only letters, digits, '_' and '-'"]]);
    expect(issues(system({ components: [component({ name: 'a.b' })] }))).toEqual([
      ['components.0.name', "a component name starts with a letter or '_' and has only letters, digits, '_' and '-'"],
    ]);
    // zod reports the union's failure with the string branch's message inside it
    expect(JSON.stringify(addressSchema.safeParse('0x1g').error?.issues)).toContain("expected a number such as 4096 or '0x1000_0000'");
    expect(addressSchema.parse('0x1_000')).toBe(0x1000);
    expect(issues(system({ components: [component({ code: {} })] }))).toEqual([
      ['components.0.code', "give the component's C 'sources', a ready 'elf', or both"],
    ]);
  });

  it('names the kind of name in the message of each name field', () => {
    const bad = 'x.y';
    const message = (what: string) => `a ${what} name starts with a letter or '_' and has only letters, digits, '_' and '-'`;
    const found = issues({
      name: 's',
      components: [
        component({ faultHandler: bad, devices: [{ device: 'serial0', name: bad }], memory: [{ region: bad, name: bad }] }),
        component({ name: 'b' }),
      ],
      memoryRegions: [{ name: bad, size: 0x1000 }],
      channels: [{ name: bad, from: bad, to: bad }],
    });
    expect(found).toEqual([
      ['components.0.devices.0.name', message('device')],
      ['components.0.memory.0.region', message('memory region')],
      ['components.0.memory.0.name', message('mapping')],
      ['components.0.faultHandler', message('component')],
      ['memoryRegions.0.name', message('memory region')],
      ['channels.0.name', message('channel')],
      ['channels.0.from', message('component')],
      ['channels.0.to', message('component')],
    ]);
    expect(permsSchema.safeParse('wr').error?.issues.map((i) => i.message)).toEqual(["permissions are letters from 'rwx' in that order, such as 'rw' or 'rx'"]);
  });

  it('fills the defaults: no devices, memory, regions or channels; a device grant maps its registers', () => {
    const parsed = systemSchema.parse(system());
    expect(parsed.memoryRegions).toEqual([]);
    expect(parsed.channels).toEqual([]);
    expect(parsed.components[0]!.devices).toEqual([]);
    expect(parsed.components[0]!.memory).toEqual([]);
    const withDevice = systemSchema.parse(system({ components: [component({ devices: [{ device: 'serial0' }] })] }));
    expect(withDevice.components[0]!.devices[0]!.mmio).toBe(true);
  });

  it('code may be C sources alone, a ready ELF alone, or both', () => {
    expect(issues(system({ components: [component({ code: { sources: ['a.c'] } })] }))).toEqual([]);
    expect(issues(system({ components: [component({ code: { elf: 'a.elf' } })] }))).toEqual([]);
    expect(issues(system({ components: [component({ code: { sources: ['a.c'], elf: 'a.elf' } })] }))).toEqual([]);
  });
});
