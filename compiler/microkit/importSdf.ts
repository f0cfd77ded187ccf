// Converts a Microkit System Description File (shared/reference/microkit.md §a) into a kaal-compose
// descriptor for a given platform. Every element or attribute that cannot be expressed gets a
// diagnostic saying why; nothing is dropped silently. Pure: text and platform in, data out.
// Microkit's setvar attributes name a value for the program, as our generated header constants do:
// a channel end's `setvar_id` names the channel, a device map's `setvar_vaddr` and a device IRQ's
// `setvar_id` name the device grant, a region map's `setvar_vaddr` names the mapping (export writes
// them, so export → import keeps every name).
import { D, DiagnosticBag, type Diagnostic, type DiagnosticLocation } from '../../schema/diagnostics.js';
import type { SystemDescriptor } from '../../schema/descriptor.js';
import type { Platform, PlatformDevice } from '../../image/platformModel.js';
import { parseXml, type XmlAttribute, type XmlElement } from './xmlTree.js';
import { MAX_CHANNEL_ID } from '../../schema/abi.js';
import { NAME_PATTERN } from '../../schema/descriptor.js';

type MutableComponent = {
  name: string;
  priority: number;
  stackSize?: number;
  code: { elf: string };
  devices: DeviceGrantOut[];
  memory: { region: string; name?: string; vaddr: number; perms: string; cached: boolean }[];
  faultHandler?: string;
};
type DeviceGrantOut = {
  device: string;
  name?: string;
  mmio: false | { vaddr: number; perms: string; cached: boolean; ranges?: { paddr: number; size: number }[] };
  irq: false | { channel: number; numbers: number[] };
};
type ChannelOut = {
  from: string;
  to: string;
  notify: boolean;
  ppc: boolean;
  fromId: number;
  toId: number;
  name?: string;
};

export interface ImportSdfResult {
  /** The converted system; present even with errors, for inspection, but only valid without them. */
  readonly descriptor: SystemDescriptor;
  readonly diagnostics: readonly Diagnostic[];
}

/** Attributes each SDF element accepts (Microkit HEAD, `check_attributes`). */
const ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  system: [],
  protection_domain: ['name', 'priority', 'budget', 'period', 'passive', 'stack_size', 'cpu', 'smc', 'fpu', 'domain', 'id', 'setvar_id'],
  program_image: ['path', 'path_for_symbols'],
  map: ['mr', 'vaddr', 'perms', 'cached', 'setvar_vaddr', 'setvar_size', 'setvar_prefill_size'],
  irq: ['irq', 'id', 'trigger', 'setvar_id', 'pin', 'vector', 'ioapic', 'polarity', 'pcidev', 'handle'],
  setvar: ['symbol', 'region_paddr'],
  memory_region: ['name', 'size', 'page_size', 'phys_addr', 'prefill_path', 'prefill_bootinfo'],
  channel: [],
  end: ['pd', 'id', 'pp', 'notify', 'setvar_id'],
};

const UNSUPPORTED: Readonly<Record<string, string>> = {
  virtual_machine: 'virtual machines need a hypervisor kernel; the bundled kernel has none',
  ioport: 'x86 I/O ports do not exist on RISC-V',
  io_address_space: 'IOMMU address spaces are not modelled',
  domains: 'the bundled kernel has no domain scheduler',
  cspace: 'components get the pinned CSpace layout; extra TCB/VSpace caps of other components are not granted',
};

/** Converts SDF text for `platform` (named `platformName` in the result). */
export function importSdf(text: string, file: string, platform: Platform, platformName: string): ImportSdfResult {
  const bag = new DiagnosticBag();
  const name = systemNameFromFile(file);
  const empty: SystemDescriptor = { name, platform: platformName, components: [] };
  const parsed = parseXml(text);
  if (!parsed.ok) {
    bag.add(D.sdfXmlError, { reason: parsed.reason }, { file, span: { start: parsed.offset, length: 0 } });
    return { descriptor: empty, diagnostics: bag.sorted() };
  }
  if (parsed.root.name !== 'system') {
    bag.add(D.sdfNoSystem, {}, { file, span: parsed.root.span });
    return { descriptor: empty, diagnostics: bag.sorted() };
  }
  const converter = new SdfConverter(bag, file, platform, platformName);
  const descriptor = converter.convert(parsed.root, name);
  return { descriptor, diagnostics: bag.sorted() };
}

function systemNameFromFile(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? 'system';
  const stem = base.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_-]/g, '_');
  return /^[A-Za-z_]/.test(stem) ? stem : `sdf_${stem}`;
}

interface SdfRegion {
  readonly name: string;
  readonly size: number;
  readonly paddr?: number;
  readonly element: XmlElement;
}

/** Walks the SDF tree once; keeps the state of one conversion. */
class SdfConverter {
  readonly #regions = new Map<string, SdfRegion>();
  readonly #components: MutableComponent[] = [];
  readonly #channels: ChannelOut[] = [];
  /** Regions that became device grants instead of memory regions. */
  readonly #deviceRegions = new Map<string, { device: PlatformDevice; paddr: number; size: number }>();

  constructor(
    readonly bag: DiagnosticBag,
    readonly file: string,
    readonly platform: Platform,
    readonly platformName: string,
  ) {}

  convert(system: XmlElement, name: string): SystemDescriptor {
    this.#checkAttributes(system);
    // Regions first: maps in protection domains refer to them wherever they are declared.
    for (const child of system.children) if (child.name === 'memory_region') this.#region(child);
    for (const child of system.children) {
      switch (child.name) {
        case 'memory_region':
          break;
        case 'protection_domain':
          this.#protectionDomain(child, undefined);
          break;
        case 'channel':
          this.#channel(child);
          break;
        default:
          this.#unsupportedOrUnknown(child, 'system');
      }
    }
    const memoryRegions = [...this.#regions.values()]
      .filter((r) => !this.#deviceRegions.has(r.name))
      .map((r) => ({ name: r.name, size: r.size, ...(r.paddr !== undefined ? { paddr: r.paddr } : {}) }));
    // Empty lists are the schema's defaults; leaving them out keeps the module short.
    const components = this.#components.map(({ devices, memory, ...rest }) => ({
      ...rest,
      ...(devices.length ? { devices } : {}),
      ...(memory.length ? { memory } : {}),
    }));
    return {
      name,
      platform: this.platformName,
      components,
      ...(memoryRegions.length ? { memoryRegions } : {}),
      ...(this.#channels.length ? { channels: this.#channels } : {}),
    };
  }

  #loc(span: XmlElement['span']): DiagnosticLocation {
    return { file: this.file, span };
  }

  #unsupportedOrUnknown(element: XmlElement, parent: string): void {
    const reason = UNSUPPORTED[element.name];
    if (reason) this.bag.add(D.sdfUnsupportedElement, { element: element.name, reason }, this.#loc(element.span));
    else this.bag.add(D.sdfUnknownElement, { element: element.name, parent }, this.#loc(element.span));
  }

  #checkAttributes(element: XmlElement): void {
    const allowed = ATTRIBUTES[element.name] ?? [];
    for (const attribute of element.attributes) {
      if (!allowed.includes(attribute.name)) {
        this.bag.add(D.sdfUnknownAttribute, { element: element.name, attribute: attribute.name }, this.#loc(attribute.span));
      }
    }
  }

  #attribute(element: XmlElement, name: string): XmlAttribute | undefined {
    return element.attributes.find((a) => a.name === name);
  }

  #required(element: XmlElement, name: string): XmlAttribute | undefined {
    const attribute = this.#attribute(element, name);
    if (!attribute) this.bag.add(D.sdfMissingAttribute, { element: element.name, attribute: name }, this.#loc(element.span));
    return attribute;
  }

  /** Microkit's `sdf_parse_number`: `_` removed, `0x` selects hex, else decimal. */
  #number(element: XmlElement, attribute: XmlAttribute | undefined): number | undefined {
    if (!attribute) return undefined;
    const text = attribute.value.replaceAll('_', '');
    const value = /^0x[0-9a-fA-F]+$/.test(text) ? Number.parseInt(text.slice(2), 16) : /^[0-9]+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(value)) {
      this.bag.add(D.sdfBadNumber, { value: attribute.value, attribute: attribute.name, element: element.name }, this.#loc(attribute.span));
      return undefined;
    }
    return value;
  }

  #boolean(element: XmlElement, attribute: XmlAttribute | undefined, fallback: boolean): boolean {
    if (!attribute) return fallback;
    if (attribute.value === 'true') return true;
    if (attribute.value === 'false') return false;
    this.bag.add(D.sdfBadBoolean, { value: attribute.value, attribute: attribute.name, element: element.name }, this.#loc(attribute.span));
    return fallback;
  }

  #drop(element: XmlElement, name: string, reason: string): void {
    const attribute = this.#attribute(element, name);
    if (attribute) this.bag.add(D.sdfDroppedAttribute, { attribute: name, element: element.name, reason }, this.#loc(attribute.span));
  }

  #region(element: XmlElement): void {
    this.#checkAttributes(element);
    const name = this.#required(element, 'name')?.value;
    let size = this.#number(element, this.#attribute(element, 'size'));
    const paddr = this.#number(element, this.#attribute(element, 'phys_addr'));
    this.#drop(element, 'page_size', 'kaal-compose chooses page sizes itself');
    for (const prefill of ['prefill_path', 'prefill_bootinfo']) {
      const attribute = this.#attribute(element, prefill);
      if (attribute) {
        this.bag.add(
          D.sdfUnsupportedElement,
          { element: `memory_region ${prefill}`, reason: 'prefilled memory regions are not supported' },
          this.#loc(attribute.span),
        );
      }
    }
    const prefilled = this.#attribute(element, 'prefill_path') ?? this.#attribute(element, 'prefill_bootinfo');
    if (size === undefined && !this.#attribute(element, 'size') && !prefilled) {
      this.bag.add(D.sdfMissingAttribute, { element: 'memory_region', attribute: 'size' }, this.#loc(element.span));
    }
    if (name === undefined) return;
    size ??= 0x1000;
    const region: SdfRegion = { name, size, element, ...(paddr !== undefined ? { paddr } : {}) };
    this.#regions.set(name, region);
    if (paddr === undefined) return;
    const inRam = this.platform.ram.some((r) => paddr >= r.base && paddr + size <= r.base + r.size);
    if (inRam) return;
    const devices = this.platform.devices.filter((d) => d.reg.some((r) => paddr < r.base + r.size && r.base < paddr + size));
    // Device windows smaller than a page (a 16550's 0x100 bytes) are mapped by the page around them.
    const fitting = devices.filter((d) => d.reg.some((r) => paddr >= pageDown(r.base) && paddr + size <= pageUp(r.base + r.size)));
    const hex = (n: number) => `0x${n.toString(16)}`;
    if (devices.length === 1 && fitting.length === 1) {
      this.#deviceRegions.set(name, { device: fitting[0]!, paddr, size });
    } else if (devices.length === 0) {
      this.bag.add(
        D.sdfPhysAddrNotOnPlatform,
        { region: name, paddr: hex(paddr), size: hex(size), platform: this.platformName },
        this.#loc(this.#attribute(element, 'phys_addr')!.span),
      );
    } else {
      this.bag.add(
        D.sdfRegionPartlyDevice,
        { region: name, paddr: hex(paddr), device: devices.map((d) => d.path).join("', '") },
        this.#loc(this.#attribute(element, 'phys_addr')!.span),
      );
    }
  }

  #protectionDomain(element: XmlElement, parent: string | undefined): void {
    this.#checkAttributes(element);
    const name = this.#required(element, 'name')?.value ?? `pd${this.#components.length}`;
    const component: MutableComponent = {
      name,
      priority: this.#number(element, this.#attribute(element, 'priority')) ?? 0,
      code: { elf: `${name}.elf` },
      devices: [],
      memory: [],
    };
    const stack = this.#number(element, this.#attribute(element, 'stack_size'));
    if (stack !== undefined) component.stackSize = stack;
    if (parent !== undefined) component.faultHandler = parent;
    for (const attribute of ['budget', 'period']) this.#drop(element, attribute, 'the bundled kernel is not MCS; there are no scheduling budgets');
    this.#drop(element, 'passive', 'components always have their own thread running');
    this.#drop(element, 'fpu', 'the machine is rv32imac, without floating point');
    this.#drop(element, 'id', 'a child is named by its component name, and its parent is its fault handler');
    this.#drop(element, 'setvar_id', 'child ids are not patched into ELFs');
    const cpu = this.#number(element, this.#attribute(element, 'cpu'));
    if (cpu !== undefined && cpu !== 0) {
      this.bag.add(D.sdfUnsupportedElement, { element: 'protection_domain cpu', reason: 'the machine has one core' }, this.#loc(this.#attribute(element, 'cpu')!.span));
    }
    if (this.#boolean(element, this.#attribute(element, 'smc'), false)) {
      this.bag.add(D.sdfUnsupportedElement, { element: 'protection_domain smc', reason: 'SMC calls exist only on AArch64' }, this.#loc(this.#attribute(element, 'smc')!.span));
    }
    const domain = this.#attribute(element, 'domain');
    if (domain) this.bag.add(D.sdfUnsupportedElement, { element: 'protection_domain domain', reason: UNSUPPORTED.domains! }, this.#loc(domain.span));
    this.#components.push(component);

    for (const child of element.children) {
      switch (child.name) {
        case 'program_image': {
          this.#checkAttributes(child);
          const path = this.#required(child, 'path');
          if (path) component.code = { elf: path.value };
          this.#drop(child, 'path_for_symbols', 'symbols are read from the program image itself');
          break;
        }
        case 'map':
          this.#map(child, component);
          break;
        case 'irq':
          this.#irq(child, component);
          break;
        case 'setvar': {
          this.#checkAttributes(child);
          this.bag.add(
            D.sdfUnsupportedElement,
            { element: 'setvar', reason: "physical addresses are not patched into ELFs; mapped regions get 'KAAL_REGION_<NAME>_VADDR' constants instead" },
            this.#loc(child.span),
          );
          break;
        }
        case 'protection_domain':
          this.#protectionDomain(child, name);
          break;
        default:
          this.#unsupportedOrUnknown(child, 'protection_domain');
      }
    }
  }

  #map(element: XmlElement, component: MutableComponent): void {
    this.#checkAttributes(element);
    const mr = this.#required(element, 'mr');
    const vaddr = this.#number(element, this.#required(element, 'vaddr'));
    const perms = this.#attribute(element, 'perms')?.value ?? 'rw';
    const cached = this.#boolean(element, this.#attribute(element, 'cached'), true);
    const setvar = this.#attribute(element, 'setvar_vaddr')?.value;
    this.#drop(element, 'setvar_size', "the size is the generated constant 'KAAL_REGION_<NAME>_SIZE'");
    this.#drop(element, 'setvar_prefill_size', 'prefilled memory regions are not supported');
    if (!mr || vaddr === undefined) return;
    // Microkit writes perms in any order ('wr'); kaal-compose wants 'rwx' order.
    const ordered = ['r', 'w', 'x'].filter((p) => perms.includes(p)).join('');
    const device = this.#deviceRegions.get(mr.value);
    if (device) {
      // A region covering the device's whole window grants it all; a part of it, just that range.
      const whole = device.device.reg.some((r) => device.paddr <= r.base && device.paddr + device.size >= r.base + r.size);
      const grant: DeviceGrantOut = {
        device: device.device.path,
        mmio: { vaddr, perms: ordered, cached, ...(whole ? {} : { ranges: [{ paddr: device.paddr, size: device.size }] }) },
        irq: false,
      };
      this.#nameGrant(element, 'setvar_vaddr', grant);
      component.devices.push(grant);
      return;
    }
    const mapping = setvar !== undefined ? this.#headerName(element, 'setvar_vaddr') : undefined;
    component.memory.push({ region: mr.value, ...(mapping ? { name: mapping } : {}), vaddr, perms: ordered, cached });
  }

  #irq(element: XmlElement, component: MutableComponent): void {
    this.#checkAttributes(element);
    for (const x86 of ['pin', 'vector', 'ioapic', 'polarity', 'pcidev', 'handle']) {
      const attribute = this.#attribute(element, x86);
      if (attribute) {
        this.bag.add(D.sdfUnsupportedElement, { element: `irq ${x86}`, reason: 'x86 interrupt routing does not exist on RISC-V' }, this.#loc(attribute.span));
        return;
      }
    }
    const irqAttribute = this.#required(element, 'irq');
    const irq = this.#number(element, irqAttribute);
    const id = this.#number(element, this.#required(element, 'id'));
    this.#drop(element, 'trigger', "the trigger mode is the interrupt controller's, from the device tree");
    if (irq === undefined || id === undefined || !this.#channelIdFits(element, id, component.name)) return;
    const device = this.platform.devices.find((d) => d.interrupts.includes(irq) && !d.isInterruptController);
    if (!device) {
      this.bag.add(
        D.sdfIrqNotOnPlatform,
        { irq, pd: component.name, platform: this.platformName },
        this.#loc(irqAttribute!.span),
      );
      return;
    }
    let grant = component.devices.find((g) => g.device === device.path);
    if (grant) grant.irq = { channel: id, numbers: [irq] };
    else component.devices.push((grant = { device: device.path, mmio: false, irq: { channel: id, numbers: [irq] } }));
    this.#nameGrant(element, 'setvar_id', grant);
  }

  /**
   * The value of a setvar attribute as a header name, or undefined (KC8011 when it is no
   * kaal-compose name: Microkit symbols may be any C identifier, ours also allow '-').
   */
  #headerName(element: XmlElement, attributeName: string): string | undefined {
    const attribute = this.#attribute(element, attributeName);
    if (!attribute) return undefined;
    if (NAME_PATTERN.test(attribute.value) && attribute.value.length <= 64) return attribute.value;
    this.#drop(element, attributeName, `'${attribute.value}' is not a name for a generated header constant`);
    return undefined;
  }

  /** A device map's `setvar_vaddr` or IRQ's `setvar_id` names the grant (`KAAL_MMIO_<NAME>_VADDR`, `KAAL_IRQ_CH_<NAME>`). */
  #nameGrant(element: XmlElement, attributeName: string, grant: DeviceGrantOut): void {
    const name = this.#headerName(element, attributeName);
    if (name === undefined || grant.name === name) return;
    if (grant.name === undefined) grant.name = name;
    else this.#drop(element, attributeName, `the grant of '${grant.device}' is already named '${grant.name}'`);
  }

  /** Microkit channel ids go to 62; ours to MAX_CHANNEL_ID (a badge bit each): KC8100 at the id. */
  #channelIdFits(element: XmlElement, id: number, pd: string): boolean {
    if (id <= MAX_CHANNEL_ID) return true;
    this.bag.add(D.sdfChannelIdTooLarge, { id, pd, max: MAX_CHANNEL_ID }, this.#loc(this.#attribute(element, 'id')!.span));
    return false;
  }

  #channel(element: XmlElement): void {
    this.#checkAttributes(element);
    const ends = element.children.filter((c) => c.name === 'end');
    for (const other of element.children) if (other.name !== 'end') this.#unsupportedOrUnknown(other, 'channel');
    if (ends.length !== 2) {
      this.bag.add(D.sdfChannelEnds, { count: ends.length }, this.#loc(element.span));
      return;
    }
    const [a, b] = ends.map((end) => {
      this.#checkAttributes(end);
      return {
        pd: this.#required(end, 'pd')?.value,
        id: this.#number(end, this.#required(end, 'id')),
        pp: this.#boolean(end, this.#attribute(end, 'pp'), false),
        notify: this.#boolean(end, this.#attribute(end, 'notify'), true),
      };
    }) as [EndInfo, EndInfo];
    if (a.pd === undefined || b.pd === undefined || a.id === undefined || b.id === undefined) return;
    const fits = ends.map((end, i) => this.#channelIdFits(end, [a, b][i]!.id!, [a, b][i]!.pd!));
    if (!fits.every(Boolean)) return;
    if (a.pp && b.pp) {
      this.bag.add(D.sdfBothEndsPpc, { a: a.pd, b: b.pd }, this.#loc(element.span));
      return;
    }
    if (a.notify !== b.notify) this.bag.add(D.sdfChannelNotifyOneWay, { a: a.pd, b: b.pd }, this.#loc(element.span));
    // The PPC caller is `from`; without PPC keep document order.
    const [from, to] = b.pp ? [b, a] : [a, b];
    // A channel has one name (`KAAL_CH_<NAME>` at both ends): the first end's setvar_id, else the second's.
    const [nameA, nameB] = ends.map((end) => this.#headerName(end, 'setvar_id'));
    const name = nameA ?? nameB;
    if (nameA !== undefined && nameB !== undefined && nameA !== nameB) {
      this.#drop(ends[1]!, 'setvar_id', `the channel is named '${nameA}' by its other end`);
    }
    this.#channels.push({
      ...(name !== undefined ? { name } : {}),
      from: from.pd!,
      to: to.pd!,
      notify: a.notify || b.notify,
      ppc: a.pp || b.pp,
      fromId: from.id!,
      toId: to.id!,
    });
  }
}

const PAGE_SIZE = 0x1000;
const pageDown = (address: number): number => address - (address % PAGE_SIZE);
const pageUp = (address: number): number => pageDown(address + PAGE_SIZE - 1);

interface EndInfo {
  pd: string | undefined;
  id: number | undefined;
  pp: boolean;
  notify: boolean;
}
