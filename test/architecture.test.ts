// Dependencies point one way (DESIGN.md "Pipeline and layout"): cli → compiler → (schema, image),
// cli → runtime → image; the runtime never imports the compiler, schema/ is a leaf. This test reads
// every import of every source file and fails on an arrow pointing the wrong way.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/files.js';

/** Which top-level folders each folder may import from (itself included). */
const allowed: Readonly<Record<string, readonly string[]>> = {
  schema: ['schema'],
  image: ['image', 'schema'],
  runtime: ['runtime', 'image', 'schema'],
  compiler: ['compiler', 'image', 'schema'],
  cli: ['cli', 'compiler', 'runtime', 'image', 'schema'],
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true })) {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(relative));
    else if (entry.name.endsWith('.ts')) out.push(relative);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2]!);
  return specifiers.filter((s) => s.startsWith('.'));
}

describe('module dependencies', () => {
  for (const [folder, mayImport] of Object.entries(allowed)) {
    it(`${folder}/ imports only from ${mayImport.join(', ')}`, () => {
      const wrong: string[] = [];
      for (const file of sourceFiles(folder)) {
        for (const specifier of importsOf(file)) {
          const target = path.relative(repoRoot, path.resolve(repoRoot, path.dirname(file), specifier)).split(path.sep)[0]!;
          if (!mayImport.includes(target)) wrong.push(`${file} imports ${specifier}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }

  it('finds imports at all (the scan is not vacuous)', () => {
    expect(importsOf('runtime/run.ts').length).toBeGreaterThan(3);
    expect(importsOf('cli/main.ts')).toContain('./commands/index.js');
  });
});
