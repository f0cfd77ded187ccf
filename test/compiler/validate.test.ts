// compiler/validate.ts: paths and globs expand to files, every file gets a result, and every
// mistake in a file is reported at once with its own code and position.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateFiles } from '../../compiler/validate.js';
import { nodeHost } from '../../compiler/host.js';
import { repoRoot, sampleElf, ts, useFiles } from '../helpers/files.js';

const files = useFiles();
const good = `export default { name: 'ok', components: [{ name: 'a', code: { elf: 'a.elf' } }] };\n`;

describe('validateFiles', () => {
  it('a descriptor with three independent mistakes yields three diagnostics with their codes, lines and columns', async () => {
    const result = await validateFiles(['fixtures/invalid/three-mistakes.system.ts'], nodeHost, { cwd: repoRoot });
    expect(result.files).toHaveLength(1);
    expect(result.files[0]!.valid).toBe(false);
    expect(result.files[0]!.diagnostics.map((d) => [d.code, d.line, d.column, d.path])).toEqual([
      ['KC1006', 6, 13, 'components.0.priority'],
      ['KC1003', 17, 7, 'components.1.prio'],
      ['KC1008', 19, 40, 'components.1.memory.0.vaddr'],
    ]);
  });

  it('the example systems are valid', async () => {
    const result = await validateFiles(['fixtures/systems/**/*.system.ts'], nodeHost, { cwd: repoRoot });
    expect(result.files.length).toBeGreaterThan(0);
    for (const file of result.files) expect(file.diagnostics, file.file).toEqual([]);
  });

  it('with no argument it finds every *.system.{ts,mts,js,mjs,json} outside node_modules, sorted', async () => {
    const cwd = files({
      'a.system.ts': good,
      'a.elf': sampleElf,
      'sub/a.elf': sampleElf,
      'sub/b.system.json': JSON.stringify({ name: 'b', components: [{ name: 'a', code: { elf: 'a.elf' } }] }),
      'sub/c.system.mjs': good,
      'sub/d.system.mts': good,
      'e.system.js': good,
      'not-a-descriptor.ts': good,
      'node_modules/pkg/x.system.ts': 'throw new Error()',
      'sub/node_modules/y.system.ts': 'throw new Error()',
    });
    const result = await validateFiles([], nodeHost, { cwd });
    expect(result.files.map((f) => [f.file, f.valid])).toEqual([
      ['a.system.ts', true],
      ['e.system.js', true],
      ['sub/b.system.json', true],
      ['sub/c.system.mjs', true],
      ['sub/d.system.mts', true],
    ]);
  });

  it('keeps literal paths in order, once each, named relative to cwd', async () => {
    const cwd = files({ 'z.system.ts': good, 'a.system.ts': good });
    const result = await validateFiles(['z.system.ts', './a.system.ts', 'z.system.ts', path.join(cwd, 'a.system.ts')], nodeHost, { cwd });
    expect(result.files.map((f) => f.file)).toEqual(['z.system.ts', 'a.system.ts']);
  });

  it("names devices by the labels of the descriptor's own .dts platform", async () => {
    const dts = (await import('node:fs')).readFileSync(path.join(repoRoot, 'fixtures/platforms/kaal-virt-rv32.dts'), 'utf8');
    const dir = files({
      'board.dts': dts,
      'a.elf': sampleElf,
      'labelled.system.ts': `export default { name: 'l', platform: 'board.dts', components: [{ name: 'a', code: { elf: 'a.elf' }, devices: [{ device: 'rtc', irq: false }] }] };\n`,
    });
    const result = await validateFiles(['labelled.system.ts'], nodeHost, { cwd: dir });
    expect(result.files[0]!.diagnostics).toEqual([]);
  });

  it('a pattern that matches nothing is KC0003', async () => {
    const cwd = files({ 'readme.md': '' });
    const result = await validateFiles(['*.system.ts'], nodeHost, { cwd });
    expect(result.files).toEqual([]);
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([['KC0003', "no system descriptor matches '*.system.ts'"]]);
  });

  it('a file that fails does not stop the others', async () => {
    const cwd = files({ 'a.system.ts': 'export default 42;\n', 'b.system.ts': good, 'a.elf': sampleElf });
    const result = await validateFiles(['a.system.ts', 'b.system.ts', 'c.system.ts'], nodeHost, { cwd });
    expect(result.files.map((f) => [f.file, f.valid, f.diagnostics.map((d) => d.code)])).toEqual([
      ['a.system.ts', false, ['KC1002']],
      ['b.system.ts', true, []],
      ['c.system.ts', false, ['KC0002']],
    ]);
  });

  it('reports every schema mistake of a file, sorted by position', async () => {
    const cwd = files({
      'many.system.ts': ts`export default {
  name: 'many',
  colour: 'red',
  components: [
    { name: 'a b', code: { elf: 'a.elf' }, priority: 1.5 },
    { code: { elf: 'b.elf' }, devices: [{ device: 'serial0', mmio: { perms: 'xr' } }] },
  ],
  memoryRegions: [{ name: 'r', size: true }],
};
`,
    });
    const result = await validateFiles(['many.system.ts'], nodeHost, { cwd });
    expect(result.files[0]!.diagnostics.map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      ['KC1003', 3, 3, "unknown property 'colour'"],
      ['KC1007', 5, 13, "'a b' is not a valid component name"],
      ['KC1004', 5, 54, "'priority' must be an integer, not a fraction ('1.5')"],
      ['KC1005', 6, 5, "missing required property 'name'"],
      ['KC1010', 6, 77, "'xr' is not a permission set"],
      ['KC1008', 8, 38, "'true' is not an address or size"],
    ]);
  });
});

describe('validateFiles: messages (issue 15)', () => {
  it("NaN and Infinity are named as such, not as 'a fraction'; a misspelled size is a missing 'size' beside the unknown 'sise'", async () => {
    const cwd = files({
      'n.system.ts': ts`export default {
  name: 'n',
  components: [{ name: 'a', code: { elf: 'a.elf' }, priority: NaN }, { name: 'b', code: { elf: 'a.elf' }, priority: Infinity }],
  memoryRegions: [{ name: 'r', sise: 0x1000 }],
};
`,
    });
    const result = await validateFiles(['n.system.ts'], nodeHost, { cwd });
    expect(result.files[0]!.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['KC1004', "'priority' must be a number, not 'NaN'"],
      ['KC1004', "'priority' must be a number, not 'Infinity'"],
      ['KC1005', "missing required property 'size'"],
      ['KC1003', "unknown property 'sise'; did you mean 'size'?"],
    ]);
  });
});

describe('validateFiles on hostile input', () => {
  it('never throws: getters that throw, cycles, bigints, symbols, empty files and null', async () => {
    const cwd = files({
      'getter.system.ts': `export default { get name(): string { throw new Error('nope'); }, components: [] };\n`,
      'cyclic.system.ts': `const a: any = { name: 'c', components: [{ name: 'x', code: { elf: 'a' } }] };\na.components[0].self = a;\na.components[0].priority = 10n;\nexport default a;\n`,
      'weird.system.ts': `export default { name: 'w', components: 'none', channels: [null, { from: Symbol('x'), to: 'b' }] };\n`,
      'empty.system.ts': '',
      'null.system.json': 'null\n',
      'blank.system.json': '',
    });
    const result = await validateFiles([], nodeHost, { cwd });
    expect(result.files.map((f) => [f.file, f.diagnostics.map((d) => d.code)])).toEqual([
      ['blank.system.json', ['KC1012']],
      ['cyclic.system.ts', ['KC1003', 'KC1004']],
      ['empty.system.ts', ['KC1002']],
      ['getter.system.ts', ['KC1001']],
      ['null.system.json', ['KC1002']],
      ['weird.system.ts', ['KC1004', 'KC1004', 'KC1004']],
    ]);
    for (const file of result.files) for (const d of file.diagnostics) expect(d.line, `${file.file} ${d.code}`).toBeGreaterThan(0);
  });
});

describe('validateFiles: one path form (issue 15)', () => {
  it('names every file relative to cwd, however it was given: absolute, relative, above cwd, an import, a platform', async () => {
    const dir = files({
      'sys/abs.system.ts': ts`export default { name: 'abs', components: [{ name: 'a', code: { sources: ['a.c'] } }], channels: [{ from: 'a', to: 'zz' }] };
`,
      'sys/imports.system.ts': ts`import { broken } from './parts/broken';
export default { name: 'imp', components: [{ name: 'a', code: { sources: [broken()] } }] };
`,
      'sys/parts/broken.ts': ts`export function broken(): string {
  throw new Error('no sources today');
}
`,
      'sys/platform.system.ts': ts`export default { name: 'plat', platform: 'boards/missing.dts', components: [{ name: 'a', code: { sources: ['a.c'] } }] };
`,
      'sys/badboard.system.ts': ts`export default { name: 'bad', platform: 'boards/bad.dts', components: [{ name: 'a', code: { sources: ['a.c'] } }] };
`,
      'sys/boards/bad.dts': 'not a tree {\n',
      'sys/a.c': '',
      'work/.keep': '',
    });
    const cwd = path.join(dir, 'work');
    const result = await validateFiles(
      [path.join(dir, 'sys/abs.system.ts'), '../sys/imports.system.ts', path.join(dir, 'sys/platform.system.ts'), '../sys/badboard.system.ts'],
      nodeHost,
      { cwd },
    );
    expect(result.files.map((f) => f.file)).toEqual(['../sys/abs.system.ts', '../sys/imports.system.ts', '../sys/platform.system.ts', '../sys/badboard.system.ts']);
    expect(result.files.map((f) => f.diagnostics.map((d) => [d.code, d.file, d.line]))).toEqual([
      [['KC3004', '../sys/abs.system.ts', 1]],
      // The throw is in the imported file, named relative to cwd too.
      [['KC1001', '../sys/parts/broken.ts', 2]],
      // An unreadable platform is the descriptor's mistake: at its 'platform'.
      [['KC0002', '../sys/platform.system.ts', 1]],
      // dtc's error is inside the tree, named from cwd, not as the descriptor wrote it.
      [['KC2102', '../sys/boards/bad.dts', 1]],
    ]);
  });
});
