// The view of a system as a Microkit System Description File (shared/reference/microkit.md §a):
// components become protection domains (nested under their fault handler, as Microkit children),
// shared regions and MMIO windows become memory regions, channels keep their ids at both ends.
// The names of the generated header constants travel as Microkit's setvar attributes, the SDF's
// own way to name a value for the program (import-sdf reads them back): a channel's name as
// `setvar_id` on both ends, a device grant's name as `setvar_vaddr` on its map and `setvar_id` on
// its IRQs, a renamed region mapping as `setvar_vaddr`.
import type { ModelComponent, SystemModel } from '../resolvePlatform.js';
import type { Plan } from '../../schema/plan.js';

interface PdView {
  name: string;
  priority: number;
  stackSize: number;
  elf: string;
  /** Child id in the parent's id space, for nested PDs. */
  childId: number | null;
  maps: { mr: string; vaddr: number; perms: string; cached: boolean; setvar: string }[];
  irqs: { irq: number; id: number; setvar: string }[];
  children: PdView[];
}

export interface MicrokitView {
  readonly name: string;
  readonly regions: readonly { name: string; size: number; paddr: number | null }[];
  readonly pds: readonly PdView[];
  readonly channels: readonly { a: EndView; b: EndView }[];
}

interface EndView {
  pd: string;
  id: number;
  pp: boolean;
  notify: boolean;
  /** The channel's name (`KAAL_CH_<NAME>`). */
  setvar: string;
}

/** Microkit memory-region name of a device window: `mmio_serial_10000000`. */
function mmioRegionName(device: string, paddr: number): string {
  const node = device.split('/').pop() ?? device;
  const base = node.replace(/@.*$/, '').replace(/[^A-Za-z0-9_]/g, '_');
  return `mmio_${base}_${paddr.toString(16)}`;
}

export function microkitView(model: SystemModel, plan: Plan): MicrokitView {
  const regions: { name: string; size: number; paddr: number | null }[] = model.memoryRegions.map((r) => ({
    name: r.name,
    size: r.size,
    paddr: r.paddr,
  }));
  const deviceRegions = new Map<string, { name: string; size: number; paddr: number }>();
  const planOf = new Map(plan.components.map((c) => [c.name, c]));

  const pdOf = (component: ModelComponent): PdView => {
    const cp = planOf.get(component.name)!;
    const maps: PdView['maps'] = [];
    for (const m of component.memory) {
      const mapped = cp.vspace.filter((v) => v.purpose === 'region' && v.source === m.region);
      const vaddr = m.vaddr ?? Math.min(...mapped.map((v) => v.vaddr));
      // Microkit patches `setvar_vaddr` symbols; only a renamed mapping needs one (its header constant).
      maps.push({ mr: m.region, vaddr, perms: m.perms, cached: m.cached, setvar: m.name === m.region ? '' : m.name });
    }
    const grantName = (device: string): string => component.devices.find((d) => d.node?.path === device)?.name ?? '';
    for (const g of plan.grants.filter((g) => g.component === component.name && g.kind === 'mmio')) {
      const name = mmioRegionName(g.device, g.paddr);
      if (!deviceRegions.has(name)) deviceRegions.set(name, { name, size: g.size, paddr: g.paddr });
      maps.push({ mr: name, vaddr: g.vaddr, perms: g.perms, cached: g.cached, setvar: grantName(g.device) });
    }
    const irqDevice = new Map(plan.grants.filter((g) => g.component === component.name && g.kind === 'irq').map((g) => [g.irq, g.device]));
    return {
      name: component.name,
      priority: component.priority,
      stackSize: component.stackSize,
      elf: component.code.elf ?? `${component.name}.elf`,
      childId: null,
      maps,
      irqs: cp.irqs.map((i) => ({ irq: i.irq, id: i.channel, setvar: grantName(irqDevice.get(i.irq) ?? '') })),
      children: [],
    };
  };

  // Microkit makes a parent PD the fault handler of its children: nest by `faultHandler`.
  const views = new Map(model.components.map((c) => [c.name, pdOf(c)]));
  const roots: PdView[] = [];
  for (const c of model.components) {
    const view = views.get(c.name)!;
    const parent = c.faultHandler !== null ? views.get(c.faultHandler) : undefined;
    if (!parent) {
      roots.push(view);
      continue;
    }
    // A child id shares the parent's id space with its channel and IRQ ids.
    const parentModel = model.components.find((p) => p.name === parent.name)!;
    const used = new Set<number>([
      ...parentModel.channelEnds.map((e) => e.id ?? -1),
      ...parent.irqs.map((i) => i.id),
      ...parent.children.map((ch) => ch.childId ?? -1),
    ]);
    let id = 0;
    while (used.has(id)) id++;
    view.childId = id;
    parent.children.push(view);
  }

  const channels = model.channels.map((ch) => ({
    a: { pd: ch.from, id: ch.fromId ?? 0, pp: ch.ppc, notify: ch.notify, setvar: ch.name },
    b: { pd: ch.to, id: ch.toId ?? 0, pp: false, notify: ch.notify, setvar: ch.name },
  }));
  const sortedDeviceRegions = [...deviceRegions.values()].sort((x, y) => x.paddr - y.paddr);
  return { name: model.name, regions: [...regions, ...sortedDeviceRegions], pds: roots, channels };
}
