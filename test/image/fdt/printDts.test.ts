// The DTS printer's output compiles with dtc back to the same blob, for every corpus tree.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFdt } from '../../../image/fdt/decodeFdt.js';
import { encodeFdt } from '../../../image/fdt/encodeFdt.js';
import { formatValue, printDts, propertyType } from '../../../image/fdt/printDts.js';
import type { FdtNode } from '../../../image/fdt/fdtTree.js';
import { compileCorpus, compileWithDtc } from './corpus.js';
import { bytes, text } from './fdtValues.js';

let corpus: ReturnType<typeof compileCorpus>;
beforeAll(() => {
  corpus = compileCorpus();
});
afterAll(() => corpus?.cleanup());


describe('printDts', () => {
  it('prints DTS that dtc compiles back to the identical blob, for every corpus tree', () => {
    const mismatched: string[] = [];
    for (const tree of corpus.trees) {
      const dtsPath = path.join(corpus.tempDir, `${path.basename(tree.dtbPath, '.dtb')}.printed.dts`);
      fs.writeFileSync(dtsPath, printDts(decodeFdt(tree.dtb)));
      const again = compileWithDtc(dtsPath, dtsPath.replace(/\.dts$/, '.dtb'));
      if (Buffer.compare(Buffer.from(again), Buffer.from(tree.dtb)) !== 0) mismatched.push(tree.name);
    }
    expect(corpus.trees.length).toBe(24);
    expect(mismatched).toEqual([]);
  });

  it('prints every property of a known type as that type (the DT spec fixes it, not the bytes), for every corpus tree', () => {
    const wrong: string[] = [];
    let typed = 0;
    const visit = (tree: string, node: FdtNode): void => {
      for (const property of node.properties) {
        const type = propertyType(property.name);
        const v = property.value;
        // Only values whose bytes fit the type (hifive's clock-names lacks its final NUL).
        const fits = type === 'string' ? v.length > 0 && v[v.length - 1] === 0 && v.every((b) => b === 0 || (b >= 0x20 && b < 0x7f)) : v.length > 0 && v.length % 4 === 0;
        if (type === undefined || !fits) continue;
        typed++;
        const printed = formatValue(property.value, property.name);
        const ok = type === 'string' ? printed.startsWith('"') : printed.startsWith('<');
        if (!ok) wrong.push(`${tree}: ${property.name} = ${printed}`);
      }
      for (const child of node.children) visit(tree, child);
    };
    for (const tree of corpus.trees) visit(tree.name, decodeFdt(tree.dtb).root);
    expect(typed).toBeGreaterThan(1000);
    expect(wrong).toEqual([]);
  });

  it("prints spike32's clock-frequency as cells and an empty bootargs as a string (dtc's guess gets both wrong)", () => {
    const spike = corpus.trees.find((t) => t.name === 'spike32')!;
    const dts = printDts(decodeFdt(spike.dtb));
    expect(dts).toContain('\t\tbootargs = "";\n');
    expect(dts).toContain('clock-frequency = <0x384000>;');
    expect(formatValue(bytes(0, 0x38, 0x40, 0), 'clock-frequency')).toBe('<0x384000>');
    expect(formatValue(bytes(0, 0x38, 0x40, 0))).toBe('"", "8@"');
    expect(formatValue(bytes(0), 'bootargs')).toBe('""');
    // Bytes that do not fit the type fall back to the guess (and still round-trip).
    expect(formatValue(bytes(1, 2, 3), 'reg')).toBe('[01 02 03]');
    expect(formatValue(bytes(0xff, 0), 'model')).toBe('[ff 00]');
  });

  it('prints memory reservations as /memreserve/ lines', () => {
    const rpi4 = corpus.trees.find((t) => t.name === 'rpi4')!;
    const dts = printDts(decodeFdt(rpi4.dtb));
    expect(dts.startsWith('/dts-v1/;\n\n/memreserve/ 0x0 0x1000;\n')).toBe(true);
  });

  it('restores labels from __symbols__ and keeps them through dtc -@', () => {
    const dtsPath = path.join(corpus.tempDir, 'labels.dts');
    fs.writeFileSync(
      dtsPath,
      '/dts-v1/;\n/ { #address-cells = <1>; #size-cells = <1>;\n uart0: serial@1000 { reg = <0x1000 0x100>; };\n' +
        ' intc: ic { interrupt-controller; #interrupt-cells = <1>; phandle = <1>; }; };\n',
    );
    const dtb = compileWithDtc(dtsPath, path.join(corpus.tempDir, 'labels.dtb'), ['-@']);
    const printed = printDts(decodeFdt(dtb));
    expect(printed).toContain('\tuart0: serial@1000 {\n\t\treg = <0x1000 0x100>;');
    expect(printed).toContain('\tintc: ic {\n\t\tinterrupt-controller;');
    expect(printed).toContain('\t__symbols__ {\n\t\tuart0 = "/serial@1000";');
    const printedPath = path.join(corpus.tempDir, 'labels.printed.dts');
    fs.writeFileSync(printedPath, printed);
    expect(Buffer.from(compileWithDtc(printedPath, path.join(corpus.tempDir, 'labels2.dtb'), ['-@']))).toEqual(Buffer.from(dtb));
  });

  it('names interrupt controllers by label in the bundled platform and still compiles back identically', () => {
    const bundled = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/platforms/kaal-virt-rv32.dtb');
    const dtb = new Uint8Array(fs.readFileSync(bundled));
    const printed = printDts(decodeFdt(dtb));
    expect(printed).toContain('\t\t\tinterrupt-parent = <&plic>;\n');
    expect(printed).toContain('\t\t\tinterrupts-extended = <&cpu0_intc 0xb>, <&cpu0_intc 0x9>;\n');
    const printedPath = path.join(corpus.tempDir, 'bundled.printed.dts');
    fs.writeFileSync(printedPath, printed);
    expect(Buffer.from(compileWithDtc(printedPath, path.join(corpus.tempDir, 'bundled.again.dtb'), ['-@']))).toEqual(
      Buffer.from(dtb),
    );
  });

  it('types values as dtc does: strings, string lists, cells, bytes, empty', () => {
    expect(formatValue(text('ns16550a\0'))).toBe('"ns16550a"');
    expect(formatValue(text('sifive,test1\0sifive,test0\0syscon\0'))).toBe('"sifive,test1", "sifive,test0", "syscon"');
    expect(formatValue(text('a"b\\c\n\0'))).toBe('"a\\"b\\\\c\\n"');
    expect(formatValue(bytes(0, 0, 0, 0x0a))).toBe('<0xa>');
    expect(formatValue(bytes(0x10, 0x20, 0x30))).toBe('[10 20 30]');
    expect(formatValue(bytes())).toBe('');
  });

  it('re-encodes a tree it decoded from a blob with reservations and free space at the end', () => {
    const rpi4 = corpus.trees.find((t) => t.name === 'rpi4')!;
    const padded = new Uint8Array(1 << 20);
    padded.set(rpi4.dtb);
    new DataView(padded.buffer).setUint32(4, 1 << 20);
    const tree = decodeFdt(padded);
    expect(tree.reservations).toEqual([{ address: 0n, size: 0x1000n }]);
    expect(Buffer.from(encodeFdt(tree))).toEqual(Buffer.from(rpi4.dtb));
  });
});
