// `kaal-compose build --report <file.html>`: written next to the image on success, still written
// (with the diagnostics) when the build fails, and a report that cannot be written is KC0004.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it, expect } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { repoRoot, useFiles, ts } from '../helpers/files.js';

const hello = path.join(repoRoot, 'fixtures/systems/hello/hello.system.ts');

describe('build --report', () => {
  const files = useFiles();

  it('writes the image and a self-contained report of the built system', async () => {
    const dir = files({});
    const run = await runCli(['build', hello, '-o', 'hello.img', '--report', 'out.html'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('wrote out.html\n');
    const html = fs.readFileSync(path.join(dir, 'out.html'), 'utf8');
    expect(html).toContain('<title>hello — kaal-compose report</title>');
    expect(html).toContain('id="component-hello"');
    // Built from the prebuilt ELF: the TCB row names the source, not the placeholder layout.
    expect(html).toContain('<th>code</th><td>hello.c</td>');
    expect(html).not.toMatch(/https?:\/\/|\bsrc=/);
    expect(fs.readdirSync(dir).sort()).toEqual(['hello.img', 'out.html']);
  });

  it('still writes the report, with every diagnostic, when the descriptor has errors', async () => {
    const dir = files({
      'bad.system.ts': ts`import { defineSystem } from 'kaal-compose';
export default defineSystem({ name: 'bad', components: [{ name: 'a', priority: 300, code: { elf: 'a.elf' } }] });
`,
    });
    const run = await runCli(['build', 'bad.system.ts', '-o', 'bad.img', '--report', 'bad.html'], { cwd: dir });
    expect(run.code).toBe(1);
    const html = fs.readFileSync(path.join(dir, 'bad.html'), 'utf8');
    expect(html).toContain('no plan: the build stopped before planning');
    const codes = [...run.stderr.matchAll(/error\[(KC\d{4})\]/g)].map((m) => m[1]);
    expect(codes.length).toBeGreaterThan(0);
    for (const code of codes) expect(html).toContain(`<td class="mono">${code}</td>`);
    expect(fs.existsSync(path.join(dir, 'bad.img'))).toBe(false);
  });

  it('reports KC0004 and exits 1 when the report cannot be written', async () => {
    const dir = files({});
    const run = await runCli(['build', hello, '-o', 'hello.img', '--report', 'missing/dir/out.html'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("error[KC0004]: cannot write 'missing/dir/out.html': no such directory");
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
