// cli/descriptorCache.ts: descriptors evaluated without jiti from the code jiti's babel made of them
// give what jiti gives (values and diagnostics, over the fixtures and descriptors that throw, loop
// or import more than the package); an entry is used only for the text, path and jiti it was made
// for, so an edited descriptor is transformed again; what cannot be told apart from jiti's loading
// is left to jiti; and the package's exports look as jiti's transform of dist/index.js makes them.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { descriptorsWithoutJiti, jitiVersionFrom, packageExports, servableWithoutJiti } from '../../cli/descriptorCache.js';
import { cachedBabelTransform } from '../../cli/babelTransform.js';
import { useDescriptorsWithoutJiti, type Transform } from '../../compiler/jitiSetup.js';
import { loadDescriptor } from '../../compiler/load.js';
import { validateFiles } from '../../compiler/validate.js';
import { nodeHost } from '../../compiler/host.js';
import { repoRoot, sampleElf, useFiles } from '../helpers/files.js';

const files = useFiles();
const jitiVersion = (createRequire(import.meta.url)('jiti/package.json') as { version: string }).version;
afterEach(() => useDescriptorsWithoutJiti(undefined));

/** The loader as the executable sets it, with its entries in `cache`; counts the transforms it runs. */
function loaderIn(cache: string, env: NodeJS.ProcessEnv = {}) {
  const babel = cachedBabelTransform({ KAAL_CODE_CACHE: cache })!;
  const counted = { transforms: 0, served: 0 };
  const transform: Transform = (options) => (counted.transforms++, babel(options));
  const load = descriptorsWithoutJiti({ dir: cache, jitiVersion, transform: () => transform, env });
  const wrapped = (file: string, text: string) => {
    const run = load(file, text);
    if (run) counted.served++;
    return run;
  };
  return { load: wrapped, counted };
}

const system = (name: string, extra = '') => `import { defineSystem } from 'kaal-compose';\n${extra}\nexport default defineSystem({ name: '${name}', components: [{ name: 'a', code: { elf: 'a.elf' } }] });\n`;

describe('descriptorsWithoutJiti', () => {
  it('gives the fixtures the diagnostics jiti gives them, serving most of them itself', async () => {
    const fixtures = [
      ...fs.readdirSync(path.join(repoRoot, 'fixtures/invalid')).filter((f) => /\.system\.m?ts$/.test(f) && !f.startsWith('KC1100')).map((f) => `fixtures/invalid/${f}`),
      ...fs.readdirSync(path.join(repoRoot, 'fixtures/systems')).flatMap((d) => {
        const dir = path.join(repoRoot, 'fixtures/systems', d);
        return fs.statSync(dir).isDirectory() ? fs.readdirSync(dir).filter((f) => /\.system\.m?ts$/.test(f)).map((f) => `fixtures/systems/${d}/${f}`) : [];
      }),
    ];
    expect(fixtures.length).toBeGreaterThan(50);
    const withJiti = await validateFiles(fixtures, nodeHost, { cwd: repoRoot });
    const { load, counted } = loaderIn(files({}));
    useDescriptorsWithoutJiti(load);
    const without = await validateFiles(fixtures, nodeHost, { cwd: repoRoot });
    expect(without).toEqual(withJiti);
    // Served from the entries made by the first pass, not transformed again.
    const again = await validateFiles(fixtures, nodeHost, { cwd: repoRoot });
    expect(again).toEqual(withJiti);
    expect(counted.transforms).toBe(fixtures.length);
    expect(counted.served).toBeGreaterThan(fixtures.length); // both passes served more than half
  });

  it('gives a descriptor that throws, loops or leaves an await the diagnostics jiti gives it', async () => {
    const dir = files({
      'throws.system.ts': system('t', `const f = (n: string): string[] => {\n  throw new Error('no ' + n);\n};\nf('x');`),
      'nonerror.system.ts': system('n', `if (Date.now() > 0) throw { code: 3 };`),
      'loops.system.ts': system('l', `let ready = false;\nwhile (!ready) ready = Date.now() < 0;`),
      'awaits.system.ts': system('w', `await new Promise(() => {});`),
      'syntax.system.ts': system('s', `const x = ;`),
      'a.elf': sampleElf,
    });
    const names = ['throws.system.ts', 'nonerror.system.ts', 'loops.system.ts', 'awaits.system.ts', 'syntax.system.ts'];
    const options = { cwd: dir, loadTimeoutMs: 400 };
    const withJiti = await validateFiles(names, nodeHost, options);
    const { load, counted } = loaderIn(path.join(dir, 'cache'));
    useDescriptorsWithoutJiti(load);
    const without = await validateFiles(names, nodeHost, options);
    expect(without).toEqual(withJiti);
    expect(withJiti.files.map((f) => f.diagnostics.map((d) => d.code))).toEqual([['KC1001'], ['KC1001'], ['KC1100'], ['KC1100'], ['KC1001']]);
    expect(counted.served).toBe(3); // throws, nonerror, loops; the await and the syntax error go to jiti
  });

  it('transforms a descriptor again when its text changes, and not before', async () => {
    const cache = files({});
    const dir = files({ 'x.system.ts': system('first'), 'a.elf': sampleElf });
    const { load, counted } = loaderIn(cache);
    useDescriptorsWithoutJiti(load);
    const name = async () => (await loadDescriptor('x.system.ts', nodeHost, { cwd: dir })).system?.name;
    expect(await name()).toBe('first');
    expect(await name()).toBe('first');
    expect(counted).toEqual({ transforms: 1, served: 2 });
    fs.writeFileSync(path.join(dir, 'x.system.ts'), system('second'));
    expect(await name()).toBe('second');
    expect(counted).toEqual({ transforms: 2, served: 3 });
    // Same length, one character changed.
    fs.writeFileSync(path.join(dir, 'x.system.ts'), system('secons'));
    expect(await name()).toBe('secons');
    expect(counted.transforms).toBe(3);
  });

  it('makes an entry again for another path, another jiti, a corrupt or foreign entry', () => {
    const cache = files({});
    const text = system('x');
    const dir = files({ 'x.system.ts': text, 'y.system.ts': text });
    const file = path.join(dir, 'x.system.ts');
    const { load, counted } = loaderIn(cache);
    expect(load(file, text)).toBeDefined();
    expect(load(path.join(dir, 'y.system.ts'), text)).toBeDefined(); // another path
    expect(counted.transforms).toBe(2);
    const entries = path.join(cache, 'descriptors');
    const entryOfX = path.join(entries, fs.readdirSync(entries).find((n) => n.startsWith('x.system.ts-'))!);
    const entry = JSON.parse(fs.readFileSync(entryOfX, 'utf8')) as Record<string, unknown>;
    expect(entry).toMatchObject({ format: 1, jiti: jitiVersion, file, source: text });
    fs.writeFileSync(entryOfX, JSON.stringify({ ...entry, jiti: '2.0.0' }));
    expect(load(file, text)).toBeDefined();
    expect(counted.transforms).toBe(3);
    fs.writeFileSync(entryOfX, '{ not json');
    expect(load(file, text)).toBeDefined();
    expect(counted.transforms).toBe(4);
    // An entry made for another source is not used for this one.
    fs.writeFileSync(entryOfX, JSON.stringify({ ...entry, source: system('other'), code: String(entry.code).replace("'x'", "'other'") }));
    expect((load(file, text)!() as { default: { name: string } }).default.name).toBe('x');
    expect(counted.transforms).toBe(5);
  });

  it('leaves to jiti what it cannot serve as jiti would: other imports, module names, import.meta, links, JITI_* settings, .js, no cache', () => {
    const cache = files({});
    const dir = files({});
    const { load, counted } = loaderIn(cache);
    /** Writes the descriptor and asks the loader for it. */
    const served = (name: string, text: string, loader = load) => {
      fs.writeFileSync(path.join(dir, name), text);
      return loader(path.join(dir, name), text) !== undefined;
    };
    expect(served('other.system.ts', `import { x } from './x';\nexport default { name: x };\n`)).toBe(false);
    expect(served('mod.system.ts', `export default { name: typeof module };\n`)).toBe(false);
    expect(served('dir.system.ts', `export default { name: __dirname };\n`)).toBe(false);
    expect(served('eval.system.ts', `export default { name: eval('1') };\n`)).toBe(false);
    expect(served('dyn.system.ts', `export default { name: 'x', p: import('node:fs') };\n`)).toBe(false);
    expect(served('args.system.ts', `export default { name: String(arguments.length) };\n`)).toBe(false);
    expect(counted.transforms).toBe(6);
    // babel makes import.meta.url a literal of the file name: seen in the source, before any transform.
    expect(served('meta.system.ts', `export default { name: import.meta.url };\n`)).toBe(false);
    expect(counted.transforms).toBe(6);
    // Known to be jiti's: not transformed again.
    expect(served('other.system.ts', `import { x } from './x';\nexport default { name: x };\n`)).toBe(false);
    expect(counted.transforms).toBe(6);
    expect(served('plain.system.js', system('js'))).toBe(false);
    expect(served('x.system.ts', system('x'), loaderIn(cache, { JITI_JSX: 'true' }).load)).toBe(false);
    expect(served('x.system.ts', system('x'), descriptorsWithoutJiti({ dir: undefined, jitiVersion, transform: () => undefined, env: {} }))).toBe(false);
    expect(served('real.system.ts', system('r'))).toBe(true);
    fs.symlinkSync(path.join(dir, 'real.system.ts'), path.join(dir, 'link.system.ts'));
    expect(load(path.join(dir, 'link.system.ts'), system('r'))).toBeUndefined();
    expect(served('mts.system.mts', system('mts'))).toBe(true);
  });

  it('evaluates the code strict, with one package object per load and the exports jiti gives', () => {
    const { load } = loaderIn(files({}));
    const text = `import { defineSystem } from 'kaal-compose';\nimport * as api from 'kaal-compose';\nimport { defineComponent } from 'kaal-compose';\nexport const strict = (function (this: unknown) { return this === undefined; })();\nexport const same = api.defineComponent === defineComponent;\nexport default defineSystem({ name: 'x' });\n`;
    const dir = files({ 'x.system.ts': text });
    const exports = load(path.join(dir, 'x.system.ts'), text)!() as Record<string, unknown>;
    expect(exports).toEqual({ default: { name: 'x' }, strict: true, same: true });
    expect(Object.getOwnPropertyDescriptor(exports, '__esModule')).toMatchObject({ value: true, enumerable: false });
  });
});

describe('packageExports', () => {
  it("has the shape of jiti's transform of the package entry: __esModule, then a getter per export", async () => {
    const { createJiti } = createRequire(import.meta.url)('jiti') as typeof import('jiti');
    const entry = path.join(repoRoot, 'dist/index.js');
    const viaJiti = createJiti(import.meta.url, { moduleCache: false, interopDefault: false, fsCache: false })(entry) as object;
    const ours = packageExports();
    const shape = (o: object) =>
      Reflect.ownKeys(o).map((key) => {
        const d = Object.getOwnPropertyDescriptor(o, key)!;
        return [key, d.enumerable, 'get' in d && d.get !== undefined, typeof (d.get ? d.get.call(o) : d.value)];
      });
    expect(shape(ours)).toEqual(shape(viaJiti));
    const defined = { name: 'same' };
    expect((ours as { defineSystem: (s: unknown) => unknown }).defineSystem(defined)).toBe(defined);
  });
});

describe('jitiVersionFrom', () => {
  it("finds the jiti Node's lookup finds, and none with NODE_PATH set or none installed", () => {
    expect(jitiVersionFrom(path.join(repoRoot, 'dist/bin'), {})).toBe(jitiVersion);
    expect(jitiVersionFrom(path.join(repoRoot, 'dist/bin'), { NODE_PATH: '/x' })).toBeUndefined();
    const dir = files({ 'node_modules/jiti/package.json': '{"version":"2.9.9"}', 'a/node_modules/other/x': '' });
    expect(jitiVersionFrom(path.join(dir, 'a/node_modules/other'), {})).toBe('2.9.9');
    expect(jitiVersionFrom(fileURLToPath(new URL('file:///')), {})).toBeUndefined();
  });

  it('servableWithoutJiti looks for the words of the module system, not parts of names', () => {
    expect(servableWithoutJiti(`"use strict";var _k = require("kaal-compose");exports.default = (0, _k.defineSystem)({ modules: 1, importer: 2, _module: 3 });`)).toBe(true);
    expect(servableWithoutJiti(`var x = require("kaal-compose/x");`)).toBe(false);
    expect(servableWithoutJiti(`// the module\nexports.default = 1;`)).toBe(false);
    expect(servableWithoutJiti(`exports.default = $module;`)).toBe(true); // another name
  });
});
