// `kaal-compose build --target sel4 --kernel kernel.elf`: the system is built as for the bundled
// kernel (compiler/build.ts: load, check, compile or take the ELFs), the given seL4 kernel is
// checked (loadKernel.ts), the system is planned again for that kernel together with its root task,
// and the loader, the kernel, the platform DTB and the root task are packed into one bootable ELF
// (image.ts), written atomically. docs/sel4.md.
import * as path from 'node:path';
import { D, DiagnosticError, compareDiagnostics, createDiagnostic, hasErrors, type Diagnostic } from '../../schema/diagnostics.js';
import type { Plan } from '../../schema/plan.js';
import { readElf, type ElfFile } from '../../image/elf.js';
import { fileSha256 } from '../../image/bootImage/index.js';
import type { Platform } from '../../image/platformModel.js';
import type { Sel4Kernel } from '../../image/sel4Kernel.js';
import { buildSystem, layoutChanges, type BuildOptions, type BuiltComponent } from '../build.js';
import { emitComponents, headerNamesOf } from '../emit.js';
import { cannotWrite, nodeHost } from '../host.js';
import type { PlanOptions } from '../plan/index.js';
import { planWithRootTask as planWithRootTaskForKernel } from '../plan/withRootTask.js';
import type { SystemModel } from '../resolvePlatform.js';
import { knownKernelDevices, sel4KernelConfig, sel4KernelDevices } from './bootInput.js';
import { buildSel4Image, loaderDevices, type Sel4BootLayout } from './image.js';
import { loadSel4Kernel } from './loadKernel.js';
import { readPrebuiltLoader } from './loader.js';

/** The plan and the root task ELF that carries it out (its plan table inside); null on errors. */
export interface RootTaskPlan {
  readonly plan: Plan;
  readonly rootTask: Uint8Array | null;
  readonly diagnostics: readonly Diagnostic[];
}

/** Plans a system together with its root task for `options.kernelConfig` (compiler/plan). */
export type PlanWithRootTask = (
  model: SystemModel,
  platform: Platform,
  elfs: Readonly<Record<string, Pick<ElfFile, 'entry' | 'segments'>>>,
  options: PlanOptions,
) => RootTaskPlan;

export interface Sel4BuildOptions extends Omit<BuildOptions, 'output' | 'emitDir' | 'signingKey'> {
  /** The seL4 kernel ELF (relative to cwd). */
  readonly kernel: string;
  /** The kernel build's gen_config.json (relative to cwd). */
  readonly kernelConfig?: string;
  /** The ELF to write (relative to cwd); nothing is written when absent. */
  readonly output?: string;
  /** Default: the project's root task (compiler/plan/withRootTask.ts); tests give a probe. */
  readonly planWithRootTask?: PlanWithRootTask;
}

export interface Sel4BuildResult {
  /** Every problem and warning, sorted. */
  readonly diagnostics: readonly Diagnostic[];
  /** The bootable ELF when the build succeeded. */
  readonly elf?: Uint8Array;
  /** SHA-256 of the ELF, lower-case hex. */
  readonly sha256?: string;
  /** The plan for the seL4 kernel. */
  readonly plan?: Plan;
  readonly model?: SystemModel;
  readonly platform?: Platform;
  readonly kernel?: Sel4Kernel;
  readonly layout?: Sel4BootLayout;
  readonly components: readonly BuiltComponent[];
}

/**
 * Builds the bootable ELF for a seL4 kernel. Never throws for bad input: every problem is a
 * diagnostic, and the output is written only when everything succeeded (through a temporary file
 * and a rename, so a failed build leaves an old ELF untouched).
 */
export async function buildSel4System(descriptor: string | undefined, options: Sel4BuildOptions): Promise<Sel4BuildResult> {
  const { output, kernel: kernelFile, kernelConfig: configFile, planWithRootTask, ...buildOptions } = options;
  const built = await buildSystem(descriptor, buildOptions);
  const diagnostics: Diagnostic[] = [...built.diagnostics];
  const components = built.components;
  const done = (extra: Partial<Sel4BuildResult> = {}): Sel4BuildResult => ({ diagnostics: [...diagnostics].sort(compareDiagnostics), components, ...extra });
  if (hasErrors(diagnostics) || !built.plan || !built.model || !built.platform || !built.dtb) return done();
  const { model, platform, dtb } = built;
  const platformName = built.plan.platform.name;

  const checked = loadSel4Kernel({
    cwd: options.cwd,
    kernel: kernelFile,
    ...(configFile !== undefined ? { kernelConfig: configFile } : {}),
    platform: platformName,
    memoryStart: platform.memory[0]?.base ?? 0,
  });
  diagnostics.push(...checked.diagnostics);
  if (hasErrors(diagnostics) || !checked.kernel || !checked.config) return done({ model, platform });
  const kernel = checked.kernel;

  let elfs: Record<string, ElfFile>;
  try {
    elfs = Object.fromEntries(components.map((c) => [c.name, readElf(c.elf, c.file)]));
  } catch (error) {
    if (!(error instanceof DiagnosticError)) throw error;
    diagnostics.push(error.diagnostic);
    return done({ model, platform, kernel });
  }
  const devices = sel4KernelDevices(platform, kernel.kernelDeviceFrames);
  diagnostics.push(...kernelDeviceProblems(kernelFile, kernel, devices, platform, model));
  if (hasErrors(diagnostics) || !devices) return done({ model, platform, kernel });
  const planned = (planWithRootTask ?? planWithRootTaskForKernel)(model, platform, elfs, {
    platformName,
    kernelConfig: sel4KernelConfig(kernel, checked.config, devices.frames),
    availableMemory: checked.config.availableMemory,
    dtbSize: dtb.length,
  });
  diagnostics.push(...planned.diagnostics);
  if (hasErrors(diagnostics) || !planned.rootTask) return done({ model, platform, kernel, plan: planned.plan });
  const plan = planned.plan;

  // The components' ELFs were made against the bundled plan's headers; what they see must not move.
  const headersFor = (p: Plan) => emitComponents(p, (c) => headerNamesOf(model, model.components.find((m) => m.name === c.name)!)).components;
  diagnostics.push(...layoutChanges(headersFor(built.plan), headersFor(plan)));
  if (hasErrors(diagnostics)) return done({ model, platform, kernel, plan });

  let image: ReturnType<typeof buildSel4Image>;
  try {
    image = buildSel4Image({ loader: readPrebuiltLoader(), kernel, dtb, rootTask: planned.rootTask, devices: loaderDevices(platform) });
  } catch (error) {
    if (!(error instanceof DiagnosticError)) throw error;
    diagnostics.push(error.diagnostic);
    return done({ model, platform, kernel, plan });
  }
  const { elf, layout } = image;
  const mismatch = layoutMismatch(plan, layout);
  if (mismatch !== undefined) {
    diagnostics.push(createDiagnostic(D.internalError, { message: `the loader places ${mismatch}` }));
    return done({ model, platform, kernel, plan, layout });
  }
  if (output !== undefined) {
    try {
      (options.host ?? nodeHost).writeFileAtomic(path.resolve(options.cwd, output), elf);
    } catch (error) {
      diagnostics.push(cannotWrite(output, error));
      return done({ model, platform, kernel, plan, layout });
    }
  }
  return done({ elf, sha256: fileSha256(elf), plan, model, platform, kernel, layout });
}

/** Where the loader's placement differs from what the plan predicted bootinfo from, in words. */
export function layoutMismatch(plan: Plan, layout: Sel4BootLayout): string | undefined {
  const hex = (n: number) => `0x${n.toString(16)}`;
  const { dtb, userImage } = plan.boot;
  if (dtb.paddr !== layout.dtb.start || dtb.size !== layout.dtb.size) {
    return `the DTB at ${hex(layout.dtb.start)} (${layout.dtb.size} bytes), the plan expects ${hex(dtb.paddr)} (${dtb.size} bytes)`;
  }
  const size = layout.rootTask.end - layout.rootTask.start;
  if (userImage.paddr !== layout.rootTask.start || userImage.size !== size || userImage.vaddr !== layout.rootTask.vstart || userImage.entry !== layout.rootTask.entry) {
    return (
      `the root task at ${hex(layout.rootTask.start)} (${size} bytes from ${hex(layout.rootTask.vstart)}, entry ${hex(layout.rootTask.entry)}), ` +
      `the plan expects ${hex(userImage.paddr)} (${userImage.size} bytes from ${hex(userImage.vaddr)}, entry ${hex(userImage.entry)})`
    );
  }
  return undefined;
}

/**
 * KC5114 when the kernel's device frames are not a set the plan knows; KC5115 when the CLINT is
 * among them and the system takes an IRQ (docs/sel4.md, "Known seL4 issue"): that kernel would fault.
 */
function kernelDeviceProblems(file: string, kernel: Sel4Kernel, devices: ReturnType<typeof sel4KernelDevices>, platform: Platform, model: SystemModel): Diagnostic[] {
  if (!devices) {
    const known = knownKernelDevices(platform);
    const counts = { plic: String(known.plic.length), both: String(known.clintAndPlic.length) };
    return [createDiagnostic(D.sel4KernelDevicesUnknown, { file, count: String(kernel.kernelDeviceFrames), ...counts }, { file })];
  }
  if (!devices.withClint) return [];
  for (const component of model.components) {
    for (const device of component.devices) {
      const irq = device.irqs[0];
      if (irq) return [createDiagnostic(D.sel4KernelClintWithIrqs, { file, component: component.name, irq: String(irq.irq) }, { file })];
    }
  }
  return [];
}
