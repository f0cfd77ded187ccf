// Writes the files derived from the registry and the schema: docs/diagnostics.md and
// schema/descriptor.schema.json. Run with `npm run docs:diagnostics` (jiti, no build needed);
// tests fail when either committed file differs from what this writes.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../compiler/host.js';
import { generatedFiles } from './generatedFiles.js';

const root = fileURLToPath(new URL('../', import.meta.url));
for (const { file, text } of generatedFiles(root)) {
  writeFileAtomic(path.join(root, file), text);
  process.stdout.write(`wrote ${file}\n`);
}
