// The system as a graph for `export --to dot|mermaid` and the HTML report: components with their
// priorities, channels (notify both ways, PPC from caller to server), shared regions and devices.
import type { SystemModel } from '../resolvePlatform.js';
import type { Plan } from '../../schema/plan.js';

export interface GraphView {
  readonly name: string;
  readonly components: readonly { id: string; name: string; priority: number }[];
  readonly channels: readonly { from: string; to: string; name: string; notify: boolean; ppc: boolean; label: string }[];
  readonly regions: readonly { id: string; name: string; size: string; users: readonly { component: string; perms: string }[] }[];
  readonly devices: readonly { id: string; path: string; grants: readonly { component: string; label: string }[] }[];
}

/** A graph identifier from any name: DOT and mermaid both accept `[A-Za-z_][A-Za-z0-9_]*`. */
export function graphId(prefix: string, name: string): string {
  return `${prefix}_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

export function graphView(model: SystemModel, plan: Plan): GraphView {
  const components = plan.components.map((c) => ({ id: graphId('c', c.name), name: c.name, priority: c.tcb.priority }));
  const channels = model.channels.map((ch) => ({
    from: graphId('c', ch.from),
    to: graphId('c', ch.to),
    name: ch.name,
    notify: ch.notify,
    ppc: ch.ppc,
    label: [ch.ppc ? 'ppc' : '', ch.notify ? 'notify' : ''].filter(Boolean).join(' + '),
  }));
  const regions = model.memoryRegions.map((r) => ({
    id: graphId('r', r.name),
    name: r.name,
    size: `0x${r.size.toString(16)}`,
    users: model.components.flatMap((c) => c.memory.filter((m) => m.region === r.name).map((m) => ({ component: graphId('c', c.name), perms: m.perms }))),
  }));
  // Devices in path order, each with its MMIO and IRQ grants.
  const byDevice = new Map<string, { component: string; label: string }[]>();
  for (const g of plan.grants) {
    const list = byDevice.get(g.device) ?? [];
    list.push({ component: graphId('c', g.component), label: g.kind === 'mmio' ? `mmio ${g.perms}` : `irq ${g.irq}` });
    byDevice.set(g.device, list);
  }
  const devices = [...byDevice.keys()].sort().map((path) => ({ id: graphId('d', path), path, grants: byDevice.get(path)! }));
  return { name: model.name, components, channels, regions, devices };
}
