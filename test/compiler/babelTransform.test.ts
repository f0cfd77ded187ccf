// compiler/babelTransform.ts: jiti's babel, run through V8's code cache, transforms TypeScript
// descriptors as jiti's own loading does, writes its bytecode once, and reuses it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedBabelTransform } from '../../compiler/babelTransform.js';
import { useFiles } from '../helpers/files.js';

const files = useFiles();

const source = `import { defineSystem } from 'kaal-compose';
interface Sizes { readonly page: number }
const sizes: Sizes = { page: 0x1000 as number };
export default defineSystem({ name: 'typed', memoryRegions: [{ name: 'buf', size: sizes.page }] });
`;

/** Runs transformed CommonJS code with a stub `require` and returns its exports. */
function evaluate(code: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  const stubRequire = (id: string) => (id === 'kaal-compose' ? { defineSystem: (s: unknown) => s } : {});
  new Function('exports', 'require', 'module', code)(module.exports, stubRequire, module);
  return module.exports;
}

describe('cachedBabelTransform', () => {
  it("strips types and turns the module into CommonJS, as jiti's own transform does", () => {
    const transform = cachedBabelTransform({ KAAL_CODE_CACHE: files({}) })!;
    const result = transform({ source, filename: 'typed.system.ts', ts: true });
    expect(result.error).toBeUndefined();
    expect(result.code).not.toMatch(/interface|as number|: Sizes/);
    expect(evaluate(result.code).default).toEqual({ name: 'typed', memoryRegions: [{ name: 'buf', size: 0x1000 }] });
  });

  it('writes the bytecode after the first transform and reuses it in the next process', () => {
    const cache = files({});
    const options = { source, filename: 'typed.system.ts', ts: true };
    const first = cachedBabelTransform({ KAAL_CODE_CACHE: cache })!(options);
    const written = fs.readdirSync(cache);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^jiti-babel--\d+-\d+-node.*\.v8cache$/);
    const bytes = fs.readFileSync(path.join(cache, written[0]!));
    // A new transform loads babel again, now from the cache, which it accepts and so leaves alone.
    expect(cachedBabelTransform({ KAAL_CODE_CACHE: cache })!(options).code).toBe(first.code);
    expect(fs.readFileSync(path.join(cache, written[0]!)).equals(bytes)).toBe(true);
  });

  it('transforms the same without a cache (KAAL_CODE_CACHE=0)', () => {
    const options = { source, filename: 'typed.system.ts', ts: true };
    const cached = cachedBabelTransform({ KAAL_CODE_CACHE: files({}) })!(options);
    expect(cachedBabelTransform({ KAAL_CODE_CACHE: '0' })!(options).code).toBe(cached.code);
  });
});
