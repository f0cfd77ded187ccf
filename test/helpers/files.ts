// Test helper (Vitest's `useFS`): writes `{path: content}` into a fresh temp directory, removed after
// each test; `ts` is `String.raw` so descriptors read as written.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

export const ts = String.raw;

/** The repository root (test/helpers/ is two levels below it). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Returns a function that creates a temp directory with the given files and returns its path. */
export function useFiles(): (files: Readonly<Record<string, string | Uint8Array>>) => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  return (files) => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kc-test-')));
    dirs.push(dir);
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(dir, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    return dir;
  };
}

/** Replaces a temp directory in text by `<root>`, for snapshots. */
export function replaceRoot(text: string, root: string): string {
  return text.split(root).join('<root>');
}

/** A real component ELF (the hello example's), for descriptors whose `code.elf` must exist. */
export const sampleElf: Uint8Array = fs.readFileSync(path.join(repoRoot, 'fixtures/systems/hello/hello.elf'));
