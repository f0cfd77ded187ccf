// Renders diagnostics in the format the user chose; the formats themselves live beside this file.
import type { Diagnostic } from '../../schema/diagnostics.js';
import { renderText } from './text.js';

export type ReportFormat = 'text' | 'json' | 'sarif';

export interface RenderOptions {
  readonly format: ReportFormat;
  readonly color: boolean;
  /** Source text by file, for code frames. */
  readonly sourceOf?: (file: string) => string | undefined;
}

export function renderDiagnostics(diagnostics: readonly Diagnostic[], options: RenderOptions): string {
  return renderText(diagnostics, options);
}
