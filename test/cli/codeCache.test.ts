// cli/codeCache.ts: a CommonJS bundle runs the same with and without V8's code cache; the cache
// is written when missing or rejected, accepted by the next process, and never breaks a start when
// it is corrupt or cannot be written; where the cache lives and how KAAL_CODE_CACHE changes that.
//
// Acceptance is only observable in a new process: within one, V8's own compilation cache serves a
// second compile of the same file and ignores the bytes it is given. So the loads that must use a
// cache run in a child process, on the built module (dist/, made by `npm test`'s build step).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCacheFile, runCommonJsBundle } from '../../cli/codeCache.js';
import { repoRoot, useFiles } from '../helpers/files.js';

const files = useFiles();
const builtModule = path.join(repoRoot, 'dist/cli/codeCache.js');

// Enough code that V8 has functions to cache; `require` and `__dirname` come from the wrapper.
const bundle = `"use strict";
const path = require('node:path');
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
module.exports = { fib: fib(20), here: path.basename(__dirname), strict: (function () { return this === undefined; })() };
`;

/** Loads `file` with `cacheFile` in a fresh Node process, saves the cache, and says what happened. */
function loadInNewProcess(file: string, cacheFile: string): { cache: string; exports: unknown } {
  const script = `import { runCommonJsBundle } from ${JSON.stringify(builtModule)};
const loaded = runCommonJsBundle(${JSON.stringify(file)}, ${JSON.stringify(cacheFile)});
loaded.saveCache();
console.log(JSON.stringify({ cache: loaded.cache, exports: loaded.exports }));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout) as { cache: string; exports: unknown };
}

describe('runCommonJsBundle', () => {
  it('runs the bundle with its wrapper, strict, and no cache when none is asked for', () => {
    const dir = files({ 'lib/b.cjs': bundle });
    const loaded = runCommonJsBundle(path.join(dir, 'lib/b.cjs'), undefined);
    expect(loaded.exports).toEqual({ fib: 6765, here: 'lib', strict: true });
    expect(loaded.cache).toBe('off');
    loaded.saveCache();
    expect(fs.readdirSync(path.join(dir, 'lib'))).toEqual(['b.cjs']);
  });

  it('reads a bundle that is not ASCII as UTF-8 (an ASCII one is read as Latin-1)', () => {
    const dir = files({ 'u.cjs': `"use strict";\n// a comment \u00d7 \u2014\nmodule.exports = { text: 'caf\u00e9 \u2192 \u{1f600}', length: 'caf\u00e9 \u2192 \u{1f600}'.length };\n` });
    const loaded = runCommonJsBundle(path.join(dir, 'u.cjs'), undefined);
    expect(loaded.exports).toEqual({ text: 'caf\u00e9 \u2192 \u{1f600}', length: 9 });
  });

  it.skipIf(!fs.existsSync(builtModule))('writes the cache when missing, and the next process accepts it', () => {
    const dir = files({ 'b.cjs': bundle });
    const cacheFile = path.join(dir, 'cache/deeper/b.v8cache');
    const first = loadInNewProcess(path.join(dir, 'b.cjs'), cacheFile);
    expect(first).toEqual({ cache: 'missing', exports: { fib: 6765, here: path.basename(dir), strict: true } });
    expect(fs.readdirSync(path.dirname(cacheFile))).toEqual(['b.v8cache']);
    const written = fs.statSync(cacheFile);
    expect(written.size).toBeGreaterThan(0);
    const second = loadInNewProcess(path.join(dir, 'b.cjs'), cacheFile);
    expect(second).toEqual({ ...first, cache: 'accepted' });
    // Accepted: not written again.
    const after = fs.statSync(cacheFile);
    expect([after.ino, after.mtimeMs]).toEqual([written.ino, written.mtimeMs]);
  });

  it.skipIf(!fs.existsSync(builtModule))('rejects a corrupt cache, still runs, and replaces it', () => {
    const dir = files({ 'b.cjs': bundle, 'b.v8cache': 'not bytecode at all'.repeat(50) });
    const cacheFile = path.join(dir, 'b.v8cache');
    const loaded = loadInNewProcess(path.join(dir, 'b.cjs'), cacheFile);
    expect(loaded).toEqual({ cache: 'rejected', exports: { fib: 6765, here: path.basename(dir), strict: true } });
    expect(loadInNewProcess(path.join(dir, 'b.cjs'), cacheFile).cache).toBe('accepted');
  });

  it('starts normally when the cache cannot be written, and leaves no partial file', () => {
    const dir = files({ 'b.cjs': bundle, blocked: 'a file where the cache directory should be' });
    const loaded = runCommonJsBundle(path.join(dir, 'b.cjs'), path.join(dir, 'blocked/b.v8cache'));
    expect(loaded.cache).toBe('missing');
    expect(() => loaded.saveCache()).not.toThrow();
    expect(fs.readdirSync(dir).sort()).toEqual(['b.cjs', 'blocked']);
  });
});

describe('codeCacheFile', () => {
  const sha256 = 'ab'.repeat(32);
  const suffix = `-node${process.versions.node}-${process.arch}.v8cache`;

  /** A bundle in `<root>/<packageDir>/dist/bin/`, with node_modules folders made, and its cache file's name. */
  function bundleIn(packageDir: string) {
    const root = files({ [`${packageDir}/dist/bin/kaal-compose.cjs`]: bundle });
    const file = path.join(root, packageDir, 'dist/bin/kaal-compose.cjs');
    const stat = fs.statSync(file);
    const source = { file, family: 'cli@1.2.3', identity: sha256, packageRoot: path.join(root, packageDir) };
    return { root, source, name: `cli@1.2.3--${'ab'.repeat(8)}-${stat.size}-${Math.trunc(stat.mtimeMs)}${suffix}` };
  }

  it('keeps the cache in the node_modules of the project the package is installed in', () => {
    const installed = bundleIn('p/node_modules/kaal-compose');
    expect(codeCacheFile(installed.source, {})).toBe(path.join(installed.root, 'p/node_modules/.cache/kaal-compose', installed.name));
    // Nested (pnpm's .pnpm/…/node_modules, or a dependency's own): still the project's.
    const nested = bundleIn('p/node_modules/.pnpm/kaal-compose@0.1.0/node_modules/kaal-compose');
    expect(codeCacheFile(nested.source, {})).toBe(path.join(nested.root, 'p/node_modules/.cache/kaal-compose', nested.name));
  });

  it("uses the checkout's own node_modules when run from a clone", () => {
    const clone = bundleIn('kaal-compose');
    fs.mkdirSync(path.join(clone.root, 'kaal-compose/node_modules'));
    expect(codeCacheFile(clone.source, {})).toBe(path.join(clone.root, 'kaal-compose/node_modules/.cache/kaal-compose', clone.name));
  });

  it("uses the user's cache directory when the project's node_modules cannot be written", () => {
    // Not there at all: the same branch as a global install owned by root, which root cannot show.
    const missing = bundleIn('usr/lib/node_modules/kaal-compose');
    const source = { ...missing.source, packageRoot: path.join(missing.root, 'gone/node_modules/kaal-compose') };
    expect(codeCacheFile(source, { XDG_CACHE_HOME: '/home/u/.cache-x' })).toBe(path.join('/home/u/.cache-x/kaal-compose', missing.name));
  });

  it.skipIf(!fs.existsSync(builtModule))('… and when it is there but read-only (as another user when run as root)', () => {
    const global = bundleIn('usr/lib/node_modules/kaal-compose');
    fs.chmodSync(global.root, 0o755);
    fs.chmodSync(path.join(global.root, 'usr/lib/node_modules'), 0o555);
    try {
      // root may write anything, so the check runs as 'nobody' then.
      const script = `import { codeCacheFile } from ${JSON.stringify(builtModule)};
console.log(codeCacheFile(${JSON.stringify(global.source)}, { XDG_CACHE_HOME: '/home/u/.cache-x' }));`;
      const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', ...asUser });
      expect(child.stderr).toBe('');
      expect(child.stdout.trim()).toBe(path.join('/home/u/.cache-x/kaal-compose', global.name));
    } finally {
      fs.chmodSync(path.join(global.root, 'usr/lib/node_modules'), 0o755);
    }
  });

  it('follows KAAL_CODE_CACHE: 0, off, false or no turn it off, 1 or on keep the default, a path is the directory', () => {
    const clone = bundleIn('k');
    fs.mkdirSync(path.join(clone.root, 'k/node_modules'));
    for (const off of ['0', 'off', 'false', 'No']) expect(codeCacheFile(clone.source, { KAAL_CODE_CACHE: off })).toBeUndefined();
    for (const on of ['1', 'on', 'true', '']) expect(codeCacheFile(clone.source, { KAAL_CODE_CACHE: on })).toBe(codeCacheFile(clone.source, {}));
    expect(codeCacheFile(clone.source, { KAAL_CODE_CACHE: '/var/cache/kc' })).toBe(path.join('/var/cache/kc', clone.name));
  });

  it('changes with the source: rebuilt (another identity) or edited (another size or time)', () => {
    const clone = bundleIn('k');
    const before = codeCacheFile(clone.source, {});
    expect(codeCacheFile({ ...clone.source, identity: 'cd'.repeat(32) }, {})).not.toBe(before);
    fs.utimesSync(clone.source.file, new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(codeCacheFile(clone.source, {})).not.toBe(before);
  });

  it("replaces the family's earlier bytecode for this Node, and leaves other families, versions and Nodes alone", () => {
    const clone = bundleIn('k');
    const dir = path.join(clone.root, 'cache');
    fs.mkdirSync(dir);
    const kept = [
      `cli@1.2.3--0000000000000000-1-1-node0.0.1-x64.v8cache`,
      `cli@1.2.4--0000000000000000-1-1${suffix}`,
      `jiti-babel@2.7.0--babel-1-1${suffix}`,
      `unrelated${suffix}`,
    ];
    for (const name of [...kept, `cli@1.2.3--0000000000000000-1-1${suffix}`]) fs.writeFileSync(path.join(dir, name), 'old');
    const cacheFile = codeCacheFile(clone.source, { KAAL_CODE_CACHE: dir })!;
    runCommonJsBundle(clone.source.file, cacheFile).saveCache();
    expect(fs.readdirSync(dir).sort()).toEqual([...kept, clone.name].sort());
  });
});
