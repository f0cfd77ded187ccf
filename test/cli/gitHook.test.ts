// The README's plain git pre-commit hook, run as git runs it in a real repository: it validates
// the staged descriptors (and the component files they import, as staged), not the work tree's.
// The hook's text is taken from README.md, so the README shows what this test ran.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, useFiles } from '../helpers/files.js';

const files = useFiles();
const bin = path.join(repoRoot, 'node_modules/.bin/kaal-compose');

function readmeHook(): string {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const block = /\*\*Plain git hook\*\*[^]*?```sh\n([^]*?)```/.exec(readme);
  if (!block) throw new Error('README.md has no plain git hook block');
  return block[1]!;
}

const good = "import { defineComponent } from 'kaal-compose';\nexport default defineComponent({ name: 'worker', priority: 100, code: { elf: 'w.elf' } });\n";
const bad = "import { defineComponent } from 'kaal-compose';\nexport default defineComponent({ name: 'worker', priority: 999, code: { elf: 'w.elf' } });\n";
const system = "import { defineSystem } from 'kaal-compose';\nimport worker from './parts/worker.component.ts';\nexport default defineSystem({ name: 'hooked', components: [worker] });\n";

function repository() {
  const dir = files({ 'app.system.ts': system, 'parts/worker.component.ts': good });
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
  fs.copyFileSync(path.join(repoRoot, 'fixtures/systems/hello/hello.elf'), path.join(dir, 'w.elf'));
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n');
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid', NO_COLOR: '1' };
  const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, env, encoding: 'utf8' });
  git('init', '-q');
  const hook = path.join(dir, '.git/hooks/pre-commit');
  fs.writeFileSync(hook, readmeHook(), { mode: 0o755 });
  return { dir, git, write: (file: string, text: string) => fs.writeFileSync(path.join(dir, file), text) };
}

describe.skipIf(!fs.existsSync(bin))("the README's git pre-commit hook", () => {
  it('commits a valid staged system', () => {
    const { git } = repository();
    git('add', '-A');
    const commit = git('commit', '-q', '-m', 'first');
    expect(commit.stderr).toBe('1 descriptor valid\n'); // git shows a hook's stdout on stderr
    expect(commit.status).toBe(0);
  });

  it('refuses a bad staged component even when the work tree has a good one', () => {
    const { git, write } = repository();
    git('add', '-A');
    git('commit', '-q', '-m', 'first');
    write('parts/worker.component.ts', bad);
    write('app.system.ts', system + '// touched\n');
    git('add', '-A');
    write('parts/worker.component.ts', good); // the work tree is fixed, the index is not
    const commit = git('commit', '-q', '-m', 'second');
    expect(commit.stderr).toContain("error[KC1006]: 'priority' must be at most 254, got '999'");
    expect(commit.stderr).toContain('parts/worker.component.ts:2:');
    expect(commit.status).not.toBe(0);
    expect(git('log', '--oneline').stdout.trim().split('\n')).toHaveLength(1);
  });

  it('commits a good staged system when the work tree has a bad one', () => {
    const { git, write } = repository();
    git('add', '-A');
    write('parts/worker.component.ts', bad);
    const commit = git('commit', '-q', '-m', 'first');
    expect(commit.stderr).toBe('1 descriptor valid\n'); // git shows a hook's stdout on stderr
    expect(commit.status).toBe(0);
  });
});
