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
});
