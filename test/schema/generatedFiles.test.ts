// docs/diagnostics.md and schema/descriptor.schema.json are generated (npm run docs:diagnostics);
// these fail when the committed copies are stale, like TypeScript's generated diagnostic map.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleFixtures, generatedFiles } from '../../scripts/generatedFiles.js';
import { renderDiagnosticsDoc } from '../../schema/diagnosticsDoc.js';
import { D, allDiagnostics } from '../../schema/diagnostics.js';
import { repoRoot } from '../helpers/files.js';

describe('generated files', () => {
  for (const { file, text } of generatedFiles(repoRoot)) {
    it(`${file} is up to date (else run 'npm run docs:diagnostics')`, () => {
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
