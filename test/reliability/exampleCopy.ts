// Test helper: a copy of an example system (fixtures/systems/<name>) in a fresh temp dir, with the
// repository's node_modules linked so its `import { defineSystem } from 'kaal-compose'` resolves.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ExampleCopy {
  /** The temp root (holds node_modules and the example folder). */
  readonly root: string;
  /** The example's folder inside `root`. */
  readonly dir: string;
  cleanup(): void;
}

/** Copies `fixtures/systems/<name>` to `<tmp>/<prefix…>/<subdir>`; `subdir` lets two copies differ in path. */
export function copyExample(name: string, subdir = name): ExampleCopy {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-reliability-'));
  const dir = path.join(root, subdir);
  fs.cpSync(path.join(repoRoot, 'fixtures/systems', name), dir, { recursive: true });
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return { root, dir, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** Files in `dir` (recursively, relative) whose names look like an atomic write's leftover temp file. */
export function leftoverTempFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.tmp-\d+-[0-9a-f]+$/.test(f) && !f.startsWith('node_modules'));
}
