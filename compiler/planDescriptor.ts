// The I/O edge of planning, shared by `validate`, `plan` and `build`: after the schema and KC3
// checks, take each component's code as `build` would (the given or prebuilt ELF, else its C sources,
// which must exist), read the ELFs, run the pure planner (compiler/plan/) and name the header
// constants (KC5005). Everything `build` checks short of compiling C, so that no errors here means
// `build` from prebuilt ELFs succeeds (issue 15).
import * as path from 'node:path';
import { D, compareDiagnostics, createDiagnostic, hasErrors, type Diagnostic } from '../schema/diagnostics.js';
import { placeholderElf, type ComponentElfInfo, type Plan } from '../schema/plan.js';
import type { Host } from './host.js';
import { checkFile, type CheckedFile } from './validate.js';
import { placeByPath } from './placeDiagnostics.js';
import type { LoadedPlatform } from './loadPlatform.js';
import type { SystemModel } from './resolvePlatform.js';
import { elfInfoOf, planSystem } from './plan/index.js';
import { readComponentElf } from './componentElf.js';
import { headerNamesOf, headerView } from './headerView.js';

export interface PlannedDescriptor {
  /** The plan, when the descriptor had no errors. */
  readonly plan: Plan | null;
  /** Components planned with the placeholder segment layout (no ELF yet: `build` compiles them). */
  readonly placeholders: readonly string[];
  /** Every error and warning, and KC0100 naming the placeholders; sorted. */
  readonly diagnostics: readonly Diagnostic[];
  /** The resolved system and its platform, when planning ran (for exports and reports). */
  readonly model?: SystemModel;
  readonly platform?: LoadedPlatform;
}

export interface PlanOptions {
  readonly cwd?: string;
  /** The largest component ELF accepted, in bytes (default 64 MiB; `--max-input-size`). */
  readonly maxInputSize?: number | undefined;
  /** How long importing the descriptor may take, in ms (default 5 s). */
  readonly loadTimeoutMs?: number | undefined;
}

export async function planDescriptor(file: string, host: Host, options: PlanOptions = {}): Promise<PlannedDescriptor> {
  const cwd = options.cwd ?? process.cwd();
  return planChecked(await checkFile(file, host, cwd, options.loadTimeoutMs), host, options);
}

/** Goes on from a checked descriptor: code, ELFs, plan, header names. Plans only a valid model. */
export async function planChecked(checked: CheckedFile, host: Host, options: PlanOptions = {}): Promise<PlannedDescriptor> {
  const cwd = options.cwd ?? process.cwd();
  const { validation, loaded, model, platform: loadedPlatform } = checked;
  if (hasErrors(validation.diagnostics) || !model || !loadedPlatform) return { plan: null, placeholders: [], diagnostics: validation.diagnostics };
  const file = validation.file;
  const baseDir = path.dirname(loaded.absoluteFile);
  const { platform, source } = loadedPlatform;
  const diagnostics: Diagnostic[] = [...validation.diagnostics];
  const elfs: Record<string, ComponentElfInfo> = {};
  const placeholders: string[] = [];
  const found: Diagnostic[] = [];
  for (const c of model.components) {
    const elfFile = c.code.elf === null ? null : path.resolve(baseDir, c.code.elf);
    // As `build` decides: without sources the ELF must be there; with sources a missing ELF is compiled.
    if (elfFile === null || (c.code.sources.length > 0 && !host.exists(elfFile))) {
      elfs[c.name] = placeholderElf();
      placeholders.push(c.name);
      c.code.sources.forEach((source, i) => {
        if (!host.exists(path.resolve(baseDir, source))) {
          found.push(createDiagnostic(D.sourceNotFound, { component: c.name, file: source, reason: 'no such file' }, { file, path: `${c.path}.code.sources.${i}` }));
        }
      });
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
    if ('diagnostic' in read) {
      found.push(read.diagnostic);
      elfs[c.name] = placeholderElf();
    } else elfs[c.name] = elfInfoOf(read.elf);
  }
  // Planned even when an ELF is unreadable (with the placeholder for it), so that every error shows at once.
  const platformName = source === loaded.system!.platform ? source : path.basename(source);
  const planned = planSystem(model, platform, elfs, { platformName, dtbSize: loadedPlatform.dtb.length });
  found.push(...planned.diagnostics);
  if (!hasErrors(planned.diagnostics)) {
    for (const component of planned.plan.components) {
      headerView(planned.plan, component, headerNamesOf(model, model.components.find((c) => c.name === component.name)!), found);
    }
  }
  diagnostics.push(...(await placeByPath(found, loaded, host, cwd)));
  if (placeholders.length > 0 && !hasErrors(diagnostics)) {
    diagnostics.push(createDiagnostic(D.elfChecksSkipped, { components: placeholders.map((n) => `'${n}'`).join(', ') }, { file }));
  }
  const ok = !hasErrors(diagnostics);
  return {
    plan: ok ? planned.plan : null,
    placeholders,
    diagnostics: diagnostics.sort(compareDiagnostics),
    model,
    platform: loadedPlatform,
  };
}
