// The command line: `main(argv, io)` parses with yargs, runs one command, returns its exit code.
// Commands live in cli/commands/, one file each; they import heavy modules inside their handlers.
import yargs from 'yargs';
import type { CliIo, CommandContext, CommandFactory } from './context.js';
import { ExitCode } from './exitCodes.js';
import { commandFactories } from './commands/index.js';
import { D, DiagnosticError, createDiagnostic, type Diagnostic } from '../schema/diagnostics.js';
import { renderDiagnostics } from './report/index.js';

export type { CliIo } from './context.js';

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const context: CommandContext = { io, exitCode: ExitCode.ok };
  let usageFailure: string | undefined;
  const parser = yargs([...argv])
    .scriptName('kaal-compose')
    .usage('$0 <command> [options]')
    .strict()
    .demandCommand(1, 'name a command')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message: string | undefined, error: Error | undefined) => {
      if (error) throw error;
      usageFailure = message ?? 'invalid command line';
    });
  for (const factory of commandFactories as readonly CommandFactory[]) parser.command(factory(context));
  let helpText = '';
  try {
    await parser.parseAsync([...argv], {}, (_err: unknown, _argv: unknown, output: string) => {
      helpText = output;
    });
  } catch (error) {
    return reportThrown(error, io);
  }
  if (usageFailure !== undefined) {
    if (helpText) io.stderr.write(helpText + '\n');
    writeDiagnostics(io, [createDiagnostic(D.usageError, { message: usageFailure })]);
    return ExitCode.usage;
  }
  if (helpText) io.stdout.write(helpText + '\n');
  return context.exitCode;
}

function writeDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[]): void {
  io.stderr.write(renderDiagnostics(diagnostics, { format: 'text', color: useColor(io) }));
}

/** Colour only on a terminal and never with NO_COLOR (https://no-color.org). */
export function useColor(io: CliIo): boolean {
  return Boolean(io.stderr.isTTY) && io.env.NO_COLOR === undefined;
}

/** A DiagnosticError escaping a handler is bad input (exit 1); anything else is our bug (exit 70). */
function reportThrown(error: unknown, io: CliIo): number {
  if (error instanceof DiagnosticError) {
    writeDiagnostics(io, [error.diagnostic]);
    return ExitCode.inputErrors;
  }
  const message = error instanceof Error ? error.message : String(error);
  writeDiagnostics(io, [createDiagnostic(D.internalError, { message })]);
  if (io.env.KAAL_DEBUG) io.stderr.write(String(error instanceof Error ? error.stack : error) + '\n');
  return ExitCode.internal;
}
