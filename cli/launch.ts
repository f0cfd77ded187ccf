#!/usr/bin/env node
// The installed `kaal-compose` executable (package.json `bin`): runs the CLI bundle
// (dist/bin/kaal-compose.cjs, made by scripts/bundleCli.mjs from cli/bin.ts) through V8's code
// cache, and saves the bytecode for the next start when the cache was missing or stale.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeCacheFile, runCommonJsBundle } from '../compiler/codeCache.js';

/** What scripts/bundleCli.mjs writes beside the bundle. */
interface BundleManifest {
  readonly bundle: string;
  readonly sha256: string;
}

const binDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin');
const manifest = JSON.parse(fs.readFileSync(path.join(binDir, 'kaal-compose.json'), 'utf8')) as BundleManifest;
const bundle = path.join(binDir, manifest.bundle);
const source = { file: bundle, name: 'cli', identity: manifest.sha256, packageRoot: path.resolve(binDir, '../..') };
const loaded = runCommonJsBundle(bundle, codeCacheFile(source, process.env));
process.once('exit', () => loaded.saveCache());
