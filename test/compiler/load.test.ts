// compiler/load.ts: descriptors load from TypeScript, JavaScript and JSON; whatever goes wrong while
// loading becomes one diagnostic at its position, never an exception.
import { describe, expect, it } from 'vitest';
import { findDescriptor, loadDescriptor } from '../../compiler/load.js';
import { memoryHost, nodeHost } from '../../compiler/host.js';
import { ts, useFiles } from '../helpers/files.js';

const files = useFiles();

const valid = ts`import { defineSystem } from 'kaal-compose';

export default defineSystem({
  name: 'demo',
  components: [{ name: 'a', code: { elf: 'a.elf' } }],
});
`;

function brief(result: Awaited<ReturnType<typeof loadDescriptor>>) {
  return result.diagnostics.map((d) => [d.code, d.line, d.column, d.file]);
}

describe('loadDescriptor', () => {
  it("loads a TypeScript descriptor that imports 'kaal-compose' and fills defaults", async () => {
    const cwd = files({ 'demo.system.ts': valid });
    const result = await loadDescriptor('demo.system.ts', nodeHost, { cwd });
    expect(result.diagnostics).toEqual([]);
    expect(result.system?.platform).toBe('kaal-virt-rv32');
    expect(result.system?.components[0]?.priority).toBe(100);
    expect(result.file).toBe('demo.system.ts');
  });

  it('loads .mts, .js and .mjs modules and components imported from other files', async () => {
    const component = ts`import { defineComponent } from 'kaal-compose';
export const worker = defineComponent({ name: 'worker', code: { elf: 'w.elf' } });
`;
    const cwd = files({
      'worker.component.ts': component,
      'a.system.mts': ts`import { defineSystem } from 'kaal-compose';
import { worker } from './worker.component.js';
export default defineSystem({ name: 'a', components: [worker] });
`,
      'b.system.js': `export default { name: 'b', components: [{ name: 'x', code: { elf: 'x.elf' } }] };\n`,
      'c.system.mjs': `import { defineSystem } from 'kaal-compose';\nexport default defineSystem({ name: 'c', components: [{ name: 'y', code: { elf: 'y.elf' } }] });\n`,
    });
    for (const file of ['a.system.mts', 'b.system.js', 'c.system.mjs']) {
      const result = await loadDescriptor(file, nodeHost, { cwd });
      expect(result.diagnostics, file).toEqual([]);
    }
    const a = await loadDescriptor('a.system.mts', nodeHost, { cwd });
    expect(a.system?.components[0]?.name).toBe('worker');
  });

  it('loads a JSON descriptor that names its $schema', async () => {
    const host = memoryHost({ '/w/demo.system.json': JSON.stringify({ $schema: './schema.json', name: 'j', components: [{ name: 'a', code: { elf: 'a.elf' } }] }) });
    const result = await loadDescriptor('demo.system.json', host, { cwd: '/w' });
    expect(result.diagnostics).toEqual([]);
    expect(result.system?.name).toBe('j');
  });

  it('a TypeScript syntax error is one KC1001 at its line and column', async () => {
    const cwd = files({
      'bad.system.ts': ts`import { defineSystem } from 'kaal-compose';

export default defineSystem({
  name: 'bad',
  components: [{ name: 'a' code: {} }],
});
`,
    });
    const result = await loadDescriptor('bad.system.ts', nodeHost, { cwd });
    expect(brief(result)).toEqual([['KC1001', 5, 28, 'bad.system.ts']]);
    expect(result.diagnostics[0]!.message).toBe(`cannot load the descriptor: unexpected token, expected ","`);
    expect(result.diagnostics[0]!.message).not.toMatch(/\n|at /);
  });

  it('a throw while importing is KC1001 at the throw, with the thrown message and no stack', async () => {
    const cwd = files({
      'throws.system.ts': ts`import { defineSystem } from 'kaal-compose';
const size: number = 4096;

if (size > 0) throw new Error('not today');
export default defineSystem({ name: 't', components: [] });
`,
    });
    const result = await loadDescriptor('throws.system.ts', nodeHost, { cwd });
    expect(brief(result)).toEqual([['KC1001', 4, 21, 'throws.system.ts']]);
    expect(result.diagnostics[0]!.message).toBe('cannot load the descriptor: not today');
  });

  it('a throw inside an imported component file is reported in that file', async () => {
    const cwd = files({
      'parts/bad.component.ts': `export const part = (() => {\n  throw new Error('broken part');\n})();\n`,
      'sys.system.ts': `import { part } from './parts/bad.component.js';\nexport default { name: 's', components: [part] };\n`,
    });
    const result = await loadDescriptor('sys.system.ts', nodeHost, { cwd });
    expect(brief(result)).toEqual([['KC1001', 2, 9, 'parts/bad.component.ts']]);
  });

  it('an import that cannot be resolved is KC1001 at the import specifier', async () => {
    const cwd = files({ 'm.system.ts': `import { x } from './missing.js';\nexport default x;\n` });
    const result = await loadDescriptor('m.system.ts', nodeHost, { cwd });
    expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([['KC1001', 1]]);
  });

  it('a default export that is not an object is KC1002 at the exported expression', async () => {
    const cwd = files({
      'fn.system.ts': `// comment\nexport default () => ({ name: 'x' });\n`,
      'none.system.ts': `export const system = { name: 'x' };\n`,
    });
    const fn = await loadDescriptor('fn.system.ts', nodeHost, { cwd });
    expect(brief(fn)).toEqual([['KC1002', 2, 16, 'fn.system.ts']]);
    expect(fn.diagnostics[0]!.message).toBe('the default export of the descriptor is a function, not a system object');
    const none = await loadDescriptor('none.system.ts', nodeHost, { cwd });
    expect(none.diagnostics.map((d) => d.code)).toEqual(['KC1002']);
    expect(none.diagnostics[0]!.message).toContain("no 'export default'");
  });

  it('a JSON array is KC1002 and broken JSON is KC1012 at the offending character', async () => {
    const host = memoryHost({ '/w/a.json': '[1, 2]', '/w/b.json': '{\n  "name": "x",\n  "components": [1,]\n}\n' });
    expect(brief(await loadDescriptor('a.json', host, { cwd: '/w' }))).toEqual([['KC1002', 1, 1, 'a.json']]);
    const broken = await loadDescriptor('b.json', host, { cwd: '/w' });
    expect(brief(broken)).toEqual([['KC1012', 3, 19, 'b.json']]);
    expect(broken.diagnostics[0]!.message).toBe("invalid JSON: trailing comma before ']'");
  });

  it('a missing file is KC0002 and another extension is KC0006', async () => {
    const host = memoryHost({ '/w/a.yaml': 'name: x' });
    const missing = await loadDescriptor('gone.system.ts', host, { cwd: '/w' });
    expect(missing.diagnostics.map((d) => [d.code, d.message])).toEqual([['KC0002', "cannot read 'gone.system.ts': no such file"]]);
    const yaml = await loadDescriptor('a.yaml', host, { cwd: '/w' });
    expect(yaml.diagnostics.map((d) => d.code)).toEqual(['KC0006']);
  });

  it('schema issues are diagnostics with a path, a span and a 1-based position', async () => {
    const host = memoryHost({ '/w/s.json': '{\n  "name": "s",\n  "components": [{ "name": "a", "priority": -1, "code": { "elf": "a" } }]\n}\n' });
    const result = await loadDescriptor('s.json', host, { cwd: '/w' });
    expect(result.system).toBeUndefined();
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ code: 'KC1006', path: 'components.0.priority', line: 3, column: 45, span: { start: 61, length: 2 } }),
    ]);
  });
});

describe('findDescriptor', () => {
  it('takes the file it is given', () => {
    expect(findDescriptor('x.system.ts', '/nowhere')).toEqual({ file: 'x.system.ts' });
  });

  it('finds the one *.system.* file in the directory', () => {
    const cwd = files({ 'only.system.ts': valid, 'other.ts': '' });
    expect(findDescriptor(undefined, cwd)).toEqual({ file: 'only.system.ts' });
  });

  it('none is KC0003 and several are KC0007', () => {
    const empty = files({ 'readme.md': '' });
    expect(findDescriptor(undefined, empty)).toEqual({ diagnostic: expect.objectContaining({ code: 'KC0003' }) });
    const two = files({ 'a.system.ts': valid, 'b.system.json': '{}' });
    const found = findDescriptor(undefined, two);
    expect(found).toEqual({ diagnostic: expect.objectContaining({ code: 'KC0007' }) });
    expect('diagnostic' in found && found.diagnostic.message).toContain("'a.system.ts', 'b.system.json'");
  });
});
