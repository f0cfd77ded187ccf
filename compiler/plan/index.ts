// Stage 4: the capability-distribution plan (docs/plan.md). Pure: SystemModel + Platform + each
// component's ELF segments → Plan (JSON-shaped, sorted, byte-identical for the same inputs) and
// the KC4xxx problems found while planning. Run after `checkSystem` reported no errors.
import { DiagnosticBag, type Diagnostic } from '../../schema/diagnostics.js';
import {
  CNODE_RADIX_BITS,
  NOTIFICATION_SIZE_BITS,
  ENDPOINT_SIZE_BITS,
  PAGE_BITS,
  PAGE_TABLE_BITS,
  SLOT_BITS,
  Slot,
  VSPACE_BITS,
  ASID_POOL_BITS,
  ASID_POOL_SIZE_BITS,
} from '../../schema/abi.js';
import { D } from '../../schema/diagnostics.js';
import {
  MAX_ROOT_CNODE_BITS,
  MIN_ROOT_CNODE_BITS,
  PLAN_FORMAT_VERSION,
  placeholderElf,
  type ComponentElfInfo,
  type ComponentPlan,
  type Grant,
  type Mapping,
  type Plan,
  type PlanObject,
} from '../../schema/plan.js';
import type { Platform } from '../../image/platformModel.js';
import type { ModelRegion, SystemModel } from '../resolvePlatform.js';
import { mmioWindows, usableDevice } from '../check/mmio.js';
import { defaultKernelConfig, kernelConfigRecord, predictBoot, type RootTaskImageInfo } from './untyped.js';
import { tcbBits, type KernelConfig } from '../../image/kernelConfig.js';
import type { Region } from '../../image/bootModel.js';
import { layoutVSpace, mmioFrameName, type VSpaceSpec } from './vspace.js';
import { allocateObjects, type ObjectNeed } from './objects.js';
import { buildCSpace, componentObjects } from './cspace.js';
import { buildInvocations, INITIAL_POOL_FREE, POOL_SIZE, type ComponentRealization } from './invocations.js';
import type { ElfFile } from '../../image/elf.js';

export { predictBoot, defaultKernelConfig, type RootTaskImageInfo } from './untyped.js';

export interface PlanResult {
  readonly plan: Plan;
  readonly diagnostics: readonly Diagnostic[];
}

export interface PlanOptions {
  /** Shown in `plan.platform.name`: 'kaal-virt-rv32' or the DTB/DTS file name. */
  readonly platformName?: string;
  /** The kernel the plan is for (default: the bundled kernel's configuration for this platform). */
  readonly kernelConfig?: KernelConfig;
  /** Bytes of the DTB the loader passes to the kernel (0: none). */
  readonly dtbSize?: number;
  /** The root task's user image (default: ROOT_TASK_PLACEHOLDER). */
  readonly rootTask?: RootTaskImageInfo;
  /** The RAM the kernel manages (seL4 `avail_p_regs`; default: the platform's RAM below 4 GiB). */
  readonly availableMemory?: readonly Region[];
}

/** The user image planned for when the caller names none: 64 KiB at 0x1_0000. */
export const ROOT_TASK_PLACEHOLDER: RootTaskImageInfo = { vaddr: 0x1_0000, size: 0x1_0000, entry: 0x1_0000 };

/** Components with their own ASID: the initial pool's free ones plus 2^5 − 1 more pools. */
export const MAX_COMPONENTS = INITIAL_POOL_FREE + (2 ** ASID_POOL_BITS - 1) * POOL_SIZE;

/** Radix of a root CNode holding `slots` caps, or null beyond seL4's limit. */
export function rootCNodeBits(slots: number): number | null {
  const bits = Math.max(MIN_ROOT_CNODE_BITS, Math.ceil(Math.log2(Math.max(slots, 2))));
  return bits > MAX_ROOT_CNODE_BITS ? null : bits;
}

/** What the planner needs of a component's ELF: its entry and loadable segments. */
export function elfInfoOf(elf: Pick<ElfFile, 'entry' | 'segments'>): ComponentElfInfo {
  return { entry: elf.entry, segments: elf.segments.map(({ vaddr, memsz, flags }) => ({ vaddr, memsz, flags })), placeholder: false };
}

export function planSystem(
  model: SystemModel,
  platform: Platform,
  elfs: Readonly<Record<string, ComponentElfInfo>>,
  options: PlanOptions = {},
): PlanResult {
  const config = options.kernelConfig ?? defaultKernelConfig(platform);
  const first = planAgainst(model, platform, elfs, options, config);
  if (config.kernel !== 'bundled' || first.usedSlots <= 2 ** config.rootCNodeSizeBits) return first.result;
  // The bundled kernel is configured per image: a root CNode big enough for the plan (seL4's limit 2^27).
  const bits = rootCNodeBits(first.usedSlots) ?? MAX_ROOT_CNODE_BITS;
  return planAgainst(model, platform, elfs, options, { ...config, rootCNodeSizeBits: bits }).result;
}

function planAgainst(
  model: SystemModel,
  platform: Platform,
  elfs: Readonly<Record<string, ComponentElfInfo>>,
  options: PlanOptions,
  config: KernelConfig,
): { result: PlanResult; usedSlots: number } {
  const bag = new DiagnosticBag();
  const prediction = predictBoot(platform, config, options.dtbSize ?? 0, options.rootTask ?? ROOT_TASK_PLACEHOLDER, bag, options.availableMemory);
  if (!prediction) return { result: { plan: emptyPlan(model, platform, options, config), diagnostics: bag.sorted() }, usedSlots: 0 };
  const regions = new Map<string, ModelRegion>();
  for (const r of model.memoryRegions) if (!regions.has(r.name)) regions.set(r.name, r);

  // Which components need an endpoint: PPC servers and fault handlers.
  const needsEndpoint = new Set<string>();
  for (const ch of model.channels) if (ch.ppc) needsEndpoint.add(ch.to);
  for (const c of model.components) if (c.faultHandler !== null) needsEndpoint.add(c.faultHandler);
  const objectsOf = new Map(model.components.map((c) => [c.name, componentObjects(c.name, needsEndpoint.has(c.name))] as const));

  // Step 1: address spaces, and from them every object the system needs.
  const needs = new Map<string, ObjectNeed>();
  const need = (n: ObjectNeed) => {
    if (!needs.has(n.name)) needs.set(n.name, n);
  };
  const spaces = model.components.map((c) => {
    const elf = elfs[c.name] ?? placeholderElf();
    const space = layoutVSpace(c, regions, elf, bag);
    const objects = objectsOf.get(c.name)!;
    need({ name: objects.tcb, kind: 'tcb', sizeBits: tcbBits(config), paddr: null, owner: c.name, purpose: 'tcb', path: c.path });
    need({ name: objects.cnode, kind: 'cnode', sizeBits: CNODE_RADIX_BITS + SLOT_BITS, paddr: null, owner: c.name, purpose: 'cnode', path: c.path });
    need({ name: objects.vspace, kind: 'vspace', sizeBits: VSPACE_BITS, paddr: null, owner: c.name, purpose: 'vspace', path: c.path });
    need({ name: objects.notification, kind: 'notification', sizeBits: NOTIFICATION_SIZE_BITS, paddr: null, owner: c.name, purpose: 'input', path: c.path });
    if (objects.endpoint) need({ name: objects.endpoint, kind: 'endpoint', sizeBits: ENDPOINT_SIZE_BITS, paddr: null, owner: c.name, purpose: 'endpoint', path: c.path });
    for (const w of space.pageTableWindows) {
      need({ name: pageTableName(c.name, w), kind: 'pageTable', sizeBits: PAGE_TABLE_BITS, paddr: null, owner: c.name, purpose: 'pageTable', path: c.path });
    }
    for (const f of space.frames) {
      const path = f.purpose.startsWith('region:') ? regions.get(f.purpose.slice(7))?.path : c.path;
      const at = path !== undefined && f.paddr !== null && f.purpose.startsWith('region:') ? `${path}.paddr` : path;
      need({ name: f.name, kind: 'frame', sizeBits: PAGE_BITS, paddr: f.paddr, owner: f.owner, purpose: f.purpose, path: at });
    }
    return { component: c, elf, space };
  });
  const extraPools = Math.max(0, Math.ceil((model.components.length - INITIAL_POOL_FREE) / POOL_SIZE));
  if (model.components.length > MAX_COMPONENTS) {
    bag.add(D.asidsExhausted, { count: model.components.length, max: MAX_COMPONENTS }, { path: 'components' });
  }
  const asidPools = Array.from({ length: extraPools }, (_, i) => `asid_pool_${String(i).padStart(3, '0')}`);
  for (const name of asidPools) need({ name, kind: 'asidPool', sizeBits: ASID_POOL_SIZE_BITS, paddr: null, owner: null, purpose: 'asidPool' });

  // Step 2: allocation from the untypeds.
  const firstFree = prediction.model.slots.empty.start;
  const allocation = allocateObjects(prediction.untyped, [...needs.values()], firstFree, prediction.kernelReserved, prediction.ram, bag);
  const byName = new Map<string, PlanObject>(allocation.objects.map((o) => [o.name, o] as const));

  // Step 3: CSpaces, VSpaces with physical addresses, IRQs, TCBs.
  const components: ComponentPlan[] = [];
  const realizations: ComponentRealization[] = [];
  for (const { component: c, elf, space } of spaces) {
    const objects = objectsOf.get(c.name)!;
    const { cspace, irqs } = buildCSpace(c, objects, objectsOf);
    const vspace: Mapping[] = space.mappings.map((m) => ({
      vaddr: m.vaddr, size: m.size, frame: m.frame, paddr: byName.get(m.frame)?.paddr ?? 0, perms: m.perms,
      cached: m.cached, purpose: m.purpose, source: m.source, name: m.name ?? '',
    }));
    const pageTables = space.pageTableWindows.map((vaddr) => ({ vaddr, object: pageTableName(c.name, vaddr) }));
    const faultEndpointSlot = cspace.some((s) => s.slot === Slot.faultEndpoint) ? Slot.faultEndpoint : 0;
    components.push({
      name: c.name,
      index: c.index,
      elfPlaceholder: elf.placeholder,
      tcb: { priority: c.priority, entry: space.entry, stackTop: space.stackTop, stackBottom: space.stackBottom, ipcBuffer: space.ipcBuffer, faultEndpointSlot },
      objects,
      cspace,
      vspace,
      pageTables,
      irqs,
      channels: c.channelEnds
        .filter((e) => e.id !== null && e.peerId !== null)
        .map((e) => ({ id: e.id!, name: e.name, peer: e.peer, peerId: e.peerId!, notify: e.notify, ppc: e.ppc }))
        .sort((a, b) => a.id - b.id),
    });
    realizations.push({ name: c.name, objects, cspace, irqs, pageTables, mappings: vspace, priority: c.priority, entry: space.entry, stackTop: space.stackTop, ipcBuffer: space.ipcBuffer, faultEndpointSlot });
  }

  // Step 4: invocations and the root CNode they need.
  const { invocations, usedSlots } = buildInvocations(allocation.objects, realizations, asidPools, firstFree + allocation.objects.length);
  const cnodeSizeBits = config.rootCNodeSizeBits;
  const growable = config.kernel === 'bundled' && cnodeSizeBits < MAX_ROOT_CNODE_BITS;
  if (usedSlots > 2 ** cnodeSizeBits && !growable) {
    bag.add(D.rootSlotsExhausted, { slots: usedSlots, maxBits: cnodeSizeBits });
  }

  const untyped = prediction.untyped.map((u) => ({ ...u, usedBytes: allocation.usedBytes[u.index]! }));
  const plan: Plan = {
    formatVersion: PLAN_FORMAT_VERSION as 1,
    system: model.name,
    platform: platformSummary(model, platform, options, config),
    rootTask: {
      cnodeSizeBits,
      untypedSlots: { ...prediction.model.slots.untyped },
      firstFreeSlot: firstFree,
      usedSlots,
      cptrDepth: 32,
    },
    boot: prediction.boot,
    untyped,
    objects: [...allocation.objects],
    components,
    grants: collectGrants(model, spaces.map((s) => s.space)),
    invocations,
    utilisation: utilisation(untyped, allocation.objects, usedSlots),
  };
  return { result: { plan, diagnostics: bag.sorted() }, usedSlots };
}

/** What the plan assumed about the board; `kernelReserved` is the kernel's image. */
function platformSummary(model: SystemModel, platform: Platform, options: PlanOptions, config: KernelConfig): Plan['platform'] {
  return {
    name: options.platformName ?? model.platformName,
    model: platform.model,
    ram: platform.ram.map((r) => ({ base: r.base, size: r.size })),
    kernelReserved: { base: config.kernelImage.start, size: config.kernelImage.end - config.kernelImage.start },
    physicalTop: 2 ** 32,
  };
}

/** The plan of a system seL4 would not boot: its diagnostics say why; nothing to realize. */
function emptyPlan(model: SystemModel, platform: Platform, options: PlanOptions, config: KernelConfig): Plan {
  const none = { start: 0, end: 0 };
  return {
    formatVersion: PLAN_FORMAT_VERSION as 1,
    system: model.name,
    platform: platformSummary(model, platform, options, config),
    rootTask: { cnodeSizeBits: config.rootCNodeSizeBits, untypedSlots: none, firstFreeSlot: 0, usedSlots: 0, cptrDepth: 32 },
    boot: {
      kernelConfig: kernelConfigRecord(config),
      dtb: { paddr: 0, size: 0 },
      userImage: { paddr: 0, size: 0, vaddr: 0, entry: 0 },
      bootInfo: { untyped: none, empty: none, userImageFrames: none, userImagePaging: none, extraBIPages: none, ipcBuffer: 0, bootInfoVaddr: 0, extraLen: 0, untypedsDropped: 0 },
      rootServer: { cnode: 0, vspace: 0, asidPool: 0, ipcBuffer: 0, bootInfo: 0, extraBootInfo: 0, tcb: 0, pageTables: [] },
    },
    untyped: [],
    objects: [],
    components: [],
    grants: [],
    invocations: [],
    utilisation: utilisation([], [], 0),
  };
}

const pageTableName = (component: string, vaddr: number) => `pt_${component}_${vaddr.toString(16).padStart(8, '0')}`;

function collectGrants(model: SystemModel, spaces: readonly VSpaceSpec[]): Grant[] {
  const grants: { index: number; grant: Grant }[] = [];
  model.components.forEach((c, index) => {
    const mappings = spaces[index]!.mappings;
    for (const d of c.devices) {
      if (!usableDevice(d)) continue;
      if (d.mmio) {
        for (const w of mmioWindows(d)) {
          const first = mappings.find((m) => m.purpose === 'mmio' && m.source === d.node.path && m.frame === mmioFrameName(w.base));
          if (!first) continue;
          grants.push({ index, grant: { component: c.name, kind: 'mmio', device: d.node.path, name: d.name, paddr: w.base, size: w.size, vaddr: first.vaddr, perms: first.perms, cached: d.mmio.cached, ...(d.mmio.shared ? { shared: true } : {}), irq: null, channel: null } });
        }
      }
      for (const irq of d.irqs) {
        if (irq.channel === null || !d.node.interrupts.includes(irq.irq)) continue;
        grants.push({ index, grant: { component: c.name, kind: 'irq', device: d.node.path, name: d.name, paddr: 0, size: 0, vaddr: 0, perms: '', cached: false, irq: irq.irq, channel: irq.channel } });
      }
    }
  });
  grants.sort((a, b) => a.index - b.index || (a.grant.kind < b.grant.kind ? -1 : a.grant.kind > b.grant.kind ? 1 : 0) || a.grant.paddr - b.grant.paddr || (a.grant.irq ?? 0) - (b.grant.irq ?? 0));
  return grants.map((g) => g.grant);
}

function utilisation(untyped: Plan['untyped'], objects: readonly PlanObject[], rootSlots: number): Plan['utilisation'] {
  const ram = untyped.filter((u) => !u.isDevice);
  const perKind = new Map<string, { count: number; bytes: number }>();
  let objectBytes = 0;
  let fillerBytes = 0;
  for (const o of objects) {
    const bytes = 2 ** o.sizeBits;
    if (o.purpose === 'filler') fillerBytes += bytes;
    else if (!untyped[o.untyped]!.isDevice) objectBytes += bytes;
    const entry = perKind.get(o.kind) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += bytes;
    perKind.set(o.kind, entry);
  }
  return {
    ramBytes: ram.reduce((sum, u) => sum + 2 ** u.sizeBits, 0),
    ramUsedBytes: ram.reduce((sum, u) => sum + u.usedBytes, 0),
    objectBytes,
    fillerBytes,
    objects: objects.length,
    rootSlots,
    perKind: [...perKind].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([kind, v]) => ({ kind, ...v })),
  };
}
