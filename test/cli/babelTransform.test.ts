// cli/babelTransform.ts: jiti's babel, run through V8's code cache, transforms TypeScript
// descriptors exactly as jiti's own loading of it does, writes its bytecode once, and the next
// process accepts it (checked through the CLI's KAAL_DEBUG report in test/cli/startup.test.ts);
// with the cache off, jiti loads babel itself.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedBabelTransform } from '../../cli/babelTransform.js';
import type { TransformOptions } from '../../compiler/load.js';
import { useFiles } from '../helpers/files.js';

const files = useFiles();

const source = `import { defineSystem } from 'kaal-compose';
interface Sizes { readonly page: number }
const sizes: Sizes = { page: 0x1000 as number };
export default defineSystem({ name: 'typed', memoryRegions: [{ name: 'buf', size: sizes.page }] });
`;
const options: TransformOptions = { source, filename: 'typed.system.ts', ts: true };

/** jiti's babel as jiti itself loads it (lib/jiti.cjs requires ../dist/babel.cjs). */
function jitisOwnTransform(): (o: TransformOptions) => { code: string } {
  const require = createRequire(import.meta.url);
  return require(path.join(path.dirname(require.resolve('jiti')), '../dist/babel.cjs')) as (o: TransformOptions) => { code: string };
}

/** Runs transformed CommonJS code with a stub `require` and returns its exports. */
function evaluate(code: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  const stubRequire = (id: string) => (id === 'kaal-compose' ? { defineSystem: (s: unknown) => s } : {});
  new Function('exports', 'require', 'module', code)(module.exports, stubRequire, module);
  return module.exports;
}

describe('cachedBabelTransform', () => {
  it("gives the code jiti's own babel gives: types stripped, CommonJS", () => {
    const cache = files({});
    const result = cachedBabelTransform({ KAAL_CODE_CACHE: cache })!(options);
    expect(result.error).toBeUndefined();
    expect(result.code).toBe(jitisOwnTransform()(options).code);
    expect(result.code).not.toMatch(/interface|as number|: Sizes/);
    expect(evaluate(result.code).default).toEqual({ name: 'typed', memoryRegions: [{ name: 'buf', size: 0x1000 }] });
  });

  it("writes babel's bytecode after the first transform, named by jiti's version", () => {
    const cache = files({});
    const transform = cachedBabelTransform({ KAAL_CODE_CACHE: cache })!;
    expect(fs.readdirSync(cache)).toEqual([]); // nothing loaded before a transform is needed
    transform(options);
    const version = (createRequire(import.meta.url)('jiti/package.json') as { version: string }).version;
    expect(fs.readdirSync(cache)).toEqual([expect.stringMatching(new RegExp(`^jiti-babel@${version.replaceAll('.', '\\.')}--babel-\\d+-\\d+-node.*\\.v8cache$`))]);
  });

  it('leaves babel to jiti when the code cache is off', () => {
    expect(cachedBabelTransform({ KAAL_CODE_CACHE: '0' })).toBeUndefined();
  });
});
