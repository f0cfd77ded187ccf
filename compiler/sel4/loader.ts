// The machine-mode loader of `--target sel4` (loader/): its prebuilt ELF, shipped with the
// package, and the build that produces it from its sources with the components' clang and ld.lld
// flags (a test checks the prebuilt file is exactly what this build gives).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { D, createDiagnostic, type Diagnostic } from '../../schema/diagnostics.js';
import { packageDir } from '../../image/packageFiles.js';
import { LINK_FLAGS, TARGET_FLAGS, execaRunner, type ToolchainOptions } from '../toolchain.js';

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
export async function buildLoader(options: ToolchainOptions = {}): Promise<LoaderBuild> {
  const env = options.env ?? process.env;
  const run = options.run ?? execaRunner;
  const clang = options.clang ?? env.KAAL_CLANG ?? 'clang';
  const lld = options.lld ?? env.KAAL_LD_LLD ?? 'ld.lld';
  const dir = packageDir('loader');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-loader-'));
  try {
    const objects: string[] = [];
    for (const [index, source] of LOADER_SOURCES.entries()) {
      const object = path.join(work, `${index}-${source}.o`);
      const result = await run(clang, [...TARGET_FLAGS, `-ffile-prefix-map=${dir}=loader`, '-c', source, '-o', object], { cwd: dir, env });
      if (result.missing) return { diagnostics: [createDiagnostic(D.toolMissing, { tool: 'clang', purpose: 'build the loader', package: 'clang' })] };
      if (result.exitCode !== 0) return { diagnostics: [createDiagnostic(D.toolFailed, { tool: clang, reason: result.error ?? result.output })] };
      objects.push(object);
    }
    const elfPath = path.join(work, PREBUILT_LOADER);
    const link = await run(lld, [...LINK_FLAGS, '-T', path.join(dir, 'loader.ld'), '-o', elfPath, ...objects], { cwd: work, env });
    if (link.missing) return { diagnostics: [createDiagnostic(D.toolMissing, { tool: 'ld.lld', purpose: 'link the loader', package: 'lld' })] };
    if (link.exitCode !== 0) return { diagnostics: [createDiagnostic(D.toolFailed, { tool: lld, reason: link.error ?? link.output })] };
    return { elf: new Uint8Array(fs.readFileSync(elfPath)), diagnostics: [] };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
