// Runs the bundled CLI through V8's code cache (used by cli/launch.ts, the installed executable).
//
// Why: a cold `validate` is mostly start-up, and Node 20 has no compile cache of its own
// (`module.enableCompileCache` came in Node 22). Compiling the bundle with `vm.Script` and the
// bytecode V8 produced on an earlier run skips parsing and compiling yargs, zod and our modules
// (docs/performance.md, "validate"). The cache lives where tools keep theirs
// (`node_modules/.cache/kaal-compose/`), named by the bundle's hash, size and modification time (V8
// itself only compares the source's length), Node version and architecture. V8 rejects bytecode made by another V8 or with
// other flags; a rejected, missing or unreadable cache only means an ordinary compile, and a cache
// that cannot be written is skipped silently. `KAAL_CODE_CACHE=0` turns it off; any other value is
// the directory to use.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

/** What scripts/bundleCli.mjs writes beside the bundle. */
export interface BundleManifest {
  readonly bundle: string;
  readonly sha256: string;
}

export type CodeCacheUse = 'off' | 'missing' | 'accepted' | 'rejected';

export interface LoadedBundle {
  readonly exports: unknown;
  /** What happened to the cache when the bundle was compiled. */
  readonly cache: CodeCacheUse;
  /** Writes the bytecode compiled so far (call when the work is done, so it covers what ran). */
  saveCache(): void;
}

/**
 * Runs a CommonJS bundle as Node's loader would (wrapper, `require` relative to it) but compiled
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
        removeOtherBundlesCaches(cacheFile);
      } catch {
        // a read-only install: every start compiles, nothing else changes
      }
    },
  };
}

/**
 * Where the bytecode of the bundle `file` is kept, or undefined when KAAL_CODE_CACHE turns it off.
 * V8 accepts bytecode made from any source of the same length, so the name carries the bundle's
 * SHA-256 from its manifest (a rebuild) and its size and modification time (an edit by hand).
 */
export function codeCacheFile(file: string, manifest: BundleManifest, env: NodeJS.ProcessEnv): string | undefined {
  const setting = env.KAAL_CODE_CACHE;
  if (setting === '0' || setting === 'off') return undefined;
  const stat = fs.statSync(file);
  const name = `${manifest.sha256.slice(0, 16)}-${stat.size}-${Math.trunc(stat.mtimeMs)}${cacheSuffix()}`;
  return path.join(setting ? path.resolve(setting) : defaultCacheDir(path.dirname(file)), name);
}

/** Bytecode is only good for one V8: the end of every cache file's name. */
function cacheSuffix(): string {
  return `-node${process.versions.node}-${process.arch}.v8cache`;
}

/** After a rebuild: drop the bytecode of earlier bundles for this Node (others may still use theirs). */
function removeOtherBundlesCaches(cacheFile: string): void {
  const dir = path.dirname(cacheFile);
  for (const name of fs.readdirSync(dir)) {
    if (name !== path.basename(cacheFile) && name.endsWith(cacheSuffix())) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/** `<nearest node_modules above the package>/.cache/kaal-compose`, or the package's own node_modules. */
function defaultCacheDir(binDir: string): string {
  const packageRoot = path.resolve(binDir, '../..');
  const parts = packageRoot.split(path.sep);
  const nodeModules = parts.lastIndexOf('node_modules');
  const base = nodeModules >= 0 ? parts.slice(0, nodeModules + 1).join(path.sep) : path.join(packageRoot, 'node_modules');
  return path.join(base, '.cache', 'kaal-compose');
}
