// scripts/strykerPartialReport.mjs: the Stryker reporter that keeps a run's results on disk while it
// goes. Fed the events Stryker sends (the plan, then each mutant's result), in a scratch folder
// laid out like the repository: the partial report it writes lists every planned mutant, tested or
// Pending, at the locations Stryker's JSON report uses, `npm run mutate:score` reads it as partly
// measured, and it is removed once the whole report is ready.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the scripts folder, without types
import { strykerPlugins } from '../../scripts/strykerPartialReport.mjs';

const scoreScript = path.resolve('scripts/mutationScore.mjs');
const startDir = process.cwd();
let dir = '';

afterEach(() => {
  process.chdir(startDir);
  fs.rmSync(dir, { recursive: true, force: true });
});

interface PartialReport {
  config: { mutate: string[]; testFiles: string[] };
  files: Record<string, { source: string; mutants: { id: string; status: string; location: unknown; killedBy?: unknown }[] }>;
}

describe('strykerPartialReport', () => {
  it('writes the plan as Pending, each result as it comes, and leaves the whole report alone', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-partial-'));
    fs.mkdirSync(path.join(dir, 'runtime/kernel'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'test/runtime/kernel'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'runtime/kernel/a.ts'), 'export const a = 1 < 2;\n');
    fs.writeFileSync(path.join(dir, 'test/runtime/kernel/a.test.ts'), '');
    process.chdir(dir);

    const [plugin] = strykerPlugins as { kind: string; name: string; injectableClass: new (options: object) => Record<string, (event?: unknown) => void> }[];
    expect(plugin!.name).toBe('partial-report');
    const options = { jsonReporter: { fileName: 'reports/mutation/run.json' }, mutate: ['runtime/kernel/**/*.ts'], testFiles: ['test/runtime/kernel/a.test.ts'] };
    const reporter = new plugin!.injectableClass(options);
    const file = path.join(dir, 'runtime/kernel/a.ts');
    // Stryker's internal locations are 0-based; its JSON report's are 1-based.
    const planned = (id: string, column: number) => ({ id, fileName: file, mutatorName: 'EqualityOperator', replacement: '1 <= 2', location: { start: { line: 0, column }, end: { line: 0, column: column + 5 } } });
    reporter.onMutationTestingPlanReady!({ mutantPlans: [{ mutant: planned('1', 17) }, { mutant: planned('2', 16) }] });
    const partialFile = path.join(dir, 'reports/mutation/run.partial.json');
    const read = () => JSON.parse(fs.readFileSync(partialFile, 'utf8')) as PartialReport;

    const atPlan = read();
    expect(atPlan.config).toEqual({ mutate: options.mutate, testFiles: options.testFiles });
    expect(Object.keys(atPlan.files)).toEqual(['runtime/kernel/a.ts']);
    expect(atPlan.files['runtime/kernel/a.ts']!.source).toBe('export const a = 1 < 2;\n');
    expect(atPlan.files['runtime/kernel/a.ts']!.mutants).toEqual([
      { id: '1', mutatorName: 'EqualityOperator', replacement: '1 <= 2', location: { start: { line: 1, column: 18 }, end: { line: 1, column: 23 } }, status: 'Pending' },
      { id: '2', mutatorName: 'EqualityOperator', replacement: '1 <= 2', location: { start: { line: 1, column: 17 }, end: { line: 1, column: 22 } }, status: 'Pending' },
    ]);

    // A result, as Stryker reports it (schema location, its own bookkeeping fields), written at the
    // latest when the run winds up; the test ids are left out as the whole report remaps them.
    const location = { start: { line: 1, column: 18 }, end: { line: 1, column: 23 } };
    reporter.onMutantTested!({ id: '1', fileName: file, mutatorName: 'EqualityOperator', replacement: '1 <= 2', location, status: 'Killed', killedBy: ['t1'], coveredBy: ['t1'], testsCompleted: 1 });
    reporter.wrapUp!();
    const later = read().files['runtime/kernel/a.ts']!.mutants;
    expect(later.map((m) => [m.id, m.status])).toEqual([['1', 'Killed'], ['2', 'Pending']]);
    expect(later[0]).not.toHaveProperty('killedBy');

    const output = execFileSync(process.execPath, [scoreScript, '--folder', 'runtime/kernel', 'reports/mutation'], { encoding: 'utf8' });
    expect(output).toContain('| runtime/kernel/a.ts | 1 | 0 | 0 | 0 | some lines or mutants only: 100.0 % so far | run.partial |');

    reporter.onMutationTestReportReady!();
    reporter.wrapUp!();
    expect(fs.existsSync(partialFile)).toBe(false);
  });
});
