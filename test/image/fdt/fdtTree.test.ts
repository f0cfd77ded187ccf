// The tree helpers at their edges: cells of a value with a partial last cell, single-cell properties
// of other lengths, string lists with and without their final NUL, empty strings, child paths under
// the root and deeper, and node lookup by full name, by name without unit address, and failing.
import { describe, expect, it } from 'vitest';
import {
  cellsOf,
  childPath,
  findNodeByPath,
  propertyValue,
  stringProperty,
  stringsOf,
  u32Property,
  type FdtNode,
} from '../../../image/fdt/fdtTree.js';
import { bytes, text } from './fdtValues.js';

const node = (name: string, properties: [string, Uint8Array][] = [], children: FdtNode[] = []): FdtNode => ({
  name,
  properties: properties.map(([n, value]) => ({ name: n, value })),
  children,
});

describe('fdtTree helpers', () => {
  it('reads whole big-endian cells and ignores a partial last one', () => {
    expect(cellsOf(bytes())).toEqual([]);
    expect(cellsOf(bytes(1, 2, 3))).toEqual([]);
    expect(cellsOf(bytes(0x12, 0x34, 0x56, 0x78))).toEqual([0x1234_5678]);
    expect(cellsOf(bytes(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 9))).toEqual([0xffff_ffff, 1]);
    // A value that is a view into a larger buffer reads its own bytes only.
    const buffer = bytes(9, 9, 9, 9, 0, 0, 0, 5, 9, 9, 9, 9);
    expect(cellsOf(buffer.subarray(4, 8))).toEqual([5]);
  });

  it('reads a single-cell property of exactly 4 bytes, the first property of a name winning', () => {
    const n = node('n', [
      ['one', bytes(0, 0, 0, 7)],
      ['short', bytes(0, 0, 7)],
      ['long', bytes(0, 0, 0, 7, 0)],
      ['one', bytes(0, 0, 0, 8)],
    ]);
    expect(u32Property(n, 'one')).toBe(7);
    expect(u32Property(n, 'short')).toBeUndefined();
    expect(u32Property(n, 'long')).toBeUndefined();
    expect(u32Property(n, 'absent')).toBeUndefined();
    expect(propertyValue(n, 'absent')).toBeUndefined();
    const inBuffer = bytes(1, 1, 0, 0, 0, 3, 1);
    expect(u32Property(node('m', [['x', inBuffer.subarray(2, 6)]]), 'x')).toBe(3);
  });

  it('splits string lists at NUL, with or without the final NUL, and keeps empty strings inside', () => {
    expect(stringsOf(bytes())).toEqual([]);
    expect(stringsOf(text('\0'))).toEqual(['']);
    expect(stringsOf(text('a\0b\0'))).toEqual(['a', 'b']);
    expect(stringsOf(text('a\0b'))).toEqual(['a', 'b']);
    expect(stringsOf(text('a\0\0b\0'))).toEqual(['a', '', 'b']);
    const n = node('n', [['empty', bytes()], ['list', text('x\0y\0')]]);
    expect(stringProperty(n, 'empty')).toBe('');
    expect(stringProperty(n, 'list')).toBe('x');
    expect(stringProperty(n, 'absent')).toBeUndefined();
  });

  it('joins child paths under the root and deeper', () => {
    expect(childPath('/', 'soc')).toBe('/soc');
    expect(childPath('/soc', 'uart@0')).toBe('/soc/uart@0');
  });

  it('finds a node by full names or names without unit address, the full name first', () => {
    const exact = node('serial@2000');
    const root = node('', [], [
      node('soc', [], [node('serial@1000'), exact, node('serial')]),
      node('cpus'),
    ]);
    expect(findNodeByPath(root, '/')).toBe(root);
    expect(findNodeByPath(root, '/soc/serial@2000')).toBe(exact);
    expect(findNodeByPath(root, '/soc/serial')!.name).toBe('serial');
    expect(findNodeByPath(node('', [], [node('soc', [], [node('uart@10'), node('uart@20')])]), '/soc/uart')!.name).toBe('uart@10');
    expect(findNodeByPath(root, '//soc//serial@1000/')!.name).toBe('serial@1000');
    expect(findNodeByPath(root, 'soc')).toBeUndefined();
    expect(findNodeByPath(root, '/soc/missing')).toBeUndefined();
    expect(findNodeByPath(root, '/cpus/cpu@0')).toBeUndefined();
    expect(findNodeByPath(root, '/missing/serial')).toBeUndefined();
    expect(findNodeByPath(root, '/soc/missing/serial@1000')).toBeUndefined();
    expect(findNodeByPath(root, '/ser')).toBeUndefined();
  });
});
