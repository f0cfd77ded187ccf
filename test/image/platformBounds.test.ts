// The platform model's remaining bounds, on small trees compiled by dtc: the interrupt-parent walk's
// 256-step limit and the GIC-stacking depth of 16 (each at the limit and one past), a stacked
// controller that takes other than 3 cells, a root `memory` node of another device_type, the order
// of three aliases and labels, a device found by its second `reg` range, and what lies below
// /reserved-memory's children. Each platform is computed inside its test (mutation testing).
import { describe, expect, it } from 'vitest';
import { deviceAt } from '../../image/platform.js';
import { ONE_CELL, device, messages, platformCompiler } from './platformTrees.js';

const platformOf = platformCompiler('platform-bounds');

/** `depth` nested nodes `n`, the innermost holding `inner`. */
function nested(depth: number, inner: string): string {
  return `${'n { '.repeat(depth)}${inner}${' };'.repeat(depth)}`;
}

describe('the interrupt-parent walk', () => {
  it('climbs 256 ancestors to the controller, and calls a 257th a loop', () => {
    // The device is `depth` levels below the root, which is the controller: the walk takes
    // `depth` steps, numbered 0 to depth - 1; step 257 is refused.
    const at = (depth: number) =>
      platformOf(`${ONE_CELL} interrupt-controller; #interrupt-cells = <1>; ${nested(depth - 1, 'dev { interrupts = <7>; };')}`);
    const ok = at(257);
    expect(ok.devices.map((d) => [d.interrupts, d.interruptParent])).toEqual([[[7], '/']]);
    expect(ok.diagnostics).toEqual([]);
    const far = at(258);
    expect(far.devices.map((d) => [d.interrupts, d.interruptParent])).toEqual([[[], null]]);
    expect(messages(far)).toEqual([`KC2202: interrupts of '/${'n/'.repeat(257)}dev' cannot be resolved: the interrupt-parent chain loops`]);
  });

  it('numbers by a GIC 16 stacked 3-cell controllers away, and not 17', () => {
    // Controllers c0 … c<count-1> (3 cells each) each name the next as parent; the last names the GIC.
    const chain = (count: number) => {
      const controllers = Array.from(
        { length: count },
        (_, i) => `c${i} { interrupt-controller; #interrupt-cells = <3>; interrupt-parent = <${i + 2}>; phandle = <${i + 1}>; };`,
      ).join('\n');
      return platformOf(`${ONE_CELL}
        gic { compatible = "arm,gic-400"; interrupt-controller; #interrupt-cells = <3>; phandle = <${count + 1}>; };
        ${controllers}
        dev@100 { reg = <0x100 0x10>; interrupt-parent = <1>; interrupts = <0 5 4>; };`);
    };
    expect(device(chain(16), '/dev@100').interrupts).toEqual([37]);
    expect(device(chain(17), '/dev@100').interrupts).toEqual([0]);
  });

  it('does not number a 2- or 4-cell controller stacked on a GIC as a GIC', () => {
    const p = platformOf(`${ONE_CELL}
      gic@1000 { compatible = "arm,gic-v3"; reg = <0x1000 0x100>; interrupt-controller; #interrupt-cells = <3>; phandle = <1>; };
      four@2000 { reg = <0x2000 0x100>; interrupt-controller; #interrupt-cells = <4>; interrupt-parent = <1>; phandle = <2>; };
      three@3000 { reg = <0x3000 0x100>; interrupt-controller; #interrupt-cells = <3>; interrupt-parent = <1>; phandle = <3>; };
      a@100 { reg = <0x100 0x10>; interrupt-parent = <2>; interrupts = <0 5 4 0>; };
      b@200 { reg = <0x200 0x10>; interrupt-parent = <3>; interrupts = <0 5 4>; };`);
    expect(device(p, '/a@100').interrupts).toEqual([0]);
    expect(device(p, '/b@200').interrupts).toEqual([37]);
  });

  it('takes interrupts of a whole number of specifiers without a warning, and warns at one cell more', () => {
    const p = platformOf(`${ONE_CELL} interrupt-parent = <1>;
      ic { interrupt-controller; #interrupt-cells = <2>; phandle = <1>; };
      a@100 { reg = <0x100 0x10>; interrupts = <3 0 4 0>; };
      b@200 { reg = <0x200 0x10>; interrupts = <3 0 4>; };`);
    expect(device(p, '/a@100').interrupts).toEqual([3, 4]);
    expect(device(p, '/b@200').interrupts).toEqual([3]);
    expect(messages(p)).toEqual(["KC2204: 'interrupts' of '/b@200' has 12 bytes, not a whole number of 8-byte entries"]);
  });
});

describe('memory, lookup and skipped nodes', () => {
  it('takes a root node named memory as RAM only without another device_type', () => {
    const p = platformOf(`${ONE_CELL}
      memory@80000000 { device_type = "reserved"; reg = <0x80000000 0x1000>; };
      memory@90000000 { reg = <0x90000000 0x1000>; };`);
    expect(p.memory).toEqual([{ base: 0x9000_0000, size: 0x1000 }]);
    expect(p.devices.map((d) => d.path)).toEqual(['/memory@80000000']);
  });

  it('lists three aliases and three labels of one device in order', () => {
    const p = platformOf(`${ONE_CELL}
      aliases { serial2 = "/uart@100"; serial0 = "/uart@100"; serial1 = "/uart@100"; };
      __symbols__ { m = "/uart@100"; z = "/uart@100"; a = "/uart@100"; };
      uart@100 { reg = <0x100 0x10>; };`);
    expect(device(p, '/uart@100')).toMatchObject({ aliases: ['serial0', 'serial1', 'serial2'], labels: ['a', 'm', 'z'] });
  });

  it('finds a device by an address in its second reg range', () => {
    const p = platformOf(`${ONE_CELL} dev@100 { reg = <0x100 0x10 0x400 0x10>; };`);
    expect(deviceAt(p, 0x400)?.path).toBe('/dev@100');
    expect(deviceAt(p, 0x10f)?.path).toBe('/dev@100');
    expect(deviceAt(p, 0x200)).toBeUndefined();
  });

  it('skips what lies below a /reserved-memory child and below __symbols__', () => {
    const p = platformOf(`${ONE_CELL}
      reserved-memory { ${ONE_CELL} ranges; region@1000 { reg = <0x1000 0x100>; sub@1000 { reg = <0x1000 0x10>; }; }; };
      __symbols__ { inner { reg = <0x3000 0x10>; }; };`);
    expect(p.reserved).toEqual([{ base: 0x1000, size: 0x100 }]);
    expect(p.devices).toEqual([]);
    expect(Object.keys(p.otherNodes).sort()).toEqual(['/', '/reserved-memory', '/reserved-memory/region@1000']);
  });
});
