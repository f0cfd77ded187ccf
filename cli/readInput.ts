// Reads the files commands take as input (images, ELFs, stdin files) whole, after checking their
// size against a limit the user can raise with --max-input-size: a stray multi-gigabyte file is
// refused with a diagnostic before it is read, never half-read or left to exhaust memory.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { D, fail } from '../schema/diagnostics.js';
import { INPUT_SIZE_LIMITS, type InputKind } from '../image/inputLimits.js';
import { describeFsError } from '../compiler/host.js';
import type { InputStream } from './context.js';

/** The yargs option every command reading such files offers. */
export const maxInputSizeOption = {
  type: 'number',
  describe: 'largest input file accepted, in bytes (default: 256 MiB for images, 16 MiB for DTBs, 64 MiB otherwise)',
} as const;

/** The options naming keys: `build --sign-key`, and `--trust-key` (repeatable) of check, run and inspect. */
export const signKeyOption = { type: 'string', requiresArg: true, describe: 'sign the image with this Ed25519 private key (PEM)' } as const;
export const trustKeyOption = {
  type: 'string',
  array: true,
  requiresArg: true,
  describe: 'accept only images signed by this Ed25519 public key (PEM; repeatable)',
} as const;

/** The Ed25519 keys in PEM `files` (relative to `cwd`); KC0002 unreadable, KC0300 not such a key. */
export async function readKeys(cwd: string, files: readonly string[], kind: 'private' | 'public'): Promise<KeyObject[]> {
  const { parseKey } = await import('../image/bootImage/signature.js');
  return files.map((file) => parseKey(new TextDecoder().decode(readInputFile(cwd, file, 'key file')), kind, file));
}

/** `--load-timeout <seconds>` of the commands that load a descriptor (validate, plan, build). */
export const loadTimeoutOption = {
  type: 'number',
  describe: 'seconds a descriptor may take to load (default 5)',
} as const;

/** Milliseconds for the loaders from `--load-timeout`; undefined keeps the default. */
export function loadTimeoutMs(seconds: number | undefined): number | undefined {
  return seconds === undefined || !(seconds > 0) ? undefined : seconds * 1000;
}

/** The bytes of `file` (relative to `cwd`); throws KC0002 when unreadable, KC0009 when too large. */
export function readInputFile(cwd: string, file: string, kind: InputKind, limit: number = INPUT_SIZE_LIMITS[kind]): Uint8Array {
  const absolute = path.resolve(cwd, file);
  let size: number;
  try {
    size = fs.statSync(absolute).size;
    if (size <= limit) return new Uint8Array(fs.readFileSync(absolute));
  } catch (error) {
    throw fail(D.fileNotFound, { file, reason: describeFsError(error) }, { file });
  }
  throw fail(D.inputTooLarge, { file, size, limit, kind: `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind}` }, { file });
}

/** The process's stdin (fd 0) as `CliIo.stdin`: what it is, and its bytes read to the end in chunks. */
export function processStdin(): InputStream {
  // Asked on first use: `process.stdin` makes a stream (and loads tty or net), ~3 ms that commands
  // which never look at stdin (machine, validate) need not spend.
  let kind: fs.Stats | null | undefined;
  const stat = (): fs.Stats | null => {
    if (kind === undefined) {
      try {
        kind = fs.fstatSync(0);
      } catch {
        kind = null;
      }
    }
    return kind;
  };
  // A pipe, socket or file is no terminal: only a character device needs `process.stdin` to tell.
  const isTTY = (): boolean => {
    const k = stat();
    return (k === null || k.isCharacterDevice()) && process.stdin.isTTY === true;
  };
  return {
    get isTTY() {
      return isTTY();
    },
    get terminal() {
      return isTTY() ? () => process.stdin : undefined;
    },
    // A child process's piped stdin is a socket pair under libuv, a shell's a FIFO.
    get isPipeOrFile() {
      const k = stat();
      return k !== null && (k.isFIFO() || k.isSocket() || k.isFile());
    },
    readAll(limit) {
      const chunks: Buffer[] = [];
      let size = 0;
      const chunk = Buffer.alloc(64 * 1024);
      for (;;) {
        let n: number;
        try {
          n = fs.readSync(0, chunk, 0, chunk.length, null);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
          if ((error as NodeJS.ErrnoException).code === 'EOF') break;
          throw fail(D.fileNotFound, { file: '-', reason: describeFsError(error) });
        }
        if (n === 0) break;
        size += n;
        if (size > limit) throw fail(D.inputTooLarge, { file: '-', size, limit, kind: 'a stdin file' });
        chunks.push(Buffer.from(chunk.subarray(0, n)));
      }
      return new Uint8Array(Buffer.concat(chunks));
    },
  };
}
