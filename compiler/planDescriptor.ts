// The I/O edge of planning (what `kaal-compose plan` calls): validate a descriptor (schema and KC3
// checks, with positions), load its platform and each component's ELF (`code.elf` when the file
// exists, else the documented placeholder layout), then run the pure planner (compiler/plan/).
import * as path from 'node:path';
import { compareDiagnostics, hasErrors, type Diagnostic } from '../schema/diagnostics.js';
import { placeholderElf, type ComponentElfInfo, type Plan } from '../schema/plan.js';
import type { Host } from './host.js';
import { checkFile } from './validate.js';
import { placeByPath } from './placeDiagnostics.js';
import type { LoadedPlatform } from './loadPlatform.js';
import type { SystemModel } from './resolvePlatform.js';
import { elfInfoOf, planSystem } from './plan/index.js';
import { readComponentElf } from './componentElf.js';

export interface PlannedDescriptor {
  /** The plan, when the descriptor had no errors. */
  readonly plan: Plan | null;
  /** Components planned with the placeholder segment layout (no ELF yet). */
  readonly placeholders: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
  /** The resolved system and its platform, when planning ran (for exports and reports). */
  readonly model?: SystemModel;
  readonly platform?: LoadedPlatform;
}

export interface PlanOptions {
  readonly cwd?: string;
  /** The largest component ELF accepted, in bytes (default 64 MiB; `--max-input-size`). */
  readonly maxInputSize?: number | undefined;
}

export async function planDescriptor(file: string, host: Host, options: PlanOptions = {}): Promise<PlannedDescriptor> {
  const cwd = options.cwd ?? process.cwd();
  const { validation, loaded, model, platform: loadedPlatform } = await checkFile(file, host, cwd);
  if (!validation.valid || !model || !loadedPlatform) return { plan: null, placeholders: [], diagnostics: validation.diagnostics };
  const baseDir = path.dirname(loaded.absoluteFile);
  const { platform, source } = loadedPlatform;
  const diagnostics: Diagnostic[] = [...validation.diagnostics];
  const elfs: Record<string, ComponentElfInfo> = {};
  const placeholders: string[] = [];
  const unreadable: Diagnostic[] = [];
  for (const c of model.components) {
    const elfFile = c.code.elf === null ? null : path.resolve(baseDir, c.code.elf);
    if (elfFile === null || !host.exists(elfFile)) {
      elfs[c.name] = placeholderElf();
      placeholders.push(c.name);
      continue;
    }
    const read = readComponentElf(host, {
      component: c.name,
      componentPath: c.path,
      file: elfFile,
      shown: path.relative(cwd, elfFile),
      descriptorFile: file,
      maxInputSize: options.maxInputSize,
    });
    if ('diagnostic' in read) unreadable.push(read.diagnostic);
    else elfs[c.name] = elfInfoOf(read.elf);
  }
  diagnostics.push(...(await placeByPath(unreadable, loaded, host, cwd)));
  if (hasErrors(diagnostics)) return { plan: null, placeholders, diagnostics: diagnostics.sort(compareDiagnostics) };
  const platformName = source === loaded.system!.platform ? source : path.basename(source);
  const planned = planSystem(model, platform, elfs, { platformName });
  diagnostics.push(...(await placeByPath(planned.diagnostics, loaded, host, cwd)));
  return {
    plan: hasErrors(planned.diagnostics) ? null : planned.plan,
    placeholders,
    diagnostics: diagnostics.sort(compareDiagnostics),
    model,
    platform: loadedPlatform,
  };
}
