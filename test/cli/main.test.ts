// cli/main.ts: usage errors are KC0001 with exit 2 and run no command; --help lists the commands.
import { describe, expect, it } from 'vitest';
import { describeUsageFailure } from '../../cli/main.js';
import { runCli } from '../helpers/cli.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, useFiles } from '../helpers/files.js';

const files = useFiles();

const cwd = repoRoot;

describe('main', () => {
  it('an unknown command is KC0001, exit 2, naming the command', async () => {
    const run = await runCli(['frobnicate'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error\[KC0001\]: unknown command 'frobnicate'; the commands are '[\w-]+'(, '[\w-]+')*\n/);
    expect(run.stderr).toContain("'validate'");
    expect(run.stderr).toContain("'schema'");
    expect(run.stderr).toContain("= hint: run 'kaal-compose --help'");
  });

  it('no command is KC0001, exit 2', async () => {
    const run = await runCli([], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error[KC0001]: name a command');
  });

  it('an unknown option is KC0001, exit 2, and the command does not run', async () => {
    const run = await runCli(['validate', 'fixtures/systems/**/*.system.ts', '--frob'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("error[KC0001]: unknown option '--frob'");
  });

  it('an invalid choice is KC0001 naming the value and the choices', async () => {
    const run = await runCli(['validate', '--format', 'xml'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error[KC0001]: invalid value 'xml' for '--format'; choose one of 'text', 'json', 'sarif'");
  });

  it('--help lists the commands on stdout and exits 0', async () => {
    const run = await runCli(['--help'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('kaal-compose validate [files..]');
    expect(run.stdout).toContain('kaal-compose schema');
    expect(run.stderr).toBe('');
  });

  it('--version prints the package version on stdout and exits 0', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const run = await runCli(['--version'], { cwd });
    expect([run.code, run.stdout, run.stderr]).toEqual([0, `${version}\n`, '']);
  });

  it('several descriptors and none named is a usage error (KC0007, exit 2) for build, plan and export', async () => {
    const dir = files({ 'a.system.ts': 'export default {};\n', 'b.system.ts': 'export default {};\n' });
    for (const args of [['build', '-o', 'x.img'], ['plan'], ['export', '--to', 'dot']]) {
      const run = await runCli(args, { cwd: dir });
      expect(run.stderr).toContain("error[KC0007]: more than one system descriptor in");
      expect(run.code).toBe(2);
    }
  });

  it('usage diagnostics are never coloured without a TTY or with NO_COLOR', async () => {
    expect((await runCli(['nope'], { cwd, tty: false })).stderr).not.toContain('\x1b[');
    expect((await runCli(['nope'], { cwd, tty: true, env: { NO_COLOR: '' } })).stderr).not.toContain('\x1b[');
    expect((await runCli(['nope'], { cwd, tty: true })).stderr).toContain('\x1b[1;31merror[KC0001]');
  });
});

describe('describeUsageFailure', () => {
  it("rewrites yargs' messages in the diagnostic style", () => {
    expect(describeUsageFailure('Unknown arguments: x, yy', ['validate', '-x', '--yy'], ['validate'])).toBe("unknown option '-x', '--yy'");
    expect(describeUsageFailure('Missing required argument: file', ['dt'], ['dt'])).toBe("missing required argument 'file'");
    expect(describeUsageFailure('Not enough non-option arguments: got 0, need at least 1', ['dt'], ['dt'])).toBe(
      'expected at least 1 argument after the command, got 0',
    );
    expect(describeUsageFailure('Something Else', ['validate'], ['validate'])).toBe('something Else');
  });
});

describe('options without their value', () => {
  it('is KC0001, exit 2, never an internal error', async () => {
    const run = await runCli(['validate', '--format'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error[KC0001]: '--format' needs a value");
  });
});

describe('a mistyped command', () => {
  it('is KC0001 with the nearest command suggested', async () => {
    const run = await runCli(['valdate'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error[KC0001]: unknown command 'valdate'; did you mean 'validate'?");
  });
});

describe('an unexpected exception in a command', () => {
  it('is KC9001 asking for a bug report, exit 70, without a stack unless KAAL_DEBUG is set', async () => {
    const { main } = await import('../../cli/main.js');
    let stderr = '';
    const io = (env: Record<string, string>) => ({
      stdout: {
        write: () => {
          throw new Error('stdout is gone');
        },
      },
      stderr: { write: (s: string | Uint8Array) => void (stderr += String(s)) },
      cwd,
      env,
    });
    expect(await main(['validate', 'fixtures/systems/hello/hello.system.ts'], io({}))).toBe(70);
    expect(stderr).toContain('error[KC9001]: internal error: stdout is gone');
    expect(stderr).toContain('= hint: this is a bug in kaal-compose; please report it');
    expect(stderr).not.toMatch(/\n\s+at /);
    stderr = '';
    expect(await main(['validate', 'fixtures/systems/hello/hello.system.ts'], io({ KAAL_DEBUG: '1' }))).toBe(70);
    expect(stderr).toMatch(/\n\s+at /);
  });
});
