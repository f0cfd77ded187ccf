// Every registry code is emitted somewhere and seen in a test (TypeScript's scripts/errorCheck.mjs):
// a code counts as tested when a file under test/ (tests or snapshots) names it, or a fixture is
// named after it (`fixtures/invalid/KC1003-unknown-property.system.ts`).
// Strict for every band: a new code needs a use and a test before it lands.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allDiagnostics } from '../../schema/diagnostics.js';
import { repoRoot } from '../helpers/files.js';

const STRICT_BANDS = ['KC0', 'KC1', 'KC2', 'KC3', 'KC4', 'KC5', 'KC6', 'KC7', 'KC8', 'KC9'];
const SOURCE_DIRS = ['cli', 'compiler', 'image', 'runtime', 'schema'];

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(full);
      } else if (keep(full)) out.push(full);
    }
  };
  walk(path.join(repoRoot, dir));
  return out;
}

function readAll(files: readonly string[]): string {
  return files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}

describe('every diagnostic code is used and tested', () => {
  const bandFiles = path.join(repoRoot, 'schema', 'diagnostics') + path.sep;
  const source = readAll(
    SOURCE_DIRS.flatMap((d) => filesUnder(d, (f) => /\.ts$/.test(f) && !f.startsWith(bandFiles) && !f.endsWith('.d.ts'))),
  );
  const tests = readAll(filesUnder('test', (f) => /\.(ts|snap)$/.test(f)));
  const fixtureNames = filesUnder('fixtures', () => true).map((f) => path.basename(f));

  const unused = allDiagnostics.filter((d) => !d.retired && !new RegExp(`\\bD\\.${d.name}\\b`).test(source));
  const untested = allDiagnostics.filter((d) => !d.retired && !tests.includes(d.code) && !fixtureNames.some((n) => n.startsWith(`${d.code}-`)));

  it('reports the gaps of every band', () => {
    const lines = [
      ...unused.map((d) => `${d.code} ${d.name}: never emitted (no D.${d.name} outside schema/diagnostics/)`),
      ...untested.map((d) => `${d.code} ${d.name}: in no test and no fixture`),
    ].sort();
    if (lines.length) console.info(`diagnostic codes with gaps (strict for ${STRICT_BANDS.join(', ')} only):\n  ${lines.join('\n  ')}`);
    expect(allDiagnostics.length).toBeGreaterThan(0);
  });

  it(`codes of ${STRICT_BANDS.join(' and ')} are all emitted and tested`, () => {
    const strict = (d: { code: string }) => STRICT_BANDS.some((band) => d.code.startsWith(band));
    expect(unused.filter(strict).map((d) => `${d.code} ${d.name}`)).toEqual([]);
    expect(untested.filter(strict).map((d) => `${d.code} ${d.name}`)).toEqual([]);
  });
});
