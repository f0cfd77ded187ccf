// The I/O edge of `build --report <file.html>` (issue 8): the build returns the plan, model,
// platform and diagnostics; this renders the page (compiler/report/index.ts) and writes it
// atomically.
import * as path from 'node:path';
import type { Diagnostic } from '../../schema/diagnostics.js';
import type { Plan } from '../../schema/plan.js';
import type { Platform } from '../../image/platformModel.js';
import { cannotWrite, nodeHost, type Host } from '../host.js';
import type { SystemModel } from '../resolvePlatform.js';
import { renderHtmlReport } from './index.js';

export interface WriteReportOptions {
  /** The descriptor given to `build`, or undefined for the one `*.system.*` in cwd. */
  readonly descriptor: string | undefined;
  readonly cwd: string;
  /** The build's plan, model and platform, when it got that far. */
  readonly plan: Plan | undefined;
  readonly model: SystemModel | undefined;
  readonly platform: Platform | undefined;
  readonly diagnostics: readonly Diagnostic[];
  readonly host?: Host;
}

/**
 * Writes the HTML report of a build to `file` (relative to cwd), also when the build failed (the
 * page then shows what it can and every diagnostic). Returns KC0004 when the file cannot be written.
 */
export async function writeBuildReport(file: string, options: WriteReportOptions): Promise<Diagnostic[]> {
  const host = options.host ?? nodeHost;
  const html = renderHtmlReport({
    model: options.model ?? null,
    plan: options.plan ?? null,
    platform: options.platform ?? null,
    diagnostics: options.diagnostics,
    title: options.descriptor ?? path.basename(options.cwd),
  });
  try {
    host.writeFileAtomic(path.resolve(options.cwd, file), html);
    return [];
  } catch (error) {
    return [cannotWrite(file, error)];
  }
}
