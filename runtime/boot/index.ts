// Boots a kaal-compose image as seL4 boots (docs/boot.md): checks it, builds the machine from its
// DTB, places the DTB and the root task as the loader does, boots the kernel's initial thread from
// the shared boot model, runs the root task on the CPU until it has executed the plan and suspended
// itself, checks every segment page it loaded, then proves the grants (verify.ts).
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
import { runRootTask } from './rootTask.js';
import { kernelTraceHook } from '../trace.js';
import { encodePlanTable, planTableOf, PlanTableError } from '../../image/rootTask.js';
import { readElf, type ElfFile } from '../../image/elf.js';
import { objectsByName, verifyBoot, type BootedComponent, type DeviceLookup } from './verify.js';
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
  /** Trace lines of the root task's system calls (`run --trace`). */
  readonly trace?: (line: string) => void;
  /** Instructions the root task may take (default ROOT_TASK_MAX_INSTRUCTIONS). */
  readonly rootTaskInstructions?: number;
}

/** How the root task's run went. */
export interface RootTaskReport {
  /** Instructions it retired, from its first to its suspend. */
  readonly instructions: number;
  /** What it printed (its boot line). */
  readonly output: string;
  /** The bootinfo frame as the root task read it (seL4_BootInfo, 4 KiB). */
  readonly bootInfo: Uint8Array;
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
  readonly rootTask: RootTaskReport;
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
  // Whether the kernel's boot hands out the untypeds the plan was made for, the root task checks
  // (roottask/main.c check_bootinfo), as it does on real seL4.
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

/** What the proof asks of the machine about an address a component can reach: its device, or whether it is the platform's RAM. */
export function deviceLookupOf(machine: Machine): DeviceLookup {
  const ram = machine.platform.ram;
  return {
    deviceAt: (paddr) => machine.deviceAt(paddr),
    isRam: (paddr) => ram.some((r) => paddr >= r.base && paddr < r.base + r.size),
  };
}

/** The physical address `vaddr` maps to in `root`, or -1. */
export function translate(kernel: Kernel, root: PageTableObject, vaddr: number): number {
  const { slot, bitsLeft } = lookupPtSlot(kernel, root.paddr, vaddr);
  const pte = kernel.memory.readU32(slot);
  if ((pte & PTE_V) === 0 || !pteIsLeaf(pte)) return -1;
  return ptePaddr(pte) + (vaddr & ((1 << bitsLeft) - 1));
}

/** Every segment page the root task loaded holds the image's bytes, through the component's own page tables. */
export function checkSegments(kernel: Kernel, machine: Machine, image: BootImage, c: BootedComponent, where: { file?: string }): Diagnostic[] {
  const code = image.components.find((x) => x.name === c.plan.name)!;
  const mem = kernel.memory;
  for (const seg of code.segments) {
    for (let off = 0; off < seg.memsz; off += 4096) {
      const vaddr = seg.vaddr + off;
      const paddr = translate(kernel, c.vspace, vaddr);
      if (paddr < 0 || !mem.contains(paddr, 4096)) {
        return [createDiagnostic(D.bootSegmentUnmapped, { component: c.plan.name, vaddr: hex(vaddr) }, where)];
      }
      const expected = new Uint8Array(4096);
      expected.set(seg.data.subarray(off, Math.min(off + 4096, seg.data.length)));
      if (!Buffer.from(machine.ram.readBytes(paddr, 4096)).equals(expected)) {
        return [createDiagnostic(D.bootSegmentContent, { component: c.plan.name, vaddr: hex(vaddr) }, where)];
      }
    }
  }
  return [];
}

/** The first byte where two tables differ, named by the part of the expected table it is in. */
function tableDifference(carried: Uint8Array, expected: Uint8Array): string {
  if (carried.length !== expected.length) return `it has ${carried.length} bytes, the plan's has ${expected.length}`;
  let at = 0;
  while (at < expected.length && carried[at] === expected[at]) at++;
  const view = new DataView(expected.buffer, expected.byteOffset, expected.byteLength);
  const word = (i: number) => view.getUint32(4 * i, true);
  const parts: [string, number, number][] = [
    ['the header', 0, 1],
    ['untyped', word(7), 8],
    ['invocation', word(9), 32],
    ['page', word(12), 16],
    ['message word', word(13), 4],
    ['the strings', word(14), 1],
  ];
  const part = parts.filter(([, start]) => start <= at).pop()!;
  const index = Math.floor((at - part[1]) / part[2]);
  // The header and the strings are one part each (a stride of 1 byte); the rest are numbered entries.
  return `byte ${at} differs (${part[2] > 1 ? `${part[0]} ${index}` : part[0]})`;
}

/**
 * The image's root task: an ELF inside the plan's user image, entered where the plan says, whose
 * table is exactly the one the plan and the image's components give (the root task executes its
 * table; the proof checks the plan: they must be the same).
 */
function rootTaskProblem(image: BootImage, plan: Plan, where: { file?: string }): { elf: ElfFile } | { diagnostic: Diagnostic } {
  if (!image.rootTask) return { diagnostic: createDiagnostic(D.bootRootTaskMissing, {}, where) };
  const elf = readElf(image.rootTask, 'root task');
  const ui = plan.boot.userImage;
  if (elf.entry !== ui.entry) {
    return { diagnostic: createDiagnostic(D.bootRootTaskImage, { detail: `its entry is '${hex(elf.entry)}', the plan's '${hex(ui.entry)}'` }, where) };
  }
  const outside = elf.segments.find((s) => s.vaddr < ui.vaddr || s.vaddr + s.memsz > ui.vaddr + ui.size);
  if (outside) {
    const range = `'${hex(outside.vaddr)}'..'${hex(outside.vaddr + outside.memsz)}'`;
    return { diagnostic: createDiagnostic(D.bootRootTaskImage, { detail: `its segment at ${range} is outside '${hex(ui.vaddr)}'..'${hex(ui.vaddr + ui.size)}'` }, where) };
  }
  let expected: Uint8Array;
  try {
    expected = encodePlanTable(plan, image.components);
  } catch (error) {
    if (!(error instanceof PlanTableError)) throw error;
    return { diagnostic: createDiagnostic(D.bootSegmentUnmapped, { component: error.component, vaddr: hex(error.vaddr) }, where) };
  }
  const carried = planTableOf(elf)!;
  if (!Buffer.from(carried).equals(expected)) {
    return { diagnostic: createDiagnostic(D.bootRootTaskTableDiffers, { detail: tableDifference(carried, expected) }, where) };
  }
  return { elf };
}

/**
 * Everything the boot checks before the kernel runs: the signer (when keys are trusted), the plan's version and shape, the machine the
 * DTB describes, bootinfo against that platform, and the system rules (planRules). `inspect` runs
 * it too, so it reads the DTB and the plan as deeply as `check` does.
 */
export function prepareBoot(
  image: BootImage,
  options: BootOptions = {},
): { readonly ok: true; readonly plan: Plan; readonly machine: Machine; readonly model: BootModel; readonly rootTask: ElfFile } | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] } {
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
  const ghost = plan.components.find((c) => !image.components.some((x) => x.name === c.name));
  if (ghost) return { ok: false, diagnostics: [createDiagnostic(D.bootComponentMissing, { component: ghost.name }, where)] };
  const rootTask = rootTaskProblem(image, plan, where);
  if ('diagnostic' in rootTask) return { ok: false, diagnostics: [rootTask.diagnostic] };
  return { ok: true, plan, machine, model, rootTask: rootTask.elf };
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
  const { plan, machine, model, rootTask } = prepared;
  const config = plan.boot.kernelConfig;

  const plic = machine.plic;
  const interruptContext = plic ? plic.contextTargets.indexOf(IRQ_S_EXT) : -1;
  const kernel = new Kernel({
    memory: machine.ram,
    ...(plic && interruptContext >= 0 ? { interrupts: plicController(plic, interruptContext), maxIrq: plic.ndev } : {}),
    hooks: {
      ...options.hooks,
      tlbFlush: (_root, asid, vaddr) => machine.cpu.sfenceVma(vaddr, asid),
    },
    ...(options.timeSlice !== undefined ? { timeSlice: options.timeSlice } : {}),
    rootCNodeSizeBits: config.rootCNodeSizeBits,
    rootServer: model.rootServer,
    tcbBits: tcbBits(config),
    debug: config.debugBuild,
  });
  // The loader's part: the DTB and the root task's segments at their places in RAM (seL4 copies
  // the DTB into the extra bootinfo and maps the user image's frames where the ELF links).
  const placed = placeBootImages(config.kernelImage.end, image.dtb.length);
  if (image.dtb.length > 0) machine.ram.writeBytes(placed.dtbPaddr, image.dtb);
  const ui = plan.boot.userImage;
  machine.ram.fill(placed.userImagePaddr, ui.size, 0);
  for (const s of rootTask.segments) machine.ram.writeBytes(placed.userImagePaddr + (s.vaddr - ui.vaddr), s.data);
  createInitialThread(kernel, model, {
    bootInfo: encodeBootInfo(bootInfoOfModel(model, config.rootCNodeSizeBits)),
    dtb: image.dtb.length > 0 ? image.dtb : null,
    entry: ui.entry,
  });

  const traced = options.trace ? kernelTraceHook(options.trace, () => machine.clock.nanoseconds(), plan) : undefined;
  if (traced) kernel.hooks.trace = traced.hook;
  const ran = runRootTask(kernel, machine, {
    ...(options.file !== undefined ? { file: options.file } : {}),
    ...(options.rootTaskInstructions !== undefined ? { maxInstructions: options.rootTaskInstructions } : {}),
  });
  traced?.flush();
  kernel.hooks.trace = options.hooks?.trace;
  if (ran.diagnostics.length > 0) return { ok: false, diagnostics: ran.diagnostics };
  const rootTaskReport: RootTaskReport = { instructions: ran.instructions, output: ran.output, bootInfo: machine.ram.readBytes(model.rootServer.bootInfo, 4096) };

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
    const problems = checkSegments(kernel, machine, image, c, where);
    if (problems.length > 0) return { ok: false, diagnostics: problems };
  }
  const diagnostics = verifyBoot(kernel, plan, components, deviceLookupOf(machine), options.file);
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  // Input sent while the root task boots would overrun a UART nobody drives yet.
  if (options.stdin !== undefined) machine.uart?.pushInput(options.stdin);
  return {
    ok: true,
    system: { image, plan, machine, kernel, components, interruptContext, warnings: machine.diagnostics, rootTask: rootTaskReport },
  };
}
