// Checks of names and references: unique components, regions, channel/device/mapping names per
// component; channels, mappings and fault handlers naming things that exist; fault-handler cycles.
import { D, type DiagnosticBag } from '../../schema/diagnostics.js';
import type { ModelComponent, SystemModel } from '../resolvePlatform.js';

export function checkNames(model: SystemModel, bag: DiagnosticBag): void {
  const components = new Map<string, number>();
  for (const c of model.components) {
    const first = components.get(c.name);
    if (first === undefined) components.set(c.name, c.index);
    else bag.add(D.duplicateComponentName, { name: c.name, first, second: c.index }, { path: `${c.path}.name` });
  }
  const regions = new Map<string, number>();
  model.memoryRegions.forEach((r, index) => {
    const first = regions.get(r.name);
    if (first === undefined) regions.set(r.name, index);
    else bag.add(D.duplicateRegionName, { name: r.name, first, second: index }, { path: `${r.path}.name` });
  });
  const known = [...components.keys()].map((n) => `'${n}'`).join(', ');
  for (const channel of model.channels) {
    for (const end of ['from', 'to'] as const) {
      if (!components.has(channel[end])) {
        bag.add(D.unknownChannelComponent, { channel: channel.name, name: channel[end], known }, { path: `${channel.path}.${end}` });
      }
    }
  }
  const knownRegions = [...regions.keys()].map((n) => `'${n}'`).join(', ') || 'none';
  for (const c of model.components) {
    if (c.faultHandler !== null && !components.has(c.faultHandler)) {
      bag.add(D.unknownFaultHandler, { name: c.faultHandler, component: c.name, known }, { path: `${c.path}.faultHandler` });
    }
    for (const m of c.memory) {
      if (!regions.has(m.region)) bag.add(D.unknownRegion, { component: c.name, name: m.region, known: knownRegions }, { path: `${m.path}.region` });
    }
    reportDuplicates(c.devices, (d) => d.name, (d) => bag.add(D.duplicateDeviceName, { component: c.name, name: d.name }, { path: d.path }));
    reportDuplicates(c.memory, (m) => m.name, (m) => bag.add(D.duplicateMappingName, { component: c.name, name: m.name }, { path: m.path }));
    const ends = c.channelEnds.filter((e, i, all) => all.findIndex((o) => o.channel === e.channel) === i);
    reportDuplicates(ends, (e) => e.name, (e) =>
      bag.add(D.duplicateChannelName, { component: c.name, name: e.name }, { path: model.channels[e.channel]!.path }),
    );
  }
  checkFaultHandlerCycles(model, bag);
}

function reportDuplicates<T>(items: readonly T[], key: (item: T) => string, report: (second: T) => void): void {
  const seen = new Set<string>();
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) report(item);
    seen.add(k);
  }
}

/** Follows each component's fault-handler chain; every cycle is reported once, at its first member. */
function checkFaultHandlerCycles(model: SystemModel, bag: DiagnosticBag): void {
  // Name → the component whose fault handler counts for it: the first of that name with one (a
  // later one of the same name is KC3001 and may have none).
  const handled = new Map<string, ModelComponent>();
  for (const c of model.components) if (c.faultHandler !== null && !handled.has(c.name)) handled.set(c.name, c);
  const reported = new Set<string>();
  for (const c of model.components) {
    const chain: string[] = [];
    let current: string | undefined = c.name;
    while (current !== undefined && !chain.includes(current)) {
      chain.push(current);
      current = handled.get(current)?.faultHandler ?? undefined;
    }
    if (current === undefined) continue;
    const cycle = chain.slice(chain.indexOf(current));
    if (cycle.some((n) => reported.has(n))) continue;
    cycle.forEach((n) => reported.add(n));
    const first = model.components.find((m) => cycle.includes(m.name))!;
    const start = cycle.indexOf(first.name);
    const ordered = [...cycle.slice(start), ...cycle.slice(0, start), first.name];
    bag.add(D.faultHandlerCycle, { cycle: ordered.map((n) => `'${n}'`).join(' → ') }, { path: `${handled.get(first.name)!.path}.faultHandler` });
  }
}
