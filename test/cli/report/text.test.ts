// cli/report/text.ts: rustc-style frames. The span is underlined on its first line, tabs and CRLF do
// not shift the carets, related locations get their own frame, colour only when asked.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderText, colorEnabled } from '../../../cli/report/text.js';
import { createDiagnostic, D, type Diagnostic } from '../../../schema/diagnostics.js';
import { validateFiles } from '../../../compiler/validate.js';
import { nodeHost } from '../../../compiler/host.js';
import { useFiles } from '../../helpers/files.js';

const source = 'first line\r\n\tname: "x",\r\n  components: [\n    { a: 1 },\n  ],\n';
const sourceOf = (file: string) => (file === 'a.system.ts' ? source : undefined);

function at(start: number, length: number, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { ...createDiagnostic(D.wrongType, { property: 'name', expected: 'a number', received: "a string ('x')" }), file: 'a.system.ts', span: { start, length }, ...extra };
}

describe('renderText', () => {
  it('frames the line, expands tabs and puts carets under the span', () => {
    const start = source.indexOf('"x"');
    expect(renderText([at(start, 3)], { format: 'text', color: false, sourceOf })).toBe(
      [
        "error[KC1004]: 'name' must be a number, not a string ('x')",
        '  --> a.system.ts:2:8',
        '   |',
        ' 2 |     name: "x",',
        '   |           ^^^',
        '',
        '',
      ].join('\n'),
    );
  });

  it('underlines a multi-line span to the end of its first line', () => {
    const start = source.indexOf('[');
    const text = renderText([at(start, 20)], { format: 'text', color: false, sourceOf });
    expect(text).toContain(' 3 |   components: [\n   |               ^\n');
  });

  it('prints related locations as notes with their own frame, then the hint', () => {
    const d = {
      ...createDiagnostic(D.unknownProperty, { property: 'a', suggestion: '', allowed: "'b'" }),
      file: 'a.system.ts',
      span: { start: source.indexOf('a: 1'), length: 1 },
      related: [{ message: 'first written here', file: 'a.system.ts', span: { start: source.indexOf('name'), length: 4 } }],
    };
    expect(renderText([d], { format: 'text', color: false, sourceOf })).toBe(
      [
        "error[KC1003]: unknown property 'a'",
        '  --> a.system.ts:4:7',
        '   |',
        ' 4 |     { a: 1 },',
        '   |       ^',
        'note: first written here',
        '  --> a.system.ts:2:2',
        '   |',
        ' 2 |     name: "x",',
        '   |     ^^^^',
        "  = hint: the properties allowed here are 'b'",
        '',
        '',
      ].join('\n'),
    );
  });

  it('gives the file alone when there is no position, and the position alone without the source', () => {
    const noPosition = createDiagnostic(D.fileNotFound, { file: 'x.ts', reason: 'no such file' }, { file: 'x.ts' });
    const noSource = { ...at(0, 1), file: 'elsewhere.ts', line: 7, column: 3 };
    expect(renderText([noPosition, noSource], { format: 'text', color: false, sourceOf })).toBe(
      [
        "error[KC0002]: cannot read 'x.ts': no such file",
        '  --> x.ts',
        '',
        "error[KC1004]: 'name' must be a number, not a string ('x')",
        '  --> elsewhere.ts:7:3',
        '',
        '',
      ].join('\n'),
    );
  });

  it('colours severity, gutter and carets only when asked; the plain text is the same', () => {
    const d = at(source.indexOf('"x"'), 3);
    const coloured = renderText([d], { format: 'text', color: true, sourceOf });
    expect(coloured).toContain('\x1b[1;31merror[KC1004]\x1b[0m');
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(renderText([d], { format: 'text', color: false, sourceOf }));
  });
});

describe('colorEnabled', () => {
  it('is true only on a TTY without NO_COLOR, whatever NO_COLOR holds', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({}, {})).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
  });
});

describe('renderText with wide and combining characters (issue 15)', () => {
  const files = useFiles();

  it('places the carets in terminal cells after CJK, emoji and a combining accent, under a CJK span too; --> stays in UTF-16 code units', async () => {
    const descriptor = [
      "import { defineSystem } from 'kaal-compose';",
      'export default defineSystem({',
      "  name: 'wide',",
      "  components: [{ name: 'a', code: { sources: ['a.c'] } }],",
      // 名前 and 😀😀 take two cells each (and the emoji two UTF-16 units each); e + U+0301 is one cell.
      "  /* 名前 😀😀 cafe\u0301 */ channels: [{ from: 'a', to: 'zz' }],",
      "  memoryRegions: [{ name: '共有メモリ', size: 0x1000 }],",
      '});',
      '',
    ].join('\n');
    const dir = files({ 'wide.system.ts': descriptor, 'a.c': '' });
    const result = await validateFiles(['wide.system.ts'], nodeHost, { cwd: dir });
    const text = renderText(result.files[0]!.diagnostics, { format: 'text', color: false, sourceOf: (f) => fs.readFileSync(path.join(dir, f), 'utf8') });
    expect(text).toBe(
      [
        "error[KC3004]: channel 'a_zz' names unknown component 'zz'",
        // 5 + 2 (名前) + 1 + 4 (😀😀) + 10 (' cafe\u0301 */ ') + 28 UTF-16 code units before 'zz'.
        '  --> wide.system.ts:5:51',
        '   |',
        " 5 |   /* 名前 😀😀 cafe\u0301 */ channels: [{ from: 'a', to: 'zz' }],",
        // 5 + 4 + 1 + 4 + 9 + 28 cells.
        `   | ${' '.repeat(51)}^^^^`,
        "  = hint: known components: 'a'",
        '',
        "error[KC1007]: '共有メモリ' is not a valid memory region name",
        '  --> wide.system.ts:6:27',
        '   |',
        " 6 |   memoryRegions: [{ name: '共有メモリ', size: 0x1000 }],",
        // Five wide characters and two quotes: twelve cells.
        `   | ${' '.repeat(26)}${'^'.repeat(12)}`,
        "  = hint: a name starts with a letter or '_' and has only letters, digits, '_' and '-' (at most 64)",
        '',
        '',
      ].join('\n'),
    );
  });
});
