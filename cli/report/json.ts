// Machine-readable report, exactly the shape issue 2 fixes (line/column 1-based, `path` only where
// the diagnostic has one): {"files":[{"file","valid","diagnostics":[{"code","severity","message",
// "line","column","path"}]}],"summary":{"files","errors","warnings"}}. Two additions appear only when
// needed: a diagnostic's own `file` when it points into an imported file, and a top-level
// `diagnostics` for problems that belong to no file (KC0003).
import type { Diagnostic } from '../../schema/diagnostics.js';
import type { RenderOptions } from './index.js';

export interface JsonDiagnostic {
  readonly code: string;
  readonly severity: 'error' | 'warning' | 'note';
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly path?: string;
  /** Only when the position is in a file other than the checked one (an imported component file). */
  readonly file?: string;
}

export interface JsonReport {
  readonly files: readonly { readonly file: string; readonly valid: boolean; readonly diagnostics: readonly JsonDiagnostic[] }[];
  readonly summary: { readonly files: number; readonly errors: number; readonly warnings: number };
  /** Only present when some diagnostic belongs to no file (KC0003: nothing matched). */
  readonly diagnostics?: readonly JsonDiagnostic[];
}

/** Groups diagnostics by the file they name, keeping the order of `options.files`. */
export function toJsonReport(diagnostics: readonly Diagnostic[], options: Pick<RenderOptions, 'files'>): JsonReport {
  const order = [...(options.files ?? [])];
  const byFile = new Map<string, Diagnostic[]>(order.map((f) => [f, []]));
  const unattached: Diagnostic[] = [];
  for (const d of diagnostics) {
    if (d.file === undefined) {
      unattached.push(d);
      continue;
    }
    if (!byFile.has(d.file)) {
      byFile.set(d.file, []);
      order.push(d.file);
    }
    byFile.get(d.file)!.push(d);
  }
  return toJsonReportByFile(order.map((file) => ({ file, diagnostics: byFile.get(file)! })), unattached);
}

/**
 * The report when the caller knows which checked file each diagnostic belongs to (`validate`: a
 * problem in an imported component file counts against the descriptor that imports it).
 */
export function toJsonReportByFile(
  files: readonly { readonly file: string; readonly diagnostics: readonly Diagnostic[] }[],
  unattached: readonly Diagnostic[] = [],
): JsonReport {
  const all = [...unattached, ...files.flatMap((f) => f.diagnostics)];
  const count = (severity: 'error' | 'warning') => all.filter((d) => d.severity === severity).length;
  return {
    files: files.map(({ file, diagnostics }) => ({
      file,
      valid: !diagnostics.some((d) => d.severity === 'error'),
      diagnostics: diagnostics.map((d) => toJsonDiagnostic(d, file)),
    })),
    summary: { files: files.length, errors: count('error'), warnings: count('warning') },
    ...(unattached.length ? { diagnostics: unattached.map((d) => toJsonDiagnostic(d)) } : {}),
  };
}

/** One line of JSON and a newline. */
export function renderJson(diagnostics: readonly Diagnostic[], options: Pick<RenderOptions, 'files'>): string {
  return JSON.stringify(toJsonReport(diagnostics, options)) + '\n';
}

function toJsonDiagnostic(d: Diagnostic, entryFile?: string): JsonDiagnostic {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    // A problem with the whole file (it cannot be read) is reported at its start.
    line: d.line ?? 1,
    column: d.column ?? 1,
    ...(d.path !== undefined ? { path: d.path } : {}),
    // Only when the position is in another file than the entry's (an imported component).
    ...(d.file !== undefined && d.file !== entryFile ? { file: d.file } : {}),
  };
}
