// The root task (roottask/): its prebuilt ELF, shipped with the package, and the build that
// produces it from its sources with the components' clang and ld.lld flags (a test checks the
// prebuilt file is exactly what this build gives; KAAL_UPDATE_PREBUILT=1 rewrites it there).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageDir } from '../image/packageFiles.js';
import { buildPackageProgram, type ToolchainOptions } from './toolchain.js';

export const PREBUILT_ROOT_TASK = 'kaal-roottask.elf';

/** The prebuilt root task shipped in roottask/ (without its plan table). */
export function readPrebuiltRootTask(): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(packageDir('roottask'), PREBUILT_ROOT_TASK)));
}

/** Builds roottask/ from its sources (crt0.S holds the entry, `.text.start`, first in roottask.ld). */
export function buildRootTask(options: ToolchainOptions = {}) {
  return buildPackageProgram({ dir: packageDir('roottask'), folder: 'roottask', sources: ['crt0.S', 'main.c'], linkerScript: 'roottask.ld', purpose: 'build the root task' }, options);
}
