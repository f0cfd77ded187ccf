// `import-sdf` as a library call: read a Microkit SDF, convert it for a platform, and write the
// `*.system.ts` module atomically — only when the conversion has no errors.
import path from 'node:path';
import { D, DiagnosticError, createDiagnostic, hasErrors, type Diagnostic } from '../../schema/diagnostics.js';
import { DEFAULT_PLATFORM } from '../../schema/platforms.js';
import { loadPlatform } from '../loadPlatform.js';
import { cannotWrite, describeFsError, nodeHost, type Host } from '../host.js';
import { importSdf } from './importSdf.js';
import { printDescriptorModule } from './descriptorSource.js';

export interface ConvertSdfOptions {
  /** The SDF file, as the user named it. */
  readonly file: string;
  readonly cwd: string;
  /** Bundled platform name or a .dtb/.dts path; the bundled default when absent. */
  readonly platform?: string;
  /** Where to write the descriptor; nothing is written when absent. */
  readonly outFile?: string;
  readonly host?: Host;
}

export interface ConvertSdfResult {
  /** The module text, or undefined when the SDF could not be read. */
  readonly source?: string;
  readonly diagnostics: readonly Diagnostic[];
  /** The SDF text, for code frames. */
  readonly sdfText?: string;
  readonly written: boolean;
}

export async function convertSdfFile(options: ConvertSdfOptions): Promise<ConvertSdfResult> {
  const host = options.host ?? nodeHost;
  const absolute = path.resolve(options.cwd, options.file);
  let text: string;
  try {
    text = host.readText(absolute);
  } catch (error) {
    return { diagnostics: [createDiagnostic(D.fileNotFound, { file: options.file, reason: describeFsError(error) })], written: false };
  }
  const platformSpec = options.platform ?? DEFAULT_PLATFORM;
  let loaded;
  try {
    loaded = await loadPlatform(platformSpec, options.cwd, { host });
  } catch (error) {
    if (error instanceof DiagnosticError) return { diagnostics: [error.diagnostic], written: false, sdfText: text };
    throw error;
  }
  const outDir = options.outFile ? path.dirname(path.resolve(options.cwd, options.outFile)) : path.dirname(absolute);
  const { descriptor, diagnostics } = importSdf(text, options.file, loaded.platform, platformSpec);
  // Program images stay where the SDF names them (Microkit resolves them from its search path,
  // usually the build directory): relative to the SDF, rewritten relative to the output.
  for (const component of descriptor.components) {
    const code = component.code as { elf?: string };
    if (code.elf) code.elf = path.relative(outDir, path.resolve(path.dirname(absolute), code.elf)) || code.elf;
  }
  const source = printDescriptorModule(descriptor, [
    `Imported from the Microkit system description '${path.basename(options.file)}' by kaal-compose import-sdf.`,
  ]);
  let written = false;
  if (options.outFile && !hasErrors(diagnostics)) {
    try {
      host.writeFileAtomic(path.resolve(options.cwd, options.outFile), source);
      written = true;
    } catch (error) {
      return { source, diagnostics: [...diagnostics, cannotWrite(options.outFile, error)], sdfText: text, written };
    }
  }
  return { source, diagnostics, sdfText: text, written };
}
