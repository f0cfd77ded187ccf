// The JSON run report (`run --report`) against its JSON Schema, schema/run-report.schema.json, for
// runs that end every way (power-off, fault, deadlock, limit), and the console section's contents:
// everything the UART sent, per component what it wrote, and the input read and left unread.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { runImage, type RunImageOptions } from '../../runtime/run.js';
import { exampleImage, repoRoot } from './exampleImages.js';

const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'schema/run-report.schema.json'), 'utf8')) as object;
const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);

function report(bytes: Uint8Array, options: RunImageOptions = {}) {
  const result = runImage(bytes, { maxInstructions: 20_000_000, ...options });
  const ok = validate(result.report);
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
  return result.report!;
}

describe('the run report', () => {
  it('matches its schema when the run powers off, and records the console output per component', async () => {
    const r = report(await exampleImage('hello'));
    expect(r.outcome).toBe('poweroff');
    expect(r.console).toEqual({
      output: "hello, world from 'hello' of system 'hello'\n",
      components: [{ name: 'hello', uart: "hello, world from 'hello' of system 'hello'\n", debugPutChar: '' }],
      input: { bytes: 0, unread: 0, overruns: 0 },
    });
  });

  it('matches its schema with a fault; DebugPutChar output is the component it came from', async () => {
    const r = report(await exampleImage('fault'));
    expect(r.components.some((c) => c.faults.length > 0)).toBe(true);
    const rogue = r.console.components.find((c) => c.name === 'rogue')!;
    expect(rogue.debugPutChar.length).toBeGreaterThan(0);
    expect(r.console.components.map((c) => c.name)).toEqual([...r.console.components.map((c) => c.name)].sort());
  });

  it('matches its schema at a deadlock and at the limit; counts input read and unread', async () => {
    const echo = await exampleImage('uart-echo');
    const fed = report(echo, { stdin: new TextEncoder().encode('abc\n\x04') });
    expect(fed.console.input).toEqual({ bytes: 5, unread: 0, overruns: 0 });
    expect(fed.console.output).toContain('ABC\n');
    const starved = report(echo);
    expect(starved.outcome).toBe('deadlock');
    expect(report(await exampleImage('ping-pong'), { maxInstructions: 5000 }).outcome).toBe('limit');
  });

  it('the schema rejects a report without its console or with an unknown key', async () => {
    const r = report(await exampleImage('hello'));
    const { console: _console, ...withoutConsole } = r;
    expect(validate(withoutConsole)).toBe(false);
    expect(validate({ ...r, extra: 1 })).toBe(false);
  });
});
