// The platform's `ranges` windows at their edges (Devicetree spec §2.3.8): a child address at a
// window's first byte and at its last translates, one at the window's end or just below its start
// does not, and every entry of a multi-entry `ranges` is its own window.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeFdt } from '../../image/fdt/decodeFdt.js';
import { findDevice, platformFromFdt } from '../../image/platform.js';
import type { Platform } from '../../image/platformModel.js';
import { compileDtsText } from './fdt/corpus.js';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-ranges-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

function platformOf(name: string, body: string): Platform {
  return platformFromFdt(decodeFdt(compileDtsText(temp, name, `/dts-v1/;\n/ {\n#address-cells = <1>; #size-cells = <1>;\n${body}\n};\n`)));
}

const regOf = (p: Platform, ref: string) => {
  const found = findDevice(p, ref);
  return found.kind === 'found' ? found.device.reg : null;
};

describe('ranges windows at their edges', () => {
  // Window 1: child 0x1000..0x1100 → 0x4000_1000; window 2: child 0x2000..0x2010 → 0x5000_0000.
  // Made inside each test, so that the code under test runs while the test does (mutation testing).
  const edges = () => platformOf(
    'edges',
    `bus { compatible = "simple-bus"; #address-cells = <1>; #size-cells = <1>;
       ranges = <0x1000 0x40001000 0x100 0x2000 0x50000000 0x10>;
       first@1000 { reg = <0x1000 0x4>; };
       last@10ff { reg = <0x10ff 0x1>; };
       end@1100 { reg = <0x1100 0x4>; };
       below@fff { reg = <0xfff 0x1>; };
       second@2000 { reg = <0x2000 0x4>; };
       secondlast@200f { reg = <0x200f 0x1>; };
       secondend@2010 { reg = <0x2010 0x4>; };
       between@1800 { reg = <0x1800 0x4>; }; };`,
  );

  it("translates the first and the last byte of each window", () => {
    const p = edges();
    expect(regOf(p, '/bus/first@1000')).toEqual([{ base: 0x4000_1000, size: 4 }]);
    expect(regOf(p, '/bus/last@10ff')).toEqual([{ base: 0x4000_10ff, size: 1 }]);
    expect(regOf(p, '/bus/second@2000')).toEqual([{ base: 0x5000_0000, size: 4 }]);
    expect(regOf(p, '/bus/secondlast@200f')).toEqual([{ base: 0x5000_000f, size: 1 }]);
  });

  it("does not translate an address exactly at a window's end, one below its start, or between windows (KC2201)", () => {
    const p = edges();
    for (const ref of ['/bus/end@1100', '/bus/below@fff', '/bus/secondend@2010', '/bus/between@1800']) expect(findDevice(p, ref).kind, ref).toBe('notFound');
    expect(p.diagnostics.map((d) => d.message).sort()).toEqual([
      "'reg' of '/bus/below@fff' cannot be translated to CPU addresses: address 0xfff is outside every 'ranges' entry of '/bus'",
      "'reg' of '/bus/between@1800' cannot be translated to CPU addresses: address 0x1800 is outside every 'ranges' entry of '/bus'",
      "'reg' of '/bus/end@1100' cannot be translated to CPU addresses: address 0x1100 is outside every 'ranges' entry of '/bus'",
      "'reg' of '/bus/secondend@2010' cannot be translated to CPU addresses: address 0x2010 is outside every 'ranges' entry of '/bus'",
    ]);
    expect(p.diagnostics.every((d) => d.code === 'KC2201')).toBe(true);
  });

  it('translates through two levels, each window checked in its own bus’s address space', () => {
    const nested = platformOf(
      'nested-edges',
      `outer { compatible = "simple-bus"; #address-cells = <1>; #size-cells = <1>;
         ranges = <0x0 0x60000000 0x2000>;
         inner { compatible = "simple-bus"; #address-cells = <1>; #size-cells = <1>;
           ranges = <0x100 0x1f00 0x100>;
           top@1ff { reg = <0x1ff 0x1>; };
           over@200 { reg = <0x200 0x1>; }; }; };`,
    );
    // 0x1ff → 0x1fff in outer (its last byte) → 0x6000_1fff.
    expect(regOf(nested, '/outer/inner/top@1ff')).toEqual([{ base: 0x6000_1fff, size: 1 }]);
    expect(findDevice(nested, '/outer/inner/over@200').kind).toBe('notFound');
    expect(nested.diagnostics.map((d) => d.message)).toEqual([
      "'reg' of '/outer/inner/over@200' cannot be translated to CPU addresses: address 0x200 is outside every 'ranges' entry of '/outer/inner'",
    ]);
  });

  it('with two address cells in the child and one in the parent, the cells are read as such', () => {
    const wide = platformOf(
      'wide',
      `bus { compatible = "simple-bus"; #address-cells = <2>; #size-cells = <1>;
         ranges = <0x1 0x0 0x70000000 0x1000>;
         in@1,fff { reg = <0x1 0xfff 0x1>; };
         out@1,1000 { reg = <0x1 0x1000 0x1>; };
         low@0,0 { reg = <0x0 0x0 0x1>; }; };`,
    );
    expect(regOf(wide, '/bus/in@1,fff')).toEqual([{ base: 0x7000_0fff, size: 1 }]);
    expect(findDevice(wide, '/bus/out@1,1000').kind).toBe('notFound');
    expect(findDevice(wide, '/bus/low@0,0').kind).toBe('notFound');
  });
});
