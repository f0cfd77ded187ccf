// `--gdb`: opens the stub's socket and makes the debugger for a run (runtime/run.ts) or a bare ELF
// (runtime/bareRunner.ts), so both runners share every line of the gdb support.
import { createDiagnostic, D, type Diagnostic } from '../../schema/diagnostics.js';
import { GdbConnection } from './connection.js';
import { GdbDebugger } from './debugger.js';
import type { CpuOwnership, DebugTarget } from './target.js';

/** Where the stub listens, and what it tells gdb. */
export interface GdbOptions {
  readonly host: string;
  /** 0 picks a free port (reported through `listening`). */
  readonly port: number;
  /** Stop before the first instruction until gdb resumes (`--gdb-wait`). */
  readonly wait?: boolean;
  /** A `build --emit` directory: each component's ELF for gdb's symbols (`run`). */
  readonly symbolsDir?: string;
  /** The program's ELF, absolute, for gdb's symbols (`machine`). */
  readonly elfPath?: string;
  /** Told the address once the stub listens. */
  readonly listening?: (host: string, port: number) => void;
}

/** Listens, builds the debugger over `describe`'s target and, with `wait`, serves gdb until it resumes. */
export function startGdb(
  options: GdbOptions,
  describe: (owner: CpuOwnership) => DebugTarget,
): { readonly ok: true; readonly debugger: GdbDebugger } | { readonly ok: false; readonly diagnostic: Diagnostic } {
  let connection: GdbConnection;
  try {
    connection = new GdbConnection(options.host, options.port);
  } catch (error) {
    return {
      ok: false,
      diagnostic: createDiagnostic(D.gdbCannotListen, {
        address: `${options.host}:${options.port}`,
        reason: (error as Error).message,
      }),
    };
  }
  options.listening?.(connection.host, connection.listenPort);
  const debug = new GdbDebugger(connection, describe, {
    waitForClient: options.wait ?? false,
  });
  debug.start();
  return { ok: true, debugger: debug };
}

export { GdbDebugger } from './debugger.js';
