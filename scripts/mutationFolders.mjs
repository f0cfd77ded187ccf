// Which product folders mutation testing covers and which tests guard each: read by
// stryker.config.mjs (what `npm run mutate` runs) and scripts/mutationScore.mjs (which report
// results still count for a folder), so the two cannot disagree.
import fg from 'fast-glob';

/**
 * Each folder with the tests that guard it, and whether those tests may share one module graph
 * (`reuseModules`, vitest.mutate.config.ts: much faster). Not where a test keeps what the mutated
 * code computed across tests (the example images and plans built once per file), since a later
 * mutant would then be tested against results computed without it. Tests that exercise only dist/ (the CLI bundle, which the
 * sandbox does not rebuild from mutated sources), need clang, QEMU or Chromium, or run child processes
 * are left out: they cannot see a mutant and would only make the run long.
 */
export const MUTATION_FOLDERS = {
  schema: {
    mutate: ['schema/**/*.ts', '!schema/plan.generated.ts'],
    tests: ['test/schema', 'test/compiler', 'test/image', 'test/cli/validate.test.ts', 'test/cli/report', 'test/cli/terminalEscapes.test.ts'],
  },
  'compiler/check': {
    mutate: ['compiler/check/**/*.ts'],
    reuseModules: true,
    tests: ['test/compiler', 'test/cli/validate.test.ts', 'test/schema/lineIndex.test.ts'],
  },
  'compiler/plan': {
    mutate: ['compiler/plan/**/*.ts'],
    tests: ['test/compiler', 'test/image/bootImage', 'test/runtime/boot.test.ts'],
  },
  image: {
    mutate: ['image/**/*.ts'],
    // runtime/boot/rootTask.test.ts: the root task reads image/rootTask.ts's plan table and says what it found.
    tests: ['test/image', 'test/compiler', 'test/runtime/boot.test.ts', 'test/runtime/boot/rootTask.test.ts', 'test/fuzz/imageReader.test.ts', 'test/fuzz/fdtDecoder.test.ts', 'test/fuzz/elfReader.test.ts'],
  },
  'runtime/boot': {
    mutate: ['runtime/boot/**/*.ts'],
    reuseModules: true,
    tests: ['test/runtime/boot.test.ts', 'test/runtime/boot', 'test/runtime/run.test.ts', 'test/runtime/bareRunner.test.ts', 'test/fuzz/boot.test.ts'],
  },
  'runtime/kernel': {
    mutate: ['runtime/kernel/**/*.ts'],
    reuseModules: true,
    tests: ['test/runtime/kernel', 'test/runtime/boot.test.ts', 'test/runtime/run.test.ts', 'test/runtime/bareRunner.test.ts', 'test/fuzz/kernel.test.ts'],
  },
};

/** Tests that cannot see a mutant (see above), by file. */
export const UNSEEING_TESTS = [
  'test/compiler/toolchain.test.ts', // clang
  'test/compiler/build.test.ts', // clang for some cases; the rest is covered by the unit tests
  'test/fixtures/systems.test.ts', // clang
  'test/cli/codeCache.test.ts', // dist/
  'test/cli/babelTransform.test.ts', // dist/
  'test/image/fdt/qemuDtb.test.ts', // QEMU
  'test/compiler/loadWatchdog.test.ts', // dist/, in child processes
];

/**
 * Whole-pipeline property tests over hundreds of generated systems, left out for time: nearly every
 * mutant of schema/, compiler/ and image/ is in their reach, so every surviving mutant would rerun
 * them whole (147 s and 43 s of a 245 s plain run of image's set; with them the initial run of image's
 * set did not end in 55 min at load 9–13). Without them a score is a lower bound, as with any narrower set.
 */
export const SLOW_TESTS = [
  'test/compiler/validatePlanBuild.test.ts', // validate ⇔ plan ⇔ build over every fixture and a generated corpus
  'test/compiler/check/largeSystems.test.ts', // checks and planner on 20 000 components
];

/** The test files a run of these folders uses, sorted (the folder's globs, minus UNSEEING_TESTS and SLOW_TESTS). */
export function mutationTestFiles(names) {
  return fg
    .sync(
      names.flatMap((name) => MUTATION_FOLDERS[name].tests).map((entry) => (entry.endsWith('.ts') ? entry : `${entry}/**/*.test.ts`)),
      { onlyFiles: true },
    )
    .filter((file) => !UNSEEING_TESTS.includes(file) && !SLOW_TESTS.includes(file))
    .sort();
}

/** The product files a folder mutates, sorted. */
export function mutatedFiles(name) {
  return fg.sync(MUTATION_FOLDERS[name].mutate, { onlyFiles: true }).sort();
}
