// Boots a kaal-compose image: checks it, builds the machine from its DTB, creates the initial and
// untyped caps as BOOTINFO/UNTYPED say, runs the plan's invocations as the root task, loads each
// component's segments through its own page tables, then proves the grants (verify.ts).
import type { KeyObject } from 'node:crypto';
import { bootInfoOfModel, encodeBootInfo, readImage, trustProblem, type BootImage } from '../../image/bootImage/index.js';
import { availableMemory, BootModelError, emulateBoot, placeBootImages, type BootModel } from '../../image/bootModel.js';
import { tcbBits } from '../../image/kernelConfig.js';
import { createDiagnostic, D, DiagnosticError, type Diagnostic } from '../../schema/diagnostics.js';
import type { Plan } from '../../schema/plan.generated.js';
import { createInitialThread } from '../kernel/bootstrap.js';
import { Kernel, type InterruptController, type KernelHooks } from '../kernel/kernel.js';
import type { PageTableObject, TcbObject } from '../kernel/objects.js';
import { lookupPtSlot, PTE_V, pteIsLeaf, ptePaddr } from '../kernel/vspace.js';
import { createMachine, type Machine } from '../machine/machine.js';
import {
  PLIC_CONTEXT_BASE,
  PLIC_CONTEXT_STRIDE,
  PLIC_ENABLE_BASE,
  PLIC_ENABLE_STRIDE,
  PLIC_PRIORITY_BASE,
  IRQ_S_EXT,
  type SifivePlic,
} from '../machine/devices/sifivePlic.js';
import { planRuleDiagnostics } from '../../image/bootImage/planRules.js';
import { planShapeProblem } from './planShape.js';
import { realizePlan } from './realize.js';
import { objectsByName, verifyBoot, type BootedComponent } from './verify.js';
import type { HostSink } from '../machine/devices/device.js';

export interface BootOptions {
  /** Shown in diagnostics. */
  readonly file?: string;
  /** Bytes the console UART receives, sent on its line at its rate from the moment the components start. */
  readonly stdin?: Uint8Array;
  /** Where UART output and power-off go. */
  readonly sink?: Partial<HostSink>;
  readonly hooks?: KernelHooks;
  /** Instructions per timeslice. */
  readonly timeSlice?: number;
  /** Most RAM to emulate (createMachine's `ramLimit`; default 256 MiB). */
  readonly ramLimit?: number;
  /** When given (non-empty), only an image signed by one of these Ed25519 keys boots (KC6701, KC6703). */
  readonly trustedKeys?: readonly KeyObject[];
}

export interface BootedSystem {
  readonly image: BootImage;
  readonly plan: Plan;
  readonly machine: Machine;
  readonly kernel: Kernel;
  /** Plan order. */
  readonly components: readonly BootedComponent[];
  /** The PLIC context the kernel takes interrupts on (hart 0, S-mode), or -1. */
  readonly interruptContext: number;
  /** Non-fatal findings (machine warnings). */
  readonly warnings: readonly Diagnostic[];
}

/** The result of a boot: the system, or every reason it was refused. */
export type BootResult = { readonly ok: true; readonly system: BootedSystem } | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/** seL4's PLIC driver as the kernel uses it: S-mode context of hart 0, every source at priority 1. */
function plicController(plic: SifivePlic, context: number): InterruptController {
  for (let source = 1; source <= plic.ndev; source++) plic.write(PLIC_PRIORITY_BASE + 4 * source, 4, 1);
  plic.write(PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * context, 4, 0);
  const enableWord = (irq: number): number => PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * context + 4 * (irq >>> 5);
  return {
    pending: () => plic.interruptPending(context),
    claim: () => plic.claim(context),
    complete: (irq) => plic.complete(context, irq),
    setMasked: (irq, masked) => {
      if (irq <= 0 || irq > plic.ndev) return;
      const word = plic.read(enableWord(irq), 4);
      const bit = 1 << (irq & 31);
      plic.write(enableWord(irq), 4, masked ? word & ~bit : word | bit);
    },
  };
}

/**
 * The plan is hostile input (images are built elsewhere; valid checksums prove nothing about it):
 * its version, then its shape (planShape.ts) before the kernel or the proof read a field of it.
 */
function planDiagnostic(plan: Record<string, unknown>, where: { file?: string }): Diagnostic | undefined {
  if (plan['formatVersion'] !== 1) {
    return createDiagnostic(D.bootPlanUnreadable, { detail: `format version '${String(plan['formatVersion'])}' is not 1` }, where);
  }
  const shape = planShapeProblem(plan);
  return shape ? createDiagnostic(D.bootPlanMalformed, shape, { ...where, path: shape.path }) : undefined;
}

/**
 * seL4's boot for this image (image/bootModel.ts): the kernel configuration the plan records, the
 * platform's memory from the image's DTB, the DTB and the user image placed as the loader places them.
 */
function bootModelOf(image: BootImage, machine: Machine, plan: Plan): BootModel {
  const config = plan.boot.kernelConfig;
  const placed = placeBootImages(config.kernelImage.end, image.dtb.length);
  return emulateBoot({
    config,
    available: availableMemory(machine.platform.ram),
    dtb: image.dtb.length > 0 ? { paddr: placed.dtbPaddr, size: image.dtb.length } : null,
    userImage: { paddr: placed.userImagePaddr, size: plan.boot.userImage.size, vaddr: plan.boot.userImage.vaddr },
  });
}

/** BOOTINFO/UNTYPED against the platform, the plan and the kernel's own boot: RAM untypeds in RAM, device untypeds outside it. */
function bootInfoProblems(image: BootImage, machine: Machine, plan: Plan, model: BootModel, where: { file?: string }): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ram = machine.platform.ram;
  const inRam = (base: number, size: number): boolean => ram.some((r) => base >= r.base && base + size <= r.base + r.size);
  const touchesRam = (base: number, size: number): boolean => ram.some((r) => base < r.base + r.size && r.base < base + size);
  const info = image.bootInfo;
  if (info.untyped.end - info.untyped.start !== image.untyped.length) {
    out.push(createDiagnostic(D.bootInfoMismatch, { detail: `bootinfo lists ${info.untyped.end - info.untyped.start} untyped slots for ${image.untyped.length} untypeds` }, where));
  }
  // The image's UNTYPED section states the bootinfo its plan expects: it must fit the platform.
  image.untyped.forEach((u, i) => {
    const size = 2 ** u.sizeBits;
    if (!u.isDevice && !inRam(u.paddr, size)) {
      out.push(createDiagnostic(D.bootInfoMismatch, { detail: `RAM untyped ${i} at '${hex(u.paddr)}' (2^${u.sizeBits} bytes) is not inside the platform's RAM` }, where));
    }
    if (u.isDevice && touchesRam(u.paddr, size)) {
      out.push(createDiagnostic(D.bootInfoMismatch, { detail: `device untyped ${i} at '${hex(u.paddr)}' (2^${u.sizeBits} bytes) overlaps the platform's RAM` }, where));
    }
  });
  // The kernel's own boot hands out exactly the untypeds the plan was made for.
  model.untypeds.forEach((u, i) => {
    const p = plan.untyped[i];
    const actual = `${hex(u.paddr)} 2^${u.sizeBits}${u.isDevice ? ' device' : ''} slot ${model.slots.untyped.start + i}`;
    const planned = p ? `${hex(p.paddr)} 2^${p.sizeBits}${p.isDevice ? ' device' : ''} slot ${p.slot}` : 'absent';
    if (planned !== actual) out.push(createDiagnostic(D.bootUntypedMismatch, { index: i, planned, actual }, where));
  });
  if (plan.untyped.length > model.untypeds.length) {
    out.push(createDiagnostic(D.bootUntypedMismatch, { index: model.untypeds.length, planned: 'present', actual: 'absent' }, where));
  }
  // The machine may emulate less RAM than the platform has (its ramLimit): name the first object
  // that lies beyond, rather than fault on the kernel's first write there.
  const emulated = machine.ram;
  // The kernel's own objects for the root task sit at the top of RAM (seL4 init_freemem).
  const rs = model.rootServer.region;
  const placed = [
    ...plan.objects.filter((o) => plan.untyped[o.untyped]?.isDevice === false).map((o) => ({ name: o.name, paddr: o.paddr, end: o.paddr + 2 ** o.sizeBits })),
    { name: 'rootserver_objects', paddr: rs.start, end: rs.end },
  ];
  const beyond = placed.filter((o) => o.end > emulated.base + emulated.size).sort((a, b) => a.paddr - b.paddr)[0];
  if (beyond) {
    const needed = Math.max(...placed.map((o) => o.end)) - emulated.base;
    out.push(
      createDiagnostic(
        D.bootBeyondEmulatedRam,
        {
          object: beyond.name,
          paddr: hex(beyond.paddr),
          end: hex(beyond.end - 1),
          ramBase: hex(emulated.base),
          ramEnd: hex(emulated.base + emulated.size - 1),
          needed: hex(Math.ceil(needed / 0x1000) * 0x1000),
        },
        where,
      ),
    );
  }
  if (plan.rootTask.cnodeSizeBits !== info.initThreadCNodeSizeBits) {
    out.push(createDiagnostic(D.bootInfoMismatch, { detail: `the plan's root CNode has 2^${plan.rootTask.cnodeSizeBits} slots, bootinfo says 2^${info.initThreadCNodeSizeBits}` }, where));
  }
  return out;
}

/** The physical address `vaddr` maps to in `root`, or -1. */
export function translate(kernel: Kernel, root: PageTableObject, vaddr: number): number {
  const { slot, bitsLeft } = lookupPtSlot(kernel, root.paddr, vaddr);
  const pte = kernel.memory.readU32(slot);
  if ((pte & PTE_V) === 0 || !pteIsLeaf(pte)) return -1;
  return ptePaddr(pte) + (vaddr & ((1 << bitsLeft) - 1));
}

/** Copies each segment page into the frame the component's VSpace maps there. */
function loadSegments(system: { kernel: Kernel; image: BootImage }, c: BootedComponent, where: { file?: string }): Diagnostic[] {
  const image = system.image.components.find((x) => x.name === c.plan.name);
  if (!image) return [createDiagnostic(D.bootComponentMissing, { component: c.plan.name }, where)];
  const mem = system.kernel.memory;
  for (const seg of image.segments) {
    for (let off = 0; off < seg.memsz; off += 4096) {
      const vaddr = seg.vaddr + off;
      const paddr = translate(system.kernel, c.vspace, vaddr);
      if (paddr < 0 || !mem.contains(paddr, 4096)) {
        return [createDiagnostic(D.bootSegmentUnmapped, { component: c.plan.name, vaddr: hex(vaddr) }, where)];
      }
      const chunk = seg.data.subarray(off, Math.min(off + 4096, seg.data.length));
      mem.fill(paddr, 4096, 0);
      mem.writeBytes(paddr, chunk);
    }
  }
  return [];
}

/**
 * Everything the boot checks before the kernel runs: the signer (when keys are trusted), the plan's version and shape, the machine the
 * DTB describes, bootinfo against that platform, and the system rules (planRules). `inspect` runs
 * it too, so it reads the DTB and the plan as deeply as `check` does.
 */
export function prepareBoot(image: BootImage, options: BootOptions = {}): { readonly ok: true; readonly plan: Plan; readonly machine: Machine; readonly model: BootModel } | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] } {
  const where = options.file !== undefined ? { file: options.file } : {};
  const untrusted = options.trustedKeys?.length ? trustProblem(image.signature, options.trustedKeys, where) : undefined;
  if (untrusted) return { ok: false, diagnostics: [untrusted] };
  const refusedPlan = planDiagnostic(image.plan, where);
  if (refusedPlan) return { ok: false, diagnostics: [refusedPlan] };
  const plan = image.plan as unknown as Plan;

  let machine: Machine;
  try {
    machine = createMachine(image.dtb, {
      sink: {
        uartByte: (device, byte) => options.sink?.uartByte?.(device, byte),
        powerOff: (kind, code) => options.sink?.powerOff?.(kind, code),
      },
      ...(options.ramLimit !== undefined ? { ramLimit: options.ramLimit } : {}),
    });
  } catch (error) {
    if (error instanceof DiagnosticError) return { ok: false, diagnostics: [error.diagnostic] };
    throw error;
  }
  let model: BootModel;
  try {
    model = bootModelOf(image, machine, plan);
  } catch (error) {
    if (!(error instanceof BootModelError)) throw error;
    return { ok: false, diagnostics: [createDiagnostic(D.bootKernelRefused, { reason: error.message }, where)] };
  }
  // The plan must fit the platform and obey the system rules (a re-sealed image could grant what no descriptor may).
  const refused = [...bootInfoProblems(image, machine, plan, model, where), ...planRuleDiagnostics({ plan, components: image.components, platform: machine.platform }, where)];
  if (refused.length > 0) return { ok: false, diagnostics: refused };
  return { ok: true, plan, machine, model };
}

/**
 * Boots an image (bytes or already read). Never throws for a bad image: every problem comes back as
 * diagnostics (a malformed image as its KC6xxx error).
 */
export function bootImage(input: Uint8Array | BootImage, options: BootOptions = {}): BootResult {
  const where = options.file !== undefined ? { file: options.file } : {};
  let image: BootImage;
  try {
    image = input instanceof Uint8Array ? readImage(input, options.file) : input;
  } catch (error) {
    if (error instanceof DiagnosticError) return { ok: false, diagnostics: [error.diagnostic] };
    throw error;
  }
  const prepared = prepareBoot(image, options);
  if (!prepared.ok) return prepared;
  const { plan, machine, model } = prepared;
  const config = plan.boot.kernelConfig;

  const plic = machine.plic;
  const interruptContext = plic ? plic.contextTargets.indexOf(IRQ_S_EXT) : -1;
  const kernel = new Kernel({
    memory: machine.ram,
    ...(plic && interruptContext >= 0 ? { interrupts: plicController(plic, interruptContext), maxIrq: plic.ndev } : {}),
    hooks: {
      ...options.hooks,
      tlbFlush: () => machine.cpu.flushTlb(),
    },
    ...(options.timeSlice !== undefined ? { timeSlice: options.timeSlice } : {}),
    rootCNodeSizeBits: config.rootCNodeSizeBits,
    rootServer: model.rootServer,
    tcbBits: tcbBits(config),
    debug: config.debugBuild,
  });
  // The loader's part: the DTB at its place in RAM (seL4 copies it into the extra bootinfo).
  const placed = placeBootImages(config.kernelImage.end, image.dtb.length);
  if (image.dtb.length > 0) machine.ram.writeBytes(placed.dtbPaddr, image.dtb);
  createInitialThread(kernel, model, {
    bootInfo: encodeBootInfo(bootInfoOfModel(model, config.rootCNodeSizeBits)),
    dtb: image.dtb.length > 0 ? image.dtb : null,
    entry: plan.boot.userImage.entry,
  });

  const failed = realizePlan(kernel, plan, options.file);
  if (failed.length > 0) return { ok: false, diagnostics: failed };

  const byName = objectsByName(kernel, plan);
  const components: BootedComponent[] = [];
  const missing: Diagnostic[] = [];
  for (const c of plan.components) {
    const tcb = byName.get(c.objects.tcb);
    const vspace = byName.get(c.objects.vspace);
    if (!tcb || tcb.type !== 'tcb' || !vspace || vspace.type !== 'pageTable') {
      missing.push(createDiagnostic(D.bootPlanUnreadable, { detail: `component '${c.name}' has no TCB or VSpace after the invocations` }, where));
      continue;
    }
    (tcb as TcbObject).name = c.name;
    components.push({ plan: c, tcb: tcb as TcbObject, vspace: vspace as PageTableObject });
  }
  if (missing.length > 0) return { ok: false, diagnostics: missing };
  for (const c of components) {
    const problems = loadSegments({ kernel, image }, c, where);
    if (problems.length > 0) return { ok: false, diagnostics: problems };
  }
  const ram = machine.platform.ram;
  const diagnostics = verifyBoot(
    kernel,
    plan,
    components,
    {
      deviceAt: (paddr) => machine.deviceAt(paddr),
      isRam: (paddr) => ram.some((r) => paddr >= r.base && paddr < r.base + r.size),
    },
    options.file,
  );
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  // Input sent while the root task boots would overrun a UART nobody drives yet.
  if (options.stdin !== undefined) machine.uart?.pushInput(options.stdin);
  return {
    ok: true,
    system: { image, plan, machine, kernel, components, interruptContext, warnings: machine.diagnostics },
  };
}
