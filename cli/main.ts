// The command line: `main(argv, io)` parses with yargs, runs one command, returns its exit code.
// Commands live in cli/commands/, one file each; they import heavy modules inside their handlers.
import yargs, { type Argv } from 'yargs';
import type { CliIo, CommandContext, CommandFactory } from './context.js';
import { ExitCode } from './exitCodes.js';
import { commandFactories } from './commands/index.js';
import { D, DiagnosticError, createDiagnostic } from '../schema/diagnostics.js';
import { printDiagnostics } from './report/index.js';
import { nearestName } from '../schema/nearestName.js';
import { packageVersion } from '../image/packageFiles.js';
import { directCommand } from './directCommand.js';

export type { CliIo } from './context.js';

const SCRIPT_NAME = 'kaal-compose';

/** Thrown from yargs' `fail` so that no handler runs after a usage error. */
class UsageFailure extends Error {}

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const context: CommandContext = { io, exitCode: ExitCode.ok };
  const commands = (commandFactories as readonly CommandFactory[]).map((factory) => factory(context));
  // A plain command line (cli/directCommand.ts) runs its handler as yargs would, without yargs.
  const direct = directCommand(argv, commands, SCRIPT_NAME);
  if (direct !== undefined) {
    try {
      await direct.handler(direct.args);
    } catch (error) {
      return reportThrown(error, io);
    }
    return context.exitCode;
  }
  const parser = cliParser(argv, commands, io);
  const commandNames = commands.map((c) => String([c.command].flat()[0] ?? '').split(' ')[0]!);
  let helpText = '';
  try {
    await parser.parseAsync([...argv], {}, (_err: unknown, _argv: unknown, output: string) => {
      helpText = output;
    });
  } catch (error) {
    if (!(error instanceof UsageFailure)) return reportThrown(error, io);
    const message = describeUsageFailure(error.message, argv, commandNames);
    printDiagnostics(io, [createDiagnostic(D.usageError, { message })]);
    return ExitCode.usage;
  }
  if (helpText) io.stdout.write(helpText + '\n');
  return context.exitCode;
}

/**
 * The yargs parser of `main` with `commands` registered (exported for test/cli/directCommand.test.ts,
 * which compares cli/directCommand.ts' arguments with the ones this gives the handlers).
 */
export function cliParser(argv: readonly string[], commands: readonly ReturnType<CommandFactory>[], io: CliIo): Argv {
  const stdoutColumns = (io.stdout as { columns?: number }).columns;
  const parser = yargs([...argv])
    .scriptName(SCRIPT_NAME)
    .usage('$0 <command> [options]')
    .strict()
    .demandCommand(1, 'name a command')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version('version', 'print the version of kaal-compose', packageVersion())
    // English always: describeUsageFailure rewrites yargs' English messages, and the bundle has no
    // yargs locale files beside it.
    .detectLocale(false)
    .wrap(Math.min(100, stdoutColumns ?? 100))
    .exitProcess(false)
    .fail((message: string | undefined, error: Error | undefined) => {
      // yargs reports its own parse errors as a YError; anything else was thrown by a handler.
      if (error && error.name !== 'YError') throw error;
      throw new UsageFailure(message ?? error?.message ?? 'invalid command line');
    });
  skipHelpBeforeHandlers(parser);
  for (const command of commands) parser.command(command);
  return parser;
}

/**
 * yargs renders a command's whole help text as it starts a handler, in case the handler calls
 * `showHelp()`. Ours never do, and the rendering (cliui measuring every line with
 * `Intl.Segmenter`) is about 15 ms of a cold `validate`. `--help` and usage errors are unaffected.
 * Reaches into yargs' usage object: if a later yargs lacks it, nothing is skipped.
 */
function skipHelpBeforeHandlers(parser: object): void {
  type Usage = { cacheHelpMessage?: () => void };
  const internals = parser as { getInternalMethods?: () => { getUsageInstance?: () => Usage | undefined } };
  const usage = internals.getInternalMethods?.().getUsageInstance?.();
  if (typeof usage?.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

/**
 * yargs' usage messages in our diagnostic style (lower-case start, values in single quotes), with
 * the unknown command named as such rather than as an "unknown argument".
 */
export function describeUsageFailure(message: string, argv: readonly string[], commandNames: readonly string[]): string {
  const first = argv.find((a) => !a.startsWith('-'));
  if (first !== undefined && !commandNames.includes(first) && argv.indexOf(first) === 0) {
    const near = nearestName(first, commandNames);
    if (near) return `unknown command '${first}'; did you mean '${near}'?`;
    return `unknown command '${first}'; the commands are ${commandNames.map((c) => `'${c}'`).join(', ')}`;
  }
  const unknown = /^Unknown arguments?: (.*)$/s.exec(message);
  if (unknown) return `unknown option ${unknown[1]!.split(', ').map((a) => `'${a.length > 1 ? '--' : '-'}${a}'`).join(', ')}`;
  const invalid = /Argument: (\S+), Given: "?([^",]*)"?, Choices: (.*)$/m.exec(message);
  if (invalid) return `invalid value '${invalid[2]}' for '--${invalid[1]}'; choose one of ${invalid[3]!.replaceAll('"', "'")}`;
  const missing = /^Missing required arguments?: (.*)$/s.exec(message);
  if (missing) return `missing required argument ${missing[1]!.split(', ').map((a) => `'${a}'`).join(', ')}`;
  const notEnough = /^Not enough non-option arguments: got (\d+), need at least (\d+)$/.exec(message);
  const noValue = /^Not enough arguments following: (.*)$/.exec(message);
  if (noValue) return `'--${noValue[1]}' needs a value`;
  if (notEnough) return `expected at least ${notEnough[2]} argument${notEnough[2] === "1" ? "" : "s"} after the command, got ${notEnough[1]}`;
  return message.length > 1 && /^[A-Z][a-z]/.test(message) ? message[0]!.toLowerCase() + message.slice(1) : message;
}

/** A DiagnosticError escaping a handler is bad input (exit 1); anything else is our bug (exit 70). */
function reportThrown(error: unknown, io: CliIo): number {
  if (error instanceof DiagnosticError) {
    printDiagnostics(io, [error.diagnostic]);
    return ExitCode.inputErrors;
  }
  const message = error instanceof Error ? error.message : String(error);
  printDiagnostics(io, [createDiagnostic(D.internalError, { message })]);
  if (io.env.KAAL_DEBUG) io.stderr.write(String(error instanceof Error ? error.stack : error) + '\n');
  return ExitCode.internal;
}
