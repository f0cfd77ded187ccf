// scripts/mutationScore.mjs: which reports count for a file (only those of today's text), how a
// re-run of some lines overlays an older whole-file run, and the score it prints. Run in a scratch
// folder laid out like the repository, with reports written as Stryker writes them.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const script = path.resolve('scripts/mutationScore.mjs');
let dir = '';

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

type Status = 'Killed' | 'Timeout' | 'Survived' | 'NoCoverage' | 'Ignored' | 'Pending';

function mutant(line: number, status: Status, replacement = 'false') {
  return { id: String(line), mutatorName: 'ConditionalExpression', replacement, status, location: { start: { line, column: 1 }, end: { line, column: 5 } } };
}

function writeReport(name: string, mtimeSeconds: number, mutate: string[], files: Record<string, { source: string; mutants: unknown[] }>) {
  const file = path.join(dir, 'reports', `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ schemaVersion: '1.0', files, config: { mutate, testFiles: ['test/runtime/kernel/a.test.ts'] } }));
  fs.utimesSync(file, mtimeSeconds, mtimeSeconds);
}

/** The table row of one file, split into cells. */
function row(output: string, file: string): string[] {
  const line = output.split('\n').find((l) => l.startsWith(`| ${file} |`));
  if (!line) throw new Error(`no row for ${file} in\n${output}`);
  return line.split('|').slice(1, -1).map((cell) => cell.trim());
}

function score(args = ['--folder', 'runtime/kernel', 'reports']): string {
  return execFileSync(process.execPath, [script, ...args], { cwd: dir, encoding: 'utf8' });
}

describe('mutationScore', () => {
  it('counts only reports of the text the file has today, later results over earlier ones', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-mutscore-'));
    fs.mkdirSync(path.join(dir, 'runtime/kernel'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'test/runtime/kernel'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'reports'));
    fs.writeFileSync(path.join(dir, 'test/runtime/kernel/a.test.ts'), '');
    fs.writeFileSync(path.join(dir, 'runtime/kernel/a.ts'), 'today a');
    fs.writeFileSync(path.join(dir, 'runtime/kernel/b.ts'), 'today b');
    fs.writeFileSync(path.join(dir, 'runtime/kernel/c.ts'), 'today c');
    fs.writeFileSync(path.join(dir, 'runtime/kernel/d.ts'), 'today d');
    fs.writeFileSync(path.join(dir, 'runtime/kernel/e.ts'), 'today e');
    fs.writeFileSync(path.join(dir, 'runtime/kernel/f.ts'), 'today f');
    fs.writeFileSync(path.join(dir, 'runtime/kernel/g.ts'), 'today g');
    fs.writeFileSync(path.join(dir, 'runtime/kernel/h.ts'), 'today h');

    // a.ts: a whole-file run (3 killed, 1 timeout, 2 survived, 1 no coverage, 1 ignored), then a
    // re-run of line 5 only that kills one of the survivors.
    const aWhole = [mutant(1, 'Killed'), mutant(2, 'Killed'), mutant(3, 'Killed'), mutant(4, 'Timeout'), mutant(5, 'Survived'), mutant(6, 'Survived'), mutant(7, 'NoCoverage'), mutant(8, 'Ignored')];
    writeReport('whole', 1_000, ['runtime/kernel/a.ts', 'runtime/kernel/b.ts', 'runtime/kernel/g.ts'], {
      'runtime/kernel/a.ts': { source: 'today a', mutants: aWhole },
      'runtime/kernel/b.ts': { source: 'yesterday b', mutants: [mutant(1, 'Killed')] },
    });
    writeReport('line5', 2_000, ['runtime/kernel/a.ts:5-5', 'runtime/kernel/c.ts:1-3'], {
      'runtime/kernel/a.ts': { source: 'today a', mutants: [mutant(5, 'Killed')] },
      'runtime/kernel/c.ts': { source: 'today c', mutants: [mutant(2, 'Killed')] },
    });
    // An older report of d.ts with a different result comes first; the newer one wins.
    writeReport('d-old', 500, ['runtime/kernel/d.ts'], { 'runtime/kernel/d.ts': { source: 'today d', mutants: [mutant(1, 'Survived')] } });
    writeReport('d-new', 3_000, ['runtime/kernel/d.ts'], { 'runtime/kernel/d.ts': { source: 'today d', mutants: [mutant(1, 'Killed')] } });

    // e.ts: only a stopped run's partial report (scripts/strykerPartialReport.mjs), one mutant pending.
    writeReport('e.partial', 4_000, ['runtime/kernel/e.ts'], {
      'runtime/kernel/e.ts': { source: 'today e', mutants: [mutant(1, 'Killed'), mutant(2, 'Survived'), mutant(3, 'Pending')] },
    });
    // f.ts: a whole run, then a newer partial one whose pending mutant leaves the older result standing.
    writeReport('f-whole', 1_000, ['runtime/kernel/f.ts'], { 'runtime/kernel/f.ts': { source: 'today f', mutants: [mutant(1, 'Killed'), mutant(2, 'Survived')] } });
    writeReport('f.partial', 4_000, ['runtime/kernel/f.*'], { 'runtime/kernel/f.ts': { source: 'today f', mutants: [mutant(1, 'Pending'), mutant(2, 'Killed')] } });

    // g.ts: in the whole run's patterns, and that report lists no mutants for it; h.ts: in no
    // report's patterns.

    const output = score();
    expect(row(output, 'runtime/kernel/a.ts')).toEqual(['runtime/kernel/a.ts', '4', '1', '1', '1', '71.4 %', 'whole, line5 (0)']);
    expect(row(output, 'runtime/kernel/b.ts')[5]).toBe('stale (code changed since)');
    expect(row(output, 'runtime/kernel/c.ts').slice(1)).toEqual(['1', '0', '0', '0', 'some lines or mutants only: 100.0 % so far', 'line5']);
    expect(row(output, 'runtime/kernel/e.ts').slice(1)).toEqual(['1', '0', '1', '0', 'some lines or mutants only: 50.0 % so far', 'e.partial']);
    expect(row(output, 'runtime/kernel/f.ts').slice(1, 7)).toEqual(['2', '0', '0', '0', '100.0 %', 'f-whole, f.partial (0)']);
    expect(row(output, 'runtime/kernel/g.ts').slice(1, 7)).toEqual(['0', '0', '0', '0', 'no mutants', 'whole (0)']);
    expect(row(output, 'runtime/kernel/h.ts')[5]).toBe('not measured');
    expect(row(output, 'runtime/kernel/d.ts').slice(1, 7)).toEqual(['1', '0', '0', '0', '100.0 %', 'd-old, d-new (0)']);
    // The folder: a.ts, d.ts, f.ts and g.ts, 8 of 10; b, c, e and h not (yet) measured whole.
    expect(row(output, '**runtime/kernel**').slice(1, 6)).toEqual(['7', '1', '1', '1', '**80.0 %**']);
    expect(output).toContain('## runtime/kernel: 80.0 % over the measured files; 4 not measured');
    // Every folder when none is named; the reports folder may come first.
    const all = score(['reports']);
    expect(all).toContain('## runtime/kernel: 80.0 % over the measured files; 4 not measured');
    expect(all).toContain('\n## schema: —\n');
  });
});
