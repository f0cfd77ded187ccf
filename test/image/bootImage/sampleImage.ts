// A realistic boot image input for the image tests: the bundled platform's DTB (or a corpus DTS
// compiled with dtc), untypeds as the planner would give them, a small plan, and two components
// built from the clang-built ELF fixture. Plus helpers to edit an image and re-seal its checksums.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { readElf, findSymbol } from '../../../image/elf.js';
import { sealImage, type BootImage, type BootImageInput, type UntypedDescriptor } from '../../../image/bootImage/index.js';
import { DiagnosticError } from '../../../schema/diagnostics.js';

const repo = new URL('../../../', import.meta.url);

function platformDtb(): Uint8Array {
  const bundled = new URL('fixtures/platforms/kaal-virt-rv32.dtb', repo);
  if (fs.existsSync(bundled)) return new Uint8Array(fs.readFileSync(bundled));
  const dts = new URL('../shared/corpus/dts/spike32.dts', repo);
  return new Uint8Array(execFileSync('dtc', ['-I', 'dts', '-O', 'dtb', dts.pathname]));
}

export const elfBytes = new Uint8Array(fs.readFileSync(new URL('fixtures/elf/minimal.elf', repo)));
export const elf = readElf(elfBytes, 'minimal.elf');
export const dtb = platformDtb();

export const untyped: readonly UntypedDescriptor[] = [
  { paddr: 0x0010_0000, sizeBits: 12, isDevice: true },
  { paddr: 0x0010_1000, sizeBits: 12, isDevice: true },
  { paddr: 0x1000_0000, sizeBits: 12, isDevice: true },
  { paddr: 0x8040_0000, sizeBits: 22, isDevice: false },
  { paddr: 0x8080_0000, sizeBits: 23, isDevice: false },
  { paddr: 0x8100_0000, sizeBits: 24, isDevice: false },
];

export const plan = {
  formatVersion: 1,
  system: 'demo',
  components: [
    {
      name: 'ping',
      cspace: [
        { slot: 1, kind: 'notification', badge: 0 },
        { slot: 10, kind: 'notification', badge: 1 },
      ],
      vspace: [{ vaddr: 0x20_0000, size: 4096, paddr: 0x1000_0000, perms: 'rw', purpose: 'mmio' }],
    },
    { name: 'pong', cspace: [{ slot: 1, kind: 'endpoint', badge: 0 }], vspace: [] },
  ],
  grants: [
    { component: 'ping', kind: 'mmio', device: '/soc/serial@10000000', paddr: 0x1000_0000, size: 4096, vaddr: 0x20_0000, perms: 'rw', cached: false, irq: null, channel: null },
    { component: 'ping', kind: 'irq', device: '/soc/serial@10000000', paddr: 0, size: 0, vaddr: 0, perms: '', cached: false, irq: 10, channel: 3 },
  ],
};

const ipcBuffer = findSymbol(elf, 'ipc_buffer')!;

export const input: BootImageInput = {
  meta: { systemName: 'demo', toolVersion: '0.1.0', platformName: 'kaal-virt-rv32' },
  untyped,
  dtb,
  plan,
  // Deliberately not in name order: the writer sorts.
  components: ['pong', 'ping'].map((name) => ({
    name,
    entry: elf.entry,
    segments: elf.segments,
    symbols: [{ name: ipcBuffer.name, value: ipcBuffer.value, size: ipcBuffer.size }],
  })),
};

/** The writer input that gives back `image`: the reader's output fed to the writer. */
export function inputOf(image: BootImage): BootImageInput {
  const { untypedList: _list, ...bootInfo } = image.bootInfo;
  return {
    meta: image.meta,
    untyped: image.untyped,
    bootInfo,
    dtb: image.dtb,
    plan: image.plan,
    components: image.components,
  };
}

/** Section table entry `n` of kind `kind` (counting from 0): its table offset and its data offset. */
export function sectionOf(image: Uint8Array, kind: number, n = 0): { entry: number; offset: number; size: number } {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const count = view.getUint32(20, true);
  const table = view.getUint32(24, true);
  let seen = 0;
  for (let i = 0; i < count; i++) {
    const entry = table + i * 24;
    if (view.getUint32(entry, true) === kind && seen++ === n) {
      return { entry, offset: view.getUint32(entry + 4, true), size: view.getUint32(entry + 8, true) };
    }
  }
  throw new Error(`no section of kind ${kind}`);
}

export const Kind = { META: 1, BOOTINFO: 2, UNTYPED: 3, DTB: 4, PLAN: 5, COMPONENT: 6 } as const;

/** A copy of `image` with `edit` applied, optionally re-sealed (CRCs and SHA-256 recomputed). */
export function edited(
  image: Uint8Array,
  edit: (view: DataView, bytes: Uint8Array) => void,
  options: { reseal: boolean } = { reseal: true },
): Uint8Array {
  const bytes = image.slice();
  edit(new DataView(bytes.buffer), bytes);
  return options.reseal ? sealImage(bytes) : bytes;
}

/** The diagnostic `action` throws, or a marker when it throws none. */
export function diagnosticOf(action: () => unknown): { code: string; message: string } {
  try {
    action();
  } catch (error) {
    if (error instanceof DiagnosticError) return { code: error.diagnostic.code, message: error.diagnostic.message };
    throw error;
  }
  return { code: 'no error', message: '' };
}
