// `kaal-compose inspect <image.bin> [--json]`: check a boot image and show its header, sections with
// checksums, untypeds, components and segments, and the plan's slots, mappings and grants; then check
// the DTB and the plan as the boot does (exit 1 when they would not boot, the summary still shown).
// For an ELF from `build --target sel4`: its loader, boot header and regions (docs/sel4.md).
import type { ArgumentsCamelCase } from 'yargs';
import type { CommandFactory } from '../context.js';
import { ExitCode } from '../exitCodes.js';
import { printDiagnostics } from '../report/index.js';
import { escapeJsonText } from '../../schema/terminalText.js';
import { maxInputSizeOption, readInputFile, readKeys, trustKeyOption } from '../readInput.js';

interface InspectArgs {
  readonly image: string;
  readonly json: boolean;
  readonly maxInputSize?: number;
  readonly trustKey?: readonly string[];
}

const inspectCommand: CommandFactory = (context) => ({
  command: 'inspect <image>',
  describe: 'check a boot image and show its sections, untypeds, components and plan',
  builder: (yargs) =>
    yargs
      .positional('image', { type: 'string', demandOption: true, describe: 'a boot image written by kaal-compose build (or an ELF from build --target sel4)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON' })
      .option('max-input-size', maxInputSizeOption)
      .option('trust-key', trustKeyOption),
  handler: async (argv: ArgumentsCamelCase) => {
    const args = argv as unknown as InspectArgs;
    const { io } = context;
    const bytes = readInputFile(io.cwd, args.image, 'boot image', args.maxInputSize);
    // A bad image throws a DiagnosticError, which `main` renders with exit code 1.
    // An ELF (at least a whole ELF32 header of 52 bytes) is read as a --target sel4 output.
    if (bytes.length >= 52 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) {
      // Such an ELF carries no kaal-compose signature: with --trust-key it is an unsigned image.
      if (args.trustKey?.length) {
        const { trustProblem } = await import('../../image/bootImage/signature.js');
        printDiagnostics(io, [trustProblem(undefined, await readKeys(io.cwd, args.trustKey, 'public'), { file: args.image })!]);
        context.exitCode = ExitCode.inputErrors;
        return;
      }
      const { inspectSel4Image, formatSel4ImageSummary } = await import('../../image/inspectSel4Image.js');
      const summary = inspectSel4Image(bytes, args.image);
      io.stdout.write(args.json ? escapeJsonText(JSON.stringify(summary, null, 2)) + '\n' : formatSel4ImageSummary(summary));
      context.exitCode = ExitCode.ok;
      return;
    }
    const [{ readImage }, { summarizeImage, formatImageSummary, fileSha256 }, { prepareBoot }] = await Promise.all([
      import('../../image/bootImage/readImage.js'),
      import('../../image/bootImage/inspectImage.js'),
      import('../../runtime/boot/index.js'),
    ]);
    const image = readImage(bytes, args.image);
    const summary = summarizeImage(image, fileSha256(bytes));
    io.stdout.write(args.json ? escapeJsonText(JSON.stringify(summary, null, 2)) + '\n' : formatImageSummary(summary));
    // The DTB and the plan as deeply as `check` reads them (damage the reader's checksums cannot see).
    const trustedKeys = await readKeys(io.cwd, args.trustKey ?? [], 'public');
    const prepared = prepareBoot(image, { file: args.image, trustedKeys });
    if (!prepared.ok) printDiagnostics(io, prepared.diagnostics);
    context.exitCode = prepared.ok ? ExitCode.ok : ExitCode.inputErrors;
  },
});

export default inspectCommand;
