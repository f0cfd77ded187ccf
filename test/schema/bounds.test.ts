// Every numeric bound of the descriptor schema, exactly at the bound and one past it: names of 64
// characters, priorities 0..254, channel ids 0..26, addresses 0..2^34 - 1, and permissions.
import { describe, expect, it } from 'vitest';
import { MAX_CHANNEL_ID } from '../../schema/abi.js';
import { MAX_PRIORITY, addressSchema, permsSchema, systemSchema, type ComponentDescriptor, type SystemDescriptor } from '../../schema/descriptor.js';

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
});
