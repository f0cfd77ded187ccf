// What a command handler gets from `main`: the process's streams, directory and environment,
// so tests run commands in-process, and the exit code the handler sets.
import type { CommandModule } from 'yargs';
import type { TerminalInput } from './console.js';

export interface OutputStream {
  write(chunk: string | Uint8Array): unknown;
  readonly isTTY?: boolean;
}

/** The process's standard input, as commands that take input (run) see it. */
export interface InputStream {
  /** A terminal (an interactive console), rather than a pipe, a file or nothing. */
  readonly isTTY?: boolean;
  /** Whether it is a pipe (or socket) or a regular file: input that ends, which `run` reads without being asked. */
  readonly isPipeOrFile: boolean;
  /** Reads it to its end; throws KC0009 past `limit` bytes. */
  readAll(limit: number): Uint8Array;
  /** When it is a terminal: the stream to read keys from in raw mode (the interactive console). */
  readonly terminal?: () => TerminalInput;
}

export interface CliIo {
  /** Absent when the command runs without one (in-process tests). */
  readonly stdin?: InputStream;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface CommandContext {
  readonly io: CliIo;
  /** Set by the handler; `main` returns it. */
  exitCode: number;
}

// yargs' argument types are per command; `any` here keeps the command table homogeneous and lets
// each handler declare its own argument interface (`handler: async (argv: ValidateArgs) => …`).
/* eslint-disable @typescript-eslint/no-explicit-any */
export type CommandFactory = (
  context: CommandContext,
) => Omit<CommandModule<any, any>, 'handler'> & { handler: (args: any) => void | Promise<void> };
/* eslint-enable @typescript-eslint/no-explicit-any */
