// What `kaal-compose inspect` shows of a `--target sel4` ELF (image/sel4Image.ts): the loader, the
// boot header (the arguments seL4's entry will get), each region the loader places, and what the
// file is not: a boot image for `kaal-compose run`. docs/sel4.md, "What it produces".
import { escapeTerminalText } from '../schema/terminalText.js';
import { createHash } from 'node:crypto';
import { D, fail } from '../schema/diagnostics.js';
import { readElf } from './elf.js';
import { readSel4ImageHeader, regionBytes, type Sel4ImageHeader } from './sel4Image.js';
import { decodeFdt } from './fdt/index.js';
import { platformFromFdt } from './platform.js';

const hex = (n: number): string => '0x' + (n >>> 0).toString(16).padStart(8, '0');

export interface Sel4ImageSummary {
  readonly kind: 'sel4-elf';
  readonly totalSize: number;
  readonly sha256: string;
  readonly runWith: string;
  readonly loader: { readonly entry: string; readonly segments: readonly { paddr: string; memsz: number; filesz: number }[] };
  readonly kernel: { readonly paddr: string; readonly vaddr: string; readonly entry: string; readonly size: number };
  readonly rootTask: { readonly paddr: string; readonly end: string; readonly pvOffset: string; readonly entry: string };
  readonly dtb: { readonly paddr: string; readonly size: number; readonly model: string | null };
  readonly devices: { readonly uart: string; readonly clint: string; readonly finisher: string };
  readonly regions: readonly { name: string; dest: string; src: string; filesz: number; memsz: number }[];
  readonly not: string;
}

const NOT =
  "not a kaal-compose boot image: it boots on seL4 under QEMU or a board, 'kaal-compose run' cannot run it, and it carries no proof of its grants";

function regionName(header: Sel4ImageHeader, dest: number): string {
  if (dest === header.kernelPbase) return 'kernel';
  if (dest === header.dtbPaddr) return 'dtb';
  if (dest === header.rootTaskPstart) return 'root task';
  return 'other';
}

/** Summarizes a `--target sel4` ELF; an ELF without the loader's boot header is refused (KC6800). */
export function inspectSel4Image(bytes: Uint8Array, file?: string): Sel4ImageSummary {
  const elf = readElf(bytes, file);
  const header = readSel4ImageHeader(elf);
  if (header === undefined) throw fail(D.sel4ImageNoHeader, { file: file ?? 'input' }, file === undefined ? {} : { file });
  const dtbRegion = header.regions.find((r) => r.dest === header.dtbPaddr);
  const dtbBytes = dtbRegion === undefined ? undefined : regionBytes(elf, dtbRegion);
  let model: string | null = null;
  if (dtbBytes !== undefined) {
    try {
      model = platformFromFdt(decodeFdt(dtbBytes)).model;
    } catch {
      model = null;
    }
  }
  const kernelRegion = header.regions.find((r) => r.dest === header.kernelPbase);
  const payloadStart = Math.min(...header.regions.map((r) => r.src));
  return {
    kind: 'sel4-elf',
    totalSize: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    runWith: `qemu-system-riscv32 -machine virt -m 2G -nographic -bios none -kernel ${file ?? '<file>'}`,
    loader: {
      entry: hex(elf.entry),
      segments: elf.segments.filter((s) => s.paddr < payloadStart).map((s) => ({ paddr: hex(s.paddr), memsz: s.memsz, filesz: s.filesz })),
    },
    kernel: { paddr: hex(header.kernelPbase), vaddr: hex(header.kernelVbase), entry: hex(header.kernelEntry), size: kernelRegion?.memsz ?? 0 },
    rootTask: { paddr: hex(header.rootTaskPstart), end: hex(header.rootTaskPend), pvOffset: hex(header.pvOffset), entry: hex(header.rootTaskEntry) },
    dtb: { paddr: hex(header.dtbPaddr), size: header.dtbSize, model },
    devices: { uart: hex(header.uartBase), clint: hex(header.clintBase), finisher: hex(header.finisherBase) },
    regions: header.regions.map((r) => ({ name: regionName(header, r.dest), dest: hex(r.dest), src: hex(r.src), filesz: r.filesz, memsz: r.memsz })),
    not: NOT,
  };
}

export function formatSel4ImageSummary(summary: Sel4ImageSummary): string {
  const out = [
    `seL4 boot ELF (--target sel4), ${summary.totalSize} bytes`,
    `  sha256    ${summary.sha256}`,
    `  run with  ${summary.runWith}`,
    '',
    `loader: M-mode entry ${summary.loader.entry}, ${summary.loader.segments.length} segments`,
    `  console ns16550a ${summary.devices.uart}, timer CLINT ${summary.devices.clint}, power-off ${summary.devices.finisher}`,
    '',
    'seL4 entry (a0..a5):',
    `  kernel     ${summary.kernel.paddr} (virtual ${summary.kernel.vaddr}), entry ${summary.kernel.entry}, ${summary.kernel.size} bytes`,
    `  root task  ${summary.rootTask.paddr}..${summary.rootTask.end}, pv_offset ${summary.rootTask.pvOffset}, entry ${summary.rootTask.entry}`,
    `  dtb        ${summary.dtb.paddr}, ${summary.dtb.size} bytes${summary.dtb.model === null ? '' : `, model '${summary.dtb.model}'`}`,
    '',
    `regions the loader places (${summary.regions.length}):`,
    ...summary.regions.map((r) => `  ${r.name.padEnd(10)} ${r.dest}  from ${r.src}  filesz ${String(r.filesz).padStart(8)}  memsz ${String(r.memsz).padStart(8)}`),
    '',
    summary.not,
    '',
  ];
  // The DTB's model string and region names come from the file: escaped for the terminal, line by line.
  return out.map(escapeTerminalText).join('\n');
}
