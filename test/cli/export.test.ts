// `kaal-compose export` through the CLI: output to stdout or a file, and nothing written for a
// descriptor with errors.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, ts, useFiles } from '../helpers/files.js';
import { runCli } from '../helpers/cli.js';

describe('kaal-compose export', () => {
  const files = useFiles();

  it('prints the DOT graph of an example and exits 0', async () => {
    const run = await runCli(['export', 'fixtures/systems/ping-pong/ping-pong.system.ts', '--to', 'dot'], { cwd: repoRoot });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\/\/ ping-pong: /);
    expect(run.stdout).toContain('c_client -> c_server');
  });

  it('writes the Microkit SDF to -o and prints nothing', async () => {
    const dir = files({});
    const out = path.join(dir, 'hello.system');
    const run = await runCli(['export', 'fixtures/systems/hello/hello.system.ts', '--to', 'microkit', '-o', out], { cwd: repoRoot });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(fs.readFileSync(out, 'utf8')).toContain('<protection_domain name="hello"');
  });

  it('reports a descriptor error, exits 1 and leaves an existing output untouched', async () => {
    const dir = files({
      'bad.system.ts': ts`import { defineSystem } from 'kaal-compose';
export default defineSystem({ name: 'bad', components: [{ name: 'a', priority: 300, code: { elf: 'a.elf' } }] });
`,
      'out.dot': 'previous output\n',
    });
    const run = await runCli(['export', 'bad.system.ts', '--to', 'dot', '-o', 'out.dot'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('bad.system.ts:2:');
    expect(fs.readFileSync(path.join(dir, 'out.dot'), 'utf8')).toBe('previous output\n');
    expect(fs.readdirSync(dir).sort()).toEqual(['bad.system.ts', 'out.dot']);
  });

  it('refuses an unknown format as a usage error (exit 2)', async () => {
    const run = await runCli(['export', 'x.system.ts', '--to', 'svg'], { cwd: repoRoot });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('KC0001');
  });
});
