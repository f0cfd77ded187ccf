// `validate --watch` as a user runs it: a real process, a real file change in a module the
// descriptor imports, a run per change, and Ctrl-C (SIGINT) ending it cleanly with exit 0.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, sampleElf, useFiles } from '../helpers/files.js';

const bin = path.join(repoRoot, 'dist/cli/launch.js');

describe('validate --watch', () => {
  const files = useFiles();

  it('validates again when an imported file changes, and exits 0 on SIGINT (issue 15)', async () => {
    const cwd = files({
      'w.system.ts': "import { priority } from './parts/priority';\nexport default { name: 'w', components: [{ name: 'a', priority, code: { elf: 'a.elf' } }] };\n",
      'parts/priority.ts': 'export const priority = 100;\n',
      'a.elf': sampleElf,
    });
    const child = spawn(process.execPath, [bin, 'validate', '--watch', 'w.system.ts'], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    const waitFor = async (text: string, count = 1) => {
      for (let i = 0; i < 600 && out.split(text).length - 1 < count; i++) await new Promise((r) => setTimeout(r, 100));
      expect(out.split(text).length - 1, out).toBeGreaterThanOrEqual(count);
    };
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor('watching for changes');
      expect(out).toContain('1 descriptor valid');
      fs.writeFileSync(path.join(cwd, 'parts/priority.ts'), 'export const priority = 999;\n');
      await waitFor('KC1006');
      expect(out).toContain('--- validating again (run 2) ---');
      expect(out).toContain('1 of 1 descriptor invalid');
      fs.writeFileSync(path.join(cwd, 'parts/priority.ts'), 'export const priority = 7;\n');
      await waitFor('1 descriptor valid', 2);
      await waitFor('watching for changes', 3);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
