// `kaal-compose validate [files..]`: schema and semantic checks of descriptors, for pre-commit hooks
// and CI. Exit 0 without errors (warnings allowed), 1 with any, 2 for a wrong command line.
import type { CliIo, CommandFactory } from '../context.js';
import type { ValidationResult } from '../../compiler/validate.js';
import { ExitCode } from '../exitCodes.js';
import { reportFormats, renderDiagnostics, sourceFromDisk, type ReportFormat } from '../report/index.js';
import { colorEnabled } from '../report/text.js';
import { loadTimeoutMs, loadTimeoutOption } from '../readInput.js';

interface ValidateArgs {
  files: string[];
  format: ReportFormat;
  loadTimeout?: number;
  watch: boolean;
}

const validateCommand: CommandFactory = (context) => ({
  command: 'validate [files..]',
  describe: 'check system descriptors (paths or globs; default: every **/*.system.{ts,mts,js,mjs,json})',
  builder: (yargs) =>
    yargs
      .positional('files', { type: 'string', array: true, default: [], describe: 'descriptor files or globs' })
      .option('format', { choices: reportFormats, default: 'text' as ReportFormat, requiresArg: true, describe: 'output format' })
      .option('load-timeout', loadTimeoutOption)
      .option('watch', { type: 'boolean', default: false, describe: 'validate again on every change of a descriptor, a file it imports or its platform, until Ctrl-C' }),
  handler: async (argv: ValidateArgs) => {
    const { io } = context;
    const [{ validateFiles }, { nodeHost }] = await Promise.all([import('../../compiler/validate.js'), import('../../compiler/host.js')]);
    const options = { cwd: io.cwd, loadTimeoutMs: loadTimeoutMs(argv.loadTimeout) };
    if (!argv.watch) {
      const result = await validateFiles(argv.files, nodeHost, options);
      context.exitCode = await report(argv, result, io);
      return;
    }
    // --watch: a run per change until Ctrl-C, the screen cleared before each run after the first
    // (on a terminal; elsewhere a line marks the new run). Ctrl-C ends it with exit 0.
    const { watchValidation } = await import('../../compiler/watchValidation.js');
    const stop = new AbortController();
    const onSigint = () => stop.abort();
    process.once('SIGINT', onSigint);
    let runs = 0;
    try {
      await watchValidation(argv.files, nodeHost, { ...options, signal: stop.signal }, (result) => {
        if (runs++ > 0) io.stdout.write(io.stdout.isTTY ? CLEAR_SCREEN : `\n--- validating again (run ${runs}) ---\n`);
        void report(argv, result, io).then(() => io.stderr.write('watching for changes (Ctrl-C to stop)\n'));
      });
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
    context.exitCode = ExitCode.ok;
  },
});

/** Erases the screen and its scrollback and homes the cursor, as tsc --watch does. */
const CLEAR_SCREEN = '\x1b[2J\x1b[3J\x1b[H';

/** Prints one validation in the chosen format; the exit code it calls for. */
async function report(argv: ValidateArgs, result: ValidationResult, io: CliIo): Promise<number> {
  const { DESCRIPTOR_GLOB } = await import('../../compiler/load.js');
  // No argument and no descriptor below cwd is nothing to check, not an error: a hook or CI step
  // set up before the first descriptor passes. A pattern that matches nothing stays KC0003.
  const nothingHere = argv.files.length === 0 && result.files.length === 0;
  const unattached = nothingHere ? [] : result.diagnostics;
  const diagnostics = [...unattached, ...result.files.flatMap((f) => f.diagnostics)];
  const sourceOf = sourceFromDisk(io.cwd);
  const files = result.files.map((f) => f.file);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  if (argv.format === 'text') {
    io.stderr.write(renderDiagnostics(diagnostics, { format: 'text', color: colorEnabled(io.stderr, io.env), sourceOf }));
    const invalid = result.files.filter((f) => !f.valid).length;
    const counts = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
    if (nothingHere) io.stdout.write(`no system descriptors here (none matches '${DESCRIPTOR_GLOB}'): nothing to validate\n`);
    // With no file (KC0003) the diagnostic says all; no "0 of 0 descriptors" count.
    else if (errors && files.length > 0) io.stderr.write(`${invalid} of ${plural(files.length, 'descriptor')} invalid (${counts})\n`);
    else if (!errors) io.stdout.write(`${plural(files.length, 'descriptor')} valid${warnings ? ` (${counts})` : ''}\n`);
  } else if (argv.format === 'json') {
    const { toJsonReportByFile } = await import('../report/json.js');
    io.stdout.write(JSON.stringify(toJsonReportByFile(result.files, unattached)) + '\n');
  } else {
    io.stdout.write(renderDiagnostics(diagnostics, { format: argv.format, color: false, sourceOf, files }));
  }
  return errors ? ExitCode.inputErrors : ExitCode.ok;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export default validateCommand;
