// Start-up stays light: a `validate` of a valid descriptor never loads typescript, handlebars, execa,
// fast-glob (for literal paths) or the runtime; typescript comes in only when there is something to
// place. Runs the built CLI (dist/, made by `npm test`'s build step) with a module tracer preloaded.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, useFiles } from '../helpers/files.js';

const files = useFiles();
const bin = path.join(repoRoot, 'dist/cli/bin.js');
const tracer = path.join(repoRoot, 'test/cli/fixtures/traceModules.mjs');

function loadedModules(args: string[], cwd: string): { status: number | null; modules: string[] } {
  const trace = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kc-trace-')), 'modules.txt');
  fs.writeFileSync(trace, '');
  const result = spawnSync(process.execPath, ['--import', tracer, bin, ...args], {
    cwd,
    env: { ...process.env, KAAL_TRACE_MODULES: trace, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  const modules = fs.readFileSync(trace, 'utf8').split('\n').filter(Boolean);
  fs.rmSync(path.dirname(trace), { recursive: true, force: true });
  return { status: result.status, modules };
}

const heavy = /node_modules\/(typescript|handlebars|execa|fast-glob)\/|\/dist\/runtime\/|\/dist\/compiler\/(build|emit|toolchain)\.js/;

describe.skipIf(!fs.existsSync(bin))('kaal-compose start-up', () => {
  it('validate of a valid descriptor loads no heavy module', () => {
    const cwd = files({ 'ok.system.ts': `export default { name: 'ok', components: [{ name: 'a', code: { elf: 'a.elf' } }] };\n` });
    const { status, modules } = loadedModules(['validate', 'ok.system.ts'], cwd);
    expect(status).toBe(0);
    expect(modules.some((m) => m.includes('/node_modules/zod/'))).toBe(true);
    expect(modules.filter((m) => heavy.test(m))).toEqual([]);
  });

  it('typescript is loaded only when a problem needs a position', () => {
    const cwd = files({ 'bad.system.ts': `export default { name: 'bad', components: [{ name: 'a', priority: 999, code: { elf: 'a' } }] };\n` });
    const { status, modules } = loadedModules(['validate', 'bad.system.ts'], cwd);
    expect(status).toBe(1);
    expect(modules.some((m) => m.includes('/node_modules/typescript/'))).toBe(true);
  });
});
