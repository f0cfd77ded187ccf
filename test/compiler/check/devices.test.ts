// Device references that name a node of the tree which is no device: KC3110 says what the node is
// and why it cannot be granted, where KC3040 said "not in the device tree" (issue 15).
import { describe, expect, it } from 'vitest';
import { systemSchema } from '../../../schema/descriptor.js';
import { checkDescriptor } from '../../../compiler/check/index.js';
import { loadPlatform } from '../../../compiler/loadPlatform.js';
import { repoRoot } from '../../helpers/files.js';

const grantOf = async (device: string) => {
  const { platform } = await loadPlatform('kaal-virt-rv32', repoRoot);
  const system = systemSchema.parse({ name: 's', components: [{ name: 'a', code: { sources: ['a.c'] }, devices: [{ device }] }] });
  return checkDescriptor(system, platform).diagnostics.map((d) => [d.code, d.message, d.hint]);
};

describe('a grant of a node that is not a device', () => {
  it.each([
    ['/', "device '/' of 'a' is the root node, not a device that can be granted", "grant one of the devices below it ('kaal-compose dt' lists them)"],
    ['/cpus/cpu@0', `device '/cpus/cpu@0' of 'a' is a CPU ('device_type = "cpu"'), not a device that can be granted`, 'harts belong to the kernel, which schedules components on them: they are never granted'],
    ['/memory@80000000', "device '/memory@80000000' of 'a' is RAM (a memory node), not a device that can be granted", "RAM is not granted as a device: declare a 'memoryRegions' entry and map it with the component's 'memory'"],
    ['/soc', "device '/soc' of 'a' is a node without 'reg' or 'interrupts', not a device that can be granted", 'it has no registers and no interrupt to grant: grant one of its children that has them'],
    ['/soc/', "device '/soc/' ('/soc') of 'a' is a node without 'reg' or 'interrupts', not a device that can be granted", 'it has no registers and no interrupt to grant: grant one of its children that has them'],
    ['/cpus/cpu@0/interrupt-controller', "device '/cpus/cpu@0/interrupt-controller' of 'a' is a node without 'reg' or 'interrupts', not a device that can be granted", 'it has no registers and no interrupt to grant: grant one of its children that has them'],
  ])('%s is KC3110, saying what it is', async (device, message, hint) => {
    expect(await grantOf(device)).toEqual([['KC3110', message, hint]]);
  });

  it('a label naming such a node is KC3110 too, with the path it names', async () => {
    const [[code, message]] = (await grantOf('cpu0')) as [[string, string]];
    expect([code, message]).toEqual(['KC3110', `device 'cpu0' ('/cpus/cpu@0') of 'a' is a CPU ('device_type = "cpu"'), not a device that can be granted`]);
  });

  it('a path that names no node at all stays KC3040', async () => {
    expect((await grantOf('/soc/serial@20000000')).map((d) => d[0])).toEqual(['KC3040']);
    expect((await grantOf('/nothing')).map((d) => d[0])).toEqual(['KC3040']);
  });

  it("a node whose 'reg' was not read whole is KC3112 when its reg is granted, not when explicit ranges within it are", async () => {
    const { platform } = await loadPlatform('fixtures/invalid/bad-reg-board.dts', repoRoot);
    const withMmio = (mmio?: object) => systemSchema.parse({
      name: 's', platform: 'bad-reg-board.dts',
      components: [{ name: 'a', code: { sources: ['a.c'] }, devices: [{ device: '/soc/serial@10000000', ...(mmio ? { mmio } : {}) }] }],
    });
    expect(checkDescriptor(withMmio(), platform).diagnostics.map((d) => [d.code, d.path])).toEqual([['KC3112', 'components.0.devices.0.device']]);
    expect(checkDescriptor(withMmio({ perms: 'r' }), platform).diagnostics.map((d) => [d.code, d.path])).toEqual([['KC3112', 'components.0.devices.0.mmio']]);
    const explicit = withMmio({ ranges: [{ paddr: 0x1000_0000, size: 0x100 }] });
    expect(checkDescriptor(explicit, platform).diagnostics.map((d) => d.code)).not.toContain('KC3112');
  });
});

