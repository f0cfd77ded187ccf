// defineSystem/defineComponent catch typos at compile time: fixtures/types/ type-checked by the
// TypeScript compiler, as the editor does, each mistake with tsc's own code and message; and the
// tsconfig.json that `init` writes makes a new project's descriptor checked the same way.
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { initProject } from '../../compiler/init.js';
import { repoRoot, useFiles } from '../helpers/files.js';

/** [file, line, code, message] of every error tsc reports for `files` under `options`. */
function typeErrors(files: readonly string[], options: ts.CompilerOptions): [string, number, number, string][] {
  const program = ts.createProgram(files, options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const line = d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1 : 0;
    return [d.file ? path.basename(d.file.fileName) : '', line, d.code, ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0]!];
  });
}

const fixtureOptions: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  skipLibCheck: true,
  types: [],
  // The package as a user's project sees it: its entry's types.
  paths: { 'kaal-compose': [path.join(repoRoot, 'index.ts')] },
};

/** Stryker's sandbox (.stryker-tmp/sandbox-*): its product code is instrumented, which changes its inferred types. */
const inMutationSandbox = repoRoot.split(path.sep).includes('.stryker-tmp');

describe('defineSystem / defineComponent types', () => {
  it.skipIf(inMutationSandbox)('reject an unknown property at compile time, in a component, the system, a channel list and a device grant (issue 15)', () => {
    const errors = typeErrors([path.join(repoRoot, 'fixtures/types/typos.ts')], fixtureOptions);
    expect(errors.map(([file, line, code]) => [file, line, code])).toEqual([
      ['typos.ts', 7, 2561],
      ['typos.ts', 12, 2353],
      ['typos.ts', 19, 2561],
      ['typos.ts', 25, 2561],
      ['typos.ts', 30, 2322],
    ]);
    expect(errors[0]![3]).toMatch(/^Object literal may only specify known properties, but 'prority' does not exist in type .*\. Did you mean to write 'priority'\?$/);
    expect(errors[1]![3]).toMatch(/^Object literal may only specify known properties, and 'colour' does not exist in type /);
    expect(errors[2]![3]).toMatch(/'chanels' does not exist in type .*Did you mean to write 'channels'\?$/);
    expect(errors[3]![3]).toMatch(/'cahced' does not exist in type .*Did you mean to write 'cached'\?$/);
    expect(errors[4]![3]).toMatch(/^Type 'string' is not assignable to type 'number'/);
  });

  it('accept a descriptor spelled right', () => {
    expect(typeErrors([path.join(repoRoot, 'fixtures/types/correct.ts')], fixtureOptions)).toEqual([]);
  });
});

describe("init's tsconfig.json", () => {
  const files = useFiles();
  // The package's types are dist/*.d.ts, and Stryker's sandbox has no dist/ (stryker.config.mjs
  // ignores it): there the new project would find no types at all.
  it.skipIf(inMutationSandbox)("checks the new project's descriptor against the installed package's types: clean as written, TS2561 for a typo", () => {
    const dir = files({});
    const project = path.join(dir, 'blinky');
    initProject({ cwd: dir, dir: 'blinky' });
    // As `npm install` would leave it: the package (this clone, built) under node_modules.
    fs.mkdirSync(path.join(project, 'node_modules'));
    fs.symlinkSync(repoRoot, path.join(project, 'node_modules/kaal-compose'), 'dir');
    const check = () => {
      const config = ts.getParsedCommandLineOfConfigFile(path.join(project, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
      expect(config.fileNames.map((f) => path.basename(f))).toEqual(['blinky.system.ts']);
      return typeErrors(config.fileNames, config.options);
    };
    expect(check()).toEqual([]);
    const descriptor = path.join(project, 'blinky.system.ts');
    fs.writeFileSync(descriptor, fs.readFileSync(descriptor, 'utf8').replace('priority: 100', 'prority: 100'));
    expect(check().map(([file, , code]) => [file, code])).toEqual([['blinky.system.ts', 2561]]);
  });
});
