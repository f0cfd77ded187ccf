// `--gdb [host:]port`, `--gdb-wait` and `--symbols dir` of `run` and `machine`: the flags and their
// parsing (the host defaults to 127.0.0.1, so the stub is reachable from this machine only).
import path from 'node:path';
import type { Options } from 'yargs';
import type { GdbOptions } from '../runtime/gdb/index.js';
import type { CliIo } from './context.js';

export const gdbOptions = {
  gdb: {
    type: 'string',
    requiresArg: true,
    describe: 'serve the GDB remote protocol on [host:]port (127.0.0.1 unless a host is given; port 0 picks one)',
  },
  'gdb-wait': {
    type: 'boolean',
    default: false,
    describe: 'with --gdb: stop before the first instruction until gdb continues',
  },
  symbols: {
    type: 'string',
    requiresArg: true,
    describe: "with --gdb: a 'build --emit' directory whose ELFs gdb loads per component",
  },
} as const satisfies Record<string, Options>;

/** `[host:]port` → host and port, or null when it is not one. */
export function parseGdbAddress(text: string): { host: string; port: number } | null {
  const m = /^(?:(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):)?(\d{1,5})$/.exec(text.trim());
  if (!m) return null;
  const port = Number(m[2]);
  if (port > 65535) return null;
  const host = m[1] === undefined ? '127.0.0.1' : m[1].replace(/^\[|\]$/g, '');
  return { host, port };
}

export interface GdbArgs {
  readonly gdb?: string;
  readonly gdbWait: boolean;
  readonly symbols?: string;
}

/**
 * The runner's gdb options from the flags: undefined without `--gdb`, null when its address is bad.
 * The listening address goes to stderr, where a script (or a person) reads the port.
 */
export function gdbOptionsFrom(args: GdbArgs, io: CliIo, elf?: string): GdbOptions | undefined | null {
  if (args.gdb === undefined) return undefined;
  const address = parseGdbAddress(args.gdb);
  if (address === null) return null;
  return {
    ...address,
    wait: args.gdbWait,
    ...(args.symbols !== undefined ? { symbolsDir: path.resolve(io.cwd, args.symbols) } : {}),
    ...(elf !== undefined ? { elfPath: path.resolve(io.cwd, elf) } : {}),
    listening: (host, port) => io.stderr.write(`gdb: listening on ${host}:${port}\n`),
  };
}
