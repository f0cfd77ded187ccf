// Plans a system together with its root task: the user image the boot model sees is the root task
// ELF plus its plan table, and the table is written from the plan, so the two are iterated to a
// fixed point (the image is whole 64 KiB, so a second plan almost always already fits).
import type { Diagnostic } from '../../schema/diagnostics.js';
import type { Plan } from '../../schema/plan.js';
import type { Platform } from '../../image/platformModel.js';
import { readElf, type ElfFile } from '../../image/elf.js';
import { attachPlanTable, encodePlanTable, userImageSize } from '../../image/rootTask.js';
import type { SystemModel } from '../resolvePlatform.js';
import { readPrebuiltRootTask } from '../rootTask.js';
import { elfInfoOf, planSystem, type PlanOptions } from './index.js';
import { placeholderElf } from '../../schema/plan.js';

export interface RootTaskPlanResult {
  readonly plan: Plan;
  /** The root task ELF with its plan table; null when the plan has errors. */
  readonly rootTask: Uint8Array | null;
  readonly diagnostics: readonly Diagnostic[];
}

export interface RootTaskPlanOptions extends Omit<PlanOptions, 'rootTask'> {
  /** The root task ELF without its table (default: the prebuilt roottask/kaal-roottask.elf). */
  readonly rootTaskElf?: Uint8Array;
}

/** Plans tried before giving up on a fixed point (each one grows the user image or stops). */
const MAX_ROUNDS = 4;

/**
 * Plans `model` for `options.kernelConfig` with the root task's real user image and writes the root
 * task ELF that executes the plan (docs/boot.md). `elfs` holds each component's ELF (segments with
 * their bytes); a component without one is planned with the placeholder layout and loads nothing.
 */
export function planWithRootTask(
  model: SystemModel,
  platform: Platform,
  elfs: Readonly<Record<string, Pick<ElfFile, 'entry' | 'segments'>>>,
  options: RootTaskPlanOptions = {},
): RootTaskPlanResult {
  const { rootTaskElf, ...planOptions } = options;
  const code = rootTaskElf ?? readPrebuiltRootTask();
  const elf = readElf(code, 'root task');
  const infos = Object.fromEntries(model.components.map((c) => [c.name, elfs[c.name] ? elfInfoOf(elfs[c.name]!) : placeholderElf()]));
  const components = Object.entries(elfs).map(([name, e]) => ({ name, segments: e.segments }));
  const vaddr = Math.min(...elf.segments.map((s) => s.vaddr)) & ~0xfff;
  let size = userImageSize(elf, 0);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const planned = planSystem(model, platform, infos, { ...planOptions, rootTask: { vaddr, size, entry: elf.entry } });
    if (planned.diagnostics.some((d) => d.severity === 'error')) return { ...planned, rootTask: null };
    // The planner maps every segment page of these ELFs, so the table is always writable here.
    const table = encodePlanTable(planned.plan, components);
    const needed = userImageSize(elf, table.length);
    if (needed <= size) return { ...planned, rootTask: attachPlanTable(code, table, size) };
    size = needed;
  }
  throw new Error(`no fixed point between the plan and the root task's table after ${MAX_ROUNDS} plans`);
}
