// The transform jiti runs on TypeScript descriptors: jiti's own babel bundle, loaded through V8's
// code cache (compiler/codeCache.ts). The first validate after a descriptor changes is otherwise
// dominated by requiring that 1.5 MB file (~135 ms) and babel's first transform (~45 ms); from
// cached bytecode both take about 100 ms less (docs/performance.md, "validate").
//
// jiti 2 keeps the bundle at dist/babel.cjs beside lib/jiti.cjs and exports the transform as the
// module; when that is not so (another jiti), jiti's own loading is used.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { codeCacheFile, runCommonJsBundle } from './codeCache.js';
import { packageRoot } from '../image/packageFiles.js';

/** What jiti hands a transform (its TransformOptions, the fields we rely on) and gets back. */
export interface TransformOptions {
  readonly source: string;
  readonly filename?: string;
  readonly ts?: boolean;
  readonly async?: boolean;
}
type Transform = (options: TransformOptions) => { code: string; error?: unknown };

/** jiti's `transform` option, or undefined when jiti's babel is not where jiti 2 keeps it. */
export function cachedBabelTransform(env: NodeJS.ProcessEnv): Transform | undefined {
  const file = path.join(path.dirname(createRequire(import.meta.url).resolve('jiti')), '../dist/babel.cjs');
  if (!fs.existsSync(file)) return undefined;
  let transform: Transform | undefined;
  return (options) => {
    if (transform === undefined) {
      const loaded = runCommonJsBundle(file, codeCacheFile({ file, name: 'jiti-babel', packageRoot: packageRoot() }, env));
      if (typeof loaded.exports !== 'function') throw new Error(`${file} does not export a transform`);
      transform = loaded.exports as Transform;
      const result = transform(options);
      // After the first transform, so that the bytecode covers the code it ran.
      loaded.saveCache();
      return result;
    }
    return transform(options);
  };
}
