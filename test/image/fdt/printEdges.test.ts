// The DTS printer and the encoder at their edges: each byte class dtc's `isstring` draws a line at,
// the string/cell guess at exactly half NULs, every C escape, labels and `&label` references that
// do or do not fit, property-name sharing in the strings block, and names an FDT cannot hold.
// dtc is the peer: what is printed compiles back to the same blob, what is encoded is what dtc wrote.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagnosticError } from '../../../schema/diagnostics.js';
import { decodeFdt } from '../../../image/fdt/decodeFdt.js';
import { encodeFdt } from '../../../image/fdt/encodeFdt.js';
import { formatValue, printDts, propertyType } from '../../../image/fdt/printDts.js';
import type { FdtTree } from '../../../image/fdt/fdtTree.js';
import { compileDtsText, compileWithDtc } from './corpus.js';
import { bytes, cells, node, prop, text, tree } from './fdtValues.js';

let tempDir: string;
beforeAll(() => {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-fdt-edges-'));
});
afterAll(() => fs.rmSync(tempDir, { recursive: true, force: true }));


/** Prints `dtb` as DTS, compiles that with dtc and expects the same blob. */
function roundTrips(name: string, dtb: Uint8Array, extraArgs: readonly string[] = []): string {
  const printed = printDts(decodeFdt(dtb));
  const printedPath = path.join(tempDir, `${name}.printed.dts`);
  fs.writeFileSync(printedPath, printed);
  expect(Buffer.from(compileWithDtc(printedPath, path.join(tempDir, `${name}.again.dtb`), extraArgs))).toEqual(Buffer.from(dtb));
  return printed;
}

describe('formatValue at the edges of dtc’s guess', () => {
  it('draws the string/bytes line where isstring does: 0x07–0x0d, 0x20–0x7e and NUL', () => {
    const cases: [number, string][] = [
      [0x06, '[41 06 00]'],
      [0x07, '"A\\a"'],
      [0x0d, '"A\\r"'],
      [0x0e, '[41 0e 00]'],
      [0x1f, '[41 1f 00]'],
      [0x20, '"A "'],
      [0x7e, '"A~"'],
      [0x7f, '[41 7f 00]'],
    ];
    for (const [byte, printed] of cases) expect(formatValue(bytes(0x41, byte, 0)), `byte 0x${byte.toString(16)}`).toBe(printed);
  });

  it('takes a value as strings up to half NULs, and bytes without a final NUL', () => {
    expect(formatValue(text('ab\0\0'))).toBe('"ab", ""');
    expect(formatValue(bytes(0x61, 0, 0))).toBe('[61 00 00]');
    expect(formatValue(bytes(0x61, 0, 0, 0))).toBe('<0x61000000>');
    expect(formatValue(text('ab'))).toBe('[61 62]');
    expect(formatValue(text('abcd'))).toBe('<0x61626364>');
  });

  it('writes every C escape', () => {
    expect(formatValue(text('\x07\b\t\n\v\f\r"\\\0'))).toBe('"\\a\\b\\t\\n\\v\\f\\r\\"\\\\"');
    expect(formatValue(text('plain\0'))).toBe('"plain"');
  });

  it('types properties by name: -names strings; #…, -frequency and -cells cells; others guessed', () => {
    expect(propertyType('reset-names')).toBe('string');
    expect(propertyType('names')).toBeUndefined();
    expect(propertyType('#foo')).toBe('cells');
    expect(propertyType('foo#')).toBeUndefined();
    expect(propertyType('bus-frequency')).toBe('cells');
    expect(propertyType('frequency-x')).toBeUndefined();
    expect(propertyType('vendor,foo-cells')).toBe('cells');
    expect(propertyType('cells-x')).toBeUndefined();
    expect(formatValue(text('abc\0'), 'bus-frequency')).toBe('<0x61626300>');
    expect(formatValue(cells(0x41424300), 'reset-names')).toBe('"ABC"');
  });

  it('prints all of it back through dtc to the same blob', () => {
    const dts =
      '/dts-v1/;\n/ {\n a = [41 06 00]; b = "A\\a"; c = "A\\r"; d = [41 0e 00]; e = [41 1f 00]; f = "A "; g = "A~";\n' +
      ' h = [41 7f 00]; i = "ab", ""; j = [61 00 00]; k = [61 62]; l = "\\a\\b\\t\\n\\v\\f\\r\\"\\\\";\n' +
      ' bus-frequency = "abc"; reset-names = <0x41424300>; e1; };\n';
    roundTrips('guess', compileDtsText(tempDir, 'guess', dts));
  });
});

describe('printDts labels and references', () => {
  const symbols = (entries: [string, Uint8Array][]) => node('__symbols__', entries.map(([n, v]) => prop(n, v)));

  it('prints every label of a node, and skips symbols that are not labels or not paths', () => {
    const root = node('', [], [
      node('serial@1000', [prop('reg', cells(0x1000))]),
      symbols([
        ['uart0', text('/serial@1000\0')],
        ['console', text('/serial@1000\0')],
        ['bad-label', text('/serial@1000\0')],
        ['relative', text('serial@1000\0')],
        ['empty', bytes()],
      ]),
    ]);
    const printed = printDts(tree(root));
    expect(printed).toContain('\tuart0: console: serial@1000 {\n');
    expect(printed).not.toContain('bad-label:');
    expect(printed).not.toContain('relative:');
    expect(printed).not.toContain('empty:');
  });

  it('names a phandle by its first label only where the value is exactly one reference', () => {
    const root = node('', [], [
      node('ic', [prop('#interrupt-cells', cells(1)), prop('phandle', cells(1))]),
      node('other', [prop('phandle', cells(1))]),
      node('nocells', [prop('phandle', cells(2))]),
      node('dev', [
        prop('interrupt-parent', cells(1)),
        prop('clocks', cells(1, 3)),
        prop('odd', bytes(0, 0, 0, 1, 0x55)),
        prop('interrupts-extended', cells(1, 0xb, 1, 9)),
      ]),
      node('dev2', [prop('interrupt-parent', cells(1, 1)), prop('interrupts-extended', cells(1, 0xb, 1))]),
      node('dev3', [prop('interrupt-parent', cells(7)), prop('interrupts-extended', cells(2, 5))]),
      node('dev4', [prop('interrupt-parent', bytes(0, 0, 0, 1, 0x55)), prop('interrupts-extended', bytes()), prop('interrupts-extended', bytes(0, 0, 0, 1, 0))]),
      symbols([
        ['intc', text('/ic\0')],
        ['alias', text('/ic\0')],
        ['twin', text('/other\0')],
        ['nc', text('/nocells\0')],
      ]),
    ]);
    const printed = printDts(tree(root));
    expect(printed).toContain('\t\tinterrupt-parent = <&intc>;\n');
    expect(printed).toContain('\t\tclocks = <0x1 0x3>;\n');
    expect(printed).toContain('\t\todd = [00 00 00 01 55];\n');
    expect(printed).toContain('\t\tinterrupts-extended = <&intc 0xb>, <&intc 0x9>;\n');
    // Two cells are not one reference; an incomplete specifier, an unknown phandle or a controller
    // without #interrupt-cells stay raw.
    expect(printed).toContain('\tdev2 {\n\t\tinterrupt-parent = <0x1 0x1>;\n\t\tinterrupts-extended = <0x1 0xb 0x1>;\n');
    expect(printed).toContain('\tdev3 {\n\t\tinterrupt-parent = <0x7>;\n\t\tinterrupts-extended = <0x2 0x5>;\n');
    expect(printed).toContain('\tdev4 {\n\t\tinterrupt-parent = [00 00 00 01 55];\n\t\tinterrupts-extended;\n\t\tinterrupts-extended = [00 00 00 01 00];\n');
  });

  it('keeps the first labelled node of a phandle that two nodes claim', () => {
    const root = node('', [], [
      node('a', [prop('phandle', cells(1)), prop('#interrupt-cells', cells(1))]),
      node('b', [prop('phandle', cells(1)), prop('#interrupt-cells', cells(2))]),
      node('dev', [prop('interrupt-parent', cells(1)), prop('interrupts-extended', cells(1, 4))]),
      symbols([['first', text('/a\0')], ['second', text('/b\0')]]),
    ]);
    const printed = printDts(tree(root));
    expect(printed).toContain('\t\tinterrupt-parent = <&first>;\n\t\tinterrupts-extended = <&first 0x4>;\n');
  });

  it('finds labels on nested nodes and prints through dtc -@ unchanged', () => {
    const dts =
      '/dts-v1/;\n/ { #address-cells = <1>; #size-cells = <1>;\n soc { #address-cells = <1>; #size-cells = <1>; ranges;\n' +
      '  plic: interrupt-controller@c000000 { reg = <0xc000000 0x1000>; interrupt-controller; #interrupt-cells = <1>; };\n' +
      '  cpu_intc: cpu-ic { interrupt-controller; #interrupt-cells = <1>; };\n' +
      '  serial@1000 { reg = <0x1000 0x100>; interrupt-parent = <&plic>; interrupts = <10>;\n' +
      '   interrupts-extended = <&cpu_intc 11>, <&plic 3>; }; }; };\n';
    const printed = roundTrips('nested', compileDtsText(tempDir, 'nested', dts, ['-@']), ['-@']);
    expect(printed).toContain('\t\tplic: interrupt-controller@c000000 {\n');
    expect(printed).toContain('\t\t\tinterrupt-parent = <&plic>;\n');
    expect(printed).toContain('\t\t\tinterrupts-extended = <&cpu_intc 0xb>, <&plic 0x3>;\n');
  });

  it('escapes control characters in node and property names', () => {
    const printed = printDts(tree(node('', [prop('a\x1bb', bytes())], [node('n\x07@1', [])])));
    expect(printed).toBe('/dts-v1/;\n\n/ {\n\ta\\x1bb;\n\n\tn\\x07@1 {\n\t};\n};\n');
  });
});

describe('encodeFdt strings block and header', () => {
  it('shares a name with the tail of the earliest string holding it, as dtc does', () => {
    const dts = '/dts-v1/;\n/ { ab; cab; b; xcab; ca; interrupt-reg; reg; g; n { ab; cab; }; };\n';
    const dtb = compileDtsText(tempDir, 'strings', dts);
    expect(Buffer.from(encodeFdt(decodeFdt(dtb)))).toEqual(Buffer.from(dtb));
    const view = new DataView(dtb.buffer, dtb.byteOffset);
    const strings = Buffer.from(dtb.subarray(view.getUint32(12), view.getUint32(12) + view.getUint32(32))).toString('latin1');
    expect(strings).toBe('ab\0cab\0xcab\0ca\0interrupt-reg\0');
  });

  it('gives an empty name the first NUL of the table', () => {
    const blob = encodeFdt(tree(node('', [prop('reg', bytes()), prop('', bytes()), prop('ab', bytes())])));
    const view = new DataView(blob.buffer);
    const structOffset = view.getUint32(8);
    expect(view.getUint32(32)).toBe(7);
    // Properties follow the root's 8-byte header (token and padded empty name): 12 bytes each.
    expect([0, 1, 2].map((i) => view.getUint32(structOffset + 8 + 12 * i + 8))).toEqual([0, 3, 4]);
    expect(decodeFdt(blob).root.properties.map((p) => p.name)).toEqual(['reg', '', 'ab']);
    const first = encodeFdt(tree(node('', [prop('', bytes()), prop('a', bytes())])));
    const firstView = new DataView(first.buffer);
    expect(firstView.getUint32(32)).toBe(3);
    expect(decodeFdt(first).root.properties.map((p) => p.name)).toEqual(['', 'a']);
  });

  it('writes boot_cpuid_phys and reservations as unsigned, the version fields as dtc does', () => {
    const blob = encodeFdt({
      version: 16,
      bootCpuId: -1,
      reservations: [{ address: -1n, size: 0x1000n }],
      root: node('', []),
    });
    const view = new DataView(blob.buffer);
    expect([view.getUint32(16), view.getUint32(20), view.getUint32(24), view.getUint32(28)]).toEqual([40, 17, 16, 0xffff_ffff]);
    const decoded = decodeFdt(blob);
    expect(decoded.bootCpuId).toBe(0xffff_ffff);
    expect(decoded.reservations).toEqual([{ address: (1n << 64n) - 1n, size: 0x1000n }]);
  });

  it('stores Latin-1 names up to U+00FF and refuses NUL or anything above (KC2014)', () => {
    const latin = encodeFdt(tree(node('', [prop('\xff', bytes())], [node('\xe9', [])])));
    expect(decodeFdt(latin).root.children[0]!.name).toBe('\xe9');
    expect(decodeFdt(latin).root.properties[0]!.name).toBe('\xff');
    const refusal = (t: FdtTree) => {
      try {
        encodeFdt(t);
      } catch (error) {
        if (error instanceof DiagnosticError) return [error.diagnostic.code, error.diagnostic.message];
        throw error;
      }
      return 'encoded';
    };
    expect(refusal(tree(node('', [prop('a\u0100', bytes())])))).toEqual([
      'KC2014',
      "cannot encode the device tree: property name 'a\u0100' has a character that cannot be stored",
    ]);
    expect(refusal(tree(node('', [], [node('x\0', [])])))).toEqual([
      'KC2014',
      "cannot encode the device tree: node name 'x\0' has a character that cannot be stored",
    ]);
    expect(refusal(tree(node('', [prop('a\0', bytes())])))).toEqual([
      'KC2014',
      "cannot encode the device tree: property name 'a\0' has a character that cannot be stored",
    ]);
  });
});
