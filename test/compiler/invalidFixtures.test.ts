// fixtures/invalid/: one descriptor per KC0xxx/KC1xxx code that a file can show (and the KC5xxx/KC6xxx
// ones validate finds without compiling). Each is asserted by
// [code, line, column] (what a prefix match would miss) and its rendered frame is snapshot-tested.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { validateFiles } from '../../compiler/validate.js';
import { nodeHost } from '../../compiler/host.js';
import { renderDiagnostics } from '../../cli/report/index.js';
import { repoRoot } from '../helpers/files.js';

const dir = 'fixtures/invalid';

/** file → every diagnostic it yields, as [code, line, column]. */
const expected: Record<string, [string, number, number][]> = {
  'KC0006-not-a-descriptor.system.yaml': [['KC0006', 1, 1]],
  'KC1001-syntax-error.system.ts': [['KC1001', 6, 28]],
  'KC1001-throw-while-loading.system.ts': [['KC1001', 5, 9]],
  'KC1001-throw-non-error.system.ts': [['KC1001', 5, 26]],
  // Mapped back through the transform's source map: the code that ran had no types (it was 9:66).
  'KC1001-throw-after-types.system.ts': [['KC1001', 9, 104]],
  'KC1002-default-export-not-object.system.ts': [['KC1002', 4, 16]],
  'KC1003-unknown-property.system.ts': [['KC1003', 9, 7]],
  'KC1004-wrong-type.system.ts': [['KC1004', 6, 39]],
  'KC1005-missing-property.system.ts': [['KC1005', 7, 5]],
  'KC1006-out-of-range.system.ts': [['KC1006', 6, 39]],
  'KC1007-bad-name.system.ts': [['KC1007', 6, 24]],
  'KC1008-bad-address.system.json': [['KC1008', 4, 49]],
  'KC1009-empty-components.system.ts': [['KC1009', 6, 15]],
  'KC1010-bad-permissions.system.ts': [['KC1010', 11, 43]],
  'KC1011-no-code.system.ts': [['KC1011', 6, 35]],
  'KC1012-json-syntax.system.json': [['KC1012', 4, 48]],
  'KC1100-loop-never-ends.system.ts': [['KC1100', 1, 1]],
  // Both keys written twice, and the semantic checks on the rest (JSON.parse kept the last of each).
  'KC1110-json-duplicate-key.system.json': [['KC1110', 4, 87], ['KC3004', 6, 37], ['KC1110', 7, 3]],
  'KC1100-await-never-settles.system.ts': [['KC1100', 4, 16]],
  'KC1100-loop-after-await.system.ts': [['KC1100', 5, 15]],
  'KC5003-source-missing.system.ts': [['KC5003', 7, 43]],
  'KC5004-elf-missing.system.ts': [['KC5004', 7, 31]],
  'KC5005-header-name-clash.system.ts': [['KC5005', 12, 13], ['KC5005', 12, 13]],
  'KC6500-elf-not-elf.system.ts': [['KC6500', 7, 31]],
  // A typo'd property does not hide the semantic mistakes beside it.
  'many-mistakes.system.ts': [
    ['KC1003', 7, 18],
    ['KC3005', 7, 78],
    ['KC3001', 8, 13],
    ['KC1006', 9, 28],
    ['KC3006', 9, 75],
    ['KC3040', 10, 66],
    ['KC3072', 12, 19],
    ['KC3070', 12, 38],
    ['KC1008', 12, 69],
    ['KC3004', 14, 22],
    ['KC3020', 15, 5],
  ],
  'three-mistakes.system.ts': [
    ['KC1006', 6, 13],
    ['KC1003', 17, 7],
    ['KC1008', 19, 40],
  ],
};

describe('fixtures/invalid', () => {
  it('every KC0/KC1 fixture is in the table and each KCnnnn-* fixture shows its code', () => {
    // The KC3xxx/KC4xxx fixtures and their helper files are checked in test/compiler/check/.
    const present = fs.readdirSync(path.join(repoRoot, dir)).filter((f) => !/^KC[34]\d{3}-|\.(dts|elf|c)$/.test(f)).sort();
    expect(present).toEqual(Object.keys(expected).sort());
    for (const [file, diagnostics] of Object.entries(expected)) {
      const code = /^(KC\d{4})-/.exec(file)?.[1];
      if (code) expect(diagnostics.map((d) => d[0]), file).toContain(code);
    }
  });

  // A loop after an await is ended only by the load watchdog, which can watch the main thread only
  // (compiler/loadWatchdog.ts). In a worker thread (Stryker's test runner) the fixture would never
  // end: it held every mutation run whose tests include this file in its initial run until timeout.
  const endsOnlyOnMainThread = (file: string) => file === 'KC1100-loop-after-await.system.ts';

  for (const [file, diagnostics] of Object.entries(expected)) {
    it.skipIf(endsOnlyOnMainThread(file) && !isMainThread)(`${file} yields ${diagnostics.map((d) => d.join(':')).join(', ')}`, async () => {
      const relative = `${dir}/${file}`;
      // The KC1100 fixtures never finish loading: a short limit keeps the test short.
      const result = await validateFiles([relative], nodeHost, { cwd: repoRoot, ...(file.startsWith('KC1100') ? { loadTimeoutMs: 1500 } : {}) });
      const found = result.files[0]!.diagnostics;
      expect(found.map((d) => [d.code, d.line ?? 1, d.column ?? 1])).toEqual(diagnostics);
      const sourceOf = (f: string) => fs.readFileSync(path.join(repoRoot, f), 'utf8');
      expect(renderDiagnostics(found, { format: 'text', color: false, sourceOf })).toMatchSnapshot();
    });
  }
});
