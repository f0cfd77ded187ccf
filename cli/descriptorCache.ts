// TypeScript descriptors evaluated without jiti: the executable (cli/bin.ts → `useDescriptorsWithoutJiti`)
// keeps the CommonJS code jiti's babel makes of a descriptor, and a later validate of the same text
// runs that code itself, as jiti's synchronous loader would (jiti 2's `evalModule`: its wrapper,
// `exports`, the descriptor's file name), without loading jiti: jiti's module code costs every
// validate ~7 ms even from cached bytecode (docs/performance.md, start-up, session 9).
//
// Only for code that cannot tell the two apart. A descriptor is served here when it is `.ts` or
// `.mts` (jiti always transforms those), no JITI_* variable changes jiti's options, babel made it
// without error, and the code names nothing of the module system but `exports` and
// `require("kaal-compose")`: no other import, `module`, `__filename`, `__dirname`, jiti's import
// hooks, `eval`, `arguments`, `import` or `await`, and the source has no `import.meta` (a word
// anywhere, comments included, is enough to leave it to jiti), and its path is a real path. `kaal-compose` is this package's entry as jiti's transform of it exports it:
// `__esModule`, then a getter per export in name order (test/cli/descriptorCache.test.ts compares
// both with jiti's). Everything else (a descriptor importing its components, JSON, `.js`) goes
// to jiti as before.
//
// One JSON file per descriptor path in the code cache's directory (cli/codeCache.ts
// `cacheDirectory`, `descriptors/`), holding the path, the whole source text, jiti's version and
// the code (null: not servable here). It is used only when all four match the file being loaded, so
// an edit, a move or another jiti makes the entry stale; a stale or missing entry is made again by
// running the transform (babel through the code cache) once. An entry that cannot be read or
// written only means jiti loads the descriptor.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
// The package entry (index.ts) exports these values and types only; cli/ may not import the entry
// itself (test/architecture.test.ts), and test/cli/descriptorCache.test.ts compares the shape with jiti's.
import * as packageApi from '../schema/define.js';
import type { Transform } from '../compiler/jitiSetup.js';

/** Bumped whenever what an entry holds or how it is used changes. */
const FORMAT = 1;

interface Entry {
  readonly format: number;
  readonly jiti: string;
  readonly file: string;
  readonly source: string;
  /** jiti's CommonJS code for the descriptor, or null when jiti must load it. */
  readonly code: string | null;
}

export interface DescriptorCacheOptions {
  /** Where the entries go (the code cache's directory); undefined: no cache, every load goes to jiti. */
  readonly dir: string | undefined;
  /** The installed jiti's version (its babel made the code). */
  readonly jitiVersion: string;
  /** The transform jiti runs (cli/babelTransform.ts), made on the first entry that is missing. */
  readonly transform: () => Transform | undefined;
  readonly env: NodeJS.ProcessEnv;
}

/** jiti 2's wrapper for synchronous modules (`wrapModule` in its utils.ts): positions in stack traces stay jiti's. */
const WRAPPER = '(function (exports, require, module, __filename, __dirname, jitiImport, jitiESMResolve) { ';

/** What the descriptor's code may import, exactly as babel writes it. */
const PACKAGE_REQUIRE = 'require("kaal-compose")';

/** Words that mean the code uses something of the module system (or could reach it) beyond `exports`. */
const MODULE_WORDS = /(?<![\w$])(?:require|module|__filename|__dirname|jitiImport|jitiESMResolve|eval|arguments|import|await|__JITI_ERROR__)(?![\w$])/;

/** In the source: what could be `import.meta` (the word anywhere, comments included). */
const META_WORD = /(?<![\w$])meta(?![\w$])/;

function realPath(file: string): string | undefined {
  try {
    return fs.realpathSync.native(file);
  } catch {
    return undefined;
  }
}

/** Whether jiti's code for a descriptor can be run here: see the header. */
export function servableWithoutJiti(code: string): boolean {
  return !MODULE_WORDS.test(code.replaceAll(PACKAGE_REQUIRE, ''));
}

/** The loader for compiler/load.ts (`jitiSetup.withoutJiti`). */
export function descriptorsWithoutJiti(options: DescriptorCacheOptions): (absoluteFile: string, text: string) => (() => unknown) | undefined {
  return (absoluteFile, text) => {
    const { dir } = options;
    if (dir === undefined || !/\.m?ts$/.test(absoluteFile) || Object.keys(options.env).some((name) => name.startsWith('JITI_'))) return undefined;
    // babel writes `import.meta`'s URL and paths into the code as literals made from the file name
    // jiti gives it (its resolved, real path): such a descriptor is left to jiti, as is a path that
    // is not already the one jiti would use (a symbolic link, a Windows path).
    if (META_WORD.test(text) || absoluteFile.includes('\\') || realPath(absoluteFile) !== absoluteFile) return undefined;
    const file = path.join(dir, 'descriptors', entryName(absoluteFile));
    let code = readEntry(file, absoluteFile, text, options.jitiVersion);
    if (code === undefined) {
      code = transformed(options.transform(), absoluteFile, text);
      if (code === undefined) return undefined;
      writeEntry(file, { format: FORMAT, jiti: options.jitiVersion, file: absoluteFile, source: text, code });
    }
    if (code === null) return undefined;
    const servable = code;
    return () => evaluate(servable, absoluteFile);
  };
}

/** The entry's code when it is for this file, text and jiti; undefined when missing or stale. */
function readEntry(file: string, absoluteFile: string, text: string, jitiVersion: string): string | null | undefined {
  let entry: Entry;
  try {
    entry = JSON.parse(fs.readFileSync(file, 'utf8')) as Entry;
  } catch {
    return undefined;
  }
  const fresh = entry.format === FORMAT && entry.jiti === jitiVersion && entry.file === absoluteFile && entry.source === text;
  return fresh && (entry.code === null || typeof entry.code === 'string') ? entry.code : undefined;
}

/**
 * jiti's code for the descriptor, made as jiti's `transform` makes it for a synchronous load of a
 * TypeScript file (its options with ours: no source maps, interopDefault false, jsx false), or null
 * when it cannot be served here; undefined when there is no transform (nothing is written then).
 */
function transformed(transform: Transform | undefined, absoluteFile: string, text: string): string | null | undefined {
  if (transform === undefined) return undefined;
  let result: ReturnType<Transform>;
  try {
    result = transform({ source: text, filename: absoluteFile, ts: true, async: false, jsx: false, interopDefault: false, babel: {} });
  } catch {
    return null;
  }
  if (result.error !== undefined || typeof result.code !== 'string') return null;
  // jiti comments out a shebang line (its transform.ts).
  const code = result.code.startsWith('#!') ? `// ${result.code}` : result.code;
  return servableWithoutJiti(code) ? code : null;
}

/** Written beside the others as a file of its own, then renamed over the entry (other processes may write it too). */
function writeEntry(file: string, entry: Entry): void {
  const partial = `${file}.${process.pid}.${Date.now()}.partial`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(partial, JSON.stringify(entry), { flag: 'wx' });
    fs.renameSync(partial, file);
    pruneEntries(path.dirname(file));
  } catch {
    // a read-only install: jiti loads the descriptor next time too
  } finally {
    fs.rmSync(partial, { force: true });
  }
}

/** At most MAX_ENTRIES entries (test suites validate descriptors in many temporary folders): the least recently written go. */
const MAX_ENTRIES = 256;
function pruneEntries(dir: string): void {
  const names = fs.readdirSync(dir).filter((name) => name.endsWith('.json'));
  if (names.length <= MAX_ENTRIES) return;
  const byAge = names.map((name) => ({ name, mtime: fs.statSync(path.join(dir, name)).mtimeMs })).sort((a, b) => a.mtime - b.mtime);
  for (const { name } of byAge.slice(0, names.length - MAX_ENTRIES / 2)) fs.rmSync(path.join(dir, name), { force: true });
}

/** One entry per descriptor path: the base name and a 32-bit FNV-1a hash of the path (the entry holds the path itself). */
function entryName(absoluteFile: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < absoluteFile.length; i++) hash = Math.imul(hash ^ absoluteFile.charCodeAt(i), 0x01000193);
  return `${path.basename(absoluteFile).replace(/[^\w.-]/g, '_')}-${(hash >>> 0).toString(16).padStart(8, '0')}.json`;
}

/**
 * The version of the jiti `require('jiti')` finds from `dir`, read from the first `node_modules/jiti`
 * of the folders up from it (the order of Node's lookup; `require.resolve` itself costs a start
 * 3-10 ms). undefined when there is none or NODE_PATH could change the lookup.
 */
export function jitiVersionFrom(dir: string, env: NodeJS.ProcessEnv): string | undefined {
  if (env.NODE_PATH) return undefined;
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    if (path.basename(at) !== 'node_modules') {
      try {
        const { version } = JSON.parse(fs.readFileSync(path.join(at, 'node_modules', 'jiti', 'package.json'), 'utf8')) as { version?: unknown };
        return typeof version === 'string' ? version : undefined;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
      }
    }
    if (path.dirname(at) === at) return undefined;
  }
}

/** Runs the code as jiti 2's `evalModule` runs a transformed module and returns its exports. */
function evaluate(code: string, absoluteFile: string): unknown {
  const compiled = vm.runInThisContext(`${WRAPPER}${code}\n});`, { filename: absoluteFile, lineOffset: 0, displayErrors: false }) as (...args: unknown[]) => unknown;
  const module = { exports: {} as Record<string, unknown> };
  // jiti caches a module's exports for the load: every import of the package in it gets one object.
  let api: object | undefined;
  const require = (id: string): unknown => {
    if (id !== 'kaal-compose') throw new Error(`Cannot find module '${id}'`);
    return (api ??= packageExports());
  };
  compiled(module.exports, require, module, absoluteFile, path.dirname(absoluteFile), undefined, undefined);
  return module.exports;
}

/** This package's entry as jiti's CommonJS transform of dist/index.js exports it. */
export function packageExports(): object {
  const exports = {};
  Object.defineProperty(exports, '__esModule', { value: true });
  for (const name of Object.keys(packageApi).sort()) {
    Object.defineProperty(exports, name, { enumerable: true, get: () => (packageApi as Record<string, unknown>)[name] });
  }
  return exports;
}
