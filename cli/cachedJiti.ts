// jiti itself (its 190 kB `dist/jiti.cjs`), loaded through V8's code cache (cli/codeCache.ts) as
// its babel is (cli/babelTransform.ts); the executable hands it to the compiler (cli/bin.ts →
// `useJitiModule`). Requiring it parsed and compiled it on every validate of a TypeScript descriptor.
//
// jiti 2's `lib/jiti.cjs` (the package's `require` entry) requires `../dist/jiti.cjs` and wraps it
// with an `import()` of its own for native modules; bytecode from the cache cannot serve an
// `import()` under Node 20, so the cached module is put into `require.cache` and `lib/jiti.cjs` is
// then required as usual: it finds the cached module and keeps its own `import()`.
// With another jiti major, or the code cache off, jiti is required as it is.
import { createRequire, Module } from 'node:module';
import { codeCacheFile, runCommonJsBundle } from './codeCache.js';
import { jiti2Bundle } from './babelTransform.js';
import { packageRoot } from '../image/packageFiles.js';

type Jiti = typeof import('jiti');

/** jiti's module (`createJiti`), its main bundle compiled from cached bytecode when it can be. */
export function requireJiti(env: NodeJS.ProcessEnv): Jiti {
  const require = createRequire(import.meta.url);
  const file = jiti2Bundle('jiti.cjs');
  const bundle = file?.path;
  const cacheFile = file && codeCacheFile({ file: file.path, family: `jiti@${file.version}`, identity: 'jiti', packageRoot: packageRoot() }, env);
  if (bundle !== undefined && cacheFile !== undefined && require.cache[bundle] === undefined) {
    const loaded = runCommonJsBundle(bundle, cacheFile);
    if (typeof loaded.exports === 'function') {
      const module = new Module(bundle);
      module.filename = bundle;
      module.loaded = true;
      module.exports = loaded.exports;
      require.cache[bundle] = module;
      // At exit, so that the bytecode covers the functions the descriptor's import ran.
      process.once('exit', () => loaded.saveCache());
    }
  }
  return require('jiti') as Jiti;
}
