#!/usr/bin/env node
// The installed `kaal-compose` executable (package.json `bin`): runs the CLI bundle
// (dist/bin/kaal-compose.cjs, made by scripts/bundleCli.mjs from cli/bin.ts) through V8's code
// cache, and saves the bytecode for the next start when the cache was missing or stale.
// With KAAL_DEBUG set it says on stderr what became of the cache.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeCacheFile, runCommonJsBundle } from './codeCache.js';

/** What scripts/bundleCli.mjs writes beside the bundle. */
interface BundleManifest {
  readonly bundle: string;
  readonly sha256: string;
  /** The package version: two versions installed side by side keep a cache each. */
  readonly version: string;
}

const binDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin');
let manifest: BundleManifest;
try {
  manifest = JSON.parse(fs.readFileSync(path.join(binDir, 'kaal-compose.json'), 'utf8')) as BundleManifest;
} catch {
  process.stderr.write(`kaal-compose: the CLI bundle is missing from ${binDir}; run 'npm run build' in the package\n`);
  process.exit(70);
}
const bundle = path.join(binDir, manifest.bundle);
const cacheFile = codeCacheFile({ file: bundle, family: `cli@${manifest.version}`, identity: manifest.sha256, packageRoot: path.resolve(binDir, '../..') }, process.env);
const loaded = runCommonJsBundle(bundle, cacheFile);
if (process.env.KAAL_DEBUG) process.stderr.write(`kaal-compose: code cache ${loaded.cache}${cacheFile ? `: ${cacheFile}` : ''}\n`);
process.once('exit', () => loaded.saveCache());
