// printDts where the session-9 mutation run of image/fdt found no test looking: a label of the root
// node (a `__symbols__` entry "/", as `dtc -@` writes for `top: &{/} { … };`), printed after the root
// as dtc takes it (dtc refuses `top: / {`) and as the target of `&label`, a
// specifier of two cells after `&label`, a phandle whose first node has no label (stays a number),
// and the blank line after the /memreserve/ lines. The blob is dtc's; the printed text compiles back
// to it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeFdt } from '../../../image/fdt/decodeFdt.js';
import { printDts } from '../../../image/fdt/printDts.js';
import { compileDtsText } from './corpus.js';

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-fdt-root-'));
afterAll(() => fs.rmSync(tempDir, { recursive: true, force: true }));

const source = `/dts-v1/;
/memreserve/ 0x1000 0x100;
/ {
	phandle = <5>; #interrupt-cells = <2>;
	a { phandle = <1>; };
	lb: b { #interrupt-cells = <1>; };
	dev { interrupt-parent = <5>; interrupts-extended = <5 5 6>, <&lb 3>; };
	dev2 { interrupt-parent = <1>; };
	__symbols__ { top = "/"; lb = "/b"; };
};
`;

describe('printDts of the root and of references', () => {
  it('labels the root, names it by &label with a two-cell specifier, and leaves an unlabelled phandle a number', () => {
    const dtb = compileDtsText(tempDir, 'root', source);
    const printed = printDts(decodeFdt(dtb));
    expect(printed.startsWith('/dts-v1/;\n\n/memreserve/ 0x1000 0x100;\n\n/ {\n\tphandle = <0x5>;\n')).toBe(true);
    expect(printed.endsWith('\n};\n\ntop: &{/} { };\n')).toBe(true);
    expect(printed).toContain('\tdev {\n\t\tinterrupt-parent = <&top>;\n\t\tinterrupts-extended = <&top 0x5 0x6>, <&lb 0x3>;\n\t};\n');
    expect(printed).toContain('\tdev2 {\n\t\tinterrupt-parent = <0x1>;\n\t};\n');
    expect(Buffer.from(compileDtsText(tempDir, 'root-again', printed))).toEqual(Buffer.from(dtb));
  });
});
