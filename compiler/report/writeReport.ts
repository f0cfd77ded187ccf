// The I/O edge of `build --report <file.html>` (issue 8): the build returns the plan and its
// diagnostics; this loads the resolved model and platform of the same descriptor for the pictures,
// renders the page (compiler/report/index.ts) and writes it atomically.
import * as path from 'node:path';
import { D, DiagnosticError, createDiagnostic, type Diagnostic } from '../../schema/diagnostics.js';
import type { Plan } from '../../schema/plan.js';
import type { Platform } from '../../image/platformModel.js';
import { nodeHost, type Host } from '../host.js';
import { findDescriptor, loadDescriptor } from '../load.js';
import { loadPlatform } from '../loadPlatform.js';
import { checkDescriptor } from '../check/index.js';
import type { SystemModel } from '../resolvePlatform.js';
import { renderHtmlReport } from './index.js';

export interface WriteReportOptions {
  /** The descriptor given to `build`, or undefined for the one `*.system.*` in cwd. */
  readonly descriptor: string | undefined;
  readonly cwd: string;
  /** The build's plan, when it got that far. */
  readonly plan: Plan | undefined;
  readonly diagnostics: readonly Diagnostic[];
  readonly host?: Host;
}

/** The model and platform of the descriptor, or nulls when it does not load (its diagnostics are the build's). */
async function modelOf(descriptor: string | undefined, cwd: string, host: Host): Promise<{ model: SystemModel | null; platform: Platform | null }> {
  try {
    const found = findDescriptor(descriptor, cwd);
    if ('diagnostic' in found) return { model: null, platform: null };
    const loaded = await loadDescriptor(found.file, host, { cwd });
    if (!loaded.system) return { model: null, platform: null };
    const { platform } = await loadPlatform(loaded.system.platform, path.dirname(loaded.absoluteFile), { host });
    return { model: checkDescriptor(loaded.system, platform).model, platform };
  } catch (error) {
    if (error instanceof DiagnosticError) return { model: null, platform: null };
    throw error;
  }
}

/**
 * Writes the HTML report of a build to `file` (relative to cwd), also when the build failed (the
 * page then shows what it can and every diagnostic). Returns KC0004 when the file cannot be written.
 */
export async function writeBuildReport(file: string, options: WriteReportOptions): Promise<Diagnostic[]> {
  const host = options.host ?? nodeHost;
  const { model, platform } = options.plan ? await modelOf(options.descriptor, options.cwd, host) : { model: null, platform: null };
  const html = renderHtmlReport({
    model,
    plan: options.plan ?? null,
    platform,
    diagnostics: options.diagnostics,
    title: options.descriptor ?? path.basename(options.cwd),
  });
  try {
    host.writeFileAtomic(path.resolve(options.cwd, file), html);
    return [];
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String((error as Error).message);
    return [createDiagnostic(D.cannotWriteOutput, { file, reason })];
  }
}
