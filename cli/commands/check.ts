// `kaal-compose check <image.bin>`: boots the image through the kernel and proves every grant —
// CSpaces, page tables in emulated RAM, IRQ bindings — without running any component; exit 0 when
// every grant is honoured and nothing beyond the plan is reachable, 1 otherwise.
import type { ArgumentsCamelCase } from 'yargs';
import type { CommandFactory } from '../context.js';
import { printDiagnostics } from '../report/index.js';
import { maxInputSizeOption, readInputFile, readKeys, trustKeyOption } from '../readInput.js';
import { maxRamOption, maxRamProblem } from '../maxRam.js';
import { ExitCode } from '../exitCodes.js';
import { D, createDiagnostic } from '../../schema/diagnostics.js';
import { escapeTerminalText } from '../../schema/terminalText.js';

interface CheckArgs {
  readonly image: string;
  readonly maxInputSize?: number;
  readonly maxRam?: number;
  readonly trustKey?: readonly string[];
}

const checkCommand: CommandFactory = (context) => ({
  command: 'check <image>',
  describe: 'boot an image and verify its grants without running any component',
  builder: (yargs) =>
    yargs
      .positional('image', { type: 'string', demandOption: true, describe: 'a boot image written by kaal-compose build' })
      .option('max-input-size', maxInputSizeOption)
      .option('max-ram', maxRamOption)
      .option('trust-key', trustKeyOption),
  handler: async (argv: ArgumentsCamelCase) => {
    const args = argv as unknown as CheckArgs;
    const { io } = context;
    const ramProblem = args.maxRam === undefined ? undefined : maxRamProblem(args.maxRam);
    if (ramProblem !== undefined) {
      printDiagnostics(io, [createDiagnostic(D.runBadOption, { option: '--max-ram', value: String(args.maxRam), reason: ramProblem })]);
      context.exitCode = ExitCode.usage;
      return;
    }
    const bytes = readInputFile(io.cwd, args.image, 'boot image', args.maxInputSize);
    const { checkImage } = await import('../../runtime/run.js');
    const trustedKeys = await readKeys(io.cwd, args.trustKey ?? [], 'public');
    const result = checkImage(bytes, { file: args.image, trustedKeys, ...(args.maxRam !== undefined ? { ramLimit: args.maxRam } : {}) });
    printDiagnostics(io, result.diagnostics);
    if (result.exitCode === 0) io.stdout.write(`${escapeTerminalText(args.image)}: ${result.grants} grants honoured, nothing beyond the plan is reachable\n`);
    context.exitCode = result.exitCode;
  },
});

export default checkCommand;
