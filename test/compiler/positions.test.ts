// compiler/positions.ts: a path into the descriptor value is found where it is written, through
// identity helpers, consts, spreads and imports, else at the nearest node that exists.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocator } from '../../compiler/positions.js';
import { memoryHost } from '../../compiler/host.js';
import { LineIndex } from '../../schema/diagnostics.js';
import { ts } from '../helpers/files.js';

/** Locates `segments` in `/w/<main>` among `sources`; returns [file, line, column, text under the span]. */
function where(sources: Record<string, string>, main: string, segments: (string | number)[], target: 'value' | 'key' | 'object' = 'value') {
  const host = memoryHost(sources, '/w');
  const file = path.join('/w', main);
  const found = createLocator(file, sources[main]!, host).locate(segments, target);
  if (!found) return undefined;
  const text = host.readText(found.file);
  const { line, column } = new LineIndex(text).position(found.span.start);
  return [path.basename(found.file), line, column, text.slice(found.span.start, found.span.start + found.span.length)];
}

const system = ts`import { defineSystem, defineComponent } from 'kaal-compose';

const shared = { stackSize: 0x2000 };
const worker = defineComponent({
  name: 'worker',
  ...shared,
  code: { sources: ['w.c'] },
});

export default defineSystem({
  name: 'demo',
  'components': [
    worker,
    { name: 'other', priority: 7, code: { elf: 'o.elf' } },
  ],
} satisfies object);
`;

describe('createLocator', () => {
  it('walks property names and array indices from the defineSystem literal', () => {
    expect(where({ 's.ts': system }, 's.ts', ['components', 1, 'priority'])).toEqual(['s.ts', 14, 32, '7']);
    expect(where({ 's.ts': system }, 's.ts', ['name'])).toEqual(['s.ts', 11, 9, "'demo'"]);
  });

  it('follows an identifier to its const and a spread to the object it spreads', () => {
    expect(where({ 's.ts': system }, 's.ts', ['components', 0, 'name'])).toEqual(['s.ts', 5, 9, "'worker'"]);
    expect(where({ 's.ts': system }, 's.ts', ['components', 0, 'stackSize'])).toEqual(['s.ts', 3, 29, '0x2000']);
  });

  it('points at the property name for an unknown key and at the object for a missing one', () => {
    expect(where({ 's.ts': system }, 's.ts', ['components', 1, 'priority'], 'key')).toEqual(['s.ts', 14, 22, 'priority']);
    expect(where({ 's.ts': system }, 's.ts', ['components', 1, 'devices'], 'object')).toEqual(['s.ts', 14, 5, '{']);
  });

  it('stops at the nearest node that exists', () => {
    expect(where({ 's.ts': system }, 's.ts', ['components', 5, 'name'])?.slice(0, 3)).toEqual(['s.ts', 12, 17]);
    expect(where({ 's.ts': system }, 's.ts', ['components', 1, 'code', 'sources', 0])).toEqual(['s.ts', 14, 41, "{ elf: 'o.elf' }"]);
  });

  it('follows a component imported from another file into that file', () => {
    const sources = {
      'parts/worker.component.ts': ts`import { defineComponent } from 'kaal-compose';

export const worker = defineComponent({
  name: 'worker',
  priority: 900,
  code: { elf: 'w.elf' },
});
`,
      'main.system.ts': ts`import { defineSystem } from 'kaal-compose';
import { worker as w } from './parts/worker.component.js';
export default defineSystem({ name: 'm', components: [w] });
`,
    };
    expect(where(sources, 'main.system.ts', ['components', 0, 'priority'])).toEqual(['worker.component.ts', 5, 13, '900']);
  });

  it('finds the default export when it is a const declared elsewhere in the file', () => {
    const source = `const system = { name: 'x', components: [{ name: 'a', priority: 999 }] };\nexport default system;\n`;
    expect(where({ 'x.system.js': source }, 'x.system.js', ['components', 0, 'priority'])).toEqual(['x.system.js', 1, 65, '999']);
  });

  it('points into JSON text', () => {
    const json = '{\n  "name": "j",\n  "components": [\n    { "name": "a", "priority": "high" }\n  ]\n}\n';
    expect(where({ 'j.json': json }, 'j.json', ['components', 0, 'priority'])).toEqual(['j.json', 4, 32, '"high"']);
    expect(where({ 'j.json': json }, 'j.json', ['components', 0, 'priority'], 'key')).toEqual(['j.json', 4, 20, '"priority"']);
  });
});
