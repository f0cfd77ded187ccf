// The file system as the compiler sees it (esbuild's `fs.FS`): the real one for the CLI, an
// in-memory one for tests. Writes are atomic: a temporary file renamed over the target.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createDiagnostic, D, type Diagnostic } from '../schema/diagnostics.js';

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
 * Thrown by `writeFileAtomic` for an output path that holds something other than a regular file
 * (a device node such as /dev/full, a FIFO, a socket, a directory) or a dangling symbolic link:
 * renaming over it would replace that thing with a file, so it is refused and left as it is.
 */
export class OutputNotRegularError extends Error {
  readonly code = 'KAAL_NOT_REGULAR';
}

/** What an existing path is, in words ('a character device', …). */
function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Where an output to `file` really goes: `file` itself when absent or a regular file; through a
 * symbolic link, the regular file it names (the link stays, the file it points to is replaced, as a
 * shell's `>` would write it). Anything else is refused with `OutputNotRegularError`.
 */
export function outputTarget(file: string): string {
  let link: fs.Stats;
  try {
    link = fs.lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return file;
    throw error;
  }
  if (link.isFile()) return file;
  if (!link.isSymbolicLink()) throw new OutputNotRegularError(`it is ${kindOf(link)}; an output must be a regular file or absent`);
  let target: fs.Stats;
  try {
    target = fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new OutputNotRegularError(`it is a symbolic link to '${fs.readlinkSync(file)}', which does not exist`);
  }
  if (!target.isFile()) throw new OutputNotRegularError(`it is a symbolic link to ${kindOf(target)}; an output must be a regular file or absent`);
  return fs.realpathSync(file);
}

/**
 * Writes `file` through `<file>.tmp-<pid>-<random>` and a rename, so that a crash or a full disk
 * never leaves a half-written output; the temporary file is removed when anything fails. The one
 * place every command writes a file: the output must be a regular file or absent (`outputTarget`).
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const target = outputTarget(file);
  // node:crypto is loaded here, not with the module: it costs every start a few milliseconds.
  const { randomBytes } = process.getBuiltinModule('node:crypto');
  const temp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.writeFileSync(temp, data, { flag: 'wx' });
    fs.renameSync(temp, target);
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
  if (code === 'EEXIST') return 'it exists and is not a directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

/** Why an output could not be written, in the words KC0004 uses. */
export function describeWriteError(error: unknown): string {
  if (error instanceof OutputNotRegularError) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such directory';
  if (code === 'ENOTDIR') return 'a part of the path is not a directory';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EEXIST') return 'it exists and is not a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOSPC') return 'no space left on the device';
  return error instanceof Error ? error.message : String(error);
}

/** KC0004 for an output that could not be written. */
export function cannotWrite(file: string, error: unknown): Diagnostic {
  return createDiagnostic(D.cannotWriteOutput, { file, reason: describeWriteError(error) });
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
