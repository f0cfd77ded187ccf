// `kaal-compose dt <file.dtb|file.dts|kaal-virt-rv32> [--format dts|json|dtb] [-o out]`: decode a
// device tree and print it as DTS, as the platform model in JSON, or re-encoded as a DTB.
import * as path from 'node:path';
import type { ArgumentsCamelCase } from 'yargs';
import type { CommandFactory } from '../context.js';
import { ExitCode } from '../exitCodes.js';
import { printDiagnostics } from '../report/index.js';
import { D, createDiagnostic } from '../../schema/diagnostics.js';
import { maxInputSizeOption } from '../readInput.js';

interface DtArgs {
  readonly file: string;
  readonly format: 'dts' | 'json' | 'dtb';
  readonly output?: string;
  readonly maxInputSize?: number;
}

const dtCommand: CommandFactory = (context) => ({
  command: 'dt <file>',
  describe: 'decode a device tree (.dtb, .dts or a bundled platform) and print it as DTS, JSON or DTB',
  builder: (yargs) =>
    yargs
      .positional('file', { type: 'string', demandOption: true, describe: 'a .dtb or .dts file, or kaal-virt-rv32' })
      .option('format', { choices: ['dts', 'json', 'dtb'] as const, default: 'dts' as const, describe: 'output format' })
      .option('output', { alias: 'o', type: 'string', describe: 'write to this file instead of stdout' })
      .option('max-input-size', maxInputSizeOption),
  handler: async (argv: ArgumentsCamelCase) => {
    const args = argv as unknown as DtArgs;
    const { io } = context;
    if (args.format === 'dtb' && args.output === undefined && io.stdout.isTTY) {
      const usage = createDiagnostic(D.usageError, { message: 'refusing to write a binary DTB to a terminal; give -o <file>' });
      printDiagnostics(io, [usage]);
      context.exitCode = ExitCode.usage;
      return;
    }
    const { loadPlatform } = await import('../../compiler/loadPlatform.js');
    const loaded = await loadPlatform(args.file, io.cwd, args.maxInputSize === undefined ? {} : { maxInputSize: args.maxInputSize });
    if (loaded.platform.diagnostics.length > 0) {
      printDiagnostics(io, loaded.platform.diagnostics);
    }
    let output: string | Uint8Array;
    if (args.format === 'dts') {
      const { printDts } = await import('../../image/fdt/printDts.js');
      output = printDts(loaded.tree);
    } else if (args.format === 'json') {
      const { platformSummary } = await import('../../image/platform.js');
      output = JSON.stringify(platformSummary(loaded.platform)) + '\n';
    } else {
      const { encodeFdt } = await import('../../image/fdt/encodeFdt.js');
      output = encodeFdt(loaded.tree);
    }
    if (args.output === undefined) {
      io.stdout.write(output);
    } else {
      const { writeFileAtomic, cannotWrite } = await import('../../compiler/host.js');
      const target = path.resolve(io.cwd, args.output);
      try {
        writeFileAtomic(target, output);
      } catch (error) {
        printDiagnostics(io, [cannotWrite(args.output, error)]);
        context.exitCode = ExitCode.inputErrors;
        return;
      }
    }
    context.exitCode = ExitCode.ok;
  },
});

export default dtCommand;
