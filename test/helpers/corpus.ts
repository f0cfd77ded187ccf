// Test helper: paths into the shared corpus (device trees, Microkit SDF files, ELFs), which is not
// in the repository: it sits in `shared/corpus/` beside the clone, as CI lays it out. A test that
// needs it and runs without it fails with this message rather than with a KC0002 from deep inside.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './files.js';

export const corpusRoot = path.resolve(repoRoot, '../shared/corpus');

/** `../shared/corpus/<parts>`; throws naming the missing folder when the corpus is not there. */
export function corpusPath(...parts: string[]): string {
  if (!fs.existsSync(corpusRoot)) {
    throw new Error(`this test needs the shared corpus at ${corpusRoot} (a 'shared/' folder beside the clone, as CI has it; see README.md), which is missing`);
  }
  return path.join(corpusRoot, ...parts);
}
