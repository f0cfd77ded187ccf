// `kaal-compose inspect <image.bin> [--json]`: check a boot image and show its header, sections with
// checksums, untypeds, components and segments, and the plan's slots, mappings and grants.
import type { ArgumentsCamelCase } from 'yargs';
import type { CommandFactory } from '../context.js';
import { ExitCode } from '../exitCodes.js';
import { renderDiagnostics } from '../report/index.js';
import { colorEnabled } from '../report/text.js';
import { D, createDiagnostic } from '../../schema/diagnostics.js';

interface InspectArgs {
  readonly image: string;
  readonly json: boolean;
}

const inspectCommand: CommandFactory = (context) => ({
  command: 'inspect <image>',
  describe: 'check a boot image and show its sections, untypeds, components and plan',
  builder: (yargs) =>
    yargs
      .positional('image', { type: 'string', demandOption: true, describe: 'a boot image written by kaal-compose build' })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON' }),
  handler: async (argv: ArgumentsCamelCase) => {
    const args = argv as unknown as InspectArgs;
    const { io } = context;
    const fs = await import('node:fs');
    const path = await import('node:path');
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(fs.readFileSync(path.resolve(io.cwd, args.image)));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      const diagnostic = createDiagnostic(D.fileNotFound, { file: args.image, reason });
      io.stderr.write(renderDiagnostics([diagnostic], { format: 'text', color: colorEnabled(io.stderr, io.env) }));
      context.exitCode = ExitCode.inputErrors;
      return;
    }
    // A bad image throws a DiagnosticError, which `main` renders with exit code 1.
    const { inspectImage, formatImageSummary } = await import('../../image/bootImage/inspectImage.js');
    const summary = inspectImage(bytes, args.image);
    io.stdout.write(args.json ? JSON.stringify(summary, null, 2) + '\n' : formatImageSummary(summary));
    context.exitCode = ExitCode.ok;
  },
});

export default inspectCommand;
