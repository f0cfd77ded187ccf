// What a new user does, from a fresh clone of this repository (its committed HEAD): `npm pack`
// (stdout: the tarball's name alone), `init` a project elsewhere (it depends on the clone), install
// the tarball offline, validate, build (clang), run, and commit through the pre-commit framework
// (Debian's pre-commit, `.pre-commit-hooks.yaml` at the clone's HEAD), which refuses a bad
// descriptor. Also: a build in the clone keeps `dist/cli/launch.js` there all the time.
// The clone borrows this repository's node_modules (a symlink): `npm ci` would fetch the same.
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toolVersion } from '../compiler/toolchain.js';
import { repoRoot } from './helpers/files.js';

const isClone = fs.existsSync(path.join(repoRoot, '.git'));
const hasPreCommit = spawnSync('pre-commit', ['--version']).status === 0;
const clang = (await toolVersion('clang')) !== null && (await toolVersion('ld.lld')) !== null;
const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kc-adopt-')));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

// Without npm's variables from the command that started vitest (`npx vitest` sets npm_command=exec).
const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
const env = {
  ...inherited,
  NO_COLOR: '1',
  // npm: from the cache where it can, quietly; pre-commit: its own home.
  npm_config_prefer_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  PRE_COMMIT_HOME: path.join(work, 'pre-commit-home'),
  GIT_AUTHOR_NAME: 'new user',
  GIT_AUTHOR_EMAIL: 'user@example.invalid',
  GIT_COMMITTER_NAME: 'new user',
  GIT_COMMITTER_EMAIL: 'user@example.invalid',
};

function sh(command: string, args: readonly string[], cwd: string, options: SpawnSyncOptions = {}) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', ...options });
  return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

describe.skipIf(!isClone || !hasPreCommit || !clang)('a new user, from a fresh clone', () => {
  const clone = path.join(work, 'kaal-compose');
  const project = path.join(work, 'my system');
  const version = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const tarball = `kaal-compose-${version}.tgz`;

  it('packs, inits, installs offline, validates, builds, runs and commits through pre-commit', { timeout: 600_000 }, () => {
    expect(sh('git', ['clone', '-q', repoRoot, clone], work).status).toBe(0);
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(clone, 'node_modules'));

    // npm pack builds dist (prepare) and prints the tarball's name: nothing else on stdout.
    const packed = sh('npm', ['pack'], clone);
    expect(packed.status).toBe(0);
    expect(packed.stdout).toBe(`${tarball}\n`);

    // init, run from the clone, names the clone as the dependency.
    const created = sh(process.execPath, [path.join(clone, 'dist/cli/launch.js'), 'init', project], work);
    expect(created.stdout).toContain(`  cd '${project}'\n  npm install\n`);
    expect(created.status).toBe(0);
    const manifest = () => JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(manifest().devDependencies).toEqual({ 'kaal-compose': `file:${clone}` });

    // The tarball installs offline: nothing is fetched at install time beyond its dependencies,
    // which a first install elsewhere put in npm's cache (`npm ci` caches tarballs, not the
    // registry metadata that resolving a version range needs, so a clean machine asks once).
    const primer = path.join(work, 'primer');
    fs.mkdirSync(primer);
    fs.writeFileSync(path.join(primer, 'package.json'), '{"name":"primer","private":true}\n');
    expect(sh('npm', ['install', path.join(clone, tarball)], primer).status).toBe(0);
    const installed = sh('npm', ['install', '-D', '--offline', path.join(clone, tarball)], project);
    expect(installed.stderr).not.toMatch(/npm err/i);
    expect(installed.status).toBe(0);
    expect(manifest().devDependencies['kaal-compose']).toMatch(/^file:.*kaal-compose-[\d.]+\.tgz$/);
    expect(fs.lstatSync(path.join(project, 'node_modules/kaal-compose')).isSymbolicLink()).toBe(false);

    expect(sh('npm', ['run', '-s', 'validate'], project)).toMatchObject({ status: 0, stdout: '1 descriptor valid\n' });
    const built = sh('npm', ['run', '-s', 'build'], project);
    expect(built.stderr).toBe('');
    expect(built.stdout).toMatch(/^wrote my-system\.img: \d+ bytes, 1 component, sha256 [0-9a-f]{64}\nwrote report\.html\n$/);
    const ran = sh('npm', ['run', '-s', 'run'], project);
    expect(ran.stdout).toContain("hello from 'hello' of system 'my-system'\n");
    expect(ran.status).toBe(0);

    // The pre-commit framework, with the hook from the clone's HEAD.
    const rev = sh('git', ['rev-parse', 'HEAD'], clone).stdout.trim();
    fs.writeFileSync(path.join(project, '.pre-commit-config.yaml'), `repos:\n  - repo: ${clone}\n    rev: ${rev}\n    hooks:\n      - id: kaal-compose-validate\n`);
    expect(sh('git', ['init', '-q'], project).status).toBe(0);
    expect(sh('pre-commit', ['install'], project).status).toBe(0);
    expect(sh('git', ['add', '-A'], project).status).toBe(0);
    const first = sh('git', ['commit', '-q', '-m', 'a new system'], project);
    expect(first.stdout + first.stderr).toContain('kaal-compose validate');
    expect(first.stdout + first.stderr).toContain('Passed');
    expect(first.status).toBe(0);

    const descriptor = path.join(project, 'my-system.system.ts');
    fs.writeFileSync(descriptor, fs.readFileSync(descriptor, 'utf8').replace('priority: 100', 'priority: 999'));
    expect(sh('git', ['add', '-A'], project).status).toBe(0);
    const second = sh('git', ['commit', '-q', '-m', 'a bad priority'], project);
    expect(second.stdout + second.stderr).toContain("error[KC1006]: 'priority' must be at most 254, got '999'");
    expect(second.status).not.toBe(0);
    expect(sh('git', ['log', '--oneline'], project).stdout.trim().split('\n')).toHaveLength(1);
  });

  it('a build in the clone never leaves it without the CLI', { timeout: 300_000 }, async () => {
    const launch = path.join(clone, 'dist/cli/launch.js');
    expect(fs.existsSync(launch)).toBe(true);
    const stampBefore = fs.statSync(path.join(clone, 'dist/.inputs-sha256')).ino;
    let checks = 0;
    let missing = 0;
    const build = spawn(process.execPath, [path.join(clone, 'scripts/build.mjs')], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    build.stdout.on('data', (chunk) => (output += String(chunk)));
    const poll = setInterval(() => {
      checks++;
      if (!fs.existsSync(launch)) missing++;
    }, 1);
    const status = await new Promise<number | null>((resolve) => build.on('close', resolve));
    clearInterval(poll);
    expect(status).toBe(0);
    expect(output).toBe(''); // everything the build says goes to stderr
    expect(checks).toBeGreaterThan(100);
    expect(missing).toBe(0);
    // It did build: a new dist replaced the old one, and no staging folder is left.
    expect(fs.statSync(path.join(clone, 'dist/.inputs-sha256')).ino).not.toBe(stampBefore);
    expect(fs.readdirSync(clone).filter((name) => name.startsWith('.dist-'))).toEqual([]);
  });
});
