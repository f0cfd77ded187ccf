// Runs a CommonJS file through V8's code cache: the CLI bundle (cli/launch.ts) and jiti's babel
// (cli/babelTransform.ts, for TypeScript descriptors).
//
// Why: a cold `validate` is mostly start-up, and Node 20 has no compile cache of its own
// (`module.enableCompileCache` came in Node 22). Compiling a file with `vm.Script` and the bytecode
// V8 produced on an earlier run skips parsing and compiling it (docs/performance.md, "validate").
//
// Where: `node_modules/.cache/kaal-compose/` of the project the package is installed in, as other
// tools keep theirs, or the user's cache directory when that node_modules is not writable (a global
// install by root). The bytecode is code we run, so it never goes to a shared temporary directory.
// One file per cached source, named by its family (`cli@0.1.0`, `jiti-babel@2.7.0`: versions
// installed side by side keep one each), an identity (the bundle's SHA-256), the source's size and
// modification time (V8 itself only compares the source's length), the Node version and
// architecture. V8 rejects bytecode made by another V8 or
// with other flags; a rejected, missing or unreadable cache only means an ordinary compile, and a
// cache that cannot be written is skipped silently. `KAAL_CODE_CACHE=0` (or off, false, no) turns it
// off; a path is the directory to use.
import { isAscii } from 'node:buffer';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';

export type CodeCacheUse = 'off' | 'missing' | 'accepted' | 'rejected';

export interface LoadedBundle {
  readonly exports: unknown;
  /** What happened to the cache when the bundle was compiled. */
  readonly cache: CodeCacheUse;
  /** Writes the bytecode compiled so far (call when the work is done, so it covers what ran). */
  saveCache(): void;
}

/**
 * Runs a CommonJS file as Node's loader would (wrapper, `require` relative to it) but compiled
 * with `cacheFile`'s bytecode when V8 accepts it. `cacheFile` undefined: no cache.
 */
export function runCommonJsBundle(file: string, cacheFile: string | undefined): LoadedBundle {
  // The CLI bundle is ASCII (scripts/bundleCli.mjs): read as Latin-1 it becomes a one-byte string
  // without UTF-8 decoding (~10 ms less for its 1.5 MB than 'utf8', which also made it two-byte
  // when a comment held one non-ASCII character).
  const bytes = fs.readFileSync(file);
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  let cachedData: Buffer | undefined;
  if (cacheFile !== undefined) {
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    // No `importModuleDynamically`: under Node 20 bytecode from the cache loses it, so the bundle
    // must not use `import()` (scripts/bundleCli.mjs refuses to write one that does).
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, path.dirname(file));
  const cache: CodeCacheUse = cacheFile === undefined ? 'off' : !cachedData ? 'missing' : script.cachedDataRejected ? 'rejected' : 'accepted';
  return {
    exports: module.exports,
    cache,
    saveCache() {
      if (cacheFile === undefined || cache === 'accepted') return;
      try {
        fs.mkdirSync(path.dirname(cacheFile), { recursive: true, mode: 0o700 });
        // Other processes (in other containers sharing node_modules, with the same pid) may be
        // writing the same file: each writes a file of its own, then renames it over the cache.
        // (node:crypto only here: loading it costs every start a few milliseconds.)
        const { randomUUID } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
        const partial = `${cacheFile}.${randomUUID()}.partial`;
        try {
          fs.writeFileSync(partial, script.createCachedData(), { flag: 'wx' });
          fs.renameSync(partial, cacheFile);
        } finally {
          fs.rmSync(partial, { force: true });
        }
        removeEarlierVersions(cacheFile);
      } catch {
        // a read-only install: every start compiles, nothing else changes
      }
    },
  };
}

/** A CommonJS file whose bytecode is cached. */
export interface CachedSource {
  readonly file: string;
  /** What it is, with its version (`cli@0.1.0`, `jiti-babel@2.7.0`): one cache file per family and Node. */
  readonly family: string;
  /** What tells two builds of one version apart (the CLI bundle's SHA-256). */
  readonly identity: string;
  /** The package root: the cache goes in the node_modules it is installed in. */
  readonly packageRoot: string;
}

const OFF = new Set(['0', 'off', 'false', 'no']);
const ON = new Set(['', '1', 'on', 'true', 'yes']);

/**
 * Where the bytecode of `source` is kept, or undefined when KAAL_CODE_CACHE turns it off. V8
 * accepts bytecode made from any source of the same length, so the name carries the identity and
 * the file's size and modification time.
 */
export function codeCacheFile(source: CachedSource, env: NodeJS.ProcessEnv): string | undefined {
  const dir = cacheDirectory(source.packageRoot, env);
  if (dir === undefined) return undefined;
  const stat = fs.statSync(source.file);
  const name = `${source.family}--${source.identity.slice(0, 16)}-${stat.size}-${Math.trunc(stat.mtimeMs)}${cacheSuffix()}`;
  return path.join(dir, name);
}

/** The directory the executable's caches go in (see the header), or undefined when KAAL_CODE_CACHE turns them off. */
export function cacheDirectory(packageRoot: string, env: NodeJS.ProcessEnv): string | undefined {
  const setting = (env.KAAL_CODE_CACHE ?? '').trim();
  if (OFF.has(setting.toLowerCase())) return undefined;
  return ON.has(setting.toLowerCase()) ? defaultCacheDir(packageRoot, env) : path.resolve(setting);
}

/** Bytecode is only good for one V8: the end of every cache file's name. */
function cacheSuffix(): string {
  return `-node${process.versions.node}-${process.arch}.v8cache`;
}

/** After a rebuild: drop the earlier bytecode of the same family for this Node (other Nodes may still use theirs). */
function removeEarlierVersions(cacheFile: string): void {
  const own = path.basename(cacheFile);
  const separator = own.indexOf('--');
  if (separator <= 0) return; // not a name codeCacheFile gave
  const family = own.slice(0, separator + 2);
  const dir = path.dirname(cacheFile);
  for (const name of fs.readdirSync(dir)) {
    if (name !== own && name.startsWith(family) && name.endsWith(cacheSuffix())) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/**
 * `.cache/kaal-compose` in the project's node_modules (the first one in the package's path), or
 * the user's cache directory when that node_modules cannot be written.
 */
function defaultCacheDir(packageRoot: string, env: NodeJS.ProcessEnv): string {
  const parts = path.resolve(packageRoot).split(path.sep);
  const first = parts.indexOf('node_modules');
  const nodeModules = first >= 0 ? parts.slice(0, first + 1).join(path.sep) : path.join(packageRoot, 'node_modules');
  try {
    fs.accessSync(nodeModules, fs.constants.W_OK);
    return path.join(nodeModules, '.cache', 'kaal-compose');
  } catch {
    const userCache = env.XDG_CACHE_HOME || (process.platform === 'win32' && env.LOCALAPPDATA) || path.join(os.homedir(), '.cache');
    return path.join(userCache, 'kaal-compose');
  }
}
