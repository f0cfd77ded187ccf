// What scripts/generate.ts writes, computed without writing, so tests can compare it with the
// committed files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allDiagnostics } from '../schema/diagnostics.js';
import { renderDiagnosticsDoc } from '../schema/diagnosticsDoc.js';
import { DESCRIPTOR_SCHEMA_FILE, descriptorJsonSchema, descriptorJsonSchemaText } from '../schema/descriptorJsonSchema.js';
import { renderDescriptorReference } from '../schema/descriptorReference.js';

export const DIAGNOSTICS_DOC_FILE = 'docs/diagnostics.md';

export function generatedFiles(root: string): { file: string; text: string }[] {
  return [
    { file: DIAGNOSTICS_DOC_FILE, text: renderDiagnosticsDoc(allDiagnostics, exampleFixtures(root)) },
    { file: DESCRIPTOR_SCHEMA_FILE, text: descriptorJsonSchemaText() },
    { file: 'docs/descriptor.md', text: renderDescriptorReference(descriptorJsonSchema()) },
  ];
}

/** Fixtures named after a code (`KC1003-unknown-property.system.ts`) anywhere under fixtures/, by code. */
export function exampleFixtures(root: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      const code = /^(KC\d{4})-/.exec(entry.name)?.[1];
      if (code) found.set(code, [...(found.get(code) ?? []), relative]);
    }
  };
  walk('fixtures');
  return found;
}
