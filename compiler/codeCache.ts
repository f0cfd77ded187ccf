// Runs a CommonJS file through V8's code cache: the CLI bundle (cli/launch.ts) and jiti's babel
// (compiler/babelTransform.ts, for TypeScript descriptors).
//
// Why: a cold `validate` is mostly start-up, and Node 20 has no compile cache of its own
// (`module.enableCompileCache` came in Node 22). Compiling a file with `vm.Script` and the bytecode
// V8 produced on an earlier run skips parsing and compiling it (docs/performance.md, "validate").
// The cache lives where tools keep theirs (`node_modules/.cache/kaal-compose/`), one file per
// cached source, named by what it caches, the source's size and modification time (V8 itself only
// compares the source's length), the Node version and architecture. V8 rejects bytecode made by
// another V8 or with other flags; a rejected, missing or unreadable cache only means an ordinary
// compile, and a cache that cannot be written is skipped silently. `KAAL_CODE_CACHE=0` turns it
// off; any other value is the directory to use.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
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
  const source = fs.readFileSync(file, 'utf8');
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
        fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
        // Another process may be writing the same file: write aside, then rename over it.
        const partial = `${cacheFile}.${process.pid}.partial`;
        try {
          fs.writeFileSync(partial, script.createCachedData());
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

/** What is cached: `name` (a family, one file per Node: `cli`, `jiti-babel`) and an optional identity. */
export interface CachedSource {
  /** The CommonJS file. */
  readonly file: string;
  readonly name: string;
  /** What else tells two versions apart (the CLI bundle's SHA-256 from its manifest). */
  readonly identity?: string;
  /** The package root: the cache goes in the node_modules it is installed in, or its own. */
  readonly packageRoot: string;
}

/**
 * Where the bytecode of `source` is kept, or undefined when KAAL_CODE_CACHE turns it off. V8
 * accepts bytecode made from any source of the same length, so the name carries the identity (a
 * rebuild) and the file's size and modification time (an edit by hand, another jiti).
 */
export function codeCacheFile(source: CachedSource, env: NodeJS.ProcessEnv): string | undefined {
  const setting = env.KAAL_CODE_CACHE;
  if (setting === '0' || setting === 'off') return undefined;
  const stat = fs.statSync(source.file);
  const identity = source.identity ? `${source.identity.slice(0, 16)}-` : '';
  const name = `${source.name}--${identity}${stat.size}-${Math.trunc(stat.mtimeMs)}${cacheSuffix()}`;
  return path.join(setting ? path.resolve(setting) : defaultCacheDir(source.packageRoot), name);
}

/** Bytecode is only good for one V8: the end of every cache file's name. */
function cacheSuffix(): string {
  return `-node${process.versions.node}-${process.arch}.v8cache`;
}

/** After a rebuild: drop the earlier bytecode of the same source for this Node (others may still use theirs). */
function removeEarlierVersions(cacheFile: string): void {
  const dir = path.dirname(cacheFile);
  const own = path.basename(cacheFile);
  const family = own.slice(0, own.indexOf('--') + 2);
  for (const name of fs.readdirSync(dir)) {
    if (name !== own && name.startsWith(family) && name.endsWith(cacheSuffix())) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/** `<nearest node_modules above the package>/.cache/kaal-compose`, or the package's own node_modules. */
function defaultCacheDir(packageRoot: string): string {
  const parts = path.resolve(packageRoot).split(path.sep);
  const nodeModules = parts.lastIndexOf('node_modules');
  const base = nodeModules >= 0 ? parts.slice(0, nodeModules + 1).join(path.sep) : path.join(packageRoot, 'node_modules');
  return path.join(base, '.cache', 'kaal-compose');
}
