// execa, loaded on first use by the code that runs tools (clang, ld.lld, dtc). `require` rather
// than `import()`: execa is ESM, which Node ≥ 20.19 can require, and the CLI bundle, compiled from
// V8's code cache by compiler/codeCache.ts, cannot use `import()` under Node 20.
import { createRequire } from 'node:module';

export function loadExeca(): typeof import('execa') {
  return createRequire(import.meta.url)('execa') as typeof import('execa');
}
