// `kaal-compose init [dir] [--name n]`: create a new project (a *.system.ts, one C component, a
// README, package.json with validate/build/run scripts) in an empty or new directory (issue 8).
// Exit 0 when created, 1 when the directory is not empty or cannot be written.
import type { ArgumentsCamelCase } from 'yargs';
import type { CommandFactory } from '../context.js';
import { ExitCode, failureExitCode } from '../exitCodes.js';
import { printDiagnostics } from '../report/index.js';

interface InitArgs {
  readonly dir?: string;
  readonly name?: string;
}

const initCommand: CommandFactory = (context) => ({
  command: 'init [dir]',
  describe: 'create a new project that validates, builds and runs at once (default: here)',
  builder: (yargs) =>
    yargs
      .positional('dir', { type: 'string', describe: 'the project directory, created when missing; must be empty' })
      .option('name', { type: 'string', requiresArg: true, describe: "the system's name (default: from the directory's name)" }),
  handler: async (argv: ArgumentsCamelCase) => {
    const args = argv as unknown as InitArgs;
    const { io } = context;
    const { initProject } = await import('../../compiler/init.js');
    const result = initProject({ cwd: io.cwd, ...(args.dir !== undefined ? { dir: args.dir } : {}), ...(args.name !== undefined ? { name: args.name } : {}) });
    if (result.diagnostics.length > 0) {
      printDiagnostics(io, result.diagnostics);
      context.exitCode = failureExitCode(result.diagnostics);
      return;
    }
    const cd = result.dir === '.' ? '' : `  cd ${shellQuoted(result.dir)}\n`;
    io.stdout.write(
      `created the '${result.name}' system in ${result.dir}: ${result.files.join(', ')}\n` +
        `next:\n${cd}  npm install\n  npm run validate && npm run build && npm run run\n`,
    );
    context.exitCode = ExitCode.ok;
  },
});

/** `text` as one word for a POSIX shell: as it is when that is safe, else in single quotes. */
export function shellQuoted(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

export default initCommand;
