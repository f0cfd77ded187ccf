// The checked-in plan types must be what json-schema-to-typescript makes of plan.schema.json.
import { describe, it, expect } from 'vitest';
import * as fs from 'node:fs';
import { compile } from 'json-schema-to-typescript';

const root = new URL('../../../', import.meta.url);
const pkg = JSON.parse(fs.readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> };

describe('schema/plan.generated.ts', () => {
  it('is regenerated from plan.schema.json (npm run gen:plan-types)', async () => {
    const schema = JSON.parse(fs.readFileSync(new URL('schema/plan.schema.json', root), 'utf8'));
    const banner = /--bannerComment "((?:[^"\\]|\\.)*)"/.exec(pkg.scripts['gen:plan-types']!)![1]!.replaceAll('\\n', '\n');
    const expected = await compile(schema, 'Plan', { bannerComment: banner, style: { singleQuote: true } });
    const actual = fs.readFileSync(new URL('schema/plan.generated.ts', root), 'utf8');
    expect(actual).toBe(expected);
  });
});
