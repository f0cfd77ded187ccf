// `kaal-compose import-sdf <file.system> [-o out.system.ts] [--platform p]`: converts a Microkit
// System Description File into a descriptor; every element that cannot be expressed is reported.
import type { CommandFactory } from '../context.js';
import { ExitCode } from '../exitCodes.js';
import { printDiagnostics } from '../report/index.js';

interface ImportSdfArgs {
  file: string;
  output?: string;
  platform?: string;
}

const importSdfCommand: CommandFactory = (context) => ({
  command: 'import-sdf <file>',
  describe: 'convert a Microkit system description (.system XML) into a *.system.ts descriptor',
  builder: (yargs) =>
    yargs
      .positional('file', { type: 'string', demandOption: true, describe: 'the Microkit .system file' })
      .option('output', { alias: 'o', type: 'string', describe: 'write the descriptor here (default: print it)' })
      .option('platform', { type: 'string', describe: "target platform: 'kaal-virt-rv32' (default) or a .dtb/.dts" }),
  handler: async (argv: ImportSdfArgs) => {
    const { io } = context;
    const { convertSdfFile } = await import('../../compiler/microkit/convertSdfFile.js');
    const result = await convertSdfFile({
      file: argv.file,
      cwd: io.cwd,
      ...(argv.platform !== undefined ? { platform: argv.platform } : {}),
      ...(argv.output !== undefined ? { outFile: argv.output } : {}),
    });
    const sourceOf = (file: string) => (file === argv.file ? result.sdfText : undefined);
    printDiagnostics(io, result.diagnostics, sourceOf);
    const failed = result.diagnostics.some((d) => d.severity === 'error');
    if (!failed && argv.output === undefined && result.source) io.stdout.write(result.source);
    context.exitCode = failed ? ExitCode.inputErrors : ExitCode.ok;
  },
});

export default importSdfCommand;
