// The CLI bundle's entry (scripts/bundleCli.mjs → dist/bin/kaal-compose.cjs, started by
// cli/launch.ts): runs `main` on the process and sets its exit code. CommonJS has no top-level
// `await`, so a `main` that never settles (a bug) is reported at exit instead of exiting 0. Once
// `main` is done the process exits, after stdout and stderr are flushed: a timer or socket that
// a descriptor left behind must not keep `validate` in a pre-commit hook running (issue 15).
import { ExitCode } from './exitCodes.js';
import { main } from './main.js';
import { printDiagnostics } from './report/index.js';
import { D, createDiagnostic } from '../schema/diagnostics.js';
import { processStdin } from './readInput.js';
import { cachedBabelTransform } from './babelTransform.js';
import { requireJiti } from './cachedJiti.js';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { descriptorsWithoutJiti, jitiVersionFrom } from './descriptorCache.js';
import { cacheDirectory } from './codeCache.js';
import { packageRoot } from '../image/packageFiles.js';
// From the leaf module, not compiler/load.js: that would evaluate the descriptor schema in every command.
import { useDescriptorTransform, useDescriptorsWithoutJiti, useJitiModule, type Transform } from '../compiler/jitiSetup.js';

let transform: { made: Transform | undefined } | undefined;
const descriptorTransform = () => (transform ??= { made: cachedBabelTransform(process.env) }).made;
useDescriptorTransform(descriptorTransform);
useJitiModule(() => requireJiti(process.env));
let withoutJiti: ReturnType<typeof descriptorsWithoutJiti> | null | undefined;
useDescriptorsWithoutJiti((absoluteFile, text) => {
  if (withoutJiti === undefined) {
    const jitiVersion = jitiVersionFrom(path.dirname(fileURLToPath(import.meta.url)), process.env);
    const dir = cacheDirectory(packageRoot(), process.env);
    withoutJiti = jitiVersion?.startsWith('2.') ? descriptorsWithoutJiti({ dir, jitiVersion, transform: descriptorTransform, env: process.env }) : null;
  }
  return withoutJiti?.(absoluteFile, text);
});
const io = { stdin: processStdin(), stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
let settled = false;

function internalError(message: string): void {
  printDiagnostics(io, [createDiagnostic(D.internalError, { message })]);
  process.exitCode = ExitCode.internal;
}

process.once('exit', () => {
  if (!settled) internalError('the command stopped with its work unfinished');
});
/** Exits once both output streams have written what they were given. */
function exitWhenFlushed(): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit();
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

main(process.argv.slice(2), io).then(
  (code) => {
    settled = true;
    process.exitCode = code;
    exitWhenFlushed();
  },
  (error: unknown) => {
    settled = true;
    internalError(error instanceof Error ? error.message : String(error));
    exitWhenFlushed();
  },
);
