// `kaal-compose build [system] -o <image.bin> [--rebuild] [--emit dir]`: validate, plan, compile (or
// take the prebuilt ELFs) and pack a reproducible boot image (issue 5). Exit 0 when the image was
// written, 1 for any error in the input or the C code.
import type { ArgumentsCamelCase } from 'yargs';
import type { CommandFactory } from '../context.js';
import { ExitCode, failureExitCode } from '../exitCodes.js';
import { reportFormats, renderDiagnostics, sourceFromDisk, type ReportFormat } from '../report/index.js';
import { colorEnabled } from '../report/text.js';
import { loadTimeoutMs, loadTimeoutOption, maxInputSizeOption, readKeys, signKeyOption } from '../readInput.js';

interface BuildArgs {
  readonly system?: string;
  readonly output: string;
  readonly rebuild: boolean;
  readonly emit?: string;
  readonly report?: string;
  readonly format: ReportFormat;
  readonly maxInputSize?: number;
  readonly signKey?: string;
  readonly loadTimeout?: number;
}

const ORIGIN_TEXT = { compiled: 'compiled from C', prebuilt: 'prebuilt', elf: 'given ELF' } as const;

const buildCommand: CommandFactory = (context) => ({
  command: 'build [system]',
  describe: 'build a boot image from a system descriptor (default: the one *.system.ts here)',
  builder: (yargs) =>
    yargs
      .positional('system', { type: 'string', describe: 'the system descriptor (*.system.ts, .js or .json)' })
      .option('output', { alias: 'o', type: 'string', demandOption: true, requiresArg: true, describe: 'the image file to write' })
      .option('rebuild', { type: 'boolean', default: false, describe: 'compile C sources even when a prebuilt ELF is given' })
      .option('emit', { type: 'string', requiresArg: true, describe: 'also write plan JSON, headers, linker scripts, ELFs, DTB and DTS here' })
      .option('report', { type: 'string', requiresArg: true, describe: 'also write a self-contained HTML report (memory map, graph, grants, diagnostics)' })
      .option('format', { choices: reportFormats, default: 'text' as ReportFormat, requiresArg: true, describe: 'diagnostics format' })
      .option('max-input-size', maxInputSizeOption)
      .option('sign-key', signKeyOption)
      .option('load-timeout', loadTimeoutOption),
  handler: async (argv: ArgumentsCamelCase) => {
    const args = argv as unknown as BuildArgs;
    const { io } = context;
    const { buildSystem } = await import('../../compiler/build.js');
    const [signingKey] = args.signKey === undefined ? [] : await readKeys(io.cwd, [args.signKey], 'private');
    const tty = Boolean(io.stderr.isTTY);
    const result = await buildSystem(args.system, {
      cwd: io.cwd,
      output: args.output,
      rebuild: args.rebuild,
      loadTimeoutMs: loadTimeoutMs(args.loadTimeout),
      ...(args.emit !== undefined ? { emitDir: args.emit } : {}),
      ...(args.maxInputSize !== undefined ? { maxInputSize: args.maxInputSize } : {}),
      ...(signingKey ? { signingKey } : {}),
      toolchain: { env: io.env },
      onProgress: (event) => {
        if (!tty) return;
        if (event.kind === 'stage' && event.stage === 'compile') io.stderr.write('compiling C sources…\n');
        if (event.kind === 'component') {
          const counter = `[${event.index + 1}/${event.total}]`;
          io.stderr.write(`  ${counter} ${event.component}: ${ORIGIN_TEXT[event.origin]}${event.origin === 'compiled' ? '' : ` (${event.file})`}\n`);
        }
      },
    });
    // `--report`: written also when the build failed, showing what it can and every diagnostic.
    const reportDiagnostics =
      args.report === undefined
        ? []
        : await (await import('../../compiler/report/writeReport.js')).writeBuildReport(args.report, { descriptor: args.system, cwd: io.cwd, plan: result.plan, model: result.model, platform: result.platform, diagnostics: result.diagnostics });
    const diagnostics = [...result.diagnostics, ...reportDiagnostics];
    const sourceOf = sourceFromDisk(io.cwd);
    if (diagnostics.length > 0) {
      const rendered = renderDiagnostics(diagnostics, { format: args.format, color: args.format === 'text' && colorEnabled(io.stderr, io.env), sourceOf });
      (args.format === 'text' ? io.stderr : io.stdout).write(rendered);
    }
    if (!result.image || reportDiagnostics.length > 0) {
      context.exitCode = failureExitCode(diagnostics);
      return;
    }
    if (args.format === 'text') {
      const count = result.components.length;
      io.stdout.write(
        `wrote ${args.output}: ${result.image.length} bytes, ${count} component${count === 1 ? '' : 's'}, sha256 ${result.sha256}\n`,
      );
      if (signingKey) io.stdout.write(`signed by ${(await import('../../image/bootImage/signature.js')).keyFingerprint(signingKey)}\n`);
      if (args.report !== undefined) io.stdout.write(`wrote ${args.report}\n`);
    }
    context.exitCode = ExitCode.ok;
  },
});

export default buildCommand;
