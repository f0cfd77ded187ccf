// `kaal-compose validate [files..]`: schema and semantic checks of descriptors, for pre-commit hooks
// and CI. Exit 0 without errors (warnings allowed), 1 with any, 2 for a wrong command line.
import type { CommandFactory } from '../context.js';
import { ExitCode } from '../exitCodes.js';
import { reportFormats, renderDiagnostics, sourceFromDisk, type ReportFormat } from '../report/index.js';
import { colorEnabled } from '../report/text.js';
import { loadTimeoutMs, loadTimeoutOption } from '../readInput.js';

interface ValidateArgs {
  files: string[];
  format: ReportFormat;
  loadTimeout?: number;
}

const validateCommand: CommandFactory = (context) => ({
  command: 'validate [files..]',
  describe: 'check system descriptors (paths or globs; default: every **/*.system.{ts,mts,js,mjs,json})',
  builder: (yargs) =>
    yargs
      .positional('files', { type: 'string', array: true, default: [], describe: 'descriptor files or globs' })
      .option('format', { choices: reportFormats, default: 'text' as ReportFormat, requiresArg: true, describe: 'output format' })
      .option('load-timeout', loadTimeoutOption),
  handler: async (argv: ValidateArgs) => {
    const { io } = context;
    const [{ validateFiles }, { nodeHost }, { DESCRIPTOR_GLOB }] = await Promise.all([import('../../compiler/validate.js'), import('../../compiler/host.js'), import('../../compiler/load.js')]);
    const result = await validateFiles(argv.files, nodeHost, { cwd: io.cwd, loadTimeoutMs: loadTimeoutMs(argv.loadTimeout) });
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
    context.exitCode = errors ? ExitCode.inputErrors : ExitCode.ok;
  },
});

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export default validateCommand;
