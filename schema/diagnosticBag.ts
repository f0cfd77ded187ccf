// Collects the diagnostics of a run (esbuild's `Log`): every stage adds, nothing stops at the first.
import {
  createDiagnostic,
  type Diagnostic,
  type DiagnosticArgs,
  type DiagnosticDefinition,
  type DiagnosticLocation,
} from './diagnosticDefinition.js';

export class DiagnosticBag {
  readonly #items: Diagnostic[] = [];

  /** Reports a registry entry with its placeholder values at a location. */
  add<P extends string>(
    definition: DiagnosticDefinition<P>,
    args: DiagnosticArgs<P>,
    location?: DiagnosticLocation,
  ): Diagnostic {
    const diagnostic = createDiagnostic(definition, args, location);
    this.#items.push(diagnostic);
    return diagnostic;
  }

  /** Adds diagnostics made elsewhere (another stage's result). */
  push(...diagnostics: readonly Diagnostic[]): void {
    this.#items.push(...diagnostics);
  }

  hasErrors(): boolean {
    return this.#items.some((d) => d.severity === 'error');
  }

  get size(): number {
    return this.#items.length;
  }

  /** In report order: file, line, column, code, then message (see `compareDiagnostics`). */
  sorted(): Diagnostic[] {
    return [...this.#items].sort(compareDiagnostics);
  }
}

/** Total order for reporting, so output never depends on the order checks ran in. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    compareText(a.file ?? '', b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    (a.span?.start ?? 0) - (b.span?.start ?? 0) ||
    compareText(a.code, b.code) ||
    compareText(a.message, b.message)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
