// Stage `build` (the pipeline of `kaal-compose build`): load and check the descriptor, plan, render
// each component's header and linker script, compile the C (or take the given or prebuilt ELF),
// plan again with the real ELFs, pack the boot image (image/bootImage) and write it atomically.
// DESIGN.md "Pipeline", "Component code" and "Boot image"; issue 5.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { KeyObject } from 'node:crypto';
import {
  D,
  DiagnosticError,
  compareDiagnostics,
  createDiagnostic,
  hasErrors,
  type Diagnostic,
} from '../schema/diagnostics.js';
import type { ComponentElfInfo, Plan } from '../schema/plan.js';
import { findSymbol, readElf, type ElfFile } from '../image/elf.js';
import { bootInfoOfPlan, fileSha256, signImage, writeImage, type ComponentInput } from '../image/bootImage/index.js';
import { printDts } from '../image/fdt/printDts.js';
import { cannotWrite, nodeHost, type Host } from './host.js';
import { findDescriptor } from './load.js';
import { checkFile } from './validate.js';
import type { LoadedPlatform } from './loadPlatform.js';
import type { Platform } from '../image/platformModel.js';
import type { ModelComponent, SystemModel } from './resolvePlatform.js';
import { elfInfoOf, planSystem } from './plan/index.js';
import { planWithRootTask } from './plan/withRootTask.js';
import { placeholderElf } from '../schema/plan.js';
import { emitComponents, headerNamesOf, headerSha256, type EmittedComponent } from './emit.js';
export { headerNamesOf } from './emit.js';
import { checkTools, compileComponent, type ToolchainOptions } from './toolchain.js';
import { packageDir, packageVersion } from '../image/packageFiles.js';
import { readComponentElf } from './componentElf.js';
import { placeByPath } from './placeDiagnostics.js';

/** Where a component's code came from. */
export type CodeOrigin = 'compiled' | 'prebuilt' | 'elf';

/** What the build reports as it goes (the CLI shows it per component on a terminal). */
export type BuildProgress =
  | { readonly kind: 'stage'; readonly stage: 'load' | 'plan' | 'compile' | 'pack' | 'write' }
  | { readonly kind: 'component'; readonly component: string; readonly index: number; readonly total: number; readonly origin: CodeOrigin; readonly file: string };

export interface BuildOptions {
  /** Directory relative paths are resolved from. */
  readonly cwd: string;
  /** The image file to write (relative to cwd); nothing is written when absent. */
  readonly output?: string;
  /** Compile every component that has sources, even when a prebuilt ELF is there. */
  readonly rebuild?: boolean;
  /** Also write plan JSON, headers, linker scripts, ELFs, DTB and DTS into this directory. */
  readonly emitDir?: string;
  readonly toolchain?: ToolchainOptions;
  /** The largest prebuilt ELF accepted, in bytes (default 64 MiB; `--max-input-size`). */
  readonly maxInputSize?: number;
  /** How long importing the descriptor may take, in ms (default 5 s; `--load-timeout`). */
  readonly loadTimeoutMs?: number | undefined;
  readonly host?: Host;
  readonly onProgress?: (event: BuildProgress) => void;
  /** Sign the image with this Ed25519 private key (a trailer after the unchanged image; signature.ts). */
  readonly signingKey?: KeyObject;
}

export interface BuiltComponent {
  readonly name: string;
  readonly origin: CodeOrigin;
  /** The ELF used, relative to cwd for a file, or `<compiled>`. */
  readonly file: string;
  /** The ELF's bytes. */
  readonly elf: Uint8Array;
  /** The descriptor's `code.elf` (absolute): where a compiled ELF's prebuilt copy belongs; null when not given. */
  readonly prebuiltPath: string | null;
}

export interface BuildResult {
  /** Every problem and warning, sorted. */
  readonly diagnostics: readonly Diagnostic[];
  /** The image bytes when the build succeeded. */
  readonly image?: Uint8Array;
  /** SHA-256 of the image file (what `sha256sum` prints), lower-case hex. */
  readonly sha256?: string;
  readonly plan?: Plan;
  /** The resolved system and its platform, with the plan (for the HTML report). */
  readonly model?: SystemModel;
  readonly platform?: Platform;
  /** The platform's DTB, as the image carries it. */
  readonly dtb?: Uint8Array;
  readonly components: readonly BuiltComponent[];
}

export { packageVersion } from '../image/packageFiles.js';

interface CodePlan {
  readonly component: ModelComponent;
  readonly origin: CodeOrigin;
  /** Absolute path of the ELF to read (prebuilt or given). */
  readonly elfPath: string | null;
}

/**
 * Builds the system described by `descriptor` (or the one `*.system.*` file in cwd). Never throws
 * for bad input: every problem is a diagnostic. The output file is written only when the build
 * succeeded, through a temporary file and a rename, so a failed build leaves an old image untouched.
 */
export async function buildSystem(descriptor: string | undefined, options: BuildOptions): Promise<BuildResult> {
  const diagnostics: Diagnostic[] = [];
  const components: BuiltComponent[] = [];
  const done = (extra: Partial<BuildResult> = {}): BuildResult => ({
    diagnostics: [...diagnostics].sort(compareDiagnostics),
    components,
    ...extra,
  });
  try {
    return await runBuild(descriptor, options, diagnostics, components, done);
  } catch (error) {
    if (error instanceof DiagnosticError) {
      diagnostics.push(error.diagnostic);
      return done();
    }
    throw error;
  }
}

async function runBuild(
  descriptor: string | undefined,
  options: BuildOptions,
  diagnostics: Diagnostic[],
  components: BuiltComponent[],
  done: (extra?: Partial<BuildResult>) => BuildResult,
): Promise<BuildResult> {
  const host = options.host ?? nodeHost;
  const progress = options.onProgress ?? (() => {});
  const cwd = options.cwd;

  // Step 1: load, resolve against the platform, check.
  progress({ kind: 'stage', stage: 'load' });
  const found = findDescriptor(descriptor, cwd);
  if ('diagnostic' in found) return diagnostics.push(found.diagnostic), done();
  // The same load and checks as `validate`; warnings too are shown at their place in the descriptor.
  const checked = await checkFile(found.file, host, cwd, options.loadTimeoutMs);
  diagnostics.push(...checked.validation.diagnostics);
  const { loaded, model, platform } = checked;
  if (hasErrors(diagnostics) || !loaded.system || !model || !platform) return done();
  const baseDir = path.dirname(loaded.absoluteFile);
  const platformName = platform.source === loaded.system.platform ? platform.source : path.basename(platform.source);
  const namesOf = (name: string) => headerNamesOf(model, model.components.find((c) => c.name === name)!);

  // Step 2: where each component's code comes from.
  const codePlans = model.components.map((component): CodePlan => {
    const elfPath = component.code.elf === null ? null : path.resolve(baseDir, component.code.elf);
    const hasSources = component.code.sources.length > 0;
    if (!hasSources) return { component, origin: 'elf', elfPath };
    if (!options.rebuild && elfPath !== null && host.exists(elfPath)) return { component, origin: 'prebuilt', elfPath };
    return { component, origin: 'compiled', elfPath: null };
  });
  const elfs = new Map<string, { elf: ElfFile; bytes: Uint8Array }>();
  const unreadable: Diagnostic[] = [];
  for (const code of codePlans) {
    if (code.elfPath === null) continue;
    const shown = path.relative(cwd, code.elfPath) || code.elfPath;
    const read = readComponentElf(host, {
      component: code.component.name,
      componentPath: code.component.path,
      file: code.elfPath,
      shown,
      descriptorFile: loaded.file,
      maxInputSize: options.maxInputSize,
    });
    if ('diagnostic' in read) {
      unreadable.push(read.diagnostic);
      continue;
    }
    elfs.set(code.component.name, read);
    progress({ kind: 'component', component: code.component.name, index: codePlans.indexOf(code), total: codePlans.length, origin: code.origin, file: shown });
  }
  diagnostics.push(...(await placeByPath(unreadable, loaded, host, cwd)));
  if (hasErrors(diagnostics)) return done();

  const elfInfo = (name: string): ComponentElfInfo => {
    const entry = elfs.get(name);
    if (!entry) return placeholderElf();
    return elfInfoOf(entry.elf);
  };
  const planWith = () => planSystem(model, platform.platform, Object.fromEntries(model.components.map((c) => [c.name, elfInfo(c.name)])), { platformName, dtbSize: platform.dtb.length });

  // Step 3: compile what must be, against headers from a plan whose layout does not depend on code size.
  progress({ kind: 'stage', stage: 'plan' });
  const toCompile = codePlans.filter((c) => c.origin === 'compiled');
  let layoutHeaders: readonly EmittedComponent[] | undefined;
  if (toCompile.length > 0) {
    const layout = planWith();
    diagnostics.push(...(await placeByPath(layout.diagnostics.filter((d) => d.severity === 'error'), loaded, host, cwd)));
    if (hasErrors(diagnostics)) return done();
    const emitted = emitComponents(layout.plan, (c) => namesOf(c.name));
    diagnostics.push(...(await placeByPath(emitted.diagnostics, loaded, host, cwd)));
    if (hasErrors(diagnostics)) return done();
    layoutHeaders = emitted.components;
    diagnostics.push(...(await checkTools(toCompile.map((c) => c.component.name), options.toolchain)));
    if (hasErrors(diagnostics)) return done();
    progress({ kind: 'stage', stage: 'compile' });
    const sdkDir = packageDir('sdk');
    const results = await mapLimited(toCompile, Math.max(1, os.availableParallelism?.() ?? 2), async (code) => {
      const files = layoutHeaders!.find((e) => e.name === code.component.name)!;
      const descriptorCode = loaded.system!.components.find((c) => c.name === code.component.name)!.code;
      const result = await compileComponent(
        {
          component: code.component.name,
          sourceDir: baseDir,
          sources: code.component.code.sources,
          includeDirs: descriptorCode.includeDirs,
          defines: descriptorCode.defines,
          header: files.header,
          linkerScript: files.linkerScript,
          sdkDir,
        },
        options.toolchain,
      );
      if (result.elf) {
        progress({ kind: 'component', component: code.component.name, index: codePlans.indexOf(code), total: codePlans.length, origin: 'compiled', file: '<compiled>' });
      }
      return result;
    });
    for (const [i, result] of results.entries()) {
      const code = toCompile[i]!;
      // No file: clang's own text names the C file and line, and the message the component.
      diagnostics.push(...result.diagnostics);
      if (!result.elf) continue;
      try {
        elfs.set(code.component.name, { elf: readElf(result.elf, `<${code.component.name}>`), bytes: result.elf });
      } catch (error) {
        if (!(error instanceof DiagnosticError)) throw error;
        diagnostics.push(error.diagnostic);
      }
    }
    if (hasErrors(diagnostics)) {
      if (options.emitDir) writeEmitDir(options.emitDir, cwd, host, { plan: layout.plan, headers: layoutHeaders, platform, elfs }, diagnostics);
      return done();
    }
  }

  // Step 4: the final plan, with every ELF, and the root task that executes it.
  const final = planWithRootTask(model, platform.platform, Object.fromEntries([...elfs].map(([name, e]) => [name, e.elf])), { platformName, dtbSize: platform.dtb.length });
  diagnostics.push(...(await placeByPath(final.diagnostics, loaded, host, cwd)));
  if (hasErrors(diagnostics)) return done();
  const plan = final.plan;
  const headers = emitComponents(plan, (c) => namesOf(c.name));
  if (!layoutHeaders) diagnostics.push(...(await placeByPath(headers.diagnostics, loaded, host, cwd)));
  if (hasErrors(diagnostics)) return done();
  if (layoutHeaders) diagnostics.push(...layoutChanges(layoutHeaders, headers.components));
  for (const code of codePlans) {
    const entry = elfs.get(code.component.name)!;
    const file = code.elfPath === null ? '<compiled>' : path.relative(cwd, code.elfPath) || code.elfPath;
    const prebuiltPath = code.component.code.elf === null ? null : path.resolve(baseDir, code.component.code.elf);
    components.push({ name: code.component.name, origin: code.origin, file, elf: entry.bytes, prebuiltPath });
    if (code.origin === 'compiled') continue;
    const stale = staleHeader(entry.elf, headers.components.find((h) => h.name === code.component.name)!.header);
    if (stale) diagnostics.push(createDiagnostic(D.prebuiltElfStale, { component: code.component.name, file, ...stale }, { file: loaded.file, path: `${code.component.path}.code.elf` }));
  }
  if (hasErrors(diagnostics)) return done();

  // Step 5: pack and write.
  progress({ kind: 'stage', stage: 'pack' });
  const untyped = plan.untyped.map(({ paddr, sizeBits, isDevice }) => ({ paddr, sizeBits, isDevice }));
  const { untypedList, ...bootInfo } = bootInfoOfPlan(plan, untyped);
  const unsigned = writeImage({
    meta: { systemName: plan.system, toolVersion: packageVersion(), platformName },
    untyped: untypedList,
    bootInfo,
    dtb: platform.dtb,
    plan,
    components: model.components.map((c): ComponentInput => {
      const { elf } = elfs.get(c.name)!;
      return { name: c.name, entry: elf.entry, segments: elf.segments };
    }),
    rootTask: final.rootTask!,
  });
  const image = options.signingKey ? signImage(unsigned, options.signingKey) : unsigned;
  const sha256 = fileSha256(image);
  if (options.emitDir && !writeEmitDir(options.emitDir, cwd, host, { plan, headers: headers.components, platform, elfs }, diagnostics)) return done({ plan, model, platform: platform.platform });
  if (options.output !== undefined) {
    progress({ kind: 'stage', stage: 'write' });
    const output = path.resolve(cwd, options.output);
    try {
      host.writeFileAtomic(output, image);
    } catch (error) {
      diagnostics.push(cannotWrite(options.output, error));
      return done({ plan, model, platform: platform.platform });
    }
  }
  return done({ image, sha256, plan, model, platform: platform.platform, dtb: platform.dtb });
}

/**
 * KC5006 for every component whose header, rendered from the final plan, differs from the one it
 * was compiled against: MMIO, region, channel and stack layout must not depend on code size.
 */
export function layoutChanges(before: readonly EmittedComponent[], after: readonly EmittedComponent[]): Diagnostic[] {
  const result: Diagnostic[] = [];
  for (const old of before) {
    const now = after.find((a) => a.name === old.name);
    if (!now || now.header === old.header) continue;
    const oldLines = old.header.split('\n');
    const newLines = now.header.split('\n');
    const index = oldLines.findIndex((line, i) => line !== newLines[i] && !line.includes('KAAL_HEADER_SHA256'));
    const what = /#define (\w+)/.exec(oldLines[index] ?? '')?.[1] ?? 'a constant';
    result.push(
      createDiagnostic(D.layoutMoved, {
        component: old.name,
        what: `'${what}'`,
        before: `'${(oldLines[index] ?? '').trim()}'`,
        after: `'${(newLines[index] ?? '').trim()}'`,
      }),
    );
  }
  return result;
}

/** When an ELF built by the SDK states a header hash other than the current header's: which. */
function staleHeader(elf: ElfFile, header: string): { built: string; current: string } | undefined {
  const symbol = findSymbol(elf, 'kaal_header_sha256');
  const current = headerSha256(header);
  if (!symbol || current === undefined) return undefined;
  const segment = elf.segments.find((s) => symbol.value >= s.vaddr && symbol.value + current.length <= s.vaddr + s.data.length);
  if (!segment) return undefined;
  const offset = symbol.value - segment.vaddr;
  const built = new TextDecoder().decode(segment.data.subarray(offset, offset + current.length));
  return built === current ? undefined : { built, current };
}

interface EmitContents {
  readonly plan: Plan;
  readonly headers: readonly EmittedComponent[];
  readonly platform: LoadedPlatform;
  readonly elfs: ReadonlyMap<string, { readonly bytes: Uint8Array }>;
}

/**
 * `--emit <dir>`: the intermediate files, for people to read; `<dir>/<component>/…` per component.
 * False (and KC0004) when the directory cannot be written.
 */
function writeEmitDir(dir: string, cwd: string, host: Host, contents: EmitContents, diagnostics: Diagnostic[]): boolean {
  try {
    writeEmitFiles(path.resolve(cwd, dir), host, contents);
    return true;
  } catch (error) {
    if (error instanceof DiagnosticError) throw error;
    diagnostics.push(cannotWrite(dir, error));
    return false;
  }
}

function writeEmitFiles(root: string, host: Host, contents: EmitContents): void {
  fs.mkdirSync(root, { recursive: true });
  host.writeFileAtomic(path.join(root, 'plan.json'), JSON.stringify(contents.plan, null, 2) + '\n');
  host.writeFileAtomic(path.join(root, 'platform.dtb'), contents.platform.dtb);
  host.writeFileAtomic(path.join(root, 'platform.dts'), printDts(contents.platform.tree));
  host.writeFileAtomic(path.join(root, 'gdbinit'), gdbInit(contents.plan.components.map((c) => c.name)));
  for (const component of contents.headers) {
    const sub = path.join(root, component.name);
    fs.mkdirSync(sub, { recursive: true });
    host.writeFileAtomic(path.join(sub, 'kaal_system.h'), component.header);
    host.writeFileAtomic(path.join(sub, `${component.name}.ld`), component.linkerScript);
    const elf = contents.elfs.get(component.name);
    if (elf) host.writeFileAtomic(path.join(sub, `${component.name}.elf`), elf.bytes);
  }
}

/**
 * `<dir>/gdbinit` for `gdb-multiarch -x <dir>/gdbinit` beside `run --gdb PORT --symbols <dir>`
 * (docs/debugging.md): the settings a multi-component system needs and `kaal-connect PORT`.
 */
function gdbInit(components: readonly string[]): string {
  return [
    '# gdb settings for this system: gdb-multiarch -x gdbinit, then kaal-connect PORT, while',
    '# kaal-compose run image.bin --gdb PORT --symbols <this directory> runs (docs/debugging.md).',
    ...components.map((name, i) => `# inferior ${i + 1}: ${name} (${name}/${name}.elf)`),
    'set pagination off',
    '# Components run together: resuming one inferior resumes the whole system.',
    'set schedule-multiple on',
    'define kaal-connect',
    '  target extended-remote 127.0.0.1:$arg0',
    'end',
    'document kaal-connect',
    'Connects to kaal-compose run --gdb PORT on this machine: kaal-connect PORT',
    'end',
    '',
  ].join('\n');
}

/** Runs `work` over `items` with at most `limit` at a time; results in item order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

