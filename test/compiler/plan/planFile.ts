// Test helper: load, check and plan a descriptor file (placeholder ELFs), as `kaal-compose plan` does.
import * as path from 'node:path';
import { nodeHost } from '../../../compiler/host.js';
import { loadDescriptor } from '../../../compiler/load.js';
import { loadPlatform } from '../../../compiler/loadPlatform.js';
import { checkDescriptor } from '../../../compiler/check/index.js';
import { planSystem } from '../../../compiler/plan/index.js';
import type { Platform } from '../../../image/platformModel.js';
import type { Plan } from '../../../schema/plan.js';
import type { Diagnostic } from '../../../schema/diagnostics.js';
import type { SystemModel } from '../../../compiler/resolvePlatform.js';
import { repoRoot } from '../../helpers/files.js';

export interface PlannedFile {
  readonly plan: Plan;
  readonly model: SystemModel;
  readonly platform: Platform;
  readonly diagnostics: readonly Diagnostic[];
}

export async function planFile(relative: string): Promise<PlannedFile> {
  const file = path.join(repoRoot, relative);
  const loaded = await loadDescriptor(file, nodeHost);
  if (!loaded.system) throw new Error(`${relative}: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  const { platform, dtb } = await loadPlatform(loaded.system.platform, path.dirname(file));
  const checked = checkDescriptor(loaded.system, platform);
  const planned = planSystem(checked.model, platform, {}, { dtbSize: dtb.length });
  return { plan: planned.plan, model: checked.model, platform, diagnostics: [...checked.diagnostics, ...planned.diagnostics] };
}

export const exampleSystems = ['fault', 'hello', 'ping-pong', 'timer', 'uart-echo'].map((n) => `fixtures/systems/${n}/${n}.system.ts`);
