// The platform model from a decoded device tree (Devicetree Specification v0.4, chapter 2–3):
// RAM, reserved memory, devices with `reg` translated through every ancestor's `ranges` to CPU
// physical addresses and interrupts resolved through `interrupt-parent` and `#interrupt-cells`.
// Pure functions; what cannot be resolved becomes a KC22xx warning in `Platform.diagnostics`.
import { D, createDiagnostic, type Diagnostic, type DiagnosticArgs, type DiagnosticDefinition } from '../schema/diagnostics.js';
import {
  cellsOf,
  childPath,
  findNodeByPath,
  propertyValue,
  stringProperty,
  stringsOf,
  u32Property,
  type FdtNode,
  type FdtTree,
} from './fdt/fdtTree.js';
import type { AddressRange, InterruptTarget, OtherNodeKind, Platform, PlatformDevice } from './platformModel.js';

/** Defaults when a bus node has no `#address-cells` / `#size-cells` (spec §2.3.5). */
const DEFAULT_ADDRESS_CELLS = 2;
const DEFAULT_SIZE_CELLS = 1;
/** ARM GIC interrupt ID bases by specifier type (GIC architecture spec; Linux arm,gic.yaml). */
const GIC_SPI_BASE = 32;
const GIC_PPI_BASE = 16;
const GIC_ESPI_BASE = 4096;
const GIC_EPPI_BASE = 1056;

/** A node with its place in the tree. */
interface NodeInfo {
  readonly node: FdtNode;
  readonly path: string;
  readonly parent: NodeInfo | null;
}

interface Context {
  readonly byPhandle: Map<number, NodeInfo>;
  readonly diagnostics: Diagnostic[];
  readonly gicLike: Map<NodeInfo, boolean>;
}

function warn<P extends string>(context: Context, definition: DiagnosticDefinition<P>, args: DiagnosticArgs<P>): void {
  context.diagnostics.push(createDiagnostic(definition, args));
}

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;

function addressCells(info: NodeInfo): number {
  return u32Property(info.node, '#address-cells') ?? DEFAULT_ADDRESS_CELLS;
}

function sizeCells(info: NodeInfo): number {
  return u32Property(info.node, '#size-cells') ?? DEFAULT_SIZE_CELLS;
}

/** Joins `count` big-endian cells starting at `index` into one number. */
function joinCells(cells: readonly number[], index: number, count: number): bigint {
  let value = 0n;
  for (let i = 0; i < count; i++) value = (value << 32n) | BigInt(cells[index + i]!);
  return value;
}

function phandleOf(node: FdtNode): number | null {
  return u32Property(node, 'phandle') ?? u32Property(node, 'linux,phandle') ?? null;
}

/**
 * Translates a bus address of a child of `bus` to a CPU physical address, through the `ranges`
 * of `bus` and every ancestor up to the root (Devicetree spec §2.3.8). An empty `ranges` is an
 * identity map; a missing one means the bus is not memory-mapped. Returns the reason on failure.
 */
function translate(address: bigint, bus: NodeInfo): bigint | string {
  let value = address;
  for (let current = bus; current.parent !== null; current = current.parent) {
    const ranges = propertyValue(current.node, 'ranges');
    if (ranges === undefined) return `'${current.path}' has no 'ranges'`;
    if (ranges.byteLength === 0) continue;
    const childCells = addressCells(current);
    const parentCells = addressCells(current.parent);
    const lengthCells = sizeCells(current);
    const entryCells = childCells + parentCells + lengthCells;
    const cells = cellsOf(ranges);
    let translated: bigint | undefined;
    for (let i = 0; i + entryCells <= cells.length; i += entryCells) {
      const childBase = joinCells(cells, i, childCells);
      const parentBase = joinCells(cells, i + childCells, parentCells);
      const length = joinCells(cells, i + childCells + parentCells, lengthCells);
      if (value >= childBase && value - childBase < length) {
        translated = value - childBase + parentBase;
        break;
      }
    }
    if (translated === undefined) return `address ${hex(value)} is outside every 'ranges' entry of '${current.path}'`;
    value = translated;
  }
  return value;
}

/** `reg` of `info` as CPU physical ranges; entries that do not translate are reported and left out. */
function translatedReg(info: NodeInfo, context: Context, clamp = false): AddressRange[] {
  const property = 'reg';
  const value = propertyValue(info.node, property);
  const parent = info.parent;
  if (value === undefined || parent === null) return [];
  const ac = addressCells(parent);
  const sc = sizeCells(parent);
  // A parent with #size-cells = 0 is not a memory-mapped bus (cpus, i2c, spi): nothing to translate.
  if (sc === 0 || ac === 0) return [];
  const entryBytes = (ac + sc) * 4;
  if (value.byteLength % entryBytes !== 0) {
    warn(context, D.propertyBadLength, { property, path: info.path, length: value.byteLength, unit: entryBytes });
  }
  const cells = cellsOf(value);
  const result: AddressRange[] = [];
  for (let i = 0; i + ac + sc <= cells.length; i += ac + sc) {
    const base = translate(joinCells(cells, i, ac), parent);
    const size = joinCells(cells, i + ac, sc);
    if (typeof base === 'string') {
      warn(context, D.regNotTranslatable, { path: info.path, reason: base });
      continue;
    }
    const range = toRange(base, size, info.path, context, clamp);
    if (range !== undefined) result.push(range);
  }
  return result;
}

/**
 * As JS numbers. A reservation that runs past 2^53 (seL4's qemu-riscv-virt32 overlay reserves
 * 0xffffffff up to 2^64) is cut at 2^53: nothing above it is addressable here anyway.
 */
function toRange(base: bigint, size: bigint, path: string, context: Context, clamp = false): AddressRange | undefined {
  const limit = BigInt(Number.MAX_SAFE_INTEGER) + 1n;
  if (clamp && base < limit && base + size > limit) return { base: Number(base), size: Number(limit - base) };
  if (base + size > limit) {
    warn(context, D.addressTooLarge, { base: hex(base), size: hex(size), path });
    return undefined;
  }
  return { base: Number(base), size: Number(size) };
}

/**
 * The interrupt parent of a node, as Linux's `of_irq_find_parent` finds it: the node's own
 * `interrupt-parent`, else its tree parent, repeated until a node with `#interrupt-cells`.
 */
function interruptParentOf(info: NodeInfo, context: Context): NodeInfo | string {
  let current: NodeInfo | null = info;
  for (let steps = 0; current !== null; steps++) {
    if (steps > 256) return 'the interrupt-parent chain loops';
    const phandle = u32Property(current.node, 'interrupt-parent');
    let next: NodeInfo | null;
    if (phandle !== undefined) {
      const target = context.byPhandle.get(phandle);
      if (target === undefined) return `'interrupt-parent' of '${current.path}' is phandle ${hex(phandle)}, which no node has`;
      next = target;
    } else {
      next = current.parent;
    }
    if (next !== null && propertyValue(next.node, '#interrupt-cells') !== undefined) return next;
    current = next;
  }
  return 'no ancestor has an interrupt-parent with #interrupt-cells';
}

/**
 * An ARM GIC, or a controller stacked on one that takes GIC-style 3-cell specifiers (i.MX GPC,
 * Tegra AGIC): specifier `<type number flags>` with type 0 = SPI, 1 = PPI.
 */
function isGicLike(controller: NodeInfo, context: Context, depth = 0): boolean {
  const known = context.gicLike.get(controller);
  if (known !== undefined) return known;
  let result = false;
  const compatible = stringsOf(propertyValue(controller.node, 'compatible') ?? new Uint8Array());
  if (compatible.some((c) => /gic/i.test(c))) result = true;
  else if (u32Property(controller.node, '#interrupt-cells') === 3 && depth < 16) {
    const parent = interruptParentOf(controller, context);
    result = typeof parent !== 'string' && parent !== controller && isGicLike(parent, context, depth + 1);
  }
  context.gicLike.set(controller, result);
  return result;
}

/** The controller's interrupt number for one specifier: the first cell, or the GIC interrupt ID. */
function interruptNumber(controller: NodeInfo, specifier: readonly number[], context: Context): number {
  if (specifier.length >= 3 && isGicLike(controller, context)) {
    const [type, number] = specifier as [number, number];
    if (type === 0) return number + GIC_SPI_BASE;
    if (type === 1) return number + GIC_PPI_BASE;
    if (type === 2) return number + GIC_ESPI_BASE;
    if (type === 3) return number + GIC_EPPI_BASE;
    return number;
  }
  return specifier[0] ?? 0;
}

/** Resolves `interrupts-extended` (preferred, as in Linux) or `interrupts` of a node. */
function resolveInterrupts(
  info: NodeInfo,
  context: Context,
): { targets: InterruptTarget[]; parent: string | null } {
  const targets: InterruptTarget[] = [];
  const extended = propertyValue(info.node, 'interrupts-extended');
  if (extended !== undefined) {
    const cells = cellsOf(extended);
    for (let i = 0; i < cells.length; ) {
      const controller = context.byPhandle.get(cells[i]!);
      if (controller === undefined) {
        warn(context, D.interruptParentMissing, {
          path: info.path,
          reason: `'interrupts-extended' names phandle ${hex(cells[i]!)}, which no node has`,
        });
        break;
      }
      const count = u32Property(controller.node, '#interrupt-cells');
      if (count === undefined || count === 0 || i + 1 + count > cells.length) {
        warn(context, D.interruptParentMissing, {
          path: info.path,
          reason: `'${controller.path}' has no usable '#interrupt-cells' for 'interrupts-extended'`,
        });
        break;
      }
      targets.push({ controller: controller.path, interrupt: interruptNumber(controller, cells.slice(i + 1, i + 1 + count), context) });
      i += 1 + count;
    }
    return { targets, parent: targets[0]?.controller ?? null };
  }

  const value = propertyValue(info.node, 'interrupts');
  if (value === undefined) return { targets, parent: null };
  const controller = interruptParentOf(info, context);
  if (typeof controller === 'string') {
    warn(context, D.interruptParentMissing, { path: info.path, reason: controller });
    return { targets, parent: null };
  }
  const isController = propertyValue(controller.node, 'interrupt-controller') !== undefined;
  if (!isController && propertyValue(controller.node, 'interrupt-map') !== undefined) {
    warn(context, D.interruptMapUnresolved, { path: info.path, nexus: controller.path });
    return { targets, parent: controller.path };
  }
  const count = u32Property(controller.node, '#interrupt-cells') ?? 0;
  if (count === 0) {
    warn(context, D.interruptParentMissing, { path: info.path, reason: `'#interrupt-cells' of '${controller.path}' is not a positive cell count` });
    return { targets, parent: controller.path };
  }
  if (value.byteLength % (count * 4) !== 0) {
    warn(context, D.propertyBadLength, { property: 'interrupts', path: info.path, length: value.byteLength, unit: count * 4 });
  }
  const cells = cellsOf(value);
  for (let i = 0; i + count <= cells.length; i += count) {
    targets.push({ controller: controller.path, interrupt: interruptNumber(controller, cells.slice(i, i + count), context) });
  }
  return { targets, parent: controller.path };
}

function isMemoryNode(info: NodeInfo): boolean {
  if (info.parent === null) return false;
  const deviceType = stringProperty(info.node, 'device_type');
  return deviceType === 'memory' || (deviceType === undefined && info.parent.parent === null && info.node.name.split('@')[0] === 'memory');
}

/** Sorted by base, overlapping and touching ranges merged. */
function mergeRanges(ranges: readonly AddressRange[]): AddressRange[] {
  const sorted = [...ranges].filter((r) => r.size > 0).sort((a, b) => a.base - b.base || a.size - b.size);
  const merged: { base: number; size: number }[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range.base <= last.base + last.size) {
      last.size = Math.max(last.size, range.base + range.size - last.base);
    } else {
      merged.push({ ...range });
    }
  }
  return merged;
}

/** `memory` minus `holes`, both already merged (sorted, no overlaps). */
function subtractRanges(memory: readonly AddressRange[], holes: readonly AddressRange[]): AddressRange[] {
  const result: AddressRange[] = [];
  for (const range of memory) {
    let start = range.base;
    const end = range.base + range.size;
    for (const hole of holes) {
      const holeEnd = hole.base + hole.size;
      if (holeEnd <= start || hole.base >= end) continue;
      if (hole.base > start) result.push({ base: start, size: hole.base - start });
      start = Math.max(start, holeEnd);
    }
    if (start < end) result.push({ base: start, size: end - start });
  }
  return result;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Alias or path (`serial0`, `/soc/serial@10000000`) to a path, or null. */
function resolvePathOrAlias(root: FdtNode, aliases: Readonly<Record<string, string>>, reference: string): string | null {
  const path = reference.startsWith('/') ? reference : aliases[reference];
  if (path === undefined) return null;
  return findNodeByPath(root, path) !== undefined ? path : null;
}

/** Computes the platform model of a decoded device tree. Pure; never throws for a decoded tree. */
export function platformFromFdt(tree: FdtTree): Platform {
  const context: Context = { byPhandle: new Map(), diagnostics: [], gicLike: new Map() };
  const infos: NodeInfo[] = [];
  const visit = (node: FdtNode, path: string, parent: NodeInfo | null): void => {
    const info: NodeInfo = { node, path, parent };
    infos.push(info);
    const phandle = phandleOf(node);
    if (phandle !== null && !context.byPhandle.has(phandle)) context.byPhandle.set(phandle, info);
    for (const child of node.children) visit(child, childPath(path, child.name), info);
  };
  visit(tree.root, '/', null);

  const root = tree.root;
  const labels: Record<string, string> = {};
  const symbols = root.children.find((c) => c.name === '__symbols__');
  for (const property of symbols?.properties ?? []) {
    const target = stringsOf(property.value)[0];
    if (target?.startsWith('/')) labels[property.name] = target;
  }
  const aliases: Record<string, string> = {};
  const aliasNode = root.children.find((c) => c.name === 'aliases');
  for (const property of aliasNode?.properties ?? []) {
    if (property.name === 'phandle' || property.name === 'linux,phandle' || property.name === 'name') continue;
    const target = stringsOf(property.value)[0];
    if (target?.startsWith('/')) aliases[property.name] = target;
  }
  const aliasesByPath = new Map<string, string[]>();
  for (const [alias, path] of Object.entries(aliases).sort(([a], [b]) => compareText(a, b))) {
    aliasesByPath.set(path, [...(aliasesByPath.get(path) ?? []), alias]);
  }
  const labelsByPath = new Map<string, string[]>();
  for (const [label, path] of Object.entries(labels).sort(([a], [b]) => compareText(a, b))) {
    labelsByPath.set(path, [...(labelsByPath.get(path) ?? []), label]);
  }

  const memory: AddressRange[] = [];
  const reserved: AddressRange[] = [];
  const devices: PlatformDevice[] = [];
  const otherNodes: Record<string, OtherNodeKind> = { '/': 'root' };
  for (const reservation of tree.reservations) {
    const range = toRange(reservation.address, reservation.size, '/memreserve/', context, true);
    if (range !== undefined) reserved.push(range);
  }
  for (const info of infos) {
    if (info.parent === null || info.node.name === '__symbols__' || info.node.name === '__fixups__' || info.node.name === '__local_fixups__') continue;
    if (isMemoryNode(info)) {
      memory.push(...translatedReg(info, context));
      otherNodes[info.path] = 'memory';
      continue;
    }
    if (info.parent.path === '/reserved-memory') {
      reserved.push(...translatedReg(info, context, true));
      otherNodes[info.path] = 'reservedMemory';
      continue;
    }
    if (info.path.startsWith('/reserved-memory/') || info.path.startsWith('/__symbols__')) continue;
    const warned = context.diagnostics.length;
    const reg = translatedReg(info, context);
    const regProblem = context.diagnostics[warned]?.message ?? null;
    const hasInterrupts =
      propertyValue(info.node, 'interrupts') !== undefined || propertyValue(info.node, 'interrupts-extended') !== undefined;
    if (reg.length === 0 && !hasInterrupts) {
      otherNodes[info.path] = otherNodeKind(info);
      continue;
    }
    const { targets, parent } = hasInterrupts ? resolveInterrupts(info, context) : { targets: [], parent: null };
    devices.push({
      path: info.path,
      name: info.node.name,
      labels: labelsByPath.get(info.path) ?? [],
      aliases: aliasesByPath.get(info.path) ?? [],
      compatible: stringsOf(propertyValue(info.node, 'compatible') ?? new Uint8Array()),
      status: stringProperty(info.node, 'status') ?? 'okay',
      reg,
      regProblem,
      interrupts: targets.map((t) => t.interrupt),
      interruptParent: parent,
      isInterruptController: propertyValue(info.node, 'interrupt-controller') !== undefined,
      interruptTargets: targets,
      phandle: phandleOf(info.node),
    });
  }
  devices.sort((a, b) => compareText(a.path, b.path));

  const chosen = root.children.find((c) => c.name === 'chosen');
  const stdout = chosen && (stringProperty(chosen, 'stdout-path') ?? stringProperty(chosen, 'linux,stdout-path'));
  const cpus = root.children.find((c) => c.name === 'cpus');
  const firstCpu = cpus?.children.find((c) => stringProperty(c, 'device_type') === 'cpu');

  const mergedMemory = mergeRanges(memory);
  const mergedReserved = mergeRanges(reserved);
  return {
    model: stringProperty(root, 'model') ?? null,
    compatible: stringsOf(propertyValue(root, 'compatible') ?? new Uint8Array()),
    memory: mergedMemory,
    reserved: mergedReserved,
    ram: subtractRanges(mergedMemory, mergedReserved),
    devices,
    aliases,
    stdoutPath: stdout ? resolvePathOrAlias(root, aliases, stdout.split(':')[0]!) : null,
    timebaseFrequency: frequencyOf(cpus) ?? frequencyOf(firstCpu) ?? null,
    labels,
    otherNodes,
    diagnostics: context.diagnostics,
  };
}

/** What a node without translatable `reg` or `interrupts` is (not a memory node). */
function otherNodeKind(info: NodeInfo): OtherNodeKind {
  if (stringProperty(info.node, 'device_type') === 'cpu') return 'cpu';
  const hasReg = propertyValue(info.node, 'reg') !== undefined;
  return hasReg && info.parent !== null && sizeCells(info.parent) === 0 ? 'unmappedBus' : 'noResources';
}

function frequencyOf(node: FdtNode | undefined): number | undefined {
  const value = node && propertyValue(node, 'timebase-frequency');
  if (value === undefined) return undefined;
  if (value.byteLength === 4) return cellsOf(value)[0];
  if (value.byteLength === 8) return Number(joinCells(cellsOf(value), 0, 2));
  return undefined;
}

/**
 * The outcome of `findDevice`; callers report `notFound` and `ambiguous` with their own context
 * (the checker as KC3040/KC3041, naming the component).
 */
export type DeviceLookup =
  | { readonly kind: 'found'; readonly device: PlatformDevice; readonly via: 'path' | 'alias' | 'label' | 'compatible' }
  | { readonly kind: 'notFound'; readonly ref: string }
  | { readonly kind: 'ambiguous'; readonly ref: string; readonly candidates: readonly string[] };

/** `okay` (or the older `ok`): the node is usable. */
export function isEnabled(device: PlatformDevice): boolean {
  return device.status === 'okay' || device.status === 'ok';
}

/**
 * Finds a device by path (`/soc/serial@10000000`), alias (`serial0`), label (`uart0`, when the
 * blob has `__symbols__`), or `compatible` string (`ns16550a`), in that order. A compatible must
 * match exactly one enabled device; several give `ambiguous` with their paths.
 */
export function findDevice(platform: Platform, ref: string): DeviceLookup {
  const byPath = (path: string | undefined) => (path === undefined ? undefined : platform.devices.find((d) => d.path === path));
  if (ref.startsWith('/')) {
    const device = byPath(ref);
    return device ? { kind: 'found', device, via: 'path' } : { kind: 'notFound', ref };
  }
  const aliased = byPath(platform.aliases[ref]);
  if (aliased) return { kind: 'found', device: aliased, via: 'alias' };
  const labelled = byPath(platform.labels[ref]);
  if (labelled) return { kind: 'found', device: labelled, via: 'label' };
  const matches = platform.devices.filter((d) => isEnabled(d) && d.compatible.includes(ref));
  if (matches.length === 1) return { kind: 'found', device: matches[0]!, via: 'compatible' };
  if (matches.length > 1) return { kind: 'ambiguous', ref, candidates: matches.map((d) => d.path) };
  return { kind: 'notFound', ref };
}

/** The device whose `reg` contains a physical address, or undefined (for reports of stray accesses). */
export function deviceAt(platform: Platform, address: number): PlatformDevice | undefined {
  return platform.devices.find((d) => d.reg.some((r) => address >= r.base && address < r.base + r.size));
}

/** The `kaal-compose dt --format json` shape: addresses as hex strings, devices sorted by path. */
export interface PlatformSummary {
  readonly model: string | null;
  readonly compatible: readonly string[];
  readonly memory: readonly { readonly base: string; readonly size: string }[];
  readonly reserved: readonly { readonly base: string; readonly size: string }[];
  readonly devices: readonly {
    readonly path: string;
    readonly compatible: readonly string[];
    readonly status: string;
    readonly reg: readonly { readonly base: string; readonly size: string }[];
    readonly interrupts: readonly number[];
    readonly interruptParent: string | null;
  }[];
}

/** The platform as `dt --format json` prints it (key order is part of the format). */
export function platformSummary(platform: Platform): PlatformSummary {
  const ranges = (list: readonly AddressRange[]) => list.map((r) => ({ base: hex(r.base), size: hex(r.size) }));
  return {
    model: platform.model,
    compatible: platform.compatible,
    memory: ranges(platform.memory),
    reserved: ranges(platform.reserved),
    devices: platform.devices.map((d) => ({
      path: d.path,
      compatible: d.compatible,
      status: d.status,
      reg: ranges(d.reg),
      interrupts: d.interrupts,
      interruptParent: d.interruptParent,
    })),
  };
}
