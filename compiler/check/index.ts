// The static checks (KC3xxx), one file per family, run by `validate`, `plan` and `build` alike.
// `checkDescriptor` is the whole semantic stage for a schema-valid descriptor: resolve, then check.
import { DiagnosticBag, type Diagnostic } from '../../schema/diagnostics.js';
import type { ValidatedSystem } from '../../schema/descriptor.js';
import type { Platform } from '../../image/platformModel.js';
import { resolveSystem, type SystemModel } from '../resolvePlatform.js';
import { checkNames } from './names.js';
import { checkChannels } from './channels.js';
import { checkPriorities } from './priorities.js';
import { checkMmio } from './mmio.js';
import { checkIrqs } from './irq.js';
import { checkMemory } from './memory.js';

/** Every KC3 check on a resolved system; all problems, sorted. */
export function checkSystem(model: SystemModel, platform: Platform): Diagnostic[] {
  const bag = new DiagnosticBag();
  checkNames(model, bag);
  checkChannels(model, bag);
  checkPriorities(model, bag);
  checkMmio(model, platform, bag);
  checkIrqs(model, bag);
  checkMemory(model, bag);
  return bag.sorted();
}

/** Resolve + check: what `validate` runs on each schema-valid descriptor. */
export function checkDescriptor(system: ValidatedSystem, platform: Platform): { model: SystemModel; diagnostics: Diagnostic[] } {
  const { model, diagnostics } = resolveSystem(system, platform);
  const bag = new DiagnosticBag();
  bag.push(...diagnostics, ...checkSystem(model, platform));
  return { model, diagnostics: bag.sorted() };
}
