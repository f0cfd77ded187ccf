// Renders docs/diagnostics.md from the registry (TypeScript's processDiagnosticMessages.mjs):
// every code with its name, severity, message, hint and example fixtures. `npm run docs:diagnostics`
// writes it; test/schema/diagnosticsDoc.test.ts fails when the committed file is stale.
import type { DiagnosticDefinition } from './diagnosticDefinition.js';

const BANDS: readonly [string, string][] = [
  ['KC0', 'Command line, files and environment'],
  ['KC1', 'Descriptor and schema'],
  ['KC2', 'Device tree and platform'],
  ['KC3', 'System checks'],
  ['KC4', 'Capability planning'],
  ['KC5', 'Component build'],
  ['KC6', 'Image formats'],
  ['KC7', 'Boot, grant verification and runs'],
  ['KC8', 'Interoperability: Microkit import and exports'],
  ['KC9', 'Internal errors'],
];

/**
 * The whole document. `examples` maps a code to fixture paths (relative to the repository root)
 * that show it; the anchors are the lower-case codes (`#kc1003`), which SARIF `helpUri`s use.
 */
export function renderDiagnosticsDoc(
  definitions: readonly DiagnosticDefinition[],
  examples: ReadonlyMap<string, readonly string[]>,
): string {
  const lines: string[] = [
    '# Diagnostics',
    '',
    '<!-- Generated from schema/diagnostics/*.ts by `npm run docs:diagnostics`; do not edit by hand. -->',
    '',
    'Every problem kaal-compose reports has a stable code: `KC` and four digits, never reused or',
    'renumbered. The first digit names the stage that reports it. `{name}` in a message stands for a',
    "value filled in when it is reported. Errors make a command exit 1; warnings do not.",
    '',
  ];
  const sorted = [...definitions].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const unbanded = sorted.filter((d) => !BANDS.some(([prefix]) => d.code.startsWith(prefix)));
  if (unbanded.length > 0) throw new Error(`no band in docs/diagnostics.md for ${unbanded.map((d) => d.code).join(', ')}`);
  for (const [prefix, title] of BANDS) {
    const band = sorted.filter((d) => d.code.startsWith(prefix));
    lines.push(`## ${prefix}xxx: ${title}`, '');
    if (band.length === 0) {
      lines.push('No codes yet.', '');
      continue;
    }
    for (const d of band) {
      lines.push(`### ${d.code}`, '');
      lines.push(`\`${d.name}\` · ${d.severity}${d.retired ? ' · retired' : ''}`, '');
      lines.push(`> ${d.severity}[${d.code}]: ${escapeMarkdown(d.message)}`, '');
      if (d.hint) lines.push(`Hint: ${escapeMarkdown(d.hint)}`, '');
      const shown = examples.get(d.code) ?? [];
      if (shown.length) lines.push(`Example${shown.length > 1 ? 's' : ''}: ${shown.map((f) => `[\`${f}\`](../${f})`).join(', ')}`, '');
    }
  }
  return lines.join('\n').replace(/\n+$/, '\n');
}

/** Keeps `<`, `*` and `_` in templates literal in Markdown. */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\*_<>`[\]])/g, '\\$1');
}
