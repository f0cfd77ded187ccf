// What `kaal-compose inspect` shows of a boot image: a JSON-shaped summary (header, sections with
// checksums, bootinfo, untypeds, components and their segments, and, read generically from the PLAN,
// each component's slots and mappings and the grants) and its text rendering.
import { createHash } from 'node:crypto';
import { readImage } from './readImage.js';
import type { BootImage } from './types.js';
import { hex, hex8 } from './format.js';
import { segmentPerms as perms } from '../elf.js';
import { escapeTerminalText } from '../../schema/terminalText.js';

export interface ImageSummary {
  readonly formatVersion: number;
  /** SHA-256 of the file's bytes: what `sha256sum` and `build` print. */
  readonly sha256: string;
  /** The header's `sha256` field: SHA-256 of the image with that field zeroed (docs/image-format.md). */
  readonly headerSha256: string;
  readonly totalSize: number;
  readonly meta: BootImage['meta'];
  /** The signer's key fingerprint when a (verified) signature trailer follows the image, else null. */
  readonly signer: string | null;
  /** In table order; COMPONENT entries also carry the component's name. */
  readonly sections: readonly { kind: string; name?: string; offset: number; size: number; alignment: number; crc32: string }[];
  readonly bootInfo: Readonly<Record<string, unknown>>;
  readonly untyped: readonly { slot: number; paddr: string; sizeBits: number; device: boolean }[];
  /** The bootinfo the image's plan expects the kernel to hand its root task (what the root task checks). */
  readonly bootinfo: {
    readonly untypedStart: number;
    readonly emptyStart: number;
    readonly untypeds: readonly { paddr: string; sizeBits: number; device: boolean }[];
  };
  /** The root task: who realizes the plan, for which kernel, from which user image (plan.boot). */
  readonly rootTask: {
    readonly name: string;
    readonly kernel: string;
    readonly userImage: { readonly paddr: string; readonly vaddr: string; readonly size: number; readonly entry: string };
  };
  readonly components: readonly {
    name: string;
    entry: string;
    segments: readonly { vaddr: string; memsz: number; filesz: number; perms: string }[];
    symbols: readonly { name: string; value: string; size: number }[];
  }[];
  /** From the PLAN section, whatever of these it has. */
  readonly plan: {
    readonly formatVersion: number;
    readonly components: readonly { name: string; slots: readonly unknown[]; mappings: readonly unknown[] }[];
    readonly grants: readonly unknown[];
  };
}

/** Reads and checks `bytes` (throws KC60xx diagnostics like `readImage`) and summarizes it. */
export function inspectImage(bytes: Uint8Array, file?: string): ImageSummary {
  return summarizeImage(readImage(bytes, file), fileSha256(bytes));
}

/** SHA-256 of a file's bytes, lower-case hex (what `sha256sum` prints). */
export function fileSha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `fileSha256`: the SHA-256 of the bytes `image` was read from. */
export function summarizeImage(image: BootImage, fileSha256: string): ImageSummary {
  const { untypedList: _untypedList, ...bootInfo } = image.bootInfo;
  // The reader returns components in the table order of their sections.
  let component = 0;
  return {
    formatVersion: image.formatVersion,
    sha256: fileSha256,
    headerSha256: image.sha256,
    totalSize: image.totalSize,
    meta: image.meta,
    signer: image.signature?.fingerprint ?? null,
    sections: image.sections.map((s) => ({
      kind: s.kind,
      ...(s.kind === 'COMPONENT' ? { name: image.components[component++]!.name } : {}),
      offset: s.offset,
      size: s.size,
      alignment: s.alignment,
      crc32: hex8(s.crc32),
    })),
    bootInfo,
    untyped: image.untyped.map((u, i) => ({
      slot: image.bootInfo.untyped.start + i,
      paddr: hex(u.paddr),
      sizeBits: u.sizeBits,
      device: u.isDevice,
    })),
    bootinfo: {
      untypedStart: image.bootInfo.untyped.start,
      emptyStart: image.bootInfo.empty.start,
      untypeds: image.untyped.map((u) => ({ paddr: hex(u.paddr), sizeBits: u.sizeBits, device: u.isDevice })),
    },
    rootTask: rootTaskSummary(image),
    components: image.components.map((c) => ({
      name: c.name,
      entry: hex(c.entry),
      segments: c.segments.map((s) => ({ vaddr: hex(s.vaddr), memsz: s.memsz, filesz: s.data.length, perms: perms(s.flags) })),
      symbols: c.symbols.map((s) => ({ name: s.name, value: hex(s.value), size: s.size })),
    })),
    plan: planSummary(image.plan),
  };
}

const arrayOr = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
const record = (value: unknown): Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** The root task the image carries (ROOTTASK: roottask/ with its plan table) and the plan's `boot` record of it. */
function rootTaskSummary(image: BootImage): ImageSummary['rootTask'] {
  const boot = record(image.plan.boot);
  const userImage = record(boot.userImage);
  const word = (v: unknown): string => (typeof v === 'number' ? hex(v) : '?');
  return {
    name: image.rootTask ? `kaal-compose root task (roottask/, ${image.rootTask.length} bytes with its plan table)` : 'none (the image carries no root task)',
    kernel: String(record(boot.kernelConfig).kernel ?? '?'),
    userImage: { paddr: word(userImage.paddr), vaddr: word(userImage.vaddr), size: typeof userImage.size === 'number' ? userImage.size : 0, entry: word(userImage.entry) },
  };
}

/** The plan's per-component `cspace`/`vspace` (or `slots`/`mappings`) and its `grants`, if present. */
function planSummary(plan: BootImage['plan']): ImageSummary['plan'] {
  return {
    formatVersion: plan.formatVersion,
    components: arrayOr(plan.components).map((c) => {
      const component = record(c);
      return {
        name: typeof component.name === 'string' ? component.name : '?',
        slots: arrayOr(component.cspace ?? component.slots),
        mappings: arrayOr(component.vspace ?? component.mappings),
      };
    }),
    grants: arrayOr(plan.grants),
  };
}

const num = (value: unknown): string => (typeof value === 'number' ? hex(value) : String(value));

function describeSlot(slot: unknown): string {
  const s = record(slot);
  if (typeof s.slot !== 'number') return JSON.stringify(slot);
  const parts = [
    String(s.kind ?? '?'),
    typeof s.object === 'string' ? s.object : '',
    typeof s.badge === 'number' && s.badge !== 0 ? `badge ${hex(s.badge)}` : '',
    s.role !== undefined ? `(${String(s.role)})` : '',
  ];
  return `slot ${String(s.slot).padStart(3)}: ${parts.filter((p) => p !== '').join(' ')}`;
}

/** Consecutive 4 KiB mappings with the same permissions and purpose, contiguous in vaddr, as one run. */
function describeMappings(mappings: readonly unknown[]): string[] {
  const lines: string[] = [];
  let run: { start: number; end: number; paddr: unknown; perms: unknown; purpose: unknown; source: unknown } | undefined;
  const flush = () => {
    if (run === undefined) return;
    const pages = (run.end - run.start) / 4096;
    const paddr = typeof run.paddr === 'number' ? ` -> ${hex(run.paddr)}` : '';
    const source = run.source ? ` ${String(run.source)}` : '';
    lines.push(`${hex(run.start)}..${hex(run.end)}${paddr} ${String(run.perms ?? '')} ${String(run.purpose ?? '')}${source} (${pages} pages)`);
    run = undefined;
  };
  for (const mapping of mappings) {
    const m = record(mapping);
    if (typeof m.vaddr !== 'number' || typeof m.size !== 'number') {
      flush();
      lines.push(JSON.stringify(mapping));
      continue;
    }
    const contiguousPaddr =
      run !== undefined && typeof run.paddr === 'number' && typeof m.paddr === 'number'
        ? m.paddr === run.paddr + (run.end - run.start)
        : run !== undefined && run.paddr === undefined && m.paddr === undefined;
    if (run && run.end === m.vaddr && run.perms === m.perms && run.purpose === m.purpose && run.source === m.source && contiguousPaddr) {
      run.end += m.size;
    } else {
      flush();
      run = { start: m.vaddr, end: m.vaddr + m.size, paddr: m.paddr, perms: m.perms, purpose: m.purpose, source: m.source };
    }
  }
  flush();
  return lines;
}

function describeGrant(grant: unknown): string {
  const g = record(grant);
  if (g.kind === 'mmio') {
    return `${String(g.component)}: mmio ${String(g.device)} ${num(g.paddr)} size ${num(g.size)} at ${num(g.vaddr)} ${String(g.perms)}`;
  }
  if (g.kind === 'irq') return `${String(g.component)}: irq ${String(g.irq)} ${String(g.device)} on channel ${String(g.channel)}`;
  return JSON.stringify(grant);
}

/** The text `kaal-compose inspect` prints. */
export function formatImageSummary(summary: ImageSummary): string {
  const out: string[] = [];
  const { meta } = summary;
  out.push(`boot image format ${summary.formatVersion}, ${summary.totalSize} bytes`);
  out.push(`  sha256    ${summary.sha256} (of the file, as sha256sum and build print it)`);
  out.push(`  header    sha256 ${summary.headerSha256} (the image with this field zeroed)`);
  out.push(`  system    ${meta.systemName}`);
  out.push(`  platform  ${meta.platformName}`);
  out.push(`  tool      kaal-compose ${meta.toolVersion}`);
  out.push(`  inputs    sha256 ${meta.inputsSha256}`);
  out.push(`  signed    ${summary.signer === null ? 'no' : `by ${summary.signer} (signature valid)`}`);
  out.push('', `sections (${summary.sections.length}):`);
  out.push('  kind        offset        size  crc32');
  for (const s of summary.sections) {
    const name = s.name !== undefined ? `  ${s.name}` : '';
    out.push(`  ${s.kind.padEnd(10)}  ${hex8(s.offset)}  ${String(s.size).padStart(8)}  ${s.crc32}${name}`);
  }
  const rt = summary.rootTask;
  out.push('', `root task  ${rt.name}, for the ${rt.kernel} kernel; user image ${rt.userImage.size} bytes at ${rt.userImage.paddr} (vaddr ${rt.userImage.vaddr}, entry ${rt.userImage.entry})`);
  out.push(`bootinfo   untyped slots from ${summary.bootinfo.untypedStart}, empty slots from ${summary.bootinfo.emptyStart}`);
  out.push('', `untyped (${summary.untyped.length}):`);
  for (const u of summary.untyped) {
    const size = 2 ** u.sizeBits;
    out.push(`  slot ${String(u.slot).padStart(4)}  ${u.paddr.padStart(10)}  2^${u.sizeBits} (${formatBytes(size)})  ${u.device ? 'device' : 'ram'}`);
  }
  out.push('', `components (${summary.components.length}):`);
  for (const c of summary.components) {
    out.push(`  ${c.name}  entry ${c.entry}`);
    for (const s of c.segments) {
      out.push(`    segment ${s.vaddr.padStart(10)}  memsz ${hex(s.memsz).padStart(8)}  filesz ${hex(s.filesz).padStart(8)}  ${s.perms}`);
    }
    for (const s of c.symbols) out.push(`    symbol  ${s.name} = ${s.value} (${s.size} bytes)`);
    const planned = summary.plan.components.find((p) => p.name === c.name);
    if (planned) {
      if (planned.slots.length > 0) out.push(`    slots (${planned.slots.length}):`, ...planned.slots.map((s) => `      ${describeSlot(s)}`));
      if (planned.mappings.length > 0) {
        out.push(`    mappings (${planned.mappings.length}):`, ...describeMappings(planned.mappings).map((m) => `      ${m}`));
      }
    }
  }
  if (summary.plan.grants.length > 0) {
    out.push('', `grants (${summary.plan.grants.length}):`, ...summary.plan.grants.map((g) => `  ${describeGrant(g)}`));
  }
  // Names and the plan's strings come from the image: each line escaped, so none reaches the terminal raw.
  return out.map(escapeTerminalText).join('\n') + '\n';
}

function formatBytes(size: number): string {
  if (size >= 2 ** 20) return `${size / 2 ** 20} MiB`;
  if (size >= 2 ** 10) return `${size / 2 ** 10} KiB`;
  return `${size} B`;
}
