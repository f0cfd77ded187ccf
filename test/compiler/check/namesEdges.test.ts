// Names at the edges: the lists of known components and regions in hints (two of each), and what
// a name used twice means elsewhere: the first component of a name is the one whose priority and
// fault handler count, and a fault-handler cycle is reported at that component's `faultHandler`
// (it was reported at the last component of the name, which may have no fault handler at all).
import { describe, expect, it } from 'vitest';
import { systemSchema, type ComponentDescriptor, type SystemDescriptor } from '../../../schema/descriptor.js';
import { checkDescriptor } from '../../../compiler/check/index.js';
import { loadPlatform } from '../../../compiler/loadPlatform.js';
import { repoRoot } from '../../helpers/files.js';

const { platform } = await loadPlatform('kaal-virt-rv32', repoRoot);
const diagnostics = (descriptor: SystemDescriptor) => checkDescriptor(systemSchema.parse(descriptor), platform).diagnostics;
const check = (descriptor: SystemDescriptor) => diagnostics(descriptor).map((d) => [d.code, d.path]);
const component = (name: string, extra: Partial<ComponentDescriptor> = {}): ComponentDescriptor => ({ name, code: { elf: `${name}.elf` }, ...extra });

describe('hints listing what is known', () => {
  it('name every component and every region, comma-separated', () => {
    const system: SystemDescriptor = {
      name: 's',
      components: [component('a', { memory: [{ region: 'x' }], faultHandler: 'h' }), component('b')],
      memoryRegions: [{ name: 'p', size: 0x1000 }, { name: 'q', size: 0x1000 }],
      channels: [{ from: 'z', to: 'b' }],
    };
    expect(diagnostics(system).filter((d) => d.severity === 'error').map((d) => [d.code, d.path, d.hint])).toEqual([
      ['KC3004', 'channels.0.from', "known components: 'a', 'b'"],
      ['KC3005', 'components.0.memory.0.region', "declare it in 'memoryRegions' (known: 'p', 'q')"],
      ['KC3006', 'components.0.faultHandler', "known components: 'a', 'b'"],
    ]);
  });
});

describe('a component name used twice', () => {
  it('a fault-handler cycle is reported at the first component of the name, the one whose handler the cycle follows', () => {
    // The later 'a' has no fault handler: components.2.faultHandler is not in the descriptor.
    expect(check({ name: 's', components: [component('a', { faultHandler: 'b' }), component('b', { faultHandler: 'a' }), component('a')] })).toEqual([
      ['KC3001', 'components.2.name'],
      ['KC3007', 'components.0.faultHandler'],
    ]);
    // The first 'a' has none, the later one has: its handler makes the cycle and is where it is reported.
    expect(check({ name: 's', components: [component('a'), component('b', { faultHandler: 'a' }), component('a', { faultHandler: 'b' })] })).toEqual([
      ['KC3001', 'components.2.name'],
      ['KC3007', 'components.2.faultHandler'],
    ]);
  });

  it("the first component's fault handler counts: a later one of the name cannot break or make a cycle", () => {
    const codes = (later: string) =>
      check({ name: 's', components: [component('a', { faultHandler: 'b' }), component('b', { faultHandler: 'a' }), component('a', { faultHandler: later })] }).map(([code]) => code);
    expect(codes('b')).toEqual(['KC3001', 'KC3007']);
    // 'c' is unknown (KC3006), but the cycle through the first 'a' stands.
    expect(codes('c')).toEqual(['KC3001', 'KC3006', 'KC3007']);
  });

  it("the first component's priority counts for a PPC to the name", () => {
    const system = (later: number): SystemDescriptor => ({
      name: 's',
      components: [component('c', { priority: 10 }), component('v', { priority: 50 }), component('c', { priority: later })],
      channels: [{ from: 'c', to: 'v', ppc: true }],
    });
    expect(check(system(100))).toEqual([['KC3001', 'components.2.name']]);
  });
});
