// Mutation testing (`npm run mutate`, not part of CI): which product folders Stryker mutates and which
// tests it runs against them. How to run it and the scores per folder: docs/testing.md.
//
//   npm run mutate                                   every folder below (long: run one at a time)
//   MUTATE=schema,compiler/check npm run mutate      the named folders, each with its own tests
//   npm run mutate -- --mutate 'image/elf.ts'        Stryker's own --mutate narrows further
//   MUTATE_REPORT=elf npm run mutate -- …            reports/mutation/elf.{html,json} instead
import fs from 'node:fs';
import path from 'node:path';
import { MUTATION_FOLDERS as FOLDERS, mutationTestFiles } from './scripts/mutationFolders.mjs';

const names = (process.env.MUTATE ?? Object.keys(FOLDERS).join(',')).split(',').map((name) => name.trim().replace(/\/$/, ''));
for (const name of names) {
  if (!(name in FOLDERS)) throw new Error(`MUTATE names '${name}'; the folders are ${Object.keys(FOLDERS).join(', ')}`);
}
const chosen = names.map((name) => FOLDERS[name]);

// Read by vitest.config.ts in the test runner processes Stryker starts (they inherit this environment).
process.env.KAAL_MUTATE = '1';

/** Static mutants need a fresh module graph per run. */
const staticToo = process.env.MUTATE_STATIC === '1';

/** Report file name: the folders, or MUTATE_REPORT (for a narrowed run). */
const report = process.env.MUTATE_REPORT ?? names.join('+').replaceAll('/', '-');

const testFiles = mutationTestFiles(names);

// The tests find the shared corpus at `<repo>/../shared`; the sandbox is `.stryker-tmp/sandbox-*`,
// so the same relative path has to lead there too. KAAL_SHARED overrides (a git worktree elsewhere).
const shared = process.env.KAAL_SHARED ?? path.resolve('..', 'shared');
const sandboxShared = path.resolve('.stryker-tmp', 'shared');
if (fs.existsSync(shared) && !fs.existsSync(sandboxShared)) {
  fs.mkdirSync('.stryker-tmp', { recursive: true });
  fs.symlinkSync(shared, sandboxShared);
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: chosen.every((folder) => folder.reuseModules) && !staticToo ? 'vitest.mutate.config.ts' : 'vitest.config.ts', related: true },
  // Mutants that do not type-check are dropped before any test runs. The checker compiles the
  // product code only (tsconfig.mutate.json); MUTATE_TYPECHECK=0 leaves it out (faster on a busy
  // machine: such mutants then run and are usually killed by a crash).
  checkers: process.env.MUTATE_TYPECHECK === '0' ? [] : ['typescript'],
  tsconfigFile: 'tsconfig.mutate.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: chosen.flatMap((folder) => folder.mutate),
  testFiles,
  // Stryker marks files `// @ts-nocheck` so mutants compile; only the product code, never the tests'
  // fixtures (a descriptor one line longer moves every diagnostic position the tests check).
  disableTypeChecks: '{schema,compiler,image,runtime}/**/*.ts',
  coverageAnalysis: 'perTest',
  // A static mutant (module-level code: tables, constants) is covered by every test and would rerun
  // them all after a reload; they are counted as ignored and listed in the report. MUTATE_STATIC=1
  // tests them too (for a narrowed run, e.g. schema/descriptor.ts against its bounds tests).
  ignoreStatic: !staticToo,
  // One test runner (and one checker): the machine has 2 cores shared with other work.
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 1),
  // `npm run mutate -- --incremental` reuses the results of the last run of the same folders for
  // mutants whose code and covering tests did not change (reports/ is not in git).
  incrementalFile: `reports/mutation/${report}.incremental.json`,
  // A mutant that makes a loop endless is a timeout (counted as detected); keep the wait short.
  timeoutMS: 10_000,
  // The initial run, with per-test coverage on instrumented code, is several times the tests' normal
  // time: schema's and compiler/plan's test sets (test/compiler, test/image) passed 30 minutes at
  // load 3–5 and the run was lost.
  dryRunTimeoutMinutes: 90,
  ignorePatterns: ['dist', 'reports', 'tmp', '*.img', 'bench'],
  // partial-report (scripts/strykerPartialReport.mjs): the results so far, kept while the run goes.
  plugins: ['@stryker-mutator/*', './scripts/strykerPartialReport.mjs'],
  reporters: ['clear-text', 'progress-append-only', 'html', 'json', 'partial-report'],
  htmlReporter: { fileName: `reports/mutation/${report}.html` },
  jsonReporter: { fileName: `reports/mutation/${report}.json` },
  clearTextReporter: { allowColor: false, reportTests: false, reportMutants: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
