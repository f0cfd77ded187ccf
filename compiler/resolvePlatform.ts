// Stage 2: a schema-valid descriptor and its platform → `SystemModel`: defaults filled, devices bound
// to device-tree nodes (DESIGN.md "Descriptors": path, alias/label, or a compatible matching exactly
// one enabled node), MMIO ranges and IRQs derived from `reg`/`interrupts`, channel ids assigned.
import type { ValidatedSystem, ValidatedDeviceGrant } from '../schema/descriptor.js';
import { MAX_CHANNEL_ID } from '../schema/abi.js';
import { D, DiagnosticBag, type Diagnostic } from '../schema/diagnostics.js';
import type { AddressRange, OtherNodeKind, Platform, PlatformDevice } from '../image/platformModel.js';
import { findDevice } from '../image/platform.js';

/** The registers of a device a component may touch. */
export interface ModelMmio {
  /** Descriptor path for diagnostics (`components.0.devices.1.mmio`). */
  readonly path: string;
  /** CPU physical ranges: the node's `reg`, or the descriptor's `ranges`. */
  readonly ranges: readonly AddressRange[];
  readonly explicitRanges: boolean;
  readonly vaddr: number | null;
  readonly perms: string;
  readonly cached: boolean;
  readonly shared: boolean;
}

/** One interrupt delivered to a component. */
export interface ModelIrq {
  readonly path: string;
  readonly irq: number;
  /** Channel id it arrives on; null when every id 0..26 was taken (reported). */
  readonly channel: number | null;
  readonly explicitChannel: boolean;
}

/** A device grant bound to its device-tree node. */
export interface ModelDevice {
  readonly path: string;
  /** The reference as written (`serial0`, `/soc/test@100000`, `ns16550a`). */
  readonly ref: string;
  /** Name in the generated header. */
  readonly name: string;
  /** The node, or null when the reference did not resolve (reported). */
  readonly node: PlatformDevice | null;
  readonly mmio: ModelMmio | null;
  /** True when the descriptor asked for the registers with options (`mmio: {...}`). */
  readonly mmioExplicit: boolean;
  readonly irqs: readonly ModelIrq[];
  /** How the IRQ grant was asked for: `irq` absent (default), true/options (explicit), or false. */
  readonly irqRequest: 'default' | 'explicit' | 'none';
}

export interface ModelMemoryMap {
  readonly path: string;
  readonly region: string;
  readonly name: string;
  readonly vaddr: number | null;
  readonly perms: string;
  readonly cached: boolean;
}

/** One component's end of a channel, after id assignment. */
export interface ModelChannelEnd {
  /** Index in `SystemModel.channels`. */
  readonly channel: number;
  readonly path: string;
  readonly name: string;
  /** This end's id; null when none was free (reported). */
  readonly id: number | null;
  readonly peer: string;
  readonly peerId: number | null;
  readonly notify: boolean;
  readonly ppc: 'none' | 'caller' | 'server';
}

export interface ModelComponent {
  readonly index: number;
  readonly path: string;
  readonly name: string;
  readonly priority: number;
  readonly stackSize: number;
  readonly code: { readonly sources: readonly string[]; readonly elf: string | null };
  readonly faultHandler: string | null;
  readonly devices: readonly ModelDevice[];
  readonly memory: readonly ModelMemoryMap[];
  /** Channel ends of this component, in channel order. */
  readonly channelEnds: readonly ModelChannelEnd[];
}

export interface ModelRegion {
  readonly path: string;
  readonly name: string;
  readonly size: number;
  readonly paddr: number | null;
}

export interface ModelChannel {
  readonly index: number;
  readonly path: string;
  readonly name: string;
  readonly from: string;
  readonly to: string;
  readonly notify: boolean;
  readonly ppc: boolean;
  readonly fromId: number | null;
  readonly toId: number | null;
}

/** The resolved system: what every later stage sees instead of the descriptor. */
export interface SystemModel {
  readonly name: string;
  readonly platformName: string;
  readonly components: readonly ModelComponent[];
  readonly memoryRegions: readonly ModelRegion[];
  readonly channels: readonly ModelChannel[];
}

export interface ResolveResult {
  readonly model: SystemModel;
  readonly diagnostics: readonly Diagnostic[];
}

/** ValidatedSystem + Platform → SystemModel, with the problems found while binding. */
export function resolveSystem(system: ValidatedSystem, platform: Platform): ResolveResult {
  const bag = new DiagnosticBag();
  const ids = channelIdAllocator(system);

  // Step 1: channels, descriptor order; explicit ids were reserved by the allocator.
  const channels: ModelChannel[] = system.channels.map((c, index) => {
    const path = `channels.${index}`;
    const fromId = c.fromId ?? ids.next(c.from, bag, `${path}.from`);
    const toId = c.toId ?? ids.next(c.to, bag, `${path}.to`);
    return { index, path, name: c.name ?? `${c.from}_${c.to}`, from: c.from, to: c.to, notify: c.notify, ppc: c.ppc, fromId, toId };
  });

  // Each component's channel ends, in channel order (one pass: systems have thousands of channels).
  const endsOf = new Map<string, ModelChannelEnd[]>();
  const addEnd = (component: string, end: ModelChannelEnd) => {
    const ends = endsOf.get(component);
    if (ends) ends.push(end);
    else endsOf.set(component, [end]);
  };
  for (const channel of channels) {
    addEnd(channel.from, {
      channel: channel.index, path: `${channel.path}.from`, name: channel.name, id: channel.fromId,
      peer: channel.to, peerId: channel.toId, notify: channel.notify, ppc: channel.ppc ? 'caller' : 'none',
    });
    addEnd(channel.to, {
      channel: channel.index, path: `${channel.path}.to`, name: channel.name, id: channel.toId,
      peer: channel.from, peerId: channel.fromId, notify: channel.notify, ppc: channel.ppc ? 'server' : 'none',
    });
  }

  // Step 2: components and their devices; IRQs without a channel take the first free id.
  const components: ModelComponent[] = system.components.map((component, ci) => {
    const path = `components.${ci}`;
    const devices = component.devices.map((grant, di) =>
      resolveDevice(grant, `${path}.devices.${di}`, component.name, platform, ids, bag),
    );
    const memory = component.memory.map((m, mi) => ({
      path: `${path}.memory.${mi}`,
      region: m.region,
      name: m.name ?? m.region,
      vaddr: m.vaddr ?? null,
      perms: m.perms,
      cached: m.cached,
    }));
    const channelEnds = endsOf.get(component.name) ?? [];
    return {
      index: ci,
      path,
      name: component.name,
      priority: component.priority,
      stackSize: component.stackSize,
      code: { sources: component.code.sources ?? [], elf: component.code.elf ?? null },
      faultHandler: component.faultHandler ?? null,
      devices,
      memory,
      channelEnds,
    };
  });

  const memoryRegions = system.memoryRegions.map((r, index) => ({
    path: `memoryRegions.${index}`,
    name: r.name,
    size: r.size,
    paddr: r.paddr ?? null,
  }));
  return {
    model: { name: system.name, platformName: system.platform, components, memoryRegions, channels },
    diagnostics: bag.sorted(),
  };
}

function resolveDevice(
  grant: ValidatedDeviceGrant,
  path: string,
  component: string,
  platform: Platform,
  ids: ChannelIdAllocator,
  bag: DiagnosticBag,
): ModelDevice {
  const lookup = findDevice(platform, grant.device);
  const irqRequest = grant.irq === undefined ? 'default' : grant.irq === false ? 'none' : 'explicit';
  const mmioExplicit = typeof grant.mmio === 'object';
  if (lookup.kind !== 'found') {
    const other = lookup.kind === 'notFound' ? otherNode(platform, grant.device) : undefined;
    if (other) {
      const { what, why } = OTHER_NODES[other.kind];
      const ref = other.path === grant.device ? `'${other.path}'` : `'${grant.device}' ('${other.path}')`;
      bag.add(D.nodeNotADevice, { component, ref, what, why }, { path: `${path}.device` });
    } else if (lookup.kind === 'notFound') {
      bag.add(D.deviceNotFound, { component, ref: grant.device }, { path: `${path}.device` });
    } else {
      const paths = lookup.candidates.map((p) => `'${p}'`).join(', ');
      bag.add(D.deviceAmbiguous, { component, ref: grant.device, count: lookup.candidates.length, paths }, { path: `${path}.device` });
    }
    return { path, ref: grant.device, name: grant.name ?? defaultDeviceName(grant.device), node: null, mmio: null, mmioExplicit, irqs: [], irqRequest };
  }
  const node = lookup.device;
  const name = grant.name ?? defaultDeviceName(node.name);
  let mmio: ModelMmio | null = null;
  if (grant.mmio !== false) {
    const options = typeof grant.mmio === 'object' ? grant.mmio : undefined;
    const ranges = options?.ranges?.map((r) => ({ base: r.paddr, size: r.size })) ?? node.reg;
    if (ranges.length > 0 || options !== undefined) {
      mmio = {
        path: options ? `${path}.mmio` : `${path}.device`,
        ranges,
        explicitRanges: options?.ranges !== undefined,
        vaddr: options?.vaddr ?? null,
        perms: options?.perms ?? 'rw',
        cached: options?.cached ?? false,
        shared: options?.shared ?? false,
      };
    }
  }
  const irqs: ModelIrq[] = [];
  if (grant.irq !== false) {
    const options = typeof grant.irq === 'object' ? grant.irq : undefined;
    const numbers = options?.numbers ?? node.interrupts;
    const irqPath = grant.irq === undefined ? `${path}.device` : `${path}.irq`;
    numbers.forEach((irq, i) => {
      const explicit = i === 0 && options?.channel !== undefined;
      const channel = explicit ? options!.channel! : ids.next(component, bag, irqPath);
      irqs.push({ path: irqPath, irq, channel, explicitChannel: explicit });
    });
  }
  return { path, ref: grant.device, name, node, mmio, mmioExplicit, irqs, irqRequest };
}

/** A reference (path, alias or label) to a node of the tree that is not a device. */
function otherNode(platform: Platform, ref: string): { path: string; kind: OtherNodeKind } | undefined {
  // A path may end in '/' ('/soc/'); the root is '/'.
  const path = ref.startsWith('/') ? (ref.length > 1 ? ref.replace(/\/+$/, '') : ref) : (platform.aliases[ref] ?? platform.labels[ref]);
  const kind = path === undefined ? undefined : platform.otherNodes[path];
  return kind === undefined ? undefined : { path: path!, kind };
}

/** What each kind of non-device node is, and why it cannot be granted (KC3110). */
const OTHER_NODES: Record<OtherNodeKind, { what: string; why: string }> = {
  root: { what: 'the root node', why: "grant one of the devices below it ('kaal-compose dt' lists them)" },
  cpu: { what: "a CPU ('device_type = \"cpu\"')", why: 'harts belong to the kernel, which schedules components on them: they are never granted' },
  unmappedBus: { what: "a node on a bus without memory-mapped addresses ('#size-cells = <0>')", why: 'its \'reg\' is a bus address, not registers a component could map' },
  memory: { what: 'RAM (a memory node)', why: "RAM is not granted as a device: declare a 'memoryRegions' entry and map it with the component's 'memory'" },
  reservedMemory: { what: "reserved memory (a child of '/reserved-memory')", why: 'reserved memory is kept from the kernel and every component' },
  noResources: { what: "a node without 'reg' or 'interrupts'", why: 'it has no registers and no interrupt to grant: grant one of its children that has them' },
};

/** `serial@10000000` → `serial`; `ns16550a` → `ns16550a`; characters outside C identifiers → `_`. */
function defaultDeviceName(ref: string): string {
  const last = ref.split('/').pop() ?? ref;
  return (last.split('@')[0] || 'device').replace(/[^A-Za-z0-9_]/g, '_');
}

/** Hands out channel ids per component (see `channelIdAllocator`). */
interface ChannelIdAllocator {
  /** The lowest free id of `component`, or null (reported at `path`) when all 27 are taken. */
  next(component: string, bag: DiagnosticBag, path: string): number | null;
}

/**
 * The descriptor's explicit ids (channel ends and IRQ channels) are reserved first; then each
 * request takes the lowest free id, in the order of the requests (channels in descriptor order,
 * from end first; then IRQs in component/device order).
 */
function channelIdAllocator(system: ValidatedSystem): ChannelIdAllocator {
  const used = new Map<string, Set<number>>();
  const usedBy = (component: string) => {
    let set = used.get(component);
    if (!set) used.set(component, (set = new Set()));
    return set;
  };
  for (const c of system.channels) {
    if (c.fromId !== undefined) usedBy(c.from).add(c.fromId);
    if (c.toId !== undefined) usedBy(c.to).add(c.toId);
  }
  for (const component of system.components) {
    for (const d of component.devices) {
      if (typeof d.irq === 'object' && d.irq.channel !== undefined) usedBy(component.name).add(d.irq.channel);
    }
  }
  return {
    next(component, bag, path) {
      const set = usedBy(component);
      for (let id = 0; id <= MAX_CHANNEL_ID; id++) {
        if (!set.has(id)) {
          set.add(id);
          return id;
        }
      }
      bag.add(D.channelIdsExhausted, { component, max: MAX_CHANNEL_ID + 1 }, { path });
      return null;
    },
  };
}
