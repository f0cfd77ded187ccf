// `kaal-compose validate`: every check `build` runs, on many descriptor files, without compiling code
// or writing files. Expands paths and globs (fast-glob), loads and schema-checks each file
// (compiler/load.ts), runs the semantic checks (compiler/check/), then plans as `plan` and `build`
// do (compiler/planDescriptor.ts): no errors here means `build` from prebuilt ELFs succeeds.
import * as path from 'node:path';
import {
  D,
  DiagnosticError,
  compareDiagnostics,
  createDiagnostic,
  hasErrors,
  type Diagnostic,
} from '../schema/diagnostics.js';
import type { Host } from './host.js';
import { DESCRIPTOR_GLOB, loadDescriptor, type LoadedDescriptor } from './load.js';
import { placeByPath, shownPath } from './placeDiagnostics.js';
import type { LoadedPlatform } from './loadPlatform.js';
import type { SystemModel } from './resolvePlatform.js';
import type { PartialSystem } from './partialSystem.js';
import type { ValidatedSystem } from '../schema/descriptor.js';

/** The outcome for one file, in the order the files were named. */
export interface FileValidation {
  /** The file relative to cwd, however it was named (as every diagnostic names it). */
  readonly file: string;
  /** True when the file has no error (warnings allowed). */
  readonly valid: boolean;
  /** Sorted by file, line, column, code. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface ValidationResult {
  readonly files: readonly FileValidation[];
  /** Problems not tied to one file (KC0003: nothing matched). */
  readonly diagnostics: readonly Diagnostic[];
}

export interface ValidateOptions {
  readonly cwd?: string;
  /** How long importing each descriptor may take, in ms (default 5 s). */
  readonly loadTimeoutMs?: number | undefined;
}

/** Validates the files that `patterns` name (paths or globs; none = every `*.system.*` below cwd). */
export async function validateFiles(patterns: readonly string[], host: Host, options: ValidateOptions = {}): Promise<ValidationResult> {
  const cwd = options.cwd ?? process.cwd();
  const files = await expandPatterns(patterns, cwd);
  if (files.length === 0) {
    const named = patterns.length ? patterns.map((p) => `'${p}'`).join(', ') : `'${DESCRIPTOR_GLOB}'`;
    return { files: [], diagnostics: [createDiagnostic(D.noDescriptorFound, { patterns: named })] };
  }
  const results: FileValidation[] = [];
  for (const file of files) results.push(await validateFile(file, host, cwd, options.loadTimeoutMs));
  return { files: results, diagnostics: [] };
}

/** Loads, schema-checks, semantically checks and plans one descriptor. */
export async function validateFile(file: string, host: Host, cwd: string, loadTimeoutMs?: number): Promise<FileValidation> {
  const checked = await checkFile(file, host, cwd, loadTimeoutMs);
  if (!checked.validation.valid) return checked.validation;
  const { planChecked } = await import('./planDescriptor.js');
  const { diagnostics } = await planChecked(checked, host, { cwd });
  return { file: checked.validation.file, valid: !hasErrors(diagnostics), diagnostics };
}

/** What checking one descriptor produced, and what it loaded on the way (for `plan` to go on from). */
export interface CheckedFile {
  readonly validation: FileValidation;
  readonly loaded: LoadedDescriptor;
  /** Present when the schema accepted the file and its platform loaded. */
  readonly model?: SystemModel;
  readonly platform?: LoadedPlatform;
}

/** `validateFile`, keeping the loaded descriptor, model and platform so nothing is loaded twice. */
export async function checkFile(file: string, host: Host, cwd: string, loadTimeoutMs?: number): Promise<CheckedFile> {
  const loaded = await loadDescriptor(file, host, { cwd, loadTimeoutMs });
  const diagnostics = [...loaded.diagnostics];
  const semantic = loaded.system ? await runSemanticChecks(loaded.system, loaded, host, cwd) : undefined;
  if (semantic) diagnostics.push(...(await placeByPath(semantic.diagnostics, loaded, host, cwd)));
  else if (loaded.partial) diagnostics.push(...(await placeByPath(await checkPartial(loaded, loaded.partial, host, cwd), loaded, host, cwd)));
  diagnostics.sort(compareDiagnostics);
  return {
    validation: { file: loaded.file, valid: !hasErrors(diagnostics), diagnostics },
    loaded,
    ...(semantic?.model && semantic.platform ? { model: semantic.model, platform: semantic.platform } : {}),
  };
}

/**
 * The one call site of the semantic checks (compiler/check/, `checkDescriptor`), run on every
 * descriptor the schema accepted: names, channels, MMIO, IRQs, priorities, memory against the
 * platform it names. A platform that cannot be loaded is reported at the descriptor's `platform`.
 */
async function runSemanticChecks(
  system: ValidatedSystem,
  loaded: LoadedDescriptor,
  host: Host,
  cwd: string,
): Promise<{ diagnostics: Diagnostic[]; model?: SystemModel; platform?: LoadedPlatform }> {
  const [{ loadPlatform }, { checkDescriptor }] = await Promise.all([import('./loadPlatform.js'), import('./check/index.js')]);
  let platform: LoadedPlatform;
  try {
    platform = await loadPlatform(system.platform, path.dirname(loaded.absoluteFile), { host });
  } catch (error) {
    if (error instanceof DiagnosticError) return { diagnostics: [platformFailure(error.diagnostic, system.platform, loaded, cwd)] };
    throw error;
  }
  const { model, diagnostics } = checkDescriptor(system, platform.platform);
  // What the device tree's model could not use (KC22xx warnings), as `dt` shows it, at the tree's file.
  const treeFile = path.isAbsolute(platform.source) ? shownPath(cwd, platform.source) : undefined;
  const tree = platform.platform.diagnostics.map((d) => (treeFile === undefined || d.file !== undefined ? d : { ...d, file: treeFile }));
  return { diagnostics: [...tree, ...diagnostics], model, platform };
}

/**
 * A platform that cannot be loaded: at the descriptor's `platform` (an unreadable or unknown file is
 * the descriptor's mistake), or inside the device tree file where dtc placed it, named relative to
 * cwd like every other file (loadPlatform names it as the descriptor wrote it).
 */
function platformFailure(diagnostic: Diagnostic, spec: string, loaded: LoadedDescriptor, cwd: string): Diagnostic {
  if (diagnostic.file === undefined || diagnostic.line === undefined) {
    const { file: _file, ...rest } = diagnostic;
    return { ...rest, path: 'platform' };
  }
  const file = diagnostic.file === spec ? shownPath(cwd, path.resolve(path.dirname(loaded.absoluteFile), spec)) : diagnostic.file;
  return { ...diagnostic, file };
}

/**
 * The semantic checks on what the schema accepted of a rejected descriptor, beside its schema
 * issues: paths mapped back to the file's, and nothing about what was taken out (a check at or
 * below a path with a schema issue, or naming a removed element, would only echo it).
 */
async function checkPartial(loaded: LoadedDescriptor, partial: PartialSystem, host: Host, cwd: string): Promise<Diagnostic[]> {
  const { diagnostics } = await runSemanticChecks(partial.system, loaded, host, cwd);
  const within = (p: string, broken: string) => p === broken || p.startsWith(`${broken}.`);
  return diagnostics
    .map((d) => (d.path === undefined ? d : { ...d, path: partial.originalPath(d.path) }))
    .filter((d) => d.path === undefined || !partial.brokenPaths.some((b) => within(d.path!, b)))
    .filter((d) => !partial.removedNames.some((name) => d.message.includes(`'${name}'`)));
}

/** Literal paths stay as given (a missing one is reported by load); globs expand sorted, without node_modules. */
async function expandPatterns(patterns: readonly string[], cwd: string): Promise<string[]> {
  const wanted = patterns.length ? patterns : [DESCRIPTOR_GLOB];
  // Hooks pass literal file names: fast-glob is loaded only when some pattern is a glob (and, in the
  // CLI bundle, compiled from the code cache with the rest).
  const fg = wanted.some(isGlob) ? (await import('fast-glob')).default : undefined;
  const seen = new Set<string>();
  const files: string[] = [];
  for (const pattern of wanted) {
    const matches = fg && fg.isDynamicPattern(pattern)
      ? (await fg(pattern, { cwd, ignore: ['**/node_modules/**'], onlyFiles: true, dot: false })).sort()
      : [pattern];
    for (const match of matches) {
      const key = path.resolve(cwd, match);
      if (seen.has(key)) continue;
      seen.add(key);
      files.push(match);
    }
  }
  return files;
}

/** A cheap test for glob syntax, so literal paths never load fast-glob (which decides precisely). */
function isGlob(pattern: string): boolean {
  return /[*?[\]{}()!]/.test(pattern);
}
