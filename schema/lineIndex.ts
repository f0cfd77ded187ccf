// Converts string offsets to 1-based line and column (SARIF's convention) lazily, once per file,
// and only when there is something to report (esbuild's LineColumnTracker).
import type { Diagnostic, RelatedLocation } from './diagnosticDefinition.js';

export class LineIndex {
  readonly #lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
    }
    this.#lineStarts = starts;
  }

  /** 1-based line and column (UTF-16 code units) of a 0-based string offset. */
  position(offset: number): { line: number; column: number } {
    const starts = this.#lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  }

  /** The text of a 1-based line, without its line terminator. */
  lineText(line: number): string {
    const start = this.#lineStarts[line - 1];
    if (start === undefined) return '';
    const next = this.#lineStarts[line];
    const end = next === undefined ? this.text.length : next;
    return this.text.slice(start, end).replace(/\r?\n$|\r$/, '');
  }

  get lineCount(): number {
    return this.#lineStarts.length;
  }

  /** 0-based offset of a 1-based line and column. */
  offset(line: number, column: number): number {
    return (this.#lineStarts[line - 1] ?? this.text.length) + column - 1;
  }
}

/** Line indexes by file, each made once from `sourceOf`'s text; null for a file without source. */
export function lineIndexCache(sourceOf: ((file: string) => string | undefined) | undefined): (file: string | undefined) => LineIndex | null {
  const indexes = new Map<string, LineIndex | null>();
  return (file) => {
    if (file === undefined || !sourceOf) return null;
    let index = indexes.get(file);
    if (index === undefined) {
      const text = sourceOf(file);
      index = text === undefined ? null : new LineIndex(text);
      indexes.set(file, index);
    }
    return index;
  };
}

/** Fills `line`/`column` of diagnostics (and their related locations) that have a span in a known file. */
export function attachPositions(
  diagnostics: readonly Diagnostic[],
  sourceOf: (file: string) => string | undefined,
): void {
  const indexFor = lineIndexCache(sourceOf);
  const fill = (target: Diagnostic | RelatedLocation): void => {
    if (target.line !== undefined || !target.span || !target.file) return;
    const index = indexFor(target.file);
    if (!index) return;
    const { line, column } = index.position(target.span.start);
    target.line = line;
    target.column = column;
  };
  for (const d of diagnostics) {
    fill(d);
    for (const r of d.related ?? []) fill(r);
  }
}
