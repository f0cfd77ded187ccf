// `kaal-compose schema`: the printed JSON Schema (draft 2020-12) accepts the JSON form of every
// example system and rejects what the zod schema rejects.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fg from 'fast-glob';
import { loadDescriptor } from '../../compiler/load.js';
import { nodeHost } from '../../compiler/host.js';
import { runCli } from '../helpers/cli.js';
import { repoRoot, useFiles } from '../helpers/files.js';

const files = useFiles();

async function printedSchema(): Promise<Record<string, unknown>> {
  const run = await runCli(['schema'], { cwd: repoRoot });
  expect(run.code).toBe(0);
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout);
}

describe('kaal-compose schema', () => {
  it('prints a draft 2020-12 JSON Schema equal to the committed schema/descriptor.schema.json', async () => {
    const schema = await printedSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema).toEqual(JSON.parse(fs.readFileSync(path.join(repoRoot, 'schema/descriptor.schema.json'), 'utf8')));
  });

  it("validates the JSON form of every example system under fixtures/systems", async () => {
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(await printedSchema());
    const examples = await fg('fixtures/systems/**/*.system.{ts,mts,js,mjs,json}', { cwd: repoRoot });
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      const loaded = await loadDescriptor(example, nodeHost, { cwd: repoRoot });
      expect(loaded.diagnostics, example).toEqual([]);
      // The JSON form: what the module exports, as JSON (numbers stay numbers).
      const json = JSON.parse(JSON.stringify({ $schema: '../../schema/descriptor.schema.json', ...(loaded.input as object) }));
      expect(validate(json) ? [] : validate.errors, example).toEqual([]);
    }
  });

  it('rejects the mistakes the zod schema rejects', async () => {
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(await printedSchema());
    const base = { name: 'x', components: [{ name: 'a', code: { elf: 'a.elf' } }] };
    expect(validate(base)).toBe(true);
    expect(validate({ ...base, colour: 'red' })).toBe(false);
    expect(validate({ ...base, components: [{ name: 'a', priority: 300, code: { elf: 'a.elf' } }] })).toBe(false);
    expect(validate({ ...base, memoryRegions: [{ name: 'r', size: '4 KiB' }] })).toBe(false);
    expect(validate({ ...base, memoryRegions: [{ name: 'r', size: '0x1000_0000' }] })).toBe(true);
    expect(validate({ ...base, components: [] })).toBe(false);
  });

  it('--output writes the schema atomically; an unwritable path is KC0004, exit 1', async () => {
    const cwd = files({ 'keep.txt': '' });
    const ok = await runCli(['schema', '--output', 'out/../schema.json'], { cwd });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('');
    expect(JSON.parse(fs.readFileSync(path.join(cwd, 'schema.json'), 'utf8')).type).toBe('object');
    expect(fs.readdirSync(cwd).sort()).toEqual(['keep.txt', 'schema.json']);
    const bad = await runCli(['schema', '--output', 'missing-dir/schema.json'], { cwd });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error\[KC0004\]: cannot write 'missing-dir\/schema.json': /);
  });
});
