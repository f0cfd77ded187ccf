// Bundles the command line (scripts/build.mjs, after tsc) into one CommonJS file,
// <dist>/bin/kaal-compose.cjs, with dist/bin/kaal-compose.json naming it and its SHA-256. The
// executable, dist/cli/launch.js, compiles it through V8's code cache (cli/codeCache.ts): one file
// instead of ~200 ES modules (yargs' tree, zod's, ours), and no parse or compile on later starts.
//
// Modules the CLI imports lazily stay lazy: esbuild turns `import('./x.js')` into an initialiser
// called on first use, so a `validate` never runs the runtime's or the build's module code.
// Left external, and loaded only where needed: typescript (positions), jiti (which must find its
// own babel), handlebars, execa (ESM, but `require`d: compiler/toolchain.ts `loadExeca`), saxes. fast-glob is
// bundled: validate of globs needs it, and so it is compiled from the code cache too.
// The bundle sits one level under dist/ like dist/compiler/, so the lookups relative to
// `import.meta.url` (image/packageFiles.ts' package root, compiler/load.ts' `../index.js`) hold.
// Identifiers are kept (no minification) so that KAAL_DEBUG stack traces stay readable.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = 'kaal-compose.cjs';

/**
 * string-width (yargs' and cliui's) makes an `Intl.Segmenter` (ICU's break data) and compiles its
 * Unicode-set RegExps when its module is evaluated: ~15 ms of every start, also for commands that
 * print no help. Its module-level constants of those kinds are made on the first call of its one
 * export instead.
 */
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(build) {
    build.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, (args) => {
      const source = fs.readFileSync(args.path, 'utf8');
      const made = [];
      const lazy = source.replace(/^const (\w+) = (new Intl\.Segmenter\(\)|\/.+\/[a-z]*);$/gm, (_, name, value) => {
        made.push(`${name} = ${value};`);
        return `let ${name};`;
      });
      const entry = /^export default function stringWidth\([^)]*\) \{$/m;
      if (made.length === 0 || !entry.test(lazy)) throw new Error(`${args.path}: not the string-width this build knows (its constants or its export changed)`);
      const contents = lazy.replace(entry, (line) => `let madeConstants = false;\n${line}\n\tif (!madeConstants) { madeConstants = true; ${made.join(' ')} }`);
      return { contents, loader: 'js' };
    });
  },
};

/** Writes the bundle and its manifest into `distDir`/bin (distDir: the folder tsc just filled). */
export async function bundleCli(distDir) {
  const outdir = path.join(distDir, 'bin');
  fs.rmSync(outdir, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['cli/bin.ts'],
    outfile: path.join(outdir, bundle),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20.19',
    external: ['typescript', 'jiti', 'handlebars', 'execa', 'saxes'],
    define: { 'import.meta.url': 'importMetaUrl' },
    // Node 20 has RegExp `v` literals (esbuild would lower them to `new RegExp(…, 'v')`).
    supported: { 'regexp-set-notation': true },
    plugins: [lazyStringWidth],
    inject: ['scripts/bundle/importMetaUrl.js'],
    legalComments: 'eof',
    logLevel: 'warning',
  });
  const code = fs.readFileSync(path.join(outdir, bundle));
  // Bytecode from V8's code cache loses the `import()` callback under Node 20 (cli/codeCache.ts):
  // an ESM-only package must be reached with `require` (see compiler/toolchain.ts `loadExeca`). TypeScript's
  // parser finds the calls, not the word in comments and strings.
  const text = code.toString('utf8');
  // The modules are ES modules, strict by definition: the bundle must stay strict.
  if (!text.startsWith('"use strict";')) throw new Error(`dist/bin/${bundle} does not start with "use strict"`);
  const parsed = ts.createSourceFile(bundle, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  (function refuseImportCalls(node) {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const { line } = parsed.getLineAndCharacterOfPosition(node.getStart(parsed));
      throw new Error(`dist/bin/${bundle}:${line + 1}: the CLI bundle must not use import() (require ESM-only packages instead)`);
    }
    ts.forEachChild(node, refuseImportCalls);
  })(parsed);
  const sha256 = createHash('sha256').update(code).digest('hex');
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(outdir, 'kaal-compose.json'), JSON.stringify({ bundle, sha256, version }) + '\n');
  // The package's bin: tsc writes it without the executable bit, and npm sets that bit only when it
  // links the package, not after a later `npm run build`.
  fs.chmodSync(path.join(distDir, 'cli/launch.js'), 0o755);
}
