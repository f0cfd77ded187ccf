// The C toolchain driver: compiles a component's sources and the SDK with clang and links them
// with ld.lld (through execa) into a deterministic RV32IMAC ELF. DESIGN.md "Component code";
// the entry convention and flags are documented in sdk/README.md.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { D, createDiagnostic, type Diagnostic } from '../schema/diagnostics.js';

/**
 * Flags every compile gets. Deterministic: no debug info, no `.comment`, no unwind tables.
 * (`-nostdlib` is a link flag: ld.lld is called directly with it, see LINK_FLAGS.)
 */
export const TARGET_FLAGS: readonly string[] = [
  '--target=riscv32-unknown-elf',
  '-march=rv32imac',
  '-mabi=ilp32',
  '-mcmodel=medlow',
  // ld.lld 14 implements no RISC-V relaxation and rejects R_RISCV_ALIGN; without relaxation the
  // output is also the same whichever lld version links it.
  '-mno-relax',
  '-ffreestanding',
  // clang's own freestanding headers (stdint.h, stdarg.h) only, never the host's /usr/include.
  '-nostdlibinc',
  '-fno-pic',
  '-fno-ident',
  '-fno-asynchronous-unwind-tables',
  '-fno-unwind-tables',
  '-ffunction-sections',
  '-fdata-sections',
  '-std=c11',
  '-O2',
  '-Wall',
  '-Wextra',
  '-Wno-unused-parameter',
  // C99 dropped implicit declarations; clang 14 only warns, and the link then fails obscurely.
  '-Werror=implicit-function-declaration',
];

/** Linker flags. `--build-id=none`: the id would differ with nothing but noise. */
export const LINK_FLAGS: readonly string[] = ['--build-id=none', '-nostdlib', '-static', '--gc-sections', '--no-undefined'];

/** The SDK's sources compiled into every component, crt0 first (its `.text.start` leads anyway). */
export const SDK_SOURCES: readonly string[] = ['crt0.S', 'kaal.c', 'libc.c', 'printf.c'];

/** The Debian packages that provide each tool (named in the KC0005 hint). */
const TOOL_PACKAGES = { clang: 'clang', 'ld.lld': 'lld' } as const;
type ToolName = keyof typeof TOOL_PACKAGES;

/** What running a tool gave; `missing` when the executable was not found. */
export interface ToolResult {
  readonly exitCode: number;
  readonly output: string;
  readonly missing: boolean;
  /** Why it could not run at all (not found, not executable), when it did not. */
  readonly error?: string;
}

/** Runs a tool in `cwd`; replaced in tests. */
export type ToolRunner = (tool: string, args: readonly string[], options: { cwd: string; env: Readonly<Record<string, string | undefined>> }) => Promise<ToolResult>;

/**
 * execa, loaded on first use. `require` rather than `import()`: execa is ESM, which Node ≥ 20.19
 * can require, and the CLI bundle, compiled from V8's code cache (cli/codeCache.ts), cannot use
 * `import()` under Node 20.
 */
export function loadExeca(): typeof import('execa') {
  return createRequire(import.meta.url)('execa') as typeof import('execa');
}

/** The real runner: execa, never rejecting, stdout and stderr interleaved as the user would see them. */
export const execaRunner: ToolRunner = async (tool, args, options) => {
  const { execa } = loadExeca();
  const result = await execa(tool, [...args], {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    reject: false,
    all: true,
    stripFinalNewline: true,
  });
  const code = (result as { code?: string }).code;
  const missing = code === 'ENOENT';
  const spawnFailed = result.exitCode === undefined;
  return {
    exitCode: result.exitCode ?? -1,
    output: typeof result.all === 'string' ? result.all : '',
    missing,
    ...(spawnFailed ? { error: code ?? result.shortMessage } : {}),
  };
};

export interface ToolchainOptions {
  /** Environment for the tools (PATH decides which clang); default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Tool executables; default `clang` and `ld.lld` from PATH (or `KAAL_CLANG` / `KAAL_LD_LLD`). */
  readonly clang?: string;
  readonly lld?: string;
  readonly run?: ToolRunner;
}

/** One component to compile. Paths are absolute. */
export interface CompileRequest {
  readonly component: string;
  /** The descriptor's directory: sources, include dirs and the ELF are relative to it. */
  readonly sourceDir: string;
  /** Relative to `sourceDir`; compiled in sorted order so the descriptor's order does not matter. */
  readonly sources: readonly string[];
  readonly includeDirs: readonly string[];
  readonly defines: Readonly<Record<string, string | number | boolean>>;
  /** The rendered `kaal_system.h`. */
  readonly header: string;
  /** The rendered linker script. */
  readonly linkerScript: string;
  /** The SDK directory (`sdk/` of this package). */
  readonly sdkDir: string;
}

export interface CompileResult {
  /** The linked ELF, when compiling and linking succeeded. */
  readonly elf?: Uint8Array;
  /** Errors (KC5001, KC5002, KC5003, KC0005, KC5008) and clang's warnings (KC5007). */
  readonly diagnostics: readonly Diagnostic[];
}

/** The command line of one compile, as run in `cwd` = the source's own directory. */
export function compileArguments(request: CompileRequest, source: string, headerDir: string, output: string): string[] {
  const defines = Object.keys(request.defines)
    .sort()
    .map((name) => `-D${name}=${formatDefine(request.defines[name]!)}`);
  const sourceDir = path.dirname(source);
  return [
    ...TARGET_FLAGS,
    // Any path that might reach the object (__FILE__, assertions) is made relative.
    `-ffile-prefix-map=${sourceDir}=.`,
    `-ffile-prefix-map=${request.sdkDir}=sdk`,
    `-ffile-prefix-map=${headerDir}=.kaal`,
    `-I${headerDir}`,
    `-I${request.sdkDir}`,
    ...request.includeDirs.map((dir) => `-I${path.resolve(request.sourceDir, dir)}`),
    ...defines,
    '-c',
    // Relative to cwd, so the object's STT_FILE symbol holds only the file name.
    path.basename(source),
    '-o',
    output,
  ];
}

function formatDefine(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

/**
 * Compiles the SDK and the component's sources and links them. Works in a temporary directory
 * that is always removed; object files are named by position, so nothing random reaches the ELF.
 */
export async function compileComponent(request: CompileRequest, options: ToolchainOptions = {}): Promise<CompileResult> {
  const { env, run, clang, lld } = resolveTools(options);
  const diagnostics: Diagnostic[] = [];

  const sources = [...request.sources].sort().map((file) => path.resolve(request.sourceDir, file));
  for (const source of sources) {
    if (!fs.existsSync(source)) {
      const file = path.relative(request.sourceDir, source);
      diagnostics.push(createDiagnostic(D.sourceNotFound, { component: request.component, file, reason: 'no such file' }));
    }
  }
  if (diagnostics.length > 0) return { diagnostics };

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-cc-'));
  try {
    const headerDir = path.join(work, 'include');
    fs.mkdirSync(headerDir);
    fs.writeFileSync(path.join(headerDir, 'kaal_system.h'), request.header);
    const linkerScript = path.join(work, 'component.ld');
    fs.writeFileSync(linkerScript, request.linkerScript);

    const inputs = [...SDK_SOURCES.map((file) => path.join(request.sdkDir, file)), ...sources];
    const objects: string[] = [];
    for (const [index, source] of inputs.entries()) {
      const object = path.join(work, `${String(index).padStart(3, '0')}-${path.basename(source)}.o`);
      const args = compileArguments(request, source, headerDir, object);
      const result = await run(clang, args, { cwd: path.dirname(source), env });
      const file = source.startsWith(request.sdkDir + path.sep)
        ? `sdk/${path.basename(source)}`
        : path.relative(request.sourceDir, source);
      if (result.missing) return { diagnostics: [...diagnostics, toolMissing('clang', request.component)] };
      if (result.error !== undefined) return { diagnostics: [...diagnostics, createDiagnostic(D.toolFailed, { tool: clang, reason: result.error })] };
      const output = cleanOutput(result.output, [path.dirname(source), request.sdkDir, headerDir, work]);
      if (result.exitCode !== 0) {
        diagnostics.push(createDiagnostic(D.compileFailed, { component: request.component, file, output }));
        continue;
      }
      if (output.length > 0) diagnostics.push(createDiagnostic(D.compilerWarning, { component: request.component, file, output }));
      objects.push(object);
    }
    if (objects.length !== inputs.length) return { diagnostics };

    const elfPath = path.join(work, 'component.elf');
    const link = await run(lld, [...LINK_FLAGS, '-T', linkerScript, '-o', elfPath, ...objects], { cwd: work, env });
    if (link.missing) return { diagnostics: [...diagnostics, toolMissing('ld.lld', request.component)] };
    if (link.error !== undefined) return { diagnostics: [...diagnostics, createDiagnostic(D.toolFailed, { tool: lld, reason: link.error })] };
    if (link.exitCode !== 0) {
      const output = cleanOutput(link.output, [work, request.sdkDir]);
      return { diagnostics: [...diagnostics, createDiagnostic(D.linkFailed, { component: request.component, output })] };
    }
    return { elf: new Uint8Array(fs.readFileSync(elfPath)), diagnostics };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function resolveTools(options: ToolchainOptions) {
  const env = options.env ?? process.env;
  return {
    env,
    run: options.run ?? execaRunner,
    clang: options.clang ?? env.KAAL_CLANG ?? 'clang',
    lld: options.lld ?? env.KAAL_LD_LLD ?? 'ld.lld',
  };
}

function toolMissing(tool: ToolName, component: string, others = 0): Diagnostic {
  const and = others > 0 ? ` and ${others} more` : '';
  return createDiagnostic(D.toolMissing, {
    tool,
    purpose: `build component '${component}'${and} from C sources`,
    package: TOOL_PACKAGES[tool],
  });
}

/**
 * One KC0005 per missing tool for all the components that need compiling (rather than one per
 * component): runs `clang --version` and `ld.lld --version`.
 */
export async function checkTools(components: readonly string[], options: ToolchainOptions = {}): Promise<Diagnostic[]> {
  if (components.length === 0) return [];
  const { env, run, clang, lld } = resolveTools(options);
  const diagnostics: Diagnostic[] = [];
  for (const [tool, name] of [[clang, 'clang'], [lld, 'ld.lld']] as const) {
    const result = await run(tool, ['--version'], { cwd: os.tmpdir(), env });
    if (result.missing) diagnostics.push(toolMissing(name, components[0]!, components.length - 1));
  }
  return diagnostics;
}

/** Tool output with our temporary and absolute directories shortened, so messages read well. */
function cleanOutput(output: string, directories: readonly string[]): string {
  let text = output.trimEnd();
  for (const dir of directories) text = text.split(dir + path.sep).join('');
  return text;
}

/** The tool's first line of `--version` (for the byte-identical rebuild test), or null when absent. */
export async function toolVersion(tool: string, options: ToolchainOptions = {}): Promise<string | null> {
  const { env, run } = resolveTools(options);
  const result = await run(tool, ['--version'], { cwd: os.tmpdir(), env });
  if (result.missing || result.exitCode !== 0) return null;
  return result.output.split('\n')[0] ?? null;
}

/** A freestanding program shipped prebuilt in a package folder (loader/, roottask/). */
export interface PackageProgram {
  /** The package folder holding its sources and linker script. */
  readonly dir: string;
  /** Shown in source paths of the output (`-ffile-prefix-map`) and in diagnostics. */
  readonly folder: string;
  /** Compiled in this order (the entry's `.text.start` leads through the linker script anyway). */
  readonly sources: readonly string[];
  readonly linkerScript: string;
  /** What the build is for, in KC0005: 'build the root task'. */
  readonly purpose: string;
}

/** Builds a package program in a temporary directory (always removed): the ELF bytes, or why not. */
export async function buildPackageProgram(program: PackageProgram, options: ToolchainOptions = {}): Promise<{ readonly elf?: Uint8Array; readonly diagnostics: readonly Diagnostic[] }> {
  const env = options.env ?? process.env;
  const run = options.run ?? execaRunner;
  const clang = options.clang ?? env.KAAL_CLANG ?? 'clang';
  const lld = options.lld ?? env.KAAL_LD_LLD ?? 'ld.lld';
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `kaal-${program.folder}-`));
  try {
    const objects: string[] = [];
    for (const [index, source] of program.sources.entries()) {
      const object = path.join(work, `${index}-${source}.o`);
      const result = await run(clang, [...TARGET_FLAGS, `-ffile-prefix-map=${program.dir}=${program.folder}`, '-c', source, '-o', object], { cwd: program.dir, env });
      if (result.missing) return { diagnostics: [createDiagnostic(D.toolMissing, { tool: 'clang', purpose: program.purpose, package: 'clang' })] };
      if (result.exitCode !== 0) return { diagnostics: [createDiagnostic(D.toolFailed, { tool: clang, reason: result.error ?? result.output })] };
      objects.push(object);
    }
    const elfPath = path.join(work, 'out.elf');
    const link = await run(lld, [...LINK_FLAGS, '-T', path.join(program.dir, program.linkerScript), '-o', elfPath, ...objects], { cwd: work, env });
    if (link.missing) return { diagnostics: [createDiagnostic(D.toolMissing, { tool: 'ld.lld', purpose: program.purpose, package: 'lld' })] };
    if (link.exitCode !== 0) return { diagnostics: [createDiagnostic(D.toolFailed, { tool: lld, reason: link.error ?? link.output })] };
    return { elf: new Uint8Array(fs.readFileSync(elfPath)), diagnostics: [] };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
