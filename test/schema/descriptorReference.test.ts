// schema/descriptorReference.ts: the rows of docs/descriptor.md for schemas the real descriptor
// schema does not (yet) contain: literals, enums, type unions, untyped fields and arrays, integer
// ranges (and what is not one), and descriptions with `|` and newlines, which must not break the table.
import { describe, expect, it } from 'vitest';
import { renderDescriptorReference } from '../../schema/descriptorReference.js';

/** The table rows of the rendered reference (everything after the header row and its rule). */
function rowsOf(schema: Parameters<typeof renderDescriptorReference>[0]): string[] {
  const lines = renderDescriptorReference(schema).split('\n');
  return lines.slice(lines.indexOf('| --- | --- | --- | --- |') + 1, -1);
}

describe('renderDescriptorReference', () => {
  it('writes literals, enums, unions and untyped fields as their short types', () => {
    expect(
      rowsOf({
        type: 'object',
        properties: {
          kind: { const: 'pd' },
          access: { type: 'string', enum: ['rw', 'r'] },
          size: { type: ['integer', 'string'] },
          anything: {},
          list: { type: 'array' },
        },
      }),
    ).toEqual([
      '| `kind` | "pd" |  |  |',
      '| `access` | "rw" \\| "r" |  |  |',
      '| `size` | integer \\| string |  |  |',
      '| `anything` | any |  |  |',
      '| `list[]` | any[] |  |  |',
    ]);
  });

  it('gives a range only to an integer bounded on both sides below 2^32', () => {
    expect(
      rowsOf({
        type: 'object',
        properties: {
          priority: { type: 'integer', minimum: 0, maximum: 254 },
          word: { type: 'integer', minimum: 0, maximum: 2 ** 32 },
          low: { type: 'integer', minimum: 1 },
          high: { type: 'integer', maximum: 10 },
          ratio: { type: 'number', minimum: 0, maximum: 1 },
          limit: { type: 'number', maximum: 10 },
        },
      }),
    ).toEqual([
      '| `priority` | integer 0..254 |  |  |',
      '| `word` | integer |  |  |',
      '| `low` | integer |  |  |',
      '| `high` | integer |  |  |',
      '| `ratio` | number |  |  |',
      '| `limit` | number |  |  |',
    ]);
  });

  it('escapes `|` and joins lines in a description, so that it stays one table cell', () => {
    expect(
      rowsOf({
        type: 'object',
        required: ['name'],
        properties: { name: { type: 'string', description: "'a' | 'b':\nthe name" } },
      }),
    ).toEqual(["| `name` | string | yes | 'a' \\| 'b': the name |"]);
  });
});
