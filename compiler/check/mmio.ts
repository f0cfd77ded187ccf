// Checks of device grants: usable device-tree nodes (enabled, not the kernel's own controller or
// timer, with the `reg`/`interrupts` asked for), MMIO ranges inside the node and page aligned, no
// page exposing another device, permissions, caching, exclusive ownership unless `shared`, the
// MMIO/IRQ pairing of a device, and fixed-address regions not overlapping devices or each other.
// The rules the boot also applies to a plan (kernel-owned devices, pages exposing another device,
// exclusive MMIO) come from image/systemRules.ts; this file gives them their messages and positions.
import { D, type DiagnosticBag } from '../../schema/diagnostics.js';
import type { Platform, PlatformDevice } from '../../image/platformModel.js';
import { isEnabled } from '../../image/platform.js';
import type { ModelComponent, ModelDevice, SystemModel } from '../resolvePlatform.js';
import { deviceSharingWindow, kernelRole, mmioConflicts } from '../../image/systemRules.js';
import { hex, overlaps, pageDown, pageUp } from './format.js';

/** A grant the checks consider usable: bound to an enabled node the kernel does not own. */
export function usableDevice(d: ModelDevice): d is ModelDevice & { node: PlatformDevice } {
  return d.node !== null && isEnabled(d.node) && kernelRole(d.node) === null;
}

/** The page-rounded windows an MMIO grant maps. */
export function mmioWindows(d: ModelDevice): { base: number; size: number }[] {
  return d.mmio ? pageWindows(d.mmio.ranges) : [];
}

function pageWindows(ranges: readonly { base: number; size: number }[]): { base: number; size: number }[] {
  return ranges.map((r) => {
    const base = pageDown(r.base);
    return { base, size: pageUp(r.base + r.size) - base };
  });
}

export function checkMmio(model: SystemModel, platform: Platform, bag: DiagnosticBag): void {
  for (const c of model.components) {
    const seen = new Map<string, number>();
    c.devices.forEach((d, di) => {
      if (d.node === null) return;
      const first = seen.get(d.node.path);
      if (first !== undefined) {
        bag.add(D.deviceGrantedTwiceToComponent, { component: c.name, path: d.node.path, first, second: di }, { path: d.path });
      } else seen.set(d.node.path, di);
      if (!d.mmioExplicit && d.mmio === null && d.irqRequest === 'none') {
        bag.add(D.grantOfNothing, { component: c.name, device: d.ref }, { path: d.path });
      }
      checkGrant(c, d, platform, bag);
    });
  }
  checkExclusiveMmio(model, bag);
  checkMmioIrqPairing(model, bag);
  checkRegionOverlaps(model, platform, bag);
}

function checkGrant(c: ModelComponent, d: ModelDevice, platform: Platform, bag: DiagnosticBag): void {
  const node = d.node!;
  if (!isEnabled(node)) {
    bag.add(D.deviceDisabled, { path: node.path, component: c.name, status: node.status }, { path: `${d.path}.device` });
    return;
  }
  const role = kernelRole(node);
  if (role !== null) {
    bag.add(D.kernelOwnedDevice, { component: c.name, path: node.path, role }, { path: `${d.path}.device` });
    return;
  }
  if (d.mmioExplicit && d.mmio !== null && d.mmio.ranges.length === 0) {
    bag.add(D.deviceHasNoReg, { component: c.name, path: node.path }, { path: `${d.path}.mmio` });
  }
  if (d.irqRequest === 'explicit' && d.irqs.length === 0) {
    bag.add(D.deviceHasNoInterrupts, { component: c.name, path: node.path }, { path: `${d.path}.irq` });
  }
  if (!d.mmio) return;
  const mmio = d.mmio;
  if (mmio.explicitRanges) {
    mmio.ranges.forEach((r, i) => {
      const at = { path: `${mmio.path}.ranges.${i}` };
      const args = { start: hex(r.base), end: hex(r.base + r.size), component: c.name };
      const first = mmio.ranges.findIndex((o) => o.base === r.base && o.size === r.size);
      if (r.size === 0) bag.add(D.mmioRangeEmpty, { start: hex(r.base), component: c.name }, at);
      else if (first < i) bag.add(D.mmioRangeRepeated, { ...args, first, second: i }, at);
      else if (!withinReg(node, r)) {
        const reg = node.reg.map((g) => `${hex(g.base)}..${hex(g.base + g.size)}`).join(', ') || 'none';
        bag.add(D.mmioRangeOutsideDevice, { ...args, path: node.path, reg }, at);
      } else if (r.base % 0x1000 !== 0 || r.size % 0x1000 !== 0) {
        bag.add(D.mmioRangeNotAligned, args, at);
      }
    });
  } else {
    // The grant maps the node's `reg`: when the tree's property could not be read whole, that is
    // only part of the registers (issue 15: a truncated reg was mapped silently).
    if (node.regProblem !== null) {
      const reg = node.reg.map((g) => `${hex(g.base)}..${hex(g.base + g.size)}`).join(', ') || 'nothing';
      bag.add(D.grantOfIncompleteReg, { component: c.name, path: node.path, problem: node.regProblem, reg }, { path: mmio.path });
    }
    for (const w of mmioWindows(d)) {
      const other = deviceSharingWindow(platform.devices, node, w.base, w.size);
      if (other) bag.add(D.mmioPageSharedWithDevice, { path: node.path, component: c.name, other: other.path, page: hex(w.base) }, { path: mmio.path });
    }
  }
  const permsPath = mmio.path.endsWith('.mmio') ? `${mmio.path}.perms` : mmio.path;
  if (mmio.perms.includes('x')) bag.add(D.mmioExecutable, { path: node.path, component: c.name }, { path: permsPath });
  if (mmio.perms.includes('w') && !mmio.perms.includes('r')) {
    bag.add(D.writeWithoutRead, { perms: mmio.perms, what: `the registers of '${node.path}'`, component: c.name }, { path: permsPath });
  }
  if (mmio.cached) bag.add(D.mmioCached, { path: node.path, component: c.name }, { path: `${mmio.path}.cached` });
}

/** A range inside one of the node's `reg` entries. */
function withinReg(node: PlatformDevice, r: { base: number; size: number }): boolean {
  return node.reg.some((reg) => r.base >= reg.base && r.base + r.size <= reg.base + reg.size);
}

/** MMIO windows of different components must not overlap unless both say `shared`. */
function checkExclusiveMmio(model: SystemModel, bag: DiagnosticBag): void {
  const windows: { base: number; end: number; component: string; shared: boolean; path: string; device: string }[] = [];
  for (const c of model.components) {
    for (const d of c.devices) {
      if (!usableDevice(d) || !d.mmio) continue;
      // A range outside its node is KC3045 already, and the registers there are another device's:
      // naming this node for them would be wrong (issue 15).
      const node = d.node;
      const ranges = d.mmio.explicitRanges ? d.mmio.ranges.filter((r) => withinReg(node, r)) : d.mmio.ranges;
      for (const w of pageWindows(ranges)) {
        windows.push({ base: w.base, end: w.base + w.size, component: c.name, shared: d.mmio.shared, path: d.mmio.path, device: node.path });
      }
    }
  }
  const reported = new Set<string>();
  for (const [o, w] of mmioConflicts(windows)) {
    const key = `${w.path}|${o.component}`;
    if (reported.has(key)) continue;
    reported.add(key);
    const [first, second] = componentOrder(model, o, w);
    // Two nodes in one page (KC3047 names that page) clash through it: both are named.
    const devices = o.device === w.device ? `'${w.device}'` : `'${first.device}' and '${second.device}'`;
    bag.add(
      D.mmioGrantedTwice,
      { devices, start: hex(Math.max(o.base, w.base)), end: hex(Math.min(o.end, w.end)), first: first.component, second: second.component },
      { path: second.path },
    );
  }
}

function componentOrder<T extends { component: string }>(model: SystemModel, a: T, b: T): [T, T] {
  const index = (name: string) => model.components.findIndex((c) => c.name === name);
  return index(a.component) <= index(b.component) ? [a, b] : [b, a];
}

/** An IRQ should go to the component that can touch the device's registers (warnings). */
function checkMmioIrqPairing(model: SystemModel, bag: DiagnosticBag): void {
  const mmioOwners = new Map<string, string[]>();
  for (const c of model.components) {
    for (const d of c.devices) {
      if (!usableDevice(d) || !d.mmio) continue;
      const owners = mmioOwners.get(d.node.path) ?? [];
      owners.push(c.name);
      mmioOwners.set(d.node.path, owners);
    }
  }
  for (const c of model.components) {
    for (const d of c.devices) {
      if (!usableDevice(d) || d.irqs.length === 0) continue;
      const owners = mmioOwners.get(d.node.path) ?? [];
      if (owners.includes(c.name)) continue;
      const irq = d.irqs[0]!;
      if (owners.length > 0) {
        bag.add(D.mmioIrqSplit, { path: d.node.path, mmioOwner: owners[0]!, irq: irq.irq, irqOwner: c.name }, { path: irq.path });
      } else {
        bag.add(D.irqWithoutMmio, { component: c.name, irq: irq.irq, path: d.node.path }, { path: irq.path });
      }
    }
  }
}

/** Fixed-address regions must not overlap each other or any device's registers. */
function checkRegionOverlaps(model: SystemModel, platform: Platform, bag: DiagnosticBag): void {
  const fixed = model.memoryRegions.filter((r) => r.paddr !== null && r.size > 0);
  fixed.forEach((r, i) => {
    const start = r.paddr!;
    const args = { name: r.name, start: hex(start), end: hex(start + r.size) };
    const earlier = fixed.slice(0, i).find((o) => overlaps(o.paddr!, o.size, start, r.size));
    if (earlier) {
      bag.add(D.physicalOverlap, { ...args, other: `memory region '${earlier.name}' (${hex(earlier.paddr!)}..${hex(earlier.paddr! + earlier.size)})` }, { path: `${r.path}.paddr` });
      return;
    }
    const device = platform.devices.find((d) => d.reg.some((g) => overlaps(g.base, g.size, start, r.size)));
    if (device) bag.add(D.physicalOverlap, { ...args, other: `the registers of '${device.path}'` }, { path: `${r.path}.paddr` });
    else if (start < PHYSICAL_TOP && !platform.memory.some((m) => start >= m.base && start + r.size <= m.base + m.size)) {
      // The planner would take its frames from device untyped: it builds and maps, and the first
      // access faults at run time (issue 15).
      const ram = platform.memory.map((m) => `${hex(m.base)}..${hex(m.base + m.size)}`).join(', ') || 'none';
      bag.add(D.regionNeitherRamNorDevice, { ...args, ram }, { path: `${r.path}.paddr` });
    }
  });
}

/** RV32: the kernel's untypeds end below 2^32; a region above is KC4001 in planning. */
const PHYSICAL_TOP = 2 ** 32;
