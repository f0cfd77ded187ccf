// `kaal-compose validate`: every check `build` runs, on many descriptor files, without compiling code
// or writing files. Expands paths and globs (fast-glob), loads and schema-checks each file
// (compiler/load.ts), then runs the semantic checks (compiler/check/) on each valid one.
import * as path from 'node:path';
import { createRequire } from 'node:module';
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
import { placeByPath } from './placeDiagnostics.js';

/** The outcome for one file, in the order the files were named. */
export interface FileValidation {
  /** The path as given (or as the glob matched it, relative to cwd). */
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
  for (const file of files) results.push(await validateFile(file, host, cwd));
  return { files: results, diagnostics: [] };
}

/** Loads, schema-checks and semantically checks one descriptor. */
export async function validateFile(file: string, host: Host, cwd: string): Promise<FileValidation> {
  const loaded = await loadDescriptor(file, host, { cwd });
  const diagnostics = [...loaded.diagnostics];
  if (loaded.system) diagnostics.push(...(await placeByPath(await runSemanticChecks(loaded, host), loaded, host, cwd)));
  diagnostics.sort(compareDiagnostics);
  return { file, valid: !hasErrors(diagnostics), diagnostics };
}

/**
 * The one call site of the semantic checks (compiler/check/, `checkDescriptor`), run on every
 * descriptor the schema accepted: names, channels, MMIO, IRQs, priorities, memory against the
 * platform it names. A platform that cannot be loaded is reported at the descriptor's `platform`.
 */
async function runSemanticChecks(loaded: LoadedDescriptor, host: Host): Promise<Diagnostic[]> {
  const system = loaded.system!;
  const [{ loadPlatform }, { checkDescriptor }] = await Promise.all([import('./loadPlatform.js'), import('./check/index.js')]);
  let platform;
  try {
    platform = (await loadPlatform(system.platform, path.dirname(loaded.absoluteFile), { host })).platform;
  } catch (error) {
    if (error instanceof DiagnosticError) return [error.diagnostic.file === undefined ? { ...error.diagnostic, path: 'platform' } : error.diagnostic];
    throw error;
  }
  return checkDescriptor(system, platform).diagnostics;
}

/** Literal paths stay as given (a missing one is reported by load); globs expand sorted, without node_modules. */
async function expandPatterns(patterns: readonly string[], cwd: string): Promise<string[]> {
  const wanted = patterns.length ? patterns : [DESCRIPTOR_GLOB];
  // Hooks pass literal file names: fast-glob is loaded only when some pattern is a glob.
  // (required, not imported: Node would scan the CommonJS package for named exports first)
  const fg = wanted.some(isGlob) ? (createRequire(import.meta.url)('fast-glob') as typeof import('fast-glob')) : undefined;
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
