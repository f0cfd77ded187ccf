// `kaal-compose export [system] --to microkit|capdl|dts|dot|mermaid [-o file]`: the planned system
// in another tool's language (docs/interop.md).
import type { Diagnostic } from '../../schema/diagnostics.js';
import type { CommandFactory } from '../context.js';
import { ExitCode, failureExitCode } from '../exitCodes.js';
import { printDiagnostics, sourceFromDisk } from '../report/index.js';
import { EXPORT_FORMATS, type ExportFormat } from '../../compiler/export/formats.js';
import { maxInputSizeOption } from '../readInput.js';


interface ExportArgs {
  system?: string;
  to: ExportFormat;
  output?: string;
  maxInputSize?: number;
}

const exportCommand: CommandFactory = (context) => ({
  command: 'export [system]',
  describe: 'render the planned system as a Microkit SDF, capDL, DTS, DOT or mermaid graph',
  builder: (yargs) =>
    yargs
      .positional('system', { type: 'string', describe: 'the descriptor (default: the one *.system.* here)' })
      .option('to', { choices: EXPORT_FORMATS, demandOption: true, describe: 'output format' })
      .option('output', { alias: 'o', type: 'string', describe: 'write to this file (default: stdout)' })
      .option('max-input-size', maxInputSizeOption),
  handler: async (argv: ExportArgs) => {
    const { io } = context;
    const [{ exportDescriptor }, { nodeHost }, { findDescriptor }] = await Promise.all([
      import('../../compiler/export/exportDescriptor.js'),
      import('../../compiler/host.js'),
      import('../../compiler/load.js'),
    ]);
    const found = findDescriptor(argv.system, io.cwd);
    const diagnostics: Diagnostic[] = [];
    let text: string | undefined;
    if ('diagnostic' in found) diagnostics.push(found.diagnostic);
    else {
      const result = await exportDescriptor(found.file, argv.to, {
        cwd: io.cwd,
        host: nodeHost,
        ...(argv.output !== undefined ? { outFile: argv.output } : {}),
        ...(argv.maxInputSize !== undefined ? { maxInputSize: argv.maxInputSize } : {}),
      });
      diagnostics.push(...result.diagnostics);
      text = result.text;
    }
    printDiagnostics(io, diagnostics, sourceFromDisk(io.cwd));
    if (text !== undefined && argv.output === undefined) io.stdout.write(text);
    context.exitCode = text === undefined ? failureExitCode(diagnostics) : ExitCode.ok;
  },
});

export default exportCommand;
