// The README and the SDK's README cite only files that are in the repository (a newcomer reads them
// in a clone; `shared/` is not part of it): every `path/like.ext` in backticks exists, relative to
// the repository root or to the document's folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/files.js';

const documents = ['README.md', 'sdk/README.md', 'fixtures/systems/README.md'];

describe('documentation references', () => {
  for (const document of documents) {
    it(`${document} cites only files in the repository`, () => {
      const text = fs.readFileSync(path.join(repoRoot, document), 'utf8');
      const cited = [...text.matchAll(/`([\w.-]+(?:\/[\w.-]+)*\/[\w.-]+\.[a-z]{1,4})`/g)].map((m) => m[1]!);
      expect(cited.length).toBeGreaterThan(0);
      const missing = cited.filter((file) => !fs.existsSync(path.join(repoRoot, file)) && !fs.existsSync(path.join(repoRoot, path.dirname(document), file)));
      expect(missing).toEqual([]);
    });
  }
});
