// SARIF output (cli/report/sarif.ts) is valid SARIF 2.1.0: checked against the OASIS JSON Schema as
// @microsoft/jest-sarif ships it (draft-04; ajv-formats checks `uri` and `uri-reference`), for a log
// with every kind of location we write; helpUri and informationUri are absolute: the repository's
// pages when package.json names one, else the docs shipped in the package (file: URLs of files that
// exist); each helpUri at a heading that docs/diagnostics.md has.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { diagnosticHelpUri, toSarif } from '../../../cli/report/sarif.js';
import { D, allDiagnostics, createDiagnostic, type Diagnostic } from '../../../schema/diagnostics.js';
import { runCli } from '../../helpers/cli.js';
import { repoRoot, useFiles } from '../../helpers/files.js';

const files = useFiles();
const require = createRequire(import.meta.url);
const schemaFile = path.join(path.dirname(require.resolve('@microsoft/jest-sarif/package.json')), 'lib/schemas/sarif-2.1.0-rtm.5.json');
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** The SARIF 2.1.0 schema compiled with ajv 8: `$schema`/`id` are draft-04's, read with strict off; its `language` pattern is not valid as a `u` RegExp. */
function sarifValidator() {
  const { $schema: _draft, id: _id, ...schema } = JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
  return addFormats(new Ajv({ strict: false, allErrors: true, unicodeRegExp: false })).compile(schema);
}

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { repository?: unknown; homepage?: unknown; files: string[] };

describe('SARIF output', () => {
  const validate = sarifValidator();

  it('the schema rejects what the old output had: a relative helpUri', () => {
    const log = toSarif([createDiagnostic(D.usageError, { message: 'x' })], { files: [] });
    expect(validate(log)).toBe(true);
    const rule = log.runs[0]!.tool.driver.rules[0]! as { helpUri: string };
    rule.helpUri = 'docs/diagnostics.md#kc0001';
    expect(validate(log)).toBe(false);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.message}`)).toContain('/runs/0/tool/driver/rules/0/helpUri must match format "uri"');
  });

  it('a log with positions, spans, related locations, absolute and relative files and hints is valid', () => {
    const source = 'line one\nline two\n';
    const located: Diagnostic = {
      ...createDiagnostic(D.fileNotFound, { file: 'x', reason: 'gone' }),
      file: 'a dir/a.system.ts',
      span: { start: 9, length: 4 },
      line: 2,
      column: 1,
      path: 'components[0].name',
      related: [{ message: 'first here', file: '/abs/b.system.ts', line: 1, column: 1 }, { message: 'nowhere' }],
    };
    const log = toSarif([located, createDiagnostic(D.severalDescriptors, { dir: '.', files: "'a', 'b'" })], { files: ['a dir/a.system.ts'], sourceOf: () => source });
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // A space is not allowed in a URI reference: the path is percent-encoded.
    expect(log.runs[0]!.artifacts[0]!.location).toEqual({ uri: 'a%20dir/a.system.ts', uriBaseId: 'SRCROOT' });
  });

  it('validate --format sarif of a bad descriptor is valid SARIF, linking the docs shipped in the package (no repository is named)', async () => {
    // No made-up address: package.json names no repository until there is a real one.
    expect([manifest.repository, manifest.homepage]).toEqual([undefined, undefined]);
    expect(manifest.files).toContain('docs');
    const cwd = files({ 'bad.system.ts': "export default { name: 'bad', components: [{ name: 'a', priority: 999, code: { elf: 'a.elf' } }] };\n" });
    const run = await runCli(['validate', '--format', 'sarif'], { cwd });
    expect(run.code).toBe(1);
    const log = JSON.parse(run.stdout);
    expect(validate(log)).toBe(true);
    const driver = log.runs[0].tool.driver;
    expect(driver.informationUri).toBe(pathToFileURL(path.join(repoRoot, 'README.md')).href);
    const [helpUri] = driver.rules.map((r: { helpUri: string }) => r.helpUri);
    expect(helpUri).toBe(`${pathToFileURL(path.join(repoRoot, 'docs/diagnostics.md')).href}#kc1006`);
    expect(fs.existsSync(fileURLToPath(helpUri.split('#')[0]))).toBe(true);
  });

  it('with a repository named, helpUri is the docs page on its web pages', () => {
    expect(diagnosticHelpUri('KC1006', 'https://example.org/team/kaal-compose')).toBe('https://example.org/team/kaal-compose/blob/main/docs/diagnostics.md#kc1006');
  });

  it('every code has the heading its helpUri points at', () => {
    const doc = fs.readFileSync(path.join(repoRoot, 'docs/diagnostics.md'), 'utf8');
    const anchors = new Set([...doc.matchAll(/^### (KC\d{4})$/gm)].map((m) => m[1]!.toLowerCase()));
    for (const { code } of allDiagnostics) {
      const anchor = diagnosticHelpUri(code).split('#')[1]!;
      expect(anchors.has(anchor), `${code}: no '### ${code}' in docs/diagnostics.md`).toBe(true);
    }
  });
});
