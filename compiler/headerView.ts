// The names and numbers of a component's `kaal_system.h`, from the plan and the descriptor's names
// (the view the template renders), and KC5005 when two names become one C constant. Apart from
// compiler/emit.ts so that `validate` checks the names without loading handlebars.
import * as path from 'node:path';
import {
  CNODE_SLOTS,
  FAULT_BADGE_FLAG,
  InvocationLabel,
  MAX_CHANNEL_ID,
  PPC_BADGE_FLAG,
  Slot,
} from '../schema/abi.js';
import { D, createDiagnostic, type Diagnostic } from '../schema/diagnostics.js';
import { VSpaceLayout, type ComponentPlan, type Grant, type Plan } from '../schema/plan.js';
import type { ModelComponent, SystemModel } from './resolvePlatform.js';

/** Every component's code starts here (the plan's `VSpaceLayout.codeBase`): null stays unmapped. */
export const COMPONENT_LINK_ADDRESS = VSpaceLayout.codeBase;

/** The names the header uses that the plan does not carry (they come from the descriptor). */
export interface HeaderNames {
  /** Device grants of the component: DT path, header name, and the node's `reg` ranges. */
  readonly devices: readonly DeviceHeaderName[];
  /** Memory mappings in descriptor order: region and header name. */
  readonly regions: readonly RegionHeaderName[];
  /** Components whose `faultHandler` is this one, with their index (the low bits of the fault badge). */
  readonly faultChildren: readonly { readonly name: string; readonly index: number; readonly at?: string }[];
  /** Where each channel's name is written (descriptor path), for KC5005's position. */
  readonly channels?: readonly { readonly name: string; readonly at: string }[];
}

export interface DeviceHeaderName {
  readonly path: string;
  readonly name: string;
  readonly reg: readonly { readonly base: number; readonly size: number }[];
  /** The grant's descriptor path (`components.0.devices.1`), for KC5005's position. */
  readonly at?: string;
}

export interface RegionHeaderName {
  readonly region: string;
  readonly name: string;
  /** The mapping's descriptor path (`components.0.memory.1`), for KC5005's position. */
  readonly at?: string;
}

/** The names a component's header needs that the plan does not carry, from the resolved model. */
export function headerNamesOf(model: SystemModel, component: ModelComponent): HeaderNames {
  return {
    devices: component.devices.flatMap((d) =>
      d.node === null ? [] : [{ path: d.node.path, name: d.name, reg: d.mmio?.ranges ?? d.node.reg, at: d.path }],
    ),
    regions: component.memory.map((m) => ({ region: m.region, name: m.name, at: m.path })),
    faultChildren: model.components.filter((c) => c.faultHandler === component.name).map((c) => ({ name: c.name, index: c.index, at: `${c.path}.name` })),
    channels: component.channelEnds.map((end) => ({ name: end.name, at: `${model.channels[end.channel]!.path}.name` })),
  };
}

/** What the header template sees; every number already formatted for C. */
export interface HeaderView {
  readonly systemName: string;
  readonly componentName: string;
  readonly componentIndex: number;
  readonly priority: number;
  readonly stackTop: string;
  readonly stackSize: string;
  readonly ipcBuffer: string;
  readonly abi: Readonly<Record<string, string | number>>;
  readonly channels: readonly { macro: string; id: number; peer: string; notify: boolean; ppcCaller: boolean; ppcServer: boolean }[];
  readonly irqs: readonly { macro: string; channel: number; irq: number; device: string }[];
  readonly mmio: readonly { macro: string; vaddr: string; size: string; paddr: string; device: string }[];
  readonly regions: readonly { macro: string; vaddr: string; size: string; region: string; perms: string; cached: boolean }[];
  readonly faultChildren: readonly { macro: string; index: number }[];
}

/** `0x10000000`: eight hex digits, as C and the linker script accept (no `_`). */
export const hex32 = (value: number): string => `0x${(value >>> 0).toString(16).padStart(8, '0')}`;

/** A C identifier fragment: upper case, anything else than letters and digits becomes `_`. */
export const macroName = (name: string): string => name.toUpperCase().replace(/[^A-Z0-9]/g, '_');

/** The ABI part of every header, from schema/abi.ts. */
export function abiView(): Readonly<Record<string, string | number>> {
  return {
    slotInput: Slot.input,
    slotFaultEndpoint: Slot.faultEndpoint,
    slotVspace: Slot.vspace,
    slotReply: Slot.reply,
    slotTcb: Slot.tcb,
    slotNotifyBase: Slot.notifyBase,
    slotPpcBase: Slot.ppcBase,
    slotIrqBase: Slot.irqBase,
    cnodeSlots: CNODE_SLOTS,
    maxChannelId: MAX_CHANNEL_ID,
    ppcBadgeFlag: hex32(PPC_BADGE_FLAG),
    ppcChannelMask: hex32(PPC_BADGE_FLAG - 1),
    faultBadgeFlag: hex32(FAULT_BADGE_FLAG),
    faultChildMask: hex32((1 << 26) - 1),
    labelIrqAck: InvocationLabel.IRQAckIRQ,
  };
}

/**
 * The header view of one component. Collects KC5005 when two names map to the same C constant.
 * MMIO constants give the address of each `reg` range (window vaddr + offset into the window),
 * so a device whose registers do not start on a page boundary is still addressed exactly.
 */
export function headerView(plan: Plan, component: ComponentPlan, names: HeaderNames, diagnostics: Diagnostic[] = []): HeaderView {
  const clash = new Map<string, string>();
  // `at`: the descriptor path of the second name, where KC5005 points.
  const claim = (kind: string, macro: string, what: string, at?: string): string => {
    const key = `${kind}:${macro}`;
    const first = clash.get(key);
    if (first !== undefined && first !== what) {
      diagnostics.push(createDiagnostic(D.headerNameClash, { component: component.name, first, second: what, macro: `${kind}${macro}` }, at === undefined ? {} : { path: at }));
    } else clash.set(key, what);
    return macro;
  };

  const channels = component.channels.map((end) => ({
    macro: claim('KAAL_CH_', macroName(end.name), `channel '${end.name}'`, names.channels?.find((c) => c.name === end.name)?.at),
    id: end.id,
    peer: end.peer,
    notify: end.notify,
    ppcCaller: end.ppc === 'caller',
    ppcServer: end.ppc === 'server',
  }));

  const deviceName = (devicePath: string): string =>
    names.devices.find((d) => d.path === devicePath)?.name ?? path.posix.basename(devicePath).replace(/@.*$/, '');

  const deviceAt = (devicePath: string) => names.devices.find((d) => d.path === devicePath)?.at;
  const irqCount = new Map<string, number>();
  for (const irq of component.irqs) irqCount.set(irq.device, (irqCount.get(irq.device) ?? 0) + 1);
  const irqSeen = new Map<string, number>();
  const irqs = component.irqs.map((irq) => {
    const n = irqSeen.get(irq.device) ?? 0;
    irqSeen.set(irq.device, n + 1);
    const base = macroName(deviceName(irq.device));
    const macro = (irqCount.get(irq.device) ?? 1) > 1 ? `${base}_${n}` : base;
    return { macro: claim('KAAL_IRQ_CH_', macro, `IRQ ${irq.irq} of '${irq.device}'`, deviceAt(irq.device)), channel: irq.channel, irq: irq.irq, device: irq.device };
  });

  const windows = plan.grants.filter((g) => g.component === component.name && g.kind === 'mmio');
  const mmio = mmioView(windows, names, deviceName).map((m) => ({ ...m, macro: claim('KAAL_MMIO_', m.macro, `device '${m.device}'`, deviceAt(m.device)) }));
  const regions = regionView(component, names).map((r) => ({
    ...r,
    macro: claim('KAAL_REGION_', r.macro, `region mapping '${r.name}'`, names.regions.find((n) => n.name === r.name)?.at),
  }));
  const faultChildren = names.faultChildren.map((child) => ({
    macro: claim('KAAL_CHILD_', macroName(child.name), `component '${child.name}'`, child.at),
    index: child.index,
  }));

  return {
    systemName: plan.system,
    componentName: component.name,
    componentIndex: component.index,
    priority: component.tcb.priority,
    stackTop: hex32(component.tcb.stackTop),
    stackSize: hex32(component.tcb.stackTop - component.tcb.stackBottom),
    ipcBuffer: hex32(component.tcb.ipcBuffer),
    abi: abiView(),
    channels,
    irqs,
    mmio,
    regions,
    faultChildren,
  };
}

/** One constant pair per `reg` range of each granted device (suffix `_<i>` when a device has several). */
function mmioView(windows: readonly Grant[], names: HeaderNames, deviceName: (p: string) => string) {
  const byDevice = new Map<string, Grant[]>();
  for (const window of windows) byDevice.set(window.device, [...(byDevice.get(window.device) ?? []), window]);
  const result: { macro: string; vaddr: string; size: string; paddr: string; device: string }[] = [];
  for (const device of [...byDevice.keys()].sort()) {
    const grants = byDevice.get(device)!;
    const reg = names.devices.find((d) => d.path === device)?.reg;
    // Ranges to name: the node's reg ranges that fall in a granted window, else the windows themselves.
    const ranges = (reg ?? [])
      .map((r) => ({ range: r, window: grants.find((g) => r.base >= g.paddr && r.base < g.paddr + g.size) }))
      .filter((entry): entry is { range: { base: number; size: number }; window: Grant } => entry.window !== undefined)
      .map(({ range, window }) => ({
        paddr: range.base,
        vaddr: window.vaddr + (range.base - window.paddr),
        size: Math.min(range.size, window.paddr + window.size - range.base),
      }));
    const named = ranges.length > 0 ? ranges : grants.map((g) => ({ paddr: g.paddr, vaddr: g.vaddr, size: g.size }));
    const base = macroName(deviceName(device));
    named.forEach((range, i) =>
      result.push({
        macro: named.length > 1 ? `${base}_${i}` : base,
        vaddr: hex32(range.vaddr),
        size: hex32(range.size),
        paddr: hex32(range.paddr),
        device,
      }),
    );
  }
  return result;
}

/** A region's pages are one mapping each; contiguous runs are its mappings, named in descriptor order. */
function regionView(component: ComponentPlan, names: HeaderNames) {
  const runs = new Map<string, { vaddr: number; size: number; perms: string; cached: boolean }[]>();
  for (const mapping of component.vspace) {
    if (mapping.purpose !== 'region') continue;
    const list = runs.get(mapping.source) ?? [];
    const last = list[list.length - 1];
    if (last && last.vaddr + last.size === mapping.vaddr && last.perms === mapping.perms) last.size += mapping.size;
    else list.push({ vaddr: mapping.vaddr, size: mapping.size, perms: mapping.perms, cached: mapping.cached });
    runs.set(mapping.source, list);
  }
  const used = new Map<string, number>();
  const result: { macro: string; name: string; vaddr: string; size: string; region: string; perms: string; cached: boolean }[] = [];
  for (const entry of names.regions) {
    const n = used.get(entry.region) ?? 0;
    const run = runs.get(entry.region)?.[n];
    used.set(entry.region, n + 1);
    if (!run) continue;
    result.push({
      macro: macroName(entry.name),
      name: entry.name,
      vaddr: hex32(run.vaddr),
      size: hex32(run.size),
      region: entry.region,
      perms: run.perms,
      cached: run.cached,
    });
  }
  return result;
}
