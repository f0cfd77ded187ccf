// The transform jiti runs on TypeScript descriptors: jiti's own babel bundle, loaded through V8's
// code cache (cli/codeCache.ts); the executable hands it to the compiler (cli/bin.ts →
// `useDescriptorTransform`). The first validate after a descriptor changes is otherwise
// dominated by requiring that 1.5 MB file (~135 ms) and babel's first transform (~45 ms); from
// cached bytecode both take about 100 ms less (docs/performance.md, "validate").
//
// jiti 2 keeps the bundle at `../dist/babel.cjs` from its main file (`lib/jiti.cjs`) and exports the
// transform as the module. With another jiti major, or the code cache off, jiti loads babel itself.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { codeCacheFile, runCommonJsBundle } from './codeCache.js';
import type { Transform } from '../compiler/jitiSetup.js';
import { packageRoot } from '../image/packageFiles.js';


/** jiti's `transform` option, or undefined to let jiti load babel its own way. */
export function cachedBabelTransform(env: NodeJS.ProcessEnv): Transform | undefined {
  const file = jiti2Bundle('babel.cjs');
  if (file === undefined) return undefined;
  const cacheFile = codeCacheFile({ file: file.path, family: `jiti-babel@${file.version}`, identity: 'babel', packageRoot: packageRoot() }, env);
  if (cacheFile === undefined) return undefined;
  let transform: Transform | undefined;
  return (options) => {
    if (transform !== undefined) return transform(options);
    const loaded = runCommonJsBundle(file.path, cacheFile);
    if (typeof loaded.exports !== 'function') throw new Error(`jiti ${file.version}: ${file.path} does not export a transform`);
    transform = loaded.exports as Transform;
    const result = transform(options);
    // After the first transform, so that the bytecode covers the code it ran.
    loaded.saveCache();
    return result;
  };
}

/** A file of jiti 2's `dist/` (beside its main file `lib/jiti.cjs`) and jiti's version; undefined for another jiti. */
export function jiti2Bundle(name: string): { readonly path: string; readonly version: string } | undefined {
  installedJiti ??= findJiti();
  if (installedJiti === null) return undefined;
  const file = path.join(installedJiti.dist, name);
  return fs.existsSync(file) ? { path: file, version: installedJiti.version } : undefined;
}

/** jiti 2's `dist/` and version (null: not jiti 2), found once per process. */
let installedJiti: { readonly dist: string; readonly version: string } | null | undefined;
function findJiti(): { readonly dist: string; readonly version: string } | null {
  const jitiMain = createRequire(import.meta.url).resolve('jiti');
  try {
    const { version } = JSON.parse(fs.readFileSync(path.join(path.dirname(jitiMain), '../package.json'), 'utf8')) as { version: string };
    return version.startsWith('2.') ? { dist: path.join(path.dirname(jitiMain), '../dist'), version } : null;
  } catch {
    return null;
  }
}
