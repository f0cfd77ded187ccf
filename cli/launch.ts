#!/usr/bin/env node
// The installed `kaal-compose` executable: runs the CLI bundle (dist/bin/kaal-compose.cjs, made by
// scripts/bundleCli.mjs from cli/bin.ts) through V8's code cache, and saves the bytecode for the
// next start when the cache was missing or stale. With KAAL_DEBUG set it says on stderr what became
// of the cache.
//
// package.json's `bin` is dist/cli/launch.cjs, this file bundled as CommonJS by scripts/bundleCli.mjs:
// an ES module entry costs every start Node's ES module loader (~9 ms). tsc's dist/cli/launch.js
// (the same code as an ES module) still works.
//
// One cache per command (the first argument that names one of the manifest's commands, else
// `other`): V8 caches the bytecode of what ran when the cache was written, so a cache written by
// `machine` would leave `validate` compiling its own code on every start, and one written by
// `build` would make `machine` deserialise the build's bytecode. A command with options keeps one
// more (`validate-options`): those go through yargs, plain ones do not.
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
  /** The commands of the bundle (`validate`, `machine`, …): each keeps a cache of its own. */
  readonly commands?: readonly string[];
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
const args = process.argv.slice(2);
const firstWord = args.find((a) => !a.startsWith('-'));
const command = firstWord !== undefined && manifest.commands?.includes(firstWord) ? firstWord : 'other';
// A command line with options goes through yargs, a plain one does not (cli/directCommand.ts):
// each keeps its own bytecode, so that neither compiles what the other's cache left out.
const plain = args.every((a) => a !== '' && !a.startsWith('-'));
const cacheName = command === 'other' || plain ? command : `${command}-options`;
const cacheFile = codeCacheFile(
  { file: bundle, family: `cli@${manifest.version}-${cacheName}`, identity: manifest.sha256, packageRoot: path.resolve(binDir, '../..') },
  process.env,
);
const loaded = runCommonJsBundle(bundle, cacheFile);
if (process.env.KAAL_DEBUG) process.stderr.write(`kaal-compose: code cache ${loaded.cache}${cacheFile ? `: ${cacheFile}` : ''}\n`);
process.once('exit', () => loaded.saveCache());
