// compiler/codeCache.ts: a CommonJS bundle runs the same with and without V8's code cache; the cache is
// written when missing or rejected, accepted on the next start, and never breaks a start when it is
// corrupt or cannot be written; where the cache lives and how KAAL_CODE_CACHE changes that.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCacheFile, runCommonJsBundle } from '../../compiler/codeCache.js';
import { useFiles } from '../helpers/files.js';

const files = useFiles();

// Enough code that V8 has functions to cache; `require` and `__dirname` come from the wrapper.
const bundle = `"use strict";
const path = require('node:path');
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
module.exports = { fib: fib(20), here: path.basename(__dirname), strict: (function () { return this === undefined; })() };
`;

describe('runCommonJsBundle', () => {
  it('runs the bundle with its wrapper and no cache when none is asked for', () => {
    const dir = files({ 'lib/b.cjs': bundle });
    const loaded = runCommonJsBundle(path.join(dir, 'lib/b.cjs'), undefined);
    expect(loaded.exports).toEqual({ fib: 6765, here: 'lib', strict: true });
    expect(loaded.cache).toBe('off');
    loaded.saveCache();
    expect(fs.readdirSync(path.join(dir, 'lib'))).toEqual(['b.cjs']);
  });

  it('writes the cache when missing and uses it on the next start', () => {
    const dir = files({ 'b.cjs': bundle });
    const cacheFile = path.join(dir, 'cache/deeper/b.v8cache');
    const first = runCommonJsBundle(path.join(dir, 'b.cjs'), cacheFile);
    expect(first.cache).toBe('missing');
    first.saveCache();
    expect(fs.statSync(cacheFile).size).toBeGreaterThan(0);
    expect(fs.readdirSync(path.dirname(cacheFile))).toEqual(['b.v8cache']);

    const second = runCommonJsBundle(path.join(dir, 'b.cjs'), cacheFile);
    expect(second.cache).toBe('accepted');
    expect(second.exports).toEqual(first.exports);
    const before = fs.readFileSync(cacheFile);
    second.saveCache(); // accepted: nothing to rewrite
    expect(fs.readFileSync(cacheFile).equals(before)).toBe(true);
  });

  it('rejects a corrupt cache, still runs, and replaces it', () => {
    const dir = files({ 'b.cjs': bundle, 'b.v8cache': 'not bytecode at all'.repeat(50) });
    const cacheFile = path.join(dir, 'b.v8cache');
    const loaded = runCommonJsBundle(path.join(dir, 'b.cjs'), cacheFile);
    expect(loaded.cache).toBe('rejected');
    expect(loaded.exports).toEqual({ fib: 6765, here: path.basename(dir), strict: true });
    loaded.saveCache();
    expect(runCommonJsBundle(path.join(dir, 'b.cjs'), cacheFile).cache).toBe('accepted');
  });

  it('is why the file is named by the bundle: V8 runs stale bytecode for a same-length source', () => {
    const dir = files({ 'b.cjs': bundle });
    const cacheFile = path.join(dir, 'b.v8cache');
    runCommonJsBundle(path.join(dir, 'b.cjs'), cacheFile).saveCache();
    fs.writeFileSync(path.join(dir, 'b.cjs'), bundle.replace('fib(20)', 'fib(21)'));
    // The premise of codeCacheFile's naming: with the old file, V8 computes fib(20), not fib(21).
    expect(runCommonJsBundle(path.join(dir, 'b.cjs'), cacheFile).exports).toMatchObject({ fib: 6765 });
  });

  it('starts normally when the cache cannot be written', () => {
    const dir = files({ 'b.cjs': bundle, 'blocked': 'a file where the cache directory should be' });
    const loaded = runCommonJsBundle(path.join(dir, 'b.cjs'), path.join(dir, 'blocked/b.v8cache'));
    expect(loaded.cache).toBe('missing');
    expect(() => loaded.saveCache()).not.toThrow();
    expect(fs.readdirSync(dir).sort()).toEqual(['b.cjs', 'blocked']);
  });
});

describe('codeCacheFile', () => {
  const sha256 = 'ab'.repeat(32);
  const suffix = `-node${process.versions.node}-${process.arch}.v8cache`;

  /** A bundle file in `<root>/<packageDir>/dist/bin/`, and the name its cache file must have. */
  function bundleIn(packageDir: string) {
    const root = files({ [`${packageDir}/dist/bin/kaal-compose.cjs`]: bundle });
    const file = path.join(root, packageDir, 'dist/bin/kaal-compose.cjs');
    const stat = fs.statSync(file);
    const source = { file, name: 'cli', identity: sha256, packageRoot: path.join(root, packageDir) };
    return { root, source, name: `cli--${'ab'.repeat(8)}-${stat.size}-${Math.trunc(stat.mtimeMs)}${suffix}` };
  }

  it('keeps the cache in the node_modules the package is installed in', () => {
    const installed = bundleIn('p/node_modules/kaal-compose');
    expect(codeCacheFile(installed.source, {})).toBe(path.join(installed.root, 'p/node_modules/.cache/kaal-compose', installed.name));
    const nested = bundleIn('p/node_modules/@x/y/node_modules/kaal-compose');
    expect(codeCacheFile(nested.source, {})).toBe(path.join(nested.root, 'p/node_modules/@x/y/node_modules/.cache/kaal-compose', nested.name));
  });

  it("uses the checkout's own node_modules when run from a clone", () => {
    const clone = bundleIn('kaal-compose');
    expect(codeCacheFile(clone.source, {})).toBe(path.join(clone.root, 'kaal-compose/node_modules/.cache/kaal-compose', clone.name));
  });

  it('follows KAAL_CODE_CACHE: 0 or off turns it off, anything else is the directory', () => {
    const clone = bundleIn('k');
    expect(codeCacheFile(clone.source, { KAAL_CODE_CACHE: '0' })).toBeUndefined();
    expect(codeCacheFile(clone.source, { KAAL_CODE_CACHE: 'off' })).toBeUndefined();
    expect(codeCacheFile(clone.source, { KAAL_CODE_CACHE: '/var/cache/kc' })).toBe(path.join('/var/cache/kc', clone.name));
  });

  it('changes with the source: rebuilt (another identity) or edited (another size or time)', () => {
    const clone = bundleIn('k');
    const before = codeCacheFile(clone.source, {});
    expect(codeCacheFile({ ...clone.source, identity: 'cd'.repeat(32) }, {})).not.toBe(before);
    fs.utimesSync(clone.source.file, new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(codeCacheFile(clone.source, {})).not.toBe(before);
  });

  it("replaces the same source's earlier bytecode for this Node, and leaves other sources and Nodes alone", () => {
    const clone = bundleIn('k');
    const dir = path.join(clone.root, 'cache');
    fs.mkdirSync(dir);
    const kept = [`cli--0000000000000000-1-1-node0.0.1-x64.v8cache`, `jiti-babel--1-1${suffix}`];
    for (const name of [...kept, `cli--0000000000000000-1-1${suffix}`]) fs.writeFileSync(path.join(dir, name), 'old');
    const cacheFile = codeCacheFile(clone.source, { KAAL_CODE_CACHE: dir })!;
    runCommonJsBundle(clone.source.file, cacheFile).saveCache();
    expect(fs.readdirSync(dir).sort()).toEqual([...kept, clone.name].sort());
  });
});
