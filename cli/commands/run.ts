// `kaal-compose run <image.bin> [--max-instructions N] [--stdin file] [--trace] [--report file]
// [--fail-on-fault]`: boots the image (proving every grant), runs it under the kernel with the UART
// on stdout and diagnostics on stderr; exit codes as in the README ("Exit codes of run"). With a
// terminal on stdin the console is interactive (cli/console.ts).
import * as path from 'node:path';
import type { ArgumentsCamelCase } from 'yargs';
import type { CommandFactory } from '../context.js';
import { ExitCode } from '../exitCodes.js';
import { printDiagnostics } from '../report/index.js';
import { D, createDiagnostic, type Diagnostic } from '../../schema/diagnostics.js';
import { escapeTerminalText } from '../../schema/terminalText.js';
import { maxInputSizeOption, readInputFile, readKeys, trustKeyOption } from '../readInput.js';
import { INPUT_SIZE_LIMITS } from '../../image/inputLimits.js';
import type { CliIo } from '../context.js';
import { maxRamOption, maxRamProblem } from '../maxRam.js';
import { lineBufferedOutput } from '../uartOutput.js';
import { gdbOptions, gdbOptionsFrom, type GdbArgs } from '../gdbOption.js';

interface RunArgs extends GdbArgs {
  readonly image: string;
  readonly maxInstructions: number;
  readonly stdin?: string;
  readonly trace: boolean;
  readonly label?: boolean;
  readonly report?: string;
  readonly failOnFault: boolean;
  readonly maxInputSize?: number;
  readonly maxRam?: number;
  readonly trustKey?: readonly string[];
}

const EPILOG = [
  'Exit codes: 0 powered off with the pass code; 1 a bad image or a refused boot; 2 usage; 3 the',
  'instruction limit; 4 a component faulted and --fail-on-fault was given; 5 a reset request;',
  "6 deadlock; 7 powered off with a failure code (the code is in KC7043 and the report); 8 the user",
  'left the interactive console (C-a x); 70 internal error.',
  '',
  'With a terminal on stdin (and no --stdin) run is an interactive console: keys go to the UART as',
  'typed (Ctrl-C and Ctrl-D too); C-a x quits, C-a h lists the escapes, C-a C-a sends C-a.',
].join('\n');

const runCommand: CommandFactory = (context) => ({
  command: 'run <image>',
  describe: 'boot an image, prove its grants and run it on the emulated machine under the kernel',
  builder: (yargs) =>
    yargs
      .positional('image', { type: 'string', demandOption: true, describe: 'a boot image written by kaal-compose build' })
      .option('max-instructions', { type: 'number', default: 1_000_000_000, describe: 'stop (exit 3) after this many instructions' })
      .option('stdin', { type: 'string', requiresArg: true, describe: "a file whose bytes the console UART receives ('-': standard input; a pipe or file on stdin is read without it)" })
      .option('label', { type: 'boolean', describe: "start each console line with '[component] ' (default: when stdout is a terminal; --no-label turns it off)" })
      .option('trace', { type: 'boolean', default: false, describe: 'print system calls, IPC, interrupts and faults (stderr)' })
      .option('report', { type: 'string', describe: 'write the JSON run report to this file' })
      .option('fail-on-fault', { type: 'boolean', default: false, describe: 'exit 4 when any component faulted' })
      .option('max-input-size', maxInputSizeOption)
      .option('max-ram', maxRamOption)
      .option('trust-key', trustKeyOption)
      .options(gdbOptions)
      .epilog(EPILOG),
  handler: async (argv: ArgumentsCamelCase) => {
    const args = argv as unknown as RunArgs;
    const { io } = context;
    const print = (diagnostics: readonly Diagnostic[]): void => printDiagnostics(io, diagnostics);
    if (!Number.isSafeInteger(args.maxInstructions) || args.maxInstructions <= 0) {
      print([createDiagnostic(D.runBadOption, { option: '--max-instructions', value: String(args.maxInstructions), reason: 'must be a positive integer' })]);
      context.exitCode = ExitCode.usage;
      return;
    }
    const ramProblem = args.maxRam === undefined ? undefined : maxRamProblem(args.maxRam);
    if (ramProblem !== undefined) {
      print([createDiagnostic(D.runBadOption, { option: '--max-ram', value: String(args.maxRam), reason: ramProblem })]);
      context.exitCode = ExitCode.usage;
      return;
    }
    const gdb = gdbOptionsFrom(args, io);
    if (gdb === null) {
      print([createDiagnostic(D.gdbBadAddress, { value: String(args.gdb) })]);
      context.exitCode = ExitCode.usage;
      return;
    }
    const bytes = readInputFile(io.cwd, args.image, 'boot image', args.maxInputSize);
    const stdin = consoleInput(io, args);
    const { runImage, runImageLive } = await import('../../runtime/run.js');
    const trustedKeys = await readKeys(io.cwd, args.trustKey ?? [], 'public');
    const uart = lineBufferedOutput(io.stdout, { label: args.label ?? Boolean(io.stdout.isTTY) });
    const options = {
      file: args.image,
      maxInstructions: args.maxInstructions,
      failOnFault: args.failOnFault,
      uartByte: uart.byte,
      debugPutChar: uart.byte,
      ...(args.maxRam !== undefined ? { ramLimit: args.maxRam } : {}),
      trustedKeys,
      ...(args.trace ? { trace: (line: string) => io.stderr.write(escapeTerminalText(line) + '\n') } : {}),
      ...(gdb !== undefined ? { gdb } : {}),
    };
    // A terminal on stdin (and no --stdin, no gdb on the console's turns) is an interactive console.
    const terminal = stdin === undefined && gdb === undefined ? io.stdin?.terminal?.() : undefined;
    let result;
    if (terminal) {
      const { terminalConsole } = await import('../console.js');
      result = await runImageLive(bytes, terminalConsole(terminal, io.stderr), { ...options, afterTurn: uart.flush });
    } else {
      result = runImage(bytes, stdin !== undefined ? { ...options, stdin } : options);
    }
    uart.flush();
    print(result.diagnostics);
    if (args.report !== undefined && result.report) {
      const { writeFileAtomic, cannotWrite } = await import('../../compiler/host.js');
      try {
        writeFileAtomic(path.resolve(io.cwd, args.report), JSON.stringify(result.report, null, 2) + '\n');
      } catch (error) {
        print([cannotWrite(args.report, error)]);
        context.exitCode = ExitCode.inputErrors;
        return;
      }
    }
    context.exitCode = result.exitCode;
  },
});

/** What the console UART receives: `--stdin file`, `--stdin -` (standard input), else stdin when it is a pipe or a file. */
function consoleInput(io: CliIo, args: RunArgs): Uint8Array | undefined {
  const limit = args.maxInputSize ?? INPUT_SIZE_LIMITS['stdin file'];
  if (args.stdin === '-') return io.stdin?.readAll(limit) ?? new Uint8Array(0);
  if (args.stdin !== undefined) return readInputFile(io.cwd, args.stdin, 'stdin file', limit);
  return io.stdin?.isPipeOrFile ? io.stdin.readAll(limit) : undefined;
}

export default runCommand;
