// `export` as a library call: plan a descriptor (validation, platform, ELFs) and render it in one
// of the export formats, writing the result atomically when an output file is given.
import * as path from 'node:path';
import type { Diagnostic } from '../../schema/diagnostics.js';
import { hasErrors } from '../../schema/diagnostics.js';
import { cannotWrite, type Host } from '../host.js';
import { planDescriptor } from '../planDescriptor.js';
import { exportSystem, type ExportFormat } from './index.js';

export interface ExportResult {
  /** The exported text, when the descriptor planned without errors. */
  readonly text?: string;
  readonly diagnostics: readonly Diagnostic[];
}

export async function exportDescriptor(
  file: string,
  format: ExportFormat,
  options: { readonly cwd: string; readonly host: Host; readonly outFile?: string; readonly maxInputSize?: number },
): Promise<ExportResult> {
  const planned = await planDescriptor(file, options.host, { cwd: options.cwd, maxInputSize: options.maxInputSize });
  if (hasErrors(planned.diagnostics) || !planned.plan || !planned.model || !planned.platform) {
    return { diagnostics: planned.diagnostics };
  }
  const text = exportSystem(format, { model: planned.model, plan: planned.plan, tree: planned.platform.tree });
  if (options.outFile) {
    try {
      options.host.writeFileAtomic(path.resolve(options.cwd, options.outFile), text);
    } catch (error) {
      return { diagnostics: [...planned.diagnostics, cannotWrite(options.outFile, error)] };
    }
  }
  return { text, diagnostics: planned.diagnostics };
}
