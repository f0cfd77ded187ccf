// rustc-style text rendering: `error[KC3012]: message`, `--> file:line:col`, `= hint: …`.
import type { Diagnostic } from '../../schema/diagnostics.js';
import type { RenderOptions } from './index.js';

export function renderText(diagnostics: readonly Diagnostic[], options: RenderOptions): string {
  let out = '';
  for (const d of diagnostics) {
    const head = `${d.severity}[${d.code}]`;
    out += `${options.color ? colorFor(d.severity, head) : head}: ${d.message}\n`;
    if (d.file) out += `  --> ${d.file}${d.line !== undefined ? `:${d.line}:${d.column ?? 1}` : ''}\n`;
    if (d.hint) out += `  = hint: ${d.hint}\n`;
  }
  return out;
}

function colorFor(severity: Diagnostic['severity'], text: string): string {
  return severity === 'error' ? `\x1b[1;31m${text}\x1b[0m` : `\x1b[1;33m${text}\x1b[0m`;
}
