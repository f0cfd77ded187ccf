// The platform model where the session-9 mutation run of image/platform.ts found no test looking:
// empty alias and symbol values, a device with neither label nor alias, a controller that is also an
// interrupt nexus (both `interrupt-controller` and `interrupt-map`), and a node without `reg` on a
// bus of zero size cells. Small trees compiled by dtc; each platform is computed inside its test.
import { describe, expect, it } from 'vitest';
import { ONE_CELL, device, messages, platformCompiler } from './platformTrees.js';

const platformOf = platformCompiler('platform-nodes');

describe('aliases and labels', () => {
  it('skips an empty alias or symbol value (no string at all) and keeps the others', () => {
    const p = platformOf(`${ONE_CELL}
      aliases { empty; serial0 = "/uart@100"; };
      __symbols__ { none; uart = "/uart@100"; };
      uart@100 { reg = <0x100 0x10>; };`);
    expect(p.aliases).toEqual({ serial0: '/uart@100' });
    expect(p.labels).toEqual({ uart: '/uart@100' });
    expect(device(p, '/uart@100')).toMatchObject({ aliases: ['serial0'], labels: ['uart'] });
  });

  it('gives a device without label or alias empty lists, beside one that has both', () => {
    const p = platformOf(`${ONE_CELL}
      aliases { serial0 = "/uart@100"; };
      __symbols__ { uart = "/uart@100"; };
      uart@100 { reg = <0x100 0x10>; };
      rtc@200 { reg = <0x200 0x10>; };`);
    expect(device(p, '/rtc@200')).toMatchObject({ aliases: [], labels: [] });
    expect(device(p, '/uart@100')).toMatchObject({ aliases: ['serial0'], labels: ['uart'] });
  });
});

describe('interrupt controllers', () => {
  it('resolves interrupts through a controller that also has an interrupt-map, without a nexus note', () => {
    const p = platformOf(`${ONE_CELL}
      intc@1000 { reg = <0x1000 0x100>; interrupt-controller; #interrupt-cells = <1>; interrupt-map = <0 1 9>; phandle = <1>; };
      dev@2000 { reg = <0x2000 0x10>; interrupt-parent = <1>; interrupts = <5 6>; };`);
    expect(device(p, '/dev@2000')).toMatchObject({ interrupts: [5, 6], interruptParent: '/intc@1000' });
    expect(messages(p)).toEqual([]);
  });
});

describe('nodes that are no device', () => {
  it('calls a node without reg on a bus of zero size cells noResources, and one with reg unmappedBus', () => {
    const p = platformOf(`${ONE_CELL}
      i2c@1000 { reg = <0x1000 0x100>; #address-cells = <1>; #size-cells = <0>;
        eeprom@50 { reg = <0x50>; };
        sensor { compatible = "acme,sensor"; }; };`);
    expect(p.otherNodes).toEqual({ '/': 'root', '/i2c@1000/eeprom@50': 'unmappedBus', '/i2c@1000/sensor': 'noResources' });
  });
});
