// `kaal-compose validate`: exit 0 without errors, 1 with any, 2 for usage; text, json and sarif output.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { repoRoot, sampleElf, useFiles } from '../helpers/files.js';

const files = useFiles();
const good = `export default { name: 'ok', components: [{ name: 'a', code: { elf: 'a.elf' } }] };\n`;
const bad = `export default {\n  name: 'bad',\n  components: [{ name: 'a', priority: 999, code: { elf: 'a.elf' } }],\n};\n`;

describe('kaal-compose validate', () => {
  it('exits 0 on the example systems and says how many were valid', async () => {
    const run = await runCli(['validate', 'fixtures/systems/**/*.system.ts'], { cwd: repoRoot });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+ descriptors? valid\n$/);
  });

  it('exits 1 with a rustc-style frame on stderr when a file has an error', async () => {
    const cwd = files({ 'bad.system.ts': bad, 'good.system.ts': good, 'a.elf': sampleElf });
    const run = await runCli(['validate'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      [
        "error[KC1006]: 'priority' must be at most 254, got '999'",
        '  --> bad.system.ts:3:39',
        '   |',
        " 3 |   components: [{ name: 'a', priority: 999, code: { elf: 'a.elf' } }],",
        '   |                                       ^^^',
        '',
        '1 of 2 descriptors invalid (1 error, 0 warnings)',
        '',
      ].join('\n'),
    );
  });

  it('exits 0 saying so when there is no descriptor at all (no argument), in every format', async () => {
    const cwd = files({ 'readme.md': '' });
    const none = await runCli(['validate'], { cwd });
    expect([none.code, none.stdout, none.stderr]).toEqual([0, "no system descriptors here (none matches '**/*.system.{ts,mts,js,mjs,json}'): nothing to validate\n", '']);
    const json = await runCli(['validate', '--format', 'json'], { cwd });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ files: [], summary: { files: 0, errors: 0, warnings: 0 } });
    const sarif = await runCli(['validate', '--format', 'sarif'], { cwd });
    expect(sarif.code).toBe(0);
    expect((JSON.parse(sarif.stdout) as { runs: { results: unknown[] }[] }).runs[0]!.results).toEqual([]);
  });

  it('exits 1 when a named pattern matches nothing (KC0003, without a "0 of 0" count) and 2 for a bad option', async () => {
    const cwd = files({ 'readme.md': '' });
    const none = await runCli(['validate', 'src/*.system.ts'], { cwd });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("error[KC0003]: no system descriptor matches 'src/*.system.ts'");
    expect(none.stderr).not.toContain('0 of 0');
    expect((await runCli(['validate', '--nope'], { cwd })).code).toBe(2);
  });

  it('--format json has exactly the documented shape', async () => {
    const cwd = files({ 'bad.system.ts': bad, 'good.system.ts': good, 'a.elf': sampleElf });
    const run = await runCli(['validate', 'good.system.ts', 'bad.system.ts', 'missing.system.json', '--format', 'json'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.stdout.endsWith('\n')).toBe(true);
    expect(JSON.parse(run.stdout)).toStrictEqual({
      files: [
        { file: 'good.system.ts', valid: true, diagnostics: [] },
        {
          file: 'bad.system.ts',
          valid: false,
          diagnostics: [
            {
              code: 'KC1006',
              severity: 'error',
              message: "'priority' must be at most 254, got '999'",
              line: 3,
              column: 39,
              path: 'components.0.priority',
            },
          ],
        },
        {
          file: 'missing.system.json',
          valid: false,
          diagnostics: [
            { code: 'KC0002', severity: 'error', message: "cannot read 'missing.system.json': no such file", line: 1, column: 1 },
          ],
        },
      ],
      summary: { files: 3, errors: 2, warnings: 0 },
    });
  });

  it('--format json with only valid files exits 0', async () => {
    const cwd = files({ 'good.system.ts': good, 'a.elf': sampleElf });
    const run = await runCli(['validate', '--format', 'json'], { cwd });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toStrictEqual({
      files: [{ file: 'good.system.ts', valid: true, diagnostics: [] }],
      summary: { files: 1, errors: 0, warnings: 0 },
    });
  });

  it('--format sarif is a SARIF 2.1.0 log with rules from the registry and physical locations', async () => {
    const cwd = files({ 'bad.system.ts': bad, 'good.system.ts': good, 'a.elf': sampleElf });
    const run = await runCli(['validate', '--format', 'sarif'], { cwd });
    expect(run.code).toBe(1);
    const log = JSON.parse(run.stdout);
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.runs).toHaveLength(1);
    const [runLog] = log.runs;
    expect(runLog.tool.driver.name).toBe('kaal-compose');
    expect(runLog.tool.driver.rules).toEqual([
      {
        id: 'KC1006',
        name: 'OutOfRange',
        shortDescription: { text: "'{property}' must be {constraint}, got '{value}'" },
        helpUri: `${pathToFileURL(path.join(repoRoot, 'docs/diagnostics.md')).href}#kc1006`,
        defaultConfiguration: { level: 'error' },
      },
    ]);
    expect(runLog.artifacts).toEqual([
      { location: { uri: 'bad.system.ts', uriBaseId: 'SRCROOT' } },
      { location: { uri: 'good.system.ts', uriBaseId: 'SRCROOT' } },
    ]);
    expect(runLog.results).toEqual([
      {
        ruleId: 'KC1006',
        ruleIndex: 0,
        level: 'error',
        message: { text: "'priority' must be at most 254, got '999'" },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'bad.system.ts', uriBaseId: 'SRCROOT' },
              region: { startLine: 3, startColumn: 39, endLine: 3, endColumn: 42 },
            },
            logicalLocations: [{ fullyQualifiedName: 'components.0.priority', kind: 'member' }],
          },
        ],
      },
    ]);
  });

  it('colours text only on a TTY and never with NO_COLOR', async () => {
    const cwd = files({ 'bad.system.ts': bad });
    const piped = await runCli(['validate'], { cwd, tty: false });
    const noColor = await runCli(['validate'], { cwd, tty: true, env: { NO_COLOR: '1' } });
    const terminal = await runCli(['validate'], { cwd, tty: true });
    expect(piped.stderr).not.toContain('\x1b[');
    expect(noColor.stderr).toBe(piped.stderr);
    expect(terminal.stderr).toContain('\x1b[1;31merror[KC1006]\x1b[0m');
    expect(terminal.stderr.replace(/\x1b\[[0-9;]*m/g, '')).toBe(piped.stderr);
  });

  it('never prints a stack trace for a descriptor that throws', async () => {
    const cwd = files({ 'throws.system.ts': `throw new TypeError('bad input');\n` });
    const run = await runCli(['validate'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[KC1001]: cannot load the descriptor: bad input');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('kaal-compose validate --format json with imported components', () => {
  it('counts a problem in an imported component file against the descriptor that imports it', async () => {
    const cwd = files({
      'parts/worker.component.ts': `export const worker = { name: 'w', priority: 999, code: { elf: 'w.elf' } };\n`,
      'main.system.ts': `import { worker } from './parts/worker.component.js';\nexport default { name: 'm', components: [worker] };\n`,
    });
    const run = await runCli(['validate', '--format', 'json'], { cwd });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toStrictEqual({
      files: [
        {
          file: 'main.system.ts',
          valid: false,
          diagnostics: [
            {
              code: 'KC1006',
              severity: 'error',
              message: "'priority' must be at most 254, got '999'",
              line: 1,
              column: 46,
              path: 'components.0.priority',
              file: 'parts/worker.component.ts',
            },
          ],
        },
      ],
      summary: { files: 1, errors: 1, warnings: 0 },
    });
    const text = await runCli(['validate'], { cwd });
    expect(text.stderr).toContain('  --> parts/worker.component.ts:1:46\n');
  });
});
