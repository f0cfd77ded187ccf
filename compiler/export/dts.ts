// `export --to dts`: the platform's device tree as DTS, followed by a `/kaal` node that describes
// the system (components, grants, channels, regions) so that the system and its board read as one
// file; dtc merges the second root node into the first.
import type { SystemModel } from '../resolvePlatform.js';
import type { Plan } from '../../schema/plan.js';

export interface KaalNodeView {
  readonly name: string;
  readonly components: readonly {
    node: string;
    name: string;
    priority: number;
    entry: string;
    stackTop: string;
    ipcBuffer: string;
    grants: readonly { node: string; device: string; kind: string; cells: string; perms: string; cached: boolean }[];
  }[];
  readonly channels: readonly { node: string; from: string; to: string; fromId: number; toId: number; notify: boolean; ppc: boolean }[];
  readonly regions: readonly { node: string; size: string; paddr: string | null }[];
}

/** Node names may hold letters, digits and `,._+-` (Devicetree spec §2.2.1). */
function nodeName(prefix: string, name: string): string {
  return `${prefix}-${name.replace(/[^A-Za-z0-9,._+-]/g, '-')}`;
}

const cell = (n: number): string => `0x${n.toString(16)}`;

export function kaalNodeView(model: SystemModel, plan: Plan): KaalNodeView {
  return {
    name: model.name,
    components: plan.components.map((c) => ({
      node: nodeName('component', c.name),
      name: c.name,
      priority: c.tcb.priority,
      entry: cell(c.tcb.entry),
      stackTop: cell(c.tcb.stackTop),
      ipcBuffer: cell(c.tcb.ipcBuffer),
      grants: plan.grants
        .filter((g) => g.component === c.name)
        .map((g, i) => ({
          node: `grant-${i}`,
          device: g.device,
          kind: g.kind,
          cells: g.kind === 'mmio' ? `${cell(g.paddr)} ${cell(g.size)} ${cell(g.vaddr)}` : `${g.irq ?? 0} ${g.channel ?? 0}`,
          perms: g.perms,
          cached: g.cached,
        })),
    })),
    channels: model.channels.map((ch) => ({
      node: nodeName('channel', ch.name),
      from: ch.from,
      to: ch.to,
      fromId: ch.fromId ?? 0,
      toId: ch.toId ?? 0,
      notify: ch.notify,
      ppc: ch.ppc,
    })),
    regions: model.memoryRegions.map((r) => ({ node: nodeName('region', r.name), size: cell(r.size), paddr: r.paddr === null ? null : cell(r.paddr) })),
  };
}
