// `kaal-compose check <image.bin>`: boots the image through the kernel and proves every grant —
// CSpaces, page tables in emulated RAM, IRQ bindings — without running any component; exit 0 when
// every grant is honoured and nothing beyond the plan is reachable, 1 otherwise.
import type { ArgumentsCamelCase } from 'yargs';
import type { CommandFactory } from '../context.js';
import { ExitCode } from '../exitCodes.js';
import { renderDiagnostics } from '../report/index.js';
import { colorEnabled } from '../report/text.js';
import { D, createDiagnostic } from '../../schema/diagnostics.js';

interface CheckArgs {
  readonly image: string;
}

const checkCommand: CommandFactory = (context) => ({
  command: 'check <image>',
  describe: 'boot an image and verify its grants without running any component',
  builder: (yargs) => yargs.positional('image', { type: 'string', demandOption: true, describe: 'a boot image written by kaal-compose build' }),
  handler: async (argv: ArgumentsCamelCase) => {
    const args = argv as unknown as CheckArgs;
    const { io } = context;
    const color = colorEnabled(io.stderr, io.env);
    const fs = await import('node:fs');
    const path = await import('node:path');
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(fs.readFileSync(path.resolve(io.cwd, args.image)));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
      io.stderr.write(renderDiagnostics([createDiagnostic(D.fileNotFound, { file: args.image, reason }, { file: args.image })], { format: 'text', color }));
      context.exitCode = ExitCode.inputErrors;
      return;
    }
    const { checkImage } = await import('../../runtime/run.js');
    const result = checkImage(bytes, { file: args.image });
    if (result.diagnostics.length > 0) io.stderr.write(renderDiagnostics(result.diagnostics, { format: 'text', color }));
    if (result.exitCode === 0) io.stdout.write(`${args.image}: ${result.grants} grants honoured, nothing beyond the plan is reachable\n`);
    context.exitCode = result.exitCode;
  },
});

export default checkCommand;
