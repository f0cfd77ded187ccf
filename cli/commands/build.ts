// `kaal-compose build [system] -o <image.bin> [--rebuild] [--emit dir]`: validate, plan, compile (or
// take the prebuilt ELFs) and pack a reproducible boot image (issue 5); with `--target sel4 --kernel
// kernel.elf [--kernel-config gen_config.json]` a boot ELF for that seL4 kernel instead
// (compiler/sel4/build.ts, docs/sel4.md). Exit 0 when the output was written, 1 for any error in the
// input or the C code, 2 for flags that do not go together.
import type { ArgumentsCamelCase } from 'yargs';
import { D, createDiagnostic, type Diagnostic } from '../../schema/diagnostics.js';
import type { BuildOptions, BuildProgress, BuildResult } from '../../compiler/build.js';
import type { CommandFactory } from '../context.js';
import { ExitCode, failureExitCode } from '../exitCodes.js';
import { reportFormats, renderDiagnostics, sourceFromDisk, type ReportFormat } from '../report/index.js';
import { colorEnabled } from '../report/text.js';
import { loadTimeoutMs, loadTimeoutOption, maxInputSizeOption, readKeys, signKeyOption } from '../readInput.js';

const targets = ['bundled', 'sel4'] as const;

interface BuildArgs {
  readonly system?: string;
  readonly output: string;
  readonly target: (typeof targets)[number];
  readonly kernel?: string;
  readonly kernelConfig?: string;
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
      .option('target', { choices: targets, default: 'bundled' as BuildArgs['target'], requiresArg: true, describe: "'bundled': a boot image for 'kaal-compose run'; 'sel4': a boot ELF for the seL4 kernel given with --kernel" })
      .option('kernel', { type: 'string', requiresArg: true, describe: 'with --target sel4: the seL4 kernel ELF to build for (docs/sel4.md)' })
      .option('kernel-config', { type: 'string', requiresArg: true, describe: "with --target sel4: the kernel build's gen_config/kernel/gen_config.json" })
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
    const color = args.format === 'text' && colorEnabled(io.stderr, io.env);
    const sourceOf = sourceFromDisk(io.cwd);
    const flagProblems = targetFlagProblems(args);
    if (flagProblems.length > 0) {
      (args.format === 'text' ? io.stderr : io.stdout).write(renderDiagnostics(flagProblems, { format: args.format, color, sourceOf }));
      context.exitCode = failureExitCode(flagProblems);
      return;
    }
    const tty = Boolean(io.stderr.isTTY);
    const common = {
      cwd: io.cwd,
      output: args.output,
      rebuild: args.rebuild,
      loadTimeoutMs: loadTimeoutMs(args.loadTimeout),
      ...(args.maxInputSize !== undefined ? { maxInputSize: args.maxInputSize } : {}),
      toolchain: { env: io.env },
      onProgress: (event: BuildProgress) => {
        if (!tty) return;
        if (event.kind === 'stage' && event.stage === 'compile') io.stderr.write('compiling C sources…\n');
        if (event.kind === 'component') {
          const counter = `[${event.index + 1}/${event.total}]`;
          io.stderr.write(`  ${counter} ${event.component}: ${ORIGIN_TEXT[event.origin]}${event.origin === 'compiled' ? '' : ` (${event.file})`}\n`);
        }
      },
    };
    const built = args.target === 'sel4' ? await buildForSel4(args, common, args.kernel!) : await buildBundled(io.cwd, args, common);
    const { result } = built;
    // `--report`: written also when the build failed, showing what it can and every diagnostic.
    const reportDiagnostics =
      args.report === undefined
        ? []
        : await (await import('../../compiler/report/writeReport.js')).writeBuildReport(args.report, { descriptor: args.system, cwd: io.cwd, plan: result.plan, model: result.model, platform: result.platform, diagnostics: result.diagnostics });
    const diagnostics = [...result.diagnostics, ...reportDiagnostics];
    if (diagnostics.length > 0) {
      const rendered = renderDiagnostics(diagnostics, { format: args.format, color, sourceOf });
      (args.format === 'text' ? io.stderr : io.stdout).write(rendered);
    }
    if (built.summary === undefined || reportDiagnostics.length > 0) {
      context.exitCode = failureExitCode(diagnostics);
      return;
    }
    if (args.format === 'text') {
      for (const line of built.summary) io.stdout.write(`${line}\n`);
      if (args.report !== undefined) io.stdout.write(`wrote ${args.report}\n`);
    }
    context.exitCode = ExitCode.ok;
  },
});

/** What either target's build gives the command: its result, and the lines saying what was written (none on failure). */
interface Built {
  readonly result: Pick<BuildResult, 'diagnostics' | 'plan' | 'model' | 'platform'>;
  readonly summary?: readonly string[];
}

type CommonOptions = Pick<BuildOptions, 'cwd' | 'output' | 'rebuild' | 'loadTimeoutMs' | 'maxInputSize' | 'toolchain' | 'onProgress'>;

const components = (count: number) => `${count} component${count === 1 ? '' : 's'}`;

/** The boot image for `kaal-compose run`. */
async function buildBundled(cwd: string, args: BuildArgs, common: CommonOptions): Promise<Built> {
  const { buildSystem } = await import('../../compiler/build.js');
  const [signingKey] = args.signKey === undefined ? [] : await readKeys(cwd, [args.signKey], 'private');
  const result = await buildSystem(args.system, { ...common, ...(args.emit !== undefined ? { emitDir: args.emit } : {}), ...(signingKey ? { signingKey } : {}) });
  if (!result.image) return { result };
  const summary = [`wrote ${args.output}: ${result.image.length} bytes, ${components(result.components.length)}, sha256 ${result.sha256}`];
  if (signingKey) summary.push(`signed by ${(await import('../../image/bootImage/signature.js')).keyFingerprint(signingKey)}`);
  return { result, summary };
}

/** `--target sel4`: the boot ELF for the kernel given, and how to boot it. */
async function buildForSel4(args: BuildArgs, common: CommonOptions, kernel: string): Promise<Built> {
  const { buildSel4System } = await import('../../compiler/sel4/build.js');
  const result = await buildSel4System(args.system, { ...common, kernel, ...(args.kernelConfig !== undefined ? { kernelConfig: args.kernelConfig } : {}) });
  if (!result.elf) return { result };
  return {
    result,
    summary: [
      `wrote ${args.output}: ${result.elf.length} bytes, seL4 boot ELF, ${components(result.components.length)}, sha256 ${result.sha256}`,
      `boot it with: qemu-system-riscv32 -machine virt -m 2G -nographic -bios none -kernel ${args.output}`,
    ],
  };
}

/** KC5111–KC5113: --kernel and --kernel-config go with --target sel4, and it needs --kernel. */
function targetFlagProblems(args: BuildArgs): Diagnostic[] {
  const given = (flag: string, value: unknown) => (value === undefined ? [] : [flag]);
  if (args.target !== 'sel4') {
    return [...given('--kernel', args.kernel), ...given('--kernel-config', args.kernelConfig)].map((flag) => createDiagnostic(D.sel4FlagWithoutTarget, { flag }));
  }
  return [
    ...(args.kernel === undefined ? [createDiagnostic(D.sel4KernelNotGiven, {})] : []),
    ...given('--sign-key', args.signKey).map((flag) => createDiagnostic(D.sel4FlagNotApplicable, { flag, reason: 'the boot ELF carries no kaal-compose signature (seL4 boots it as it is)' })),
    ...given('--emit', args.emit).map((flag) => createDiagnostic(D.sel4FlagNotApplicable, { flag, reason: "it writes the bundled image's intermediate files" })),
  ];
}

export default buildCommand;
