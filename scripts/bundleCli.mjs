// Bundles the command line (scripts/build.mjs, after tsc) into one CommonJS file,
// <dist>/bin/kaal-compose.cjs, with dist/bin/kaal-compose.json naming it and its SHA-256. The
// executable, dist/cli/launch.cjs, compiles it through V8's code cache (cli/codeCache.ts): one file
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
//
// The bundle is ASCII (cli/codeCache.ts reads it as Latin-1, without UTF-8 decoding): esbuild escapes
// non-ASCII characters in strings, templates and regular expressions (its default `charset`), but
// not in the comments it keeps; those are escaped here, where an escape changes nothing.
// It also writes the package's executable, dist/cli/launch.cjs: cli/launch.ts (and the code cache
// module) as one CommonJS file, since an ES module entry costs every start Node's ES module loader.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = 'kaal-compose.cjs';
const launcher = 'launch.cjs';

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

/**
 * esbuild gives every module that does `import * as fs from 'node:fs'` its own copy of the
 * builtin's namespace (`fs = __toESM(require("node:fs"), 1)`: a getter defined per export, ~100 for
 * fs), 57 copies made as the bundle is evaluated, ~8 ms of every start. A module that never reads
 * the namespace's `default` gets the builtin's exports themselves (the same properties); the few
 * that do (`import fs from 'node:fs'`) share one namespace per builtin, made on first use.
 */
function shareBuiltinNamespaces(code, file) {
  const call = /([\w$]+) = __toESM\(require\(("node:[a-z_/]+")\), 1\)/g;
  let shared = false;
  const replaced = code.replace(call, (_, name, id) => {
    if (!new RegExp(`(?<![\\w$])${name.replaceAll('$', '\\$')}\\.default\\b`).test(code)) return `${name} = require(${id})`;
    shared = true;
    return `${name} = __toESMBuiltin(${id})`;
  });
  if (!shared) return replaced;
  const prologue = '"use strict";\n';
  if (!replaced.startsWith(prologue) || !/^var __toESM = /m.test(replaced)) throw new Error(`${file}: not the esbuild output this build knows (no "use strict" or __toESM)`);
  const helper = 'var __builtinNamespaces = new Map();\nfunction __toESMBuiltin(id) {\n  let ns = __builtinNamespaces.get(id);\n  if (ns === void 0) __builtinNamespaces.set(id, ns = __toESM(require(id), 1));\n  return ns;\n}\n';
  return prologue + helper + replaced.slice(prologue.length);
}

/**
 * yargs' platform shim imports `strictEqual` and `notStrictEqual` from node:assert, whose loading
 * costs every start ~2.5 ms; yargs calls them only to check its own invariants. node:assert is
 * loaded on the first call instead.
 */
const lazyAssert = {
  name: 'lazy-assert',
  setup(build) {
    build.onLoad({ filter: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, (args) => {
      const source = fs.readFileSync(args.path, 'utf8');
      const line = "import { notStrictEqual, strictEqual } from 'assert'\n";
      if (!source.includes(line)) throw new Error(`${args.path}: not the yargs shim this build knows (its import of assert changed)`);
      const lazy =
        "const notStrictEqual = (...args) => process.getBuiltinModule('node:assert').notStrictEqual(...args)\n" +
        "const strictEqual = (...args) => process.getBuiltinModule('node:assert').strictEqual(...args)\n";
      return { contents: source.replace(line, lazy), loader: 'js' };
    });
  },
};

/**
 * yargs' factory gives every parser a default `--version` whose number it guesses by walking up
 * from the working directory, listing each directory until one holds a package.json (~1 ms, more
 * in a large tree), before cli/main.ts replaces it with the package's own version. The default
 * is left out; cli/main.ts always sets the option (test/cli: `--version`).
 */
const noGuessedVersion = {
  name: 'no-guessed-version',
  setup(build) {
    build.onLoad({ filter: /[\\/]yargs[\\/]build[\\/]lib[\\/]yargs-factory\.js$/ }, (args) => {
      const source = fs.readFileSync(args.path, 'utf8');
      const call = '        yargs.help();\n        yargs.version();\n        return yargs;\n';
      if (!source.includes(call)) throw new Error(`${args.path}: not the yargs factory this build knows (its default help and version changed)`);
      return { contents: source.replace(call, '        yargs.help();\n        return yargs;\n'), loader: 'js' };
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
    plugins: [lazyStringWidth, lazyAssert, noGuessedVersion],
    inject: ['scripts/bundle/importMetaUrl.js'],
    legalComments: 'eof',
    logLevel: 'warning',
  });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['cli/launch.ts'],
    outfile: path.join(distDir, 'cli', launcher),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20.19',
    define: { 'import.meta.url': 'importMetaUrl' },
    inject: ['scripts/bundle/importMetaUrl.js'],
    logLevel: 'warning',
  });
  const launcherFile = path.join(distDir, 'cli', launcher);
  fs.writeFileSync(launcherFile, shareBuiltinNamespaces(fs.readFileSync(launcherFile, 'utf8'), `dist/cli/${launcher}`));
  const written = shareBuiltinNamespaces(fs.readFileSync(path.join(outdir, bundle), 'utf8'), `dist/bin/${bundle}`);
  // Only comments can still hold non-ASCII characters (see the header).
  const ascii = written.replace(/[^\x00-\x7f]/gu, (char) =>
    char.length === 1 ? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}` : `\\u{${char.codePointAt(0).toString(16)}}`,
  );
  fs.writeFileSync(path.join(outdir, bundle), ascii);
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
  // The launcher keeps a code cache per command (cli/launch.ts): the names from the command table.
  const { commandFactories } = await import(pathToFileURL(path.join(distDir, 'cli/commands/index.js')).href);
  const commands = commandFactories.map((factory) => String([factory({ io: {}, exitCode: 0 }).command].flat()[0]).split(' ')[0]);
  fs.writeFileSync(path.join(outdir, 'kaal-compose.json'), JSON.stringify({ bundle, sha256, version, commands }) + '\n');
  // The package's bin: tsc writes it without the executable bit, and npm sets that bit only when it
  // links the package, not after a later `npm run build`.
  fs.chmodSync(path.join(distDir, 'cli/launch.js'), 0o755);
  fs.chmodSync(path.join(distDir, 'cli', launcher), 0o755);
}
