// rustc-style text: `error[KC3012]: message`, `--> file:line:col`, a code frame with `^^^` under the
// span, related locations as `note:` frames, `= hint: …`. The only renderer that knows colour; the
// caller decides (`colorEnabled`: a TTY and no NO_COLOR; `printDiagnostics` in index.ts). Every
// message, hint, file name and source line is escaped (`safe`) before colour is added: names from an
// image or a device tree reach the terminal as visible escapes, never as control sequences.
import stringWidth from 'string-width';
import { LineIndex, lineIndexCache, type Diagnostic, type Span } from '../../schema/diagnostics.js';
import { escapeTerminalText as safe } from '../../schema/terminalText.js';
import type { RenderOptions } from './index.js';

const TAB_WIDTH = 4;

interface Palette {
  severity(severity: Diagnostic['severity'] | 'note', text: string): string;
  gutter(text: string): string;
  bold(text: string): string;
}

const plain: Palette = { severity: (_s, t) => t, gutter: (t) => t, bold: (t) => t };
const ansi: Palette = {
  severity: (s, t) => (s === 'error' ? `\x1b[1;31m${t}\x1b[0m` : s === 'warning' ? `\x1b[1;33m${t}\x1b[0m` : `\x1b[1;36m${t}\x1b[0m`),
  gutter: (t) => `\x1b[1;34m${t}\x1b[0m`,
  bold: (t) => `\x1b[1m${t}\x1b[0m`,
};

export function renderText(diagnostics: readonly Diagnostic[], options: RenderOptions): string {
  const palette = options.color ? ansi : plain;
  const indexOf = lineIndexCache(options.sourceOf);
  let out = '';
  for (const d of diagnostics) {
    out += `${palette.severity(d.severity, `${d.severity}[${d.code}]`)}${palette.bold(`: ${safe(d.message)}`)}\n`;
    out += renderLocation(d.severity, d, indexOf(d.file), palette);
    for (const related of d.related ?? []) {
      out += `${palette.severity('note', 'note')}: ${safe(related.message)}\n`;
      out += renderLocation('note', related, indexOf(related.file), palette);
    }
    if (d.hint) out += `  ${palette.gutter('=')} hint: ${safe(d.hint)}\n`;
    out += '\n';
  }
  return out;
}

interface Place {
  readonly file?: string;
  readonly span?: Span;
  line?: number;
  column?: number;
}

function renderLocation(kind: Diagnostic['severity'] | 'note', place: Place, index: LineIndex | null, palette: Palette): string {
  if (place.file === undefined) return '';
  let line = place.line;
  let column = place.column;
  if (line === undefined && place.span && index) ({ line, column } = index.position(place.span.start));
  const file = safe(place.file);
  if (line === undefined) return `  ${palette.gutter('-->')} ${file}\n`;
  column ??= 1;
  let out = `  ${palette.gutter('-->')} ${file}:${line}:${column}\n`;
  if (!index || line > index.lineCount) return out;
  const width = String(line).length;
  const pad = ' '.repeat(width);
  const raw = index.lineText(line);
  const source = safe(expandTabs(raw));
  // The underline covers the span, up to the end of its first line (at least one caret).
  const spanEnd = place.span ? Math.min(column - 1 + place.span.length, raw.length) : column;
  const from = visualColumn(raw, column - 1);
  const to = Math.max(from + 1, visualColumn(raw, spanEnd));
  out += ` ${pad} ${palette.gutter('|')}\n`;
  out += ` ${palette.gutter(String(line))} ${palette.gutter('|')} ${source}\n`;
  out += ` ${pad} ${palette.gutter('|')} ${' '.repeat(from)}${palette.severity(kind, '^'.repeat(to - from))}\n`;
  return out;
}

function expandTabs(text: string): string {
  return text.replace(/\t/g, ' '.repeat(TAB_WIDTH));
}

/**
 * The display column of a 0-based offset in a line, with tabs expanded and controls escaped: in
 * terminal cells, as rustc places its carets (a CJK character or an emoji takes two cells, a
 * combining mark none). The `-->` column stays in UTF-16 code units, as tsc prints it and SARIF and
 * editors count by default (schema/lineIndex.ts).
 */
function visualColumn(line: string, offset: number): number {
  return stringWidth(safe(expandTabs(line.slice(0, offset))));
}

/** Colour only on a terminal and never with NO_COLOR set (https://no-color.org), whatever its value. */
export function colorEnabled(stream: { readonly isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  return Boolean(stream.isTTY) && env.NO_COLOR === undefined;
}
