// `kaal-compose inspect <image.bin> [--json]`: check a boot image and show its header, sections with
// checksums, untypeds, components and segments, and the plan's slots, mappings and grants.
import type { ArgumentsCamelCase } from 'yargs';
import type { CommandFactory } from '../context.js';
import { ExitCode } from '../exitCodes.js';
import { escapeJsonText } from '../../schema/terminalText.js';
import { maxInputSizeOption, readInputFile } from '../readInput.js';

interface InspectArgs {
  readonly image: string;
  readonly json: boolean;
  readonly maxInputSize?: number;
}

const inspectCommand: CommandFactory = (context) => ({
  command: 'inspect <image>',
  describe: 'check a boot image and show its sections, untypeds, components and plan',
  builder: (yargs) =>
    yargs
      .positional('image', { type: 'string', demandOption: true, describe: 'a boot image written by kaal-compose build' })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON' })
      .option('max-input-size', maxInputSizeOption),
  handler: async (argv: ArgumentsCamelCase) => {
    const args = argv as unknown as InspectArgs;
    const { io } = context;
    const bytes = readInputFile(io.cwd, args.image, 'boot image', args.maxInputSize);
    // A bad image throws a DiagnosticError, which `main` renders with exit code 1.
    const { inspectImage, formatImageSummary } = await import('../../image/bootImage/inspectImage.js');
    const summary = inspectImage(bytes, args.image);
    io.stdout.write(args.json ? escapeJsonText(JSON.stringify(summary, null, 2)) + '\n' : formatImageSummary(summary));
    context.exitCode = ExitCode.ok;
  },
});

export default inspectCommand;
