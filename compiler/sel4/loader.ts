// The machine-mode loader of `--target sel4` (loader/): its prebuilt ELF, shipped with the
// package, and the build that produces it from its sources with the components' clang and ld.lld
// flags (a test checks the prebuilt file is exactly what this build gives).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../../schema/diagnostics.js';
import { packageDir } from '../../image/packageFiles.js';
import { buildPackageProgram, type ToolchainOptions } from '../toolchain.js';

/** Compiled in this order; crt0.S holds the reset entry (`.text.start`, first in loader.ld). */
export const LOADER_SOURCES: readonly string[] = ['crt0.S', 'boot.c', 'mmu.c', 'sbi.c'];
export const PREBUILT_LOADER = 'kaal-loader.elf';

/** The prebuilt loader shipped in loader/. */
export function readPrebuiltLoader(): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(packageDir('loader'), PREBUILT_LOADER)));
}

export interface LoaderBuild {
  readonly elf?: Uint8Array;
  readonly diagnostics: readonly Diagnostic[];
}

/** Builds loader/ from its sources in a temporary directory (always removed). */
export function buildLoader(options: ToolchainOptions = {}): Promise<LoaderBuild> {
  return buildPackageProgram({ dir: packageDir('loader'), folder: 'loader', sources: LOADER_SOURCES, linkerScript: 'loader.ld', purpose: 'build the loader' }, options);
}
