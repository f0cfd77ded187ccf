// schema/lineIndex.ts: 1-based lines and columns at the edges of lines (column 1, the line
// terminator itself, CRLF and lone CR), and positions attached once per file, never overwritten.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineIndex, attachPositions, lineIndexCache } from '../../schema/lineIndex.js';
import type { Diagnostic } from '../../schema/diagnosticDefinition.js';
import { validateFiles } from '../../compiler/validate.js';
import { nodeHost } from '../../compiler/host.js';
import { useFiles } from '../helpers/files.js';

const files = useFiles();

describe('LineIndex', () => {
  const text = 'ab\ncd\r\nef\rg\n\nh';
  // A getter, so that the index is built while each test runs (mutation testing sees it).
  const at = { get index() { return new LineIndex(text); } };

  it('gives column 1 at the first character of every line, whatever ends the line before', () => {
    expect(at.index.position(0)).toEqual({ line: 1, column: 1 });
    expect(at.index.position(text.indexOf('c'))).toEqual({ line: 2, column: 1 });
    expect(at.index.position(text.indexOf('e'))).toEqual({ line: 3, column: 1 });
    expect(at.index.position(text.indexOf('g'))).toEqual({ line: 4, column: 1 });
    expect(at.index.position(text.indexOf('\n\n') + 1)).toEqual({ line: 5, column: 1 });
    expect(at.index.position(text.indexOf('h'))).toEqual({ line: 6, column: 1 });
    expect(at.index.lineCount).toBe(6);
  });

  it('counts a line terminator as the last column of its own line', () => {
    expect(at.index.position(1)).toEqual({ line: 1, column: 2 });
    expect(at.index.position(2)).toEqual({ line: 1, column: 3 });
    expect(at.index.position(text.indexOf('\r\n'))).toEqual({ line: 2, column: 3 });
    expect(at.index.position(text.indexOf('\r\n') + 1)).toEqual({ line: 2, column: 4 });
    expect(at.index.position(text.length)).toEqual({ line: 6, column: 2 });
  });

  it('gives each line without its terminator, and an empty string outside the text', () => {
    expect([1, 2, 3, 4, 5, 6].map((l) => at.index.lineText(l))).toEqual(['ab', 'cd', 'ef', 'g', '', 'h']);
    expect(at.index.lineText(0)).toBe('');
    expect(at.index.lineText(7)).toBe('');
  });

  it('turns a line and column back into the offset', () => {
    const index = at.index;
    for (let offset = 0; offset <= text.length; offset++) {
      const { line, column } = index.position(offset);
      expect(index.offset(line, column), `offset ${offset}`).toBe(offset);
    }
    expect(at.index.offset(9, 1)).toBe(text.length);
  });

  it('has one line for empty text and for text without a terminator', () => {
    expect(new LineIndex('').position(0)).toEqual({ line: 1, column: 1 });
    expect(new LineIndex('').lineCount).toBe(1);
    expect(new LineIndex('abc').lineText(1)).toBe('abc');
  });
});

describe('attachPositions and lineIndexCache', () => {
  const diagnostic = (file: string | undefined, start: number | undefined): Diagnostic =>
    ({ code: 'KC1004', severity: 'error', message: 'm', ...(file ? { file } : {}), ...(start !== undefined ? { span: { start, length: 1 } } : {}) }) as Diagnostic;

  it('fills line and column of each diagnostic and related location that has a span in a known file, reading each file once', () => {
    const reads: string[] = [];
    const sources: Record<string, string> = { 'a.ts': 'x\ny', 'b.ts': '\n\nz' };
    const first = diagnostic('a.ts', 2);
    const second = { ...diagnostic('a.ts', 0), related: [{ message: 'here', file: 'b.ts', span: { start: 2, length: 1 } }] } as Diagnostic;
    const unknownFile = diagnostic('c.ts', 0);
    const noSpan = diagnostic('a.ts', undefined);
    const noFile = diagnostic(undefined, 0);
    const placed = { ...diagnostic('a.ts', 2), line: 7, column: 9 } as Diagnostic;
    attachPositions([first, second, unknownFile, noSpan, noFile, placed], (file) => {
      reads.push(file);
      return sources[file];
    });
    expect([first.line, first.column]).toEqual([2, 1]);
    expect([second.line, second.column]).toEqual([1, 1]);
    expect([second.related![0]!.line, second.related![0]!.column]).toEqual([3, 1]);
    for (const d of [unknownFile, noSpan, noFile]) expect([d.line, d.column]).toEqual([undefined, undefined]);
    expect([placed.line, placed.column]).toEqual([7, 9]);
    expect(reads).toEqual(['a.ts', 'b.ts', 'c.ts']);
  });

  it('gives null without a file or a reader, and remembers a file that has no source', () => {
    let reads = 0;
    const indexFor = lineIndexCache(() => {
      reads++;
      return undefined;
    });
    expect(indexFor('x')).toBeNull();
    expect(indexFor('x')).toBeNull();
    expect(reads).toBe(1);
    expect(indexFor(undefined)).toBeNull();
    expect(lineIndexCache(undefined)('x')).toBeNull();
    const withText = lineIndexCache(() => 'a\nb');
    expect(withText('y')).toBe(withText('y'));
    expect(withText('y')!.lineText(2)).toBe('b');
    // No file, no index, even from a source that has text for every name.
    expect(withText(undefined)).toBeNull();
  });
});

describe('diagnostic positions at the start of a line', () => {
  it('a wrong value written at the start of a line is reported at column 1, in TypeScript and in JSON', async () => {
    const cwd = files({
      'a.system.ts': "export default {\nname: 's',\ncomponents: [{\nname: 'a',\npriority:\n255,\ncode: { elf: 'a.elf' } }],\n};\n",
      'b.system.json': '{\n"name": "s",\n"components": [{\n"name": "a",\n"priority":\n255,\n"code": { "elf": "a.elf" } }]\n}\n',
      'c.system.ts': "export default {\nname: 's',\ncomponents: [{\nname: 'a',\nbogus: 1,\ncode: { elf: 'a.elf' } }],\n};\n",
    });
    const result = await validateFiles([], nodeHost, { cwd });
    expect(result.files.map((f) => [path.basename(f.file), f.diagnostics.map((d) => [d.code, d.line, d.column])])).toEqual([
      ['a.system.ts', [['KC1006', 6, 1]]],
      ['b.system.json', [['KC1006', 6, 1]]],
      ['c.system.ts', [['KC1003', 5, 1]]],
    ]);
  });
});
