// MMIO ownership: registers go to one component unless every grant of them says `shared`.
import { describe, expect, it } from 'vitest';
import { systemSchema, type SystemDescriptor } from '../../../schema/descriptor.js';
import { checkDescriptor } from '../../../compiler/check/index.js';
import { loadPlatform } from '../../../compiler/loadPlatform.js';
import { repoRoot } from '../../helpers/files.js';

const diagnosticsOf = async (descriptor: SystemDescriptor) => {
  const { platform } = await loadPlatform('kaal-virt-rv32', repoRoot);
  return checkDescriptor(systemSchema.parse(descriptor), platform).diagnostics;
};
const check = async (descriptor: SystemDescriptor) => (await diagnosticsOf(descriptor)).map((d) => [d.code, d.path]);
const test = (name: string, shared: boolean) => ({ name, code: { sources: ['x.c'] }, devices: [{ device: '/soc/test@100000', mmio: { shared } }] });

describe('MMIO ownership', () => {
  it('many components may share registers when every grant says shared', async () => {
    expect(await check({ name: 's', components: [test('a', true), test('b', true), test('c', true)] })).toEqual([]);
  });

  it('an exclusive grant of registers others share is reported against each of them', async () => {
    expect(await check({ name: 's', components: [test('a', true), test('b', true), test('c', false)] })).toEqual([
      ['KC3048', 'components.2.devices.0.mmio'],
      ['KC3048', 'components.2.devices.0.mmio'],
    ]);
    // One report per component that shares them, naming both holders.
    expect((await diagnosticsOf({ name: 's', components: [test('a', true), test('b', true), test('c', false)] })).map((d) => d.message)).toEqual([
      "registers of '/soc/test@100000' (0x10_0000..0x10_1000) are granted to both 'a' and 'c'",
      "registers of '/soc/test@100000' (0x10_0000..0x10_1000) are granted to both 'b' and 'c'",
    ]);
  });

  it('the same component may hold the registers through one grant only (KC3056), not as a conflict with itself', async () => {
    const c = { name: 'a', code: { sources: ['x.c'] }, devices: [{ device: '/soc/test@100000', name: 't1' }, { device: '/soc/test@100000', name: 't2' }] };
    expect(await check({ name: 's', components: [c] })).toEqual([['KC3056', 'components.0.devices.1']]);
  });

  it('a range outside its node is KC3045 only, not a clash named after its node (issue 15)', async () => {
    // b's range lies in the test device's page, not in the UART's: before, KC3048 said
    // "registers of '/soc/serial@10000000' (0x10_0000..0x10_1000) are granted to both 'a' and 'b'".
    const stray = { name: 'b', code: { sources: ['x.c'] }, devices: [{ device: '/soc/serial@10000000', mmio: { ranges: [{ paddr: 0x10_0000, size: 0x1000 }] }, irq: false as const }] };
    const diagnostics = await diagnosticsOf({ name: 's', components: [test('a', false), stray] });
    expect(diagnostics.map((d) => [d.code, d.path])).toEqual([['KC3045', 'components.1.devices.0.mmio.ranges.0']]);
  });

  it('two nodes in one page granted to two components: KC3048 names both nodes', async () => {
    const { platform } = await loadPlatform('fixtures/invalid/odd-board.dts', repoRoot);
    const tiny = (name: string, device: string) => ({ name, code: { sources: ['x.c'] }, devices: [{ device }] });
    const diagnostics = checkDescriptor(systemSchema.parse({ name: 's', platform: 'odd-board.dts', components: [tiny('a', 'vendor,tiny-a'), tiny('b', 'vendor,tiny-b')] }), platform).diagnostics;
    expect(diagnostics.filter((d) => d.code === 'KC3048').map((d) => d.message)).toEqual([
      "registers of '/soc/tiny@10003000' and '/soc/tiny@10003100' (0x1000_3000..0x1000_4000) are granted to both 'a' and 'b'",
    ]);
  });
});
