// The file system as the compiler sees it (esbuild's `fs.FS`): the real one for the CLI, an
// in-memory one for tests. Writes are atomic: a temporary file renamed over the target.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface Host {
  /** The bytes of a file; throws a Node error (`code` ENOENT, EISDIR…) when it cannot. */
  readFile(file: string): Uint8Array;
  /** The text of a UTF-8 file; throws like `readFile`. */
  readText(file: string): string;
  /** A file's size in bytes, without reading it (to refuse one too large); throws like `readFile`. */
  fileSize(file: string): number;
  /** Writes a whole file so that readers see either the old content or the new, never half. */
  writeFileAtomic(file: string, data: string | Uint8Array): void;
  /** True when a file or directory exists. */
  exists(file: string): boolean;
}

/**
 * Writes `file` through `<file>.tmp-<pid>-<random>` and a rename, so that a crash or a full disk
 * never leaves a half-written output; the temporary file is removed when anything fails.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.writeFileSync(temp, data);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

/** The real file system. */
export const nodeHost: Host = {
  readFile: (file) => fs.readFileSync(file),
  readText: (file) => fs.readFileSync(file, 'utf8'),
  fileSize: (file) => fs.statSync(file).size,
  writeFileAtomic,
  exists: (file) => fs.existsSync(file),
};

/** Why a file could not be read, in the words diagnostics use ('no such file', …). */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

/** A Node-style error, so callers handle the in-memory host like the real one. */
function missing(file: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`ENOENT: no such file or directory, open '${file}'`);
  error.code = 'ENOENT';
  return error;
}

/**
 * A host over a map of files (paths resolved against `root`), for tests: `memoryHost({'a.json': '{}'})`.
 * `files` is exposed so tests can read what was written.
 */
export function memoryHost(
  initial: Readonly<Record<string, string | Uint8Array>> = {},
  root = '/',
): Host & { readonly files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  const key = (file: string) => path.resolve(root, file);
  const encode = (data: string | Uint8Array) => (typeof data === 'string' ? new TextEncoder().encode(data) : data);
  for (const [file, data] of Object.entries(initial)) files.set(key(file), encode(data));
  const readFile = (file: string): Uint8Array => {
    const data = files.get(key(file));
    if (!data) throw missing(file);
    return data;
  };
  return {
    files,
    readFile,
    readText: (file) => new TextDecoder().decode(readFile(file)),
    fileSize: (file) => readFile(file).length,
    writeFileAtomic: (file, data) => void files.set(key(file), encode(data)),
    exists: (file) => {
      const wanted = key(file);
      if (files.has(wanted)) return true;
      const prefix = wanted.endsWith(path.sep) ? wanted : wanted + path.sep;
      for (const name of files.keys()) if (name.startsWith(prefix)) return true;
      return false;
    },
  };
}
