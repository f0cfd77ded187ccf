// Files shipped with the package (package.json "files": sdk/, templates/, fixtures/platforms/, loader/, roottask/):
// found from this module's own location, so the same code works from the sources (image/) and from
// the build (dist/image/). Shared by the compiler (templates, SDK) and the runtime (bundled DTB).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the folder holding package.json. */
export function packageRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '../..') : path.resolve(here, '..');
}

/** A folder shipped with the package. */
export function packageDir(folder: 'sdk' | 'templates' | 'fixtures/platforms' | 'loader' | 'roottask'): string {
  return path.join(packageRoot(), folder);
}

interface PackageManifest {
  readonly version?: string;
  readonly repository?: string | { readonly url?: string };
}

let manifest: PackageManifest | undefined;

function packageManifest(): PackageManifest {
  manifest ??= JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as PackageManifest;
  return manifest;
}

/** This package's version (`0.1.0`), as written into images' META section and new projects. */
export function packageVersion(): string {
  return packageManifest().version ?? 'unknown';
}

/**
 * The web address of this package's repository, from package.json `repository`
 * (`git+https://host/owner/name.git` → `https://host/owner/name`), or undefined: the package names
 * none until it is published somewhere (an address made up for it would send SARIF readers nowhere).
 */
export function repositoryWebUrl(): string | undefined {
  const { repository } = packageManifest();
  const url = (typeof repository === 'string' ? repository : repository?.url) ?? '';
  return url === '' ? undefined : url.replace(/^git\+/, '').replace(/\.git$/, '');
}
