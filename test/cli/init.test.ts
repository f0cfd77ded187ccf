// `kaal-compose init` end to end, in-process: a new project in an empty directory validates,
// builds (compiling its C component with clang) and — once the `run` command exists — runs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it, expect } from 'vitest';
import { commandFactories } from '../../cli/commands/index.js';
import { bootImage } from '../../runtime/boot/index.js';
import { runSystem } from '../../runtime/run.js';
import { runCli } from '../helpers/cli.js';
import { useFiles } from '../helpers/files.js';

const io = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: '/', env: {} };
const hasRun = commandFactories.some((factory) => String(factory({ io, exitCode: 0 }).command).split(' ')[0] === 'run');
if (!hasRun) console.warn("test/cli/init.test.ts: no 'run' command yet: the image is booted on the runtime directly");

describe('kaal-compose init', () => {
  const temp = useFiles();

  it('creates a project that validates, builds and runs', async () => {
    const cwd = temp({});
    const created = await runCli(['init', 'demo'], { cwd });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain("created the 'demo' system in demo: demo.system.ts, hello.c, README.md, package.json, .gitignore, tsconfig.json\n");
    const project = path.join(cwd, 'demo');

    const validated = await runCli(['validate'], { cwd: project });
    expect(validated.stdout).toBe('1 descriptor valid\n');
    expect(validated.code).toBe(0);

    // The npm script's command line, as `npm run build` would run it.
    const build = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8')).scripts.build as string;
    const built = await runCli(build.split(' ').slice(1), { cwd: project });
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    expect(built.stdout).toMatch(/^wrote demo\.img: \d+ bytes, 1 component, sha256 [0-9a-f]{64}\nwrote report\.html\n$/);
    expect(fs.statSync(path.join(project, 'demo.img')).size).toBeGreaterThan(0);
    // One name, one meaning: the sha256 build prints is the one inspect prints.
    const inspected = JSON.parse((await runCli(['inspect', 'demo.img', '--json'], { cwd: project })).stdout) as { sha256: string };
    expect(built.stdout).toContain(`sha256 ${inspected.sha256}\n`);

    if (hasRun) {
      const ran = await runCli(['run', 'demo.img'], { cwd: project });
      expect(ran.stdout).toContain("hello from 'hello' of system 'demo'");
      expect(ran.code).toBe(0);
    } else {
      // Until `run` exists: boot the image on the runtime directly, as `run` will.
      let uart = '';
      const booted = bootImage(fs.readFileSync(path.join(project, 'demo.img')), { sink: { uartByte: (_device, byte) => void (uart += String.fromCharCode(byte)) } });
      expect(booted.ok).toBe(true);
      if (!booted.ok) return;
      const result = runSystem(booted.system, { maxInstructions: 10_000_000 });
      expect(uart).toBe("hello from 'hello' of system 'demo'\n");
      expect([result.outcome, result.powerOffKind, result.powerOffCode]).toEqual(['poweroff', 'pass', 0]);
      expect(result.violations).toEqual([]);
    }
  });

  it('initialises the current directory when it is empty, naming the system after it', async () => {
    const cwd = path.join(temp({}), 'my-board');
    fs.mkdirSync(cwd);
    const created = await runCli(['init'], { cwd });
    expect(created.code).toBe(0);
    expect(created.stdout).toContain("created the 'my-board' system in .:");
    expect(created.stdout).not.toContain('cd ');
    expect(fs.existsSync(path.join(cwd, 'my-board.system.ts'))).toBe(true);
  });

  it('refuses a non-empty directory with KC0008 and exit code 1, leaving it as it was', async () => {
    const cwd = temp({ 'demo/main.c': 'int main;' });
    const refused = await runCli(['init', 'demo'], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain("error[KC0008]: cannot create a project in 'demo': it is not empty (it has 'main.c')");
    expect(refused.stderr).toContain("= hint: name a new or empty directory, e.g. 'kaal-compose init my-system'");
    expect(fs.readdirSync(path.join(cwd, 'demo'))).toEqual(['main.c']);
  });

  it("quotes a directory with a space in its 'cd' line", async () => {
    const cwd = temp({});
    const created = await runCli(['init', "my demo's"], { cwd });
    expect(created.code).toBe(0);
    expect(created.stdout).toContain("next:\n  cd 'my demo'\\''s'\n  npm install\n");
  });

  it('is a usage error (exit 2) without a value for --name', async () => {
    const cwd = temp({});
    const run = await runCli(['init', 'x', '--name'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('KC0001');
  });
});
