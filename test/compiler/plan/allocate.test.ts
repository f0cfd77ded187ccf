// compiler/plan/objects.ts: the planner's arithmetic on hand-made untypeds, at its edges: fillers
// that reach a fixed address in the largest aligned steps, alignment after a fixed object, objects
// ending exactly at their untyped's end, adjacent fixed frames, the kernel's reserved RAM.
import { describe, expect, it } from 'vitest';
import { allocateObjects, type ObjectNeed } from '../../../compiler/plan/objects.js';
import type { UntypedSpec } from '../../../compiler/plan/untyped.js';
import { DiagnosticBag } from '../../../schema/diagnostics.js';

const kernelReserved = { base: 0x8000_0000, size: 0x40_0000 };

function untyped(specs: [paddr: number, sizeBits: number, isDevice: boolean][]): UntypedSpec[] {
  return specs.map(([paddr, sizeBits, isDevice], index) => ({ index, paddr, sizeBits, isDevice, slot: 16 + index }));
}

const need = (name: string, sizeBits: number, paddr: number | null = null, owner: string | null = 'a'): ObjectNeed => ({
  name, kind: paddr === null ? 'endpoint' : 'frame', sizeBits, paddr, owner, purpose: 'test', path: `needs.${name}`,
});

/** Runs the allocator; objects as [name, paddr, sizeBits, untyped index, parent slot]. */
function allocate(untypeds: UntypedSpec[], needs: ObjectNeed[]) {
  const bag = new DiagnosticBag();
  const ram = untypeds.filter((u) => !u.isDevice).map((u) => ({ base: u.paddr, size: 2 ** u.sizeBits }));
  const { objects, usedBytes } = allocateObjects(untypeds, needs, 100, kernelReserved, ram, bag);
  return {
    placed: objects.map((o) => [o.name, o.paddr, o.sizeBits, o.untyped, o.parentSlot]),
    objects,
    usedBytes,
    diagnostics: bag.sorted().map((d) => [d.code, d.message, d.path]),
  };
}

describe('allocateObjects: fixed-address objects', () => {
  it('reaches a fixed frame through fillers, each the largest block aligned at the watermark that stays below the frame', () => {
    const result = allocate(untyped([[0x1000_0000, 16, true]]), [need('uart', 12, 0x1000_7000)]);
    expect(result.placed).toEqual([
      ['filler_00000', 0x1000_0000, 14, 0, 16],
      ['filler_00001', 0x1000_4000, 13, 0, 16],
      ['filler_00002', 0x1000_6000, 12, 0, 16],
      ['uart', 0x1000_7000, 12, 0, 16],
    ]);
    expect(result.objects.map((o) => [o.id, o.rootSlot, o.fixed, o.purpose, o.kind])).toEqual([
      [0, 100, true, 'filler', 'untyped'],
      [1, 101, true, 'filler', 'untyped'],
      [2, 102, true, 'filler', 'untyped'],
      [3, 103, true, 'test', 'frame'],
    ]);
    expect(result.usedBytes).toEqual([0x8000]);
    expect(result.diagnostics).toEqual([]);
  });

  it('needs no filler for a frame at the untyped’s base, nor between adjacent frames (given in any order)', () => {
    const result = allocate(untyped([[0x1000_0000, 13, true]]), [need('b', 12, 0x1000_1000), need('a', 12, 0x1000_0000)]);
    expect(result.placed).toEqual([
      ['a', 0x1000_0000, 12, 0, 16],
      ['b', 0x1000_1000, 12, 0, 16],
    ]);
    expect(result.usedBytes).toEqual([0x2000]);
  });

  it('places a frame ending exactly at its untyped’s end, and finds the right one of adjacent untypeds', () => {
    const u = untyped([[0x1000_0000, 12, true], [0x1000_1000, 12, true], [0x1000_2000, 12, true]]);
    const result = allocate(u, [need('last', 12, 0x1000_2000), need('middle', 12, 0x1000_1000), need('first', 12, 0x1000_0000)]);
    expect(result.placed).toEqual([
      ['first', 0x1000_0000, 12, 0, 16],
      ['middle', 0x1000_1000, 12, 1, 17],
      ['last', 0x1000_2000, 12, 2, 18],
    ]);
    expect(result.diagnostics).toEqual([]);
  });

  it('reports a frame running one page past its untyped (KC4001), and one a page below every untyped', () => {
    const u = untyped([[0x1000_0000, 12, true], [0x8040_0000, 16, false]]);
    const result = allocate(u, [need('straddle', 13, 0x1000_0000), need('below', 12, 0x0fff_f000)]);
    expect(result.placed).toEqual([]);
    expect(result.diagnostics).toEqual([
      ['KC4001', "frame 'below' at 0xfff_f000..0x1000_0000 is not inside any untyped the kernel hands out", 'needs.below'],
      ['KC4001', "frame 'straddle' at 0x1000_0000..0x1000_2000 is not inside any untyped the kernel hands out", 'needs.straddle'],
    ]);
  });

  it("reports a frame in the kernel's reserved RAM (KC4002), from its first to its last page, but not the page after it", () => {
    const u = untyped([[0x8040_0000, 12, false]]);
    const result = allocate(u, [need('first', 12, 0x8000_0000), need('last', 12, 0x803f_f000), need('after', 12, 0x8040_0000)]);
    expect(result.placed.map((p) => p[0])).toEqual(['after']);
    expect(result.diagnostics.map(([code, , path]) => [code, path])).toEqual([
      ['KC4002', 'needs.first'],
      ['KC4002', 'needs.last'],
    ]);
    expect(result.diagnostics[1]![1]).toBe("frame 'last' at 0x803f_f000..0x8040_0000 overlaps the kernel's image 0x8000_0000..0x8040_0000");
  });

  it('names the RAM in the hint of KC4001', () => {
    const bag = new DiagnosticBag();
    allocateObjects(untyped([[0x8040_0000, 12, false]]), [need('x', 12, 0x9000_0000)], 100, kernelReserved, [{ base: 0x8040_0000, size: 0x1000 }], bag);
    expect(bag.sorted().map((d) => d.hint)).toEqual(['untypeds cover RAM 0x8040_0000..0x8040_1000 and device memory below 0x1_0000_0000']);
    const noRam = new DiagnosticBag();
    allocateObjects(untyped([[0x1000_0000, 12, true]]), [need('x', 12, 0x9000_0000)], 100, kernelReserved, [], noRam);
    expect(noRam.sorted().map((d) => d.hint)).toEqual(['untypeds cover RAM none and device memory below 0x1_0000_0000']);
  });
});

describe('allocateObjects: the other objects', () => {
  it('aligns an object after a fixed one up to its own size; once the untyped is full, the RAM filler below the fixed one is used', () => {
    const u = untyped([[0x8040_0000, 15, false]]);
    const result = allocate(u, [need('region', 12, 0x8040_1000), need('big', 14), need('small', 4)]);
    expect(result.placed).toEqual([
      ['filler_00000', 0x8040_0000, 12, 0, 16],
      ['region', 0x8040_1000, 12, 0, 16],
      ['big', 0x8040_4000, 14, 0, 16],
      ['small', 0x8040_0000, 4, 0, 100],
    ]);
    // The untyped's watermark is after 'big'; the filler's own watermark is not the untyped's.
    expect(result.usedBytes).toEqual([0x8000]);
  });

  it('fits an object ending exactly at its untyped’s end; one byte more does not fit (KC4003)', () => {
    const exact = allocate(untyped([[0x8040_0000, 14, false]]), [need('a', 13), need('b', 13)]);
    expect(exact.placed).toEqual([
      ['a', 0x8040_0000, 13, 0, 16],
      ['b', 0x8040_2000, 13, 0, 16],
    ]);
    expect(exact.usedBytes).toEqual([0x4000]);
    expect(exact.diagnostics).toEqual([]);
    const over = allocate(untyped([[0x8040_0000, 14, false]]), [need('a', 13), need('b', 13), need('c', 4)]);
    expect(over.placed.map((p) => p[0])).toEqual(['a', 'b']);
    expect(over.diagnostics).toEqual([
      ['KC4003', "out of RAM untyped: 1 of the 3 objects of 'a' (0x10 bytes) do not fit in the 0x4000 bytes of RAM untyped", 'needs.c'],
    ]);
  });

  it('keeps using a pool with exactly 16 bytes left', () => {
    const result = allocate(untyped([[0x8040_0000, 5, false], [0x8050_0000, 12, false]]), [need('a', 4), need('b', 4)]);
    expect(result.placed).toEqual([
      ['a', 0x8040_0000, 4, 0, 16],
      ['b', 0x8040_0010, 4, 0, 16],
    ]);
  });

  it('places the largest first, then by name, first fit by address; device untypeds take none of them', () => {
    const u = untyped([[0x1000_0000, 16, true], [0x8040_0000, 12, false], [0x8041_0000, 16, false]]);
    const result = allocate(u, [need('c', 4), need('b', 13), need('a', 4), need('d', 12)]);
    expect(result.placed).toEqual([
      ['b', 0x8041_0000, 13, 2, 18],
      ['d', 0x8040_0000, 12, 1, 17],
      ['a', 0x8041_2000, 4, 2, 18],
      ['c', 0x8041_2010, 4, 2, 18],
    ]);
    expect(result.usedBytes).toEqual([0, 0x1000, 0x2020]);
  });

  it('sums what does not fit and names at most three owners, with how many of their objects', () => {
    const u = untyped([[0x8040_0000, 4, false]]);
    const result = allocate(u, [need('p', 12, null, 'w'), need('q', 12, null, 'x'), need('r', 5, null, 'y'), need('s', 5, null, 'z'), need('t', 5, null, null)]);
    expect(result.diagnostics).toEqual([
      ['KC4003', "out of RAM untyped: 1 object of 'w', 1 object of 'x', 1 object of 'y' and 2 more (0x2060 bytes) do not fit in the 0x10 bytes of RAM untyped", 'needs.p'],
    ]);
    const shared = allocate(u, [need('r', 5, null, null), need('s', 5, null, 'z')]);
    expect(shared.diagnostics[0]![1]).toBe("out of RAM untyped: 1 object of the system, 1 object of 'z' (0x40 bytes) do not fit in the 0x10 bytes of RAM untyped");
  });

  it('exactly three owners are all named; the pages of a region are counted as pages of it', () => {
    const u = untyped([[0x8040_0000, 4, false]]);
    const three = allocate(u, [need('p', 5, null, 'w'), need('q', 5, null, 'x'), need('r', 5, null, 'y')]);
    expect(three.diagnostics[0]![1]).toBe("out of RAM untyped: 1 object of 'w', 1 object of 'x', 1 object of 'y' (0x60 bytes) do not fit in the 0x10 bytes of RAM untyped");
    const page = (name: string, owner: string | null): ObjectNeed => ({ ...need(name, 12, null, owner), purpose: 'region:buf' });
    const region = allocate(untyped([[0x8040_0000, 12, false]]), [page('b0', null), page('b1', null), page('b2', null), { ...need('fixedpage', 12, 0x8040_0000, null), purpose: 'region:buf' }]);
    expect(region.diagnostics[0]![1]).toBe("out of RAM untyped: 3 pages of memory region 'buf' (0x3000 bytes) do not fit in the 0x1000 bytes of RAM untyped");
  });
});

describe('allocateObjects: untypeds in bootinfo order', () => {
  // Bootinfo lists device untypeds first, then RAM: not by address.
  const u = untyped([[0x9000_0000, 12, true], [0x1000_0000, 12, true], [0x8060_0000, 12, false], [0x8040_0000, 12, false]]);

  it('finds each fixed frame in its own untyped, and fills RAM from the lowest address', () => {
    const result = allocate(u, [need('high', 12, 0x9000_0000), need('low', 12, 0x1000_0000), need('e', 4)]);
    expect(result.placed).toEqual([
      ['low', 0x1000_0000, 12, 1, 17],
      ['high', 0x9000_0000, 12, 0, 16],
      ['e', 0x8040_0000, 4, 3, 19],
    ]);
    expect(result.objects.map((o) => o.fixed)).toEqual([true, true, false]);
    expect(result.usedBytes).toEqual([0x1000, 0x1000, 0, 0x10]);
  });

  it('places one object for two needs of the same page (the checks report the conflict)', () => {
    for (const needs of [[need('b', 12, 0x1000_0000), need('a', 12, 0x1000_0000)], [need('a', 12, 0x1000_0000), need('b', 12, 0x1000_0000)]]) {
      const result = allocate(u, needs);
      expect(result.placed).toEqual([['a', 0x1000_0000, 12, 1, 17]]);
      expect(result.diagnostics).toEqual([]);
    }
  });

  it("tells a frame just after or just before the kernel's reserved RAM (KC4001) from one in it (KC4002), and lists every RAM range", () => {
    const result = allocate(untyped([[0x8060_0000, 12, false]]), [need('after', 12, 0x8040_0000), need('at', 12, 0x803f_f000), need('before', 12, 0x7fff_f000)]);
    expect(result.diagnostics.map(([code, , path]) => [code, path])).toEqual([
      ['KC4001', 'needs.after'],
      ['KC4001', 'needs.before'],
      ['KC4002', 'needs.at'],
    ]);
    const named = allocate(u, [{ ...need('f', 12, 0x2000_0000), purpose: 'region:buf' }, { ...need('g', 12, 0x2000_1000), purpose: 'mmio:/soc/x' }]);
    expect(named.diagnostics.map(([, message]) => message)).toEqual([
      "memory region 'buf' (frame 'f') at 0x2000_0000..0x2000_1000 is not inside any untyped the kernel hands out",
      "the registers of '/soc/x' at 0x2000_1000..0x2000_2000 is not inside any untyped the kernel hands out",
    ]);
    const bag = new DiagnosticBag();
    const ram = [{ base: 0x8040_0000, size: 0x1000 }, { base: 0x8060_0000, size: 0x1000 }];
    allocateObjects(u, [need('x', 12, 0x8040_0000 + 0x40_0000)], 100, kernelReserved, ram, bag);
    expect(bag.sorted().map((d) => d.hint)).toEqual(['untypeds cover RAM 0x8040_0000..0x8040_1000, 0x8060_0000..0x8060_1000 and device memory below 0x1_0000_0000']);
  });
});

