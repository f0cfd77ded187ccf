// docs/diagnostics.md and schema/descriptor.schema.json are generated (npm run docs:diagnostics);
// these fail when the committed copies are stale, like TypeScript's generated diagnostic map.
// Each test imports the generators afresh (vi.resetModules), so the diagnostic registry and the zod
// schema they render are built inside the test: a mutant of that module-level code (a message, a
// bound, a pattern, a description) is then seen by the test that would notice it (docs/testing.md).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { exampleFixtures } from '../../scripts/generatedFiles.js';
import { renderDiagnosticsDoc } from '../../schema/diagnosticsDoc.js';
import { D, allDiagnostics } from '../../schema/diagnostics.js';
import { repoRoot } from '../helpers/files.js';

/** What scripts/generate.ts writes, from modules imported afresh. */
async function freshlyGenerated(): Promise<{ file: string; text: string }[]> {
  vi.resetModules();
  const { generatedFiles } = await import('../../scripts/generatedFiles.js');
  return generatedFiles(repoRoot);
}

const GENERATED = ['docs/diagnostics.md', 'schema/descriptor.schema.json', 'docs/descriptor.md'];

describe('generated files', () => {
  it('are the diagnostics reference, the JSON Schema and the descriptor reference', async () => {
    expect((await freshlyGenerated()).map(({ file }) => file)).toEqual(GENERATED);
  });

  for (const file of GENERATED) {
    it(`${file} is up to date (else run 'npm run docs:diagnostics')`, async () => {
      const text = (await freshlyGenerated()).find((generated) => generated.file === file)?.text;
      const committed = fs.readFileSync(path.join(repoRoot, file), 'utf8');
      expect(committed === text, `${file} is stale: run 'npm run docs:diagnostics' and commit the result`).toBe(true);
    });
  }
});

describe('renderDiagnosticsDoc', () => {
  it('gives each code an anchor heading, its name, severity, message, hint and examples', () => {
    const doc = renderDiagnosticsDoc([D.unknownProperty], new Map([['KC1003', ['fixtures/invalid/KC1003-x.system.ts']]]));
    expect(doc).toContain(
      [
        '### KC1003',
        '',
        '`unknownProperty` · error',
        '',
        "> error[KC1003]: unknown property '{property}'{suggestion}",
        '',
        "Hint: the properties allowed here are {allowed}",
        '',
        'Example: [`fixtures/invalid/KC1003-x.system.ts`](../fixtures/invalid/KC1003-x.system.ts)',
        '',
      ].join('\n'),
    );
    expect(doc).toContain('## KC2xxx: Device tree and platform\n\nNo codes yet.');
  });

  it('documents every code of the registry under its band', () => {
    const doc = renderDiagnosticsDoc(allDiagnostics, new Map());
    expect(allDiagnostics.filter((d) => !doc.includes(`### ${d.code}\n`))).toEqual([]);
    expect(doc).toContain('## KC8xxx: Interoperability');
  });

  it('sorts the codes, names several examples, and refuses a code outside every band', () => {
    const doc = renderDiagnosticsDoc([D.unknownProperty, D.descriptorLoadFailed], new Map([['KC1003', ['a.ts', 'b.ts']]]));
    expect(doc.indexOf(`### ${D.descriptorLoadFailed.code}\n`)).toBeLessThan(doc.indexOf('### KC1003\n'));
    expect(doc).toContain('Examples: [`a.ts`](../a.ts), [`b.ts`](../b.ts)\n');
    expect(doc.endsWith('No codes yet.\n')).toBe(true);
    expect(() => renderDiagnosticsDoc([{ ...D.unknownProperty, code: 'KCX003' }], new Map())).toThrow('no band in docs/diagnostics.md for KCX003');
  });

  it('marks a retired code, names every code outside the bands, and keeps the given order of a repeated code', () => {
    expect(renderDiagnosticsDoc([{ ...D.unknownProperty, retired: true }], new Map())).toContain('### KC1003\n\n`unknownProperty` · error · retired\n');
    const outside = [{ ...D.unknownProperty, code: 'KCX003' }, { ...D.fileNotFound, code: 'KCX002' }];
    expect(() => renderDiagnosticsDoc(outside, new Map())).toThrow('no band in docs/diagnostics.md for KCX002, KCX003');
    // A code given twice (a registry mistake, not a real registry): both shown, in the order given.
    const first = { ...D.unknownProperty, name: 'first' };
    const second = { ...D.unknownProperty, name: 'second' };
    const doc = renderDiagnosticsDoc([first, second], new Map());
    expect(doc.indexOf('`first`')).toBeGreaterThan(0);
    expect(doc.indexOf('`first`')).toBeLessThan(doc.indexOf('`second`'));
  });

  it('ends with one newline, even when the last text ends with newlines of its own', () => {
    const doc = renderDiagnosticsDoc([{ ...D.internalError, hint: 'report it:\n\n' }], new Map());
    expect(doc.endsWith('Hint: report it:\n')).toBe(true);
  });

  it('finds example fixtures by their file names', () => {
    const examples = exampleFixtures(repoRoot);
    expect(examples.get('KC1003')).toEqual(['fixtures/invalid/KC1003-unknown-property.system.ts']);
    expect(examples.get('KC1001')).toEqual([
      'fixtures/invalid/KC1001-syntax-error.system.ts',
      'fixtures/invalid/KC1001-throw-after-types.system.ts',
      'fixtures/invalid/KC1001-throw-non-error.system.ts',
      'fixtures/invalid/KC1001-throw-while-loading.system.ts',
    ]);
  });
});
