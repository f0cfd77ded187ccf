// The installed executable (dist/cli/launch.cjs running dist/bin/kaal-compose.cjs, both made by
// `npm test`'s build step) starts light: a `validate` of a valid descriptor loads neither
// typescript, handlebars, execa nor fast-glob (for literal paths), runs none of the runtime's or
// the build's module code, and typescript comes in only when there is something to place (a module
// tracer is preloaded). The bundle must also do the whole job: its lookups of templates, SDK and
// bundled platform work from dist/bin/, and its V8 code cache is written once and then reused.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isAscii } from 'node:buffer';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toolVersion } from '../../compiler/toolchain.js';
import { repoRoot, sampleElf, useFiles } from '../helpers/files.js';
import { runCli } from '../helpers/cli.js';

const files = useFiles();
const packageJson = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
const bin = path.join(repoRoot, packageJson.bin['kaal-compose']!);
const packageVersion = packageJson.version;
const tracer = path.join(repoRoot, 'test/cli/fixtures/traceModules.mjs');
const clang = (await toolVersion('clang')) !== null && (await toolVersion('ld.lld')) !== null;

function kaalCompose(args: string[], cwd: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8' });
}

/** Every module file Node loads while `node <nodeArgs>` runs in `cwd`. */
function loadedModules(nodeArgs: string[], cwd: string): { status: number | null; modules: string[] } {
  const trace = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kc-trace-')), 'modules.txt');
  fs.writeFileSync(trace, '');
  const result = spawnSync(process.execPath, ['--import', tracer, ...nodeArgs], {
    cwd,
    env: { ...process.env, KAAL_TRACE_MODULES: trace, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  const modules = fs.readFileSync(trace, 'utf8').split('\n').filter(Boolean);
  fs.rmSync(path.dirname(trace), { recursive: true, force: true });
  return { status: result.status, modules };
}

const heavyPackages = /node_modules\/(typescript|handlebars|execa|fast-glob)\//;
const validDescriptor = `export default { name: 'ok', components: [{ name: 'a', code: { elf: 'a.elf' } }] };\n`;

describe.skipIf(!fs.existsSync(bin))('kaal-compose start-up', () => {
  it('validate of a valid descriptor loads no heavy package', () => {
    const cwd = files({ 'ok.system.ts': validDescriptor, 'a.elf': sampleElf });
    const { status, modules } = loadedModules([bin, 'validate', 'ok.system.ts'], cwd);
    expect(status).toBe(0);
    // The bundle ran (it is read as a file, so the tracer does not list it), not tsc's modules.
    expect(modules.some((m) => m.endsWith('/dist/cli/launch.cjs'))).toBe(true);
    // The launcher is CommonJS: no module of ours but the entry (resolved through the tracer's
    // hooks) goes through the ES module loader.
    const esModules = modules.filter((m) => m.startsWith(pathToFileURL(path.join(repoRoot, 'dist')).href));
    expect(esModules).toEqual([pathToFileURL(bin).href]);
    expect(modules.filter((m) => m.includes('/dist/cli/main.js') || m.includes('/node_modules/yargs/') || m.includes('/node_modules/zod/'))).toEqual([]);
    // The descriptor imports nothing but the package: cli/descriptorCache.ts runs babel's code for
    // it without jiti (jiti's babel is read as a file, so the tracer does not list it).
    expect(modules.filter((m) => m.includes('/node_modules/jiti/'))).toEqual([]);
    expect(modules.filter((m) => heavyPackages.test(m))).toEqual([]);
  });

  it("validate runs none of the runtime's or the build's modules", () => {
    // The bundle keeps the CLI's module structure: what the sources import lazily, esbuild turns
    // into an initialiser called on first use. So the ES modules tsc emitted show what runs.
    const cwd = files({ 'ok.system.ts': validDescriptor, 'a.elf': sampleElf });
    const main = JSON.stringify(path.join(repoRoot, 'dist/cli/main.js'));
    const script = `const { main } = await import(${main}); process.exitCode = await main(['validate', 'ok.system.ts'], { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env });`;
    const { status, modules } = loadedModules(['--input-type=module', '-e', script], cwd);
    expect(status).toBe(0);
    expect(modules.some((m) => m.endsWith('/dist/compiler/validate.js'))).toBe(true);
    expect(modules.filter((m) => heavyPackages.test(m) || /\/dist\/runtime\/|\/dist\/compiler\/(build|emit|toolchain|renderTemplate)\.js/.test(m))).toEqual([]);
  });

  it("machine evaluates neither zod nor the descriptor schema; validate does (the probe works)", () => {
    // zod's core sets globalThis.__zod_globalConfig as its module is evaluated.
    const cwd = files({ 'probe.cjs': `process.on('exit', () => process.stderr.write('zod:' + ('__zod_globalConfig' in globalThis) + '\\n'));\n`, 'ok.system.ts': validDescriptor, 'a.elf': sampleElf });
    const probe = (args: string[]) => spawnSync(process.execPath, ['-r', path.join(cwd, 'probe.cjs'), bin, ...args], { cwd, encoding: 'utf8' });
    const machine = probe(['machine', path.join(repoRoot, 'fixtures/machine/elf/hello.elf')]);
    expect([machine.status, machine.stderr]).toEqual([0, 'zod:false\n']);
    const validate = probe(['validate', 'ok.system.ts']);
    expect([validate.status, validate.stderr]).toEqual([0, 'zod:true\n']);
  });

  it('exits when its work is done, though the descriptor left an interval timer running', () => {
    const cwd = files({ 'timer.system.ts': `setInterval(() => {}, 1000);\n${validDescriptor}`, 'a.elf': sampleElf });
    // Bounded: without the exit in cli/bin.ts the process would run until spawnSync kills it.
    const run = spawnSync(process.execPath, [bin, 'validate', 'timer.system.ts'], { cwd, encoding: 'utf8', timeout: 60_000 });
    expect([run.signal, run.status, run.stdout]).toEqual([null, 0, '1 descriptor valid\n']);
  });

  it('a loop that never ends is stopped at --load-timeout with KC1100, and the next file is still checked', () => {
    const cwd = files({ 'loop.system.ts': `import { defineSystem } from 'kaal-compose';\nwhile (Date.now() > 0) {}\n${validDescriptor}`, 'ok.system.ts': validDescriptor, 'a.elf': sampleElf });
    const run = spawnSync(process.execPath, [bin, 'validate', 'loop.system.ts', 'ok.system.ts', '--load-timeout', '4', '--format', 'json'], { cwd, encoding: 'utf8', timeout: 60_000 });
    expect([run.signal, run.status]).toEqual([null, 1]);
    const report = JSON.parse(run.stdout);
    expect(report.files.map((f: { file: string; valid: boolean; diagnostics: { code: string }[] }) => [f.file, f.valid, f.diagnostics.map((d) => d.code)])).toEqual([
      ['loop.system.ts', false, ['KC1100']],
      ['ok.system.ts', true, []],
    ]);
  });

  it('a loop after a top-level await (the asynchronous loader, no vm timeout) is ended by the watchdog too, and the next file is checked', () => {
    const loop = `import { defineSystem } from 'kaal-compose';\nawait Promise.resolve();\nwhile (Date.now() > 0) {}\n${validDescriptor}`;
    const cwd = files({ 'loop.system.ts': loop, 'ok.system.ts': validDescriptor, 'a.elf': sampleElf });
    const run = spawnSync(process.execPath, [bin, 'validate', 'loop.system.ts', 'ok.system.ts', '--load-timeout', '4', '--format', 'json'], { cwd, encoding: 'utf8', timeout: 60_000 });
    expect([run.signal, run.status]).toEqual([null, 1]);
    const report = JSON.parse(run.stdout);
    expect(report.files.map((f: { file: string; valid: boolean; diagnostics: { code: string; message: string }[] }) => [f.file, f.valid, f.diagnostics.map((d) => [d.code, d.message])])).toEqual([
      ['loop.system.ts', false, [['KC1100', 'the descriptor did not finish loading within 4 s: its code was still running after an await (a loop that never ends?)']]],
      ['ok.system.ts', true, []],
    ]);
  });

  it('typescript is loaded only when a problem needs a position', () => {
    const cwd = files({ 'bad.system.ts': `export default { name: 'bad', components: [{ name: 'a', priority: 999, code: { elf: 'a' } }] };\n` });
    const { status, modules } = loadedModules([bin, 'validate', 'bad.system.ts'], cwd);
    expect(status).toBe(1);
    expect(modules.some((m) => m.includes('/node_modules/typescript/'))).toBe(true);
  });

  it('writes the code cache on the first start and the next start accepts it, one cache per command', () => {
    const cwd = files({ 'ok.system.ts': validDescriptor, 'a.elf': sampleElf });
    const cache = path.join(cwd, 'cache');
    const env = { KAAL_CODE_CACHE: cache, KAAL_DEBUG: '1' };
    const first = kaalCompose(['validate', 'ok.system.ts'], cwd, env);
    expect(first.status).toBe(0);
    const cliCache = fs.readdirSync(cache).find((name) => name.startsWith(`cli@${packageVersion}-validate--`))!;
    expect(first.stderr).toContain(`kaal-compose: code cache missing: ${path.join(cache, cliCache)}`);
    const second = kaalCompose(['validate', 'ok.system.ts'], cwd, env);
    expect(second.stderr).toContain(`kaal-compose: code cache accepted: ${path.join(cache, cliCache)}`);
    expect([second.status, second.stdout]).toEqual([first.status, first.stdout]);
    // Another command keeps its own (the bytecode of what it ran), and leaves validate's alone.
    const schema = kaalCompose(['schema'], cwd, env);
    expect(schema.status).toBe(0);
    const schemaCache = fs.readdirSync(cache).find((name) => name.startsWith(`cli@${packageVersion}-schema--`))!;
    expect(schema.stderr).toContain(`kaal-compose: code cache missing: ${path.join(cache, schemaCache)}`);
    expect(kaalCompose(['validate', 'ok.system.ts'], cwd, env).stderr).toContain(`kaal-compose: code cache accepted: ${path.join(cache, cliCache)}`);
    // A command line with options (parsed by yargs, not cli/directCommand.ts) keeps another.
    const withOptions = kaalCompose(['validate', '--format', 'text', 'ok.system.ts'], cwd, env);
    expect([withOptions.status, withOptions.stdout]).toEqual([first.status, first.stdout]);
    const optionsCache = fs.readdirSync(cache).find((name) => name.startsWith(`cli@${packageVersion}-validate-options--`))!;
    expect(withOptions.stderr).toContain(`kaal-compose: code cache missing: ${path.join(cache, optionsCache)}`);
    expect(kaalCompose(['validate', '--format', 'text', 'ok.system.ts'], cwd, env).stderr).toContain(`code cache accepted: ${path.join(cache, optionsCache)}`);
    expect(kaalCompose(['validate', 'ok.system.ts'], cwd, env).stderr).toContain(`kaal-compose: code cache accepted: ${path.join(cache, cliCache)}`);
    // No command named: one cache for all such starts.
    expect(kaalCompose(['--version'], cwd, env).stderr).toContain(`code cache missing: ${path.join(cache, `cli@${packageVersion}-other--`)}`);
    const off = kaalCompose(['validate', 'ok.system.ts'], cwd, { KAAL_CODE_CACHE: '0', KAAL_DEBUG: '1' });
    expect(off.stderr).toContain('kaal-compose: code cache off\n');
    expect([off.status, off.stdout]).toEqual([first.status, first.stdout]);
  });

  it('the bundle is ASCII (read as Latin-1) and makes one namespace per Node builtin', () => {
    const code = fs.readFileSync(path.join(repoRoot, 'dist/bin/kaal-compose.cjs'));
    expect(isAscii(code)).toBe(true);
    expect(code.toString('latin1')).not.toMatch(/__toESM\(require\("node:/);
  });

  it('speaks English whatever the locale (usage errors are rewritten from yargs English)', () => {
    const cwd = files({});
    const env = { LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' };
    const help = kaalCompose(['validate', '--help'], cwd, env);
    expect(help.stdout).toContain('Options:');
    expect(help.stdout).toContain('Show help');
    const wrong = kaalCompose(['validate', '--bogus'], cwd, env);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain("error[KC0001]: unknown option '--bogus'");
  });

  it("runs jiti and jiti's babel through the code cache when a descriptor must be transformed", () => {
    const cwd = files({ 'typed.system.ts': `import { defineSystem } from 'kaal-compose';\nconst n: string = 'typed';\nexport default defineSystem({ name: n, components: [{ name: 'a', code: { elf: 'a.elf' } }] });\n`, 'a.elf': sampleElf });
    const cache = path.join(cwd, 'cache');
    // JITI_FS_CACHE=false: jiti keeps no transformed copy, as after the descriptor changed.
    const env = { KAAL_CODE_CACHE: cache, JITI_FS_CACHE: 'false' };
    const first = kaalCompose(['validate', 'typed.system.ts'], cwd, env);
    expect([first.status, first.stderr]).toEqual([0, '']);
    expect(fs.readdirSync(cache).map((name) => name.split('@')[0]).sort()).toEqual(['cli', 'jiti', 'jiti-babel']);
    const babelCache = path.join(cache, fs.readdirSync(cache).find((name) => name.startsWith('jiti-babel@'))!);
    const jitiCache = path.join(cache, fs.readdirSync(cache).find((name) => name.startsWith('jiti@'))!);
    const written = fs.statSync(babelCache);
    const jitiWritten = fs.statSync(jitiCache);
    const second = kaalCompose(['validate', 'typed.system.ts', '--format', 'json'], cwd, env);
    expect(JSON.parse(second.stdout).summary).toEqual({ files: 1, errors: 0, warnings: 0 });
    // Accepted by the second process, so not written again (a rejected cache is replaced by a rename).
    const after = fs.statSync(babelCache);
    expect([after.ino, after.mtimeMs]).toEqual([written.ino, written.mtimeMs]);
    const jitiAfter = fs.statSync(jitiCache);
    expect([jitiAfter.ino, jitiAfter.mtimeMs]).toEqual([jitiWritten.ino, jitiWritten.mtimeMs]);
  });
});

describe.skipIf(!fs.existsSync(bin))('descriptors served without jiti (cli/descriptorCache.ts)', () => {
  it('validates an edited descriptor as edited: the kept code is for the text it was made from', () => {
    const cwd = files({ 'x.system.ts': `import { defineSystem } from 'kaal-compose';\nexport default defineSystem({ name: 'x', components: [{ name: 'a', code: { elf: 'a.elf' } }] });\n`, 'a.elf': sampleElf });
    const env = { KAAL_CODE_CACHE: path.join(cwd, 'cache') };
    for (let i = 0; i < 2; i++) expect(kaalCompose(['validate', 'x.system.ts'], cwd, env).status).toBe(0);
    expect(fs.readdirSync(path.join(cwd, 'cache/descriptors'))).toEqual([expect.stringMatching(/^x\.system\.ts-[0-9a-f]{8}\.json$/)]);
    fs.writeFileSync(path.join(cwd, 'x.system.ts'), `import { defineSystem } from 'kaal-compose';\nexport default defineSystem({ name: 'x', components: [{ name: 'a', code: { elf: 'a.elf' }, priority: 999 }] });\n`);
    const edited = kaalCompose(['validate', 'x.system.ts'], cwd, env);
    expect(edited.status).toBe(1);
    expect(edited.stdout + edited.stderr).toContain('KC1006');
  });
});

describe.skipIf(!fs.existsSync(bin))('the bundled executable', () => {
  it('runs as npx runs it: node_modules/.bin/kaal-compose, executable, with its shebang', () => {
    const linked = path.join(repoRoot, 'node_modules/.bin/kaal-compose');
    expect(fs.realpathSync(linked)).toBe(fs.realpathSync(bin));
    const run = spawnSync(linked, ['--help'], { cwd: files({}), encoding: 'utf8' });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('kaal-compose validate');
  });

  it('lists the commands and prints the descriptor schema', () => {
    const cwd = files({});
    const help = kaalCompose(['--help'], cwd);
    expect(help.status).toBe(0);
    for (const command of ['validate', 'build', 'run', 'check', 'plan', 'inspect', 'dt', 'machine', 'export', 'import-sdf', 'init']) {
      expect(help.stdout).toMatch(new RegExp(`kaal-compose ${command}\\b`));
    }
    // The bundle's yargs has no guessed default version (scripts/bundleCli.mjs): main's is the one.
    expect(kaalCompose(['--version'], cwd)).toMatchObject({ status: 0, stdout: `${packageVersion}\n` });
    const schema = kaalCompose(['schema'], cwd);
    expect(schema.status).toBe(0);
    expect(JSON.parse(schema.stdout).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('builds the same image as the library and runs it', async () => {
    const cwd = files({});
    const descriptor = path.join(repoRoot, 'fixtures/systems/hello/hello.system.ts');
    expect(kaalCompose(['build', descriptor, '-o', 'bundled.img'], cwd).status).toBe(0);
    expect((await runCli(['build', descriptor, '-o', 'library.img'], { cwd })).code).toBe(0);
    expect(fs.readFileSync(path.join(cwd, 'bundled.img')).equals(fs.readFileSync(path.join(cwd, 'library.img')))).toBe(true);
    const run = kaalCompose(['run', 'bundled.img'], cwd);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("hello, world from 'hello' of system 'hello'");
  });

  it('finds the bundled platform', () => {
    const dt = kaalCompose(['dt', 'kaal-virt-rv32', '--format', 'json'], files({}));
    expect(dt.status).toBe(0);
    expect(JSON.stringify(JSON.parse(dt.stdout))).toContain('kaal-virt-rv32');
  });

  it.skipIf(!clang)('finds the SDK and templates when it compiles (--rebuild)', () => {
    const cwd = files({});
    fs.cpSync(path.join(repoRoot, 'fixtures/systems/hello'), path.join(cwd, 'hello'), { recursive: true });
    const build = kaalCompose(['build', 'hello/hello.system.ts', '-o', 'rebuilt.img', '--rebuild'], cwd);
    expect(build.stderr).toBe('');
    expect(build.status).toBe(0);
    expect(kaalCompose(['run', 'rebuilt.img'], cwd).stdout).toContain("hello, world from 'hello'");
  });

  it('npx kaal-compose in the clone runs the built dist and does not rebuild it', () => {
    // npm links the clone into a fresh npx cache and runs its prepare script: scripts/build.mjs
    // builds nothing there. Without npm's variables from the command that started vitest.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
    const stamp = path.join(repoRoot, 'dist/.inputs-sha256');
    const before = fs.statSync(stamp);
    const run = spawnSync('npx', ['kaal-compose', '--version'], { cwd: repoRoot, env: { ...env, npm_config_cache: files({}), npm_config_update_notifier: 'false' }, encoding: 'utf8' });
    expect(run.stdout).toBe(`${packageVersion}\n`);
    expect(run.status).toBe(0);
    const after = fs.statSync(stamp);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });
});
