// Renders diagnostics in the format the user chose: one array, three renderers (STYLE.md §3).
// `text.ts` is for people, `json.ts` for scripts, `sarif.ts` for code scanning.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../../schema/diagnostics.js';
import type { CliIo } from '../context.js';
import { colorEnabled, renderText } from './text.js';
import { renderJson } from './json.js';
import { renderSarif } from './sarif.js';

export type ReportFormat = 'text' | 'json' | 'sarif';
export const reportFormats: readonly ReportFormat[] = ['text', 'json', 'sarif'];

export interface RenderOptions {
  readonly format: ReportFormat;
  /** ANSI colour (text only). */
  readonly color: boolean;
  /** Source text by file (as named in the diagnostics), for code frames and end positions. */
  readonly sourceOf?: (file: string) => string | undefined;
  /**
   * Every file that was checked, in order, including those without diagnostics: json lists each
   * with `valid`, sarif as an artifact. Default: the files the diagnostics name.
   */
  readonly files?: readonly string[];
}

export function renderDiagnostics(diagnostics: readonly Diagnostic[], options: RenderOptions): string {
  if (options.format === 'json') return renderJson(diagnostics, options);
  if (options.format === 'sarif') return renderSarif(diagnostics, options);
  return renderText(diagnostics, options);
}

/** Diagnostics as text on the command's stderr, coloured on a terminal (nothing for none). */
export function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[], sourceOf?: RenderOptions['sourceOf']): void {
  if (diagnostics.length === 0) return;
  io.stderr.write(renderDiagnostics(diagnostics, { format: 'text', color: colorEnabled(io.stderr, io.env), ...(sourceOf ? { sourceOf } : {}) }));
}

/** The text of files named relative to `cwd`, undefined when unreadable: code frames for diagnostics. */
export function sourceFromDisk(cwd: string): (file: string) => string | undefined {
  return (file) => {
    try {
      return fs.readFileSync(path.resolve(cwd, file), 'utf8');
    } catch {
      return undefined;
    }
  };
}
