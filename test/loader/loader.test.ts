// The --target sel4 loader (loader/) under qemu-system-riscv32 with no other firmware: a stand-in
// kernel (fixtures/loader/standin.c, built here by clang) prints the registers, page table and
// memory the loader handed it and what each SBI call answered; these tests check every line.
// Also: the committed loader ELF is exactly what its sources build to.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLoader, readPrebuiltLoader } from '../../compiler/sel4/loader.js';
import { toolVersion } from '../../compiler/toolchain.js';
import { findSymbol, readElf } from '../../image/elf.js';
import { LOADER_HEADER_SYMBOL, writeSel4Image, type LoaderRegion } from '../../image/sel4Image.js';
import { bootUnderQemu, buildStandin, haveQemu } from '../helpers/qemu.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const clang = (await toolVersion('clang')) !== null && (await toolVersion('ld.lld')) !== null;
const update = process.env.KAAL_UPDATE_PREBUILT === '1';
if (!clang) console.warn('loader: clang/ld.lld not found, the loader tests are skipped (install clang and lld)');
if (!haveQemu) console.warn('loader: qemu-system-riscv32 not found, the boot tests are skipped (install qemu-system-misc)');

const KERNEL_PBASE = 0x8020_0000;
const KERNEL_VBASE = 0xffa0_0000;
const ROOT_TASK_VBASE = 0x1_0000;
/** 256 bytes the stand-in hashes (h = h*31 + byte), then zeros to the end of the region. */
const ROOT_TASK_BYTES = Uint8Array.from({ length: 256 }, (_, i) => (i * 7 + 3) & 0xff);
const ROOT_TASK_SIZE = 0x3000;

function hash256(bytes: Uint8Array): number {
  let h = 0;
  for (const b of bytes) h = (Math.imul(h, 31) + b) >>> 0;
  return h;
}

const hex = (n: number) => '0x' + (n >>> 0).toString(16).padStart(8, '0');

describe.skipIf(!clang)('the loader', () => {
  it('is committed byte-identical to a build of its sources', async () => {
    const built = await buildLoader();
    expect(built.diagnostics).toEqual([]);
    if (update) fs.writeFileSync(path.join(repo, 'loader/kaal-loader.elf'), built.elf!);
    expect(Buffer.from(built.elf!).equals(Buffer.from(readPrebuiltLoader()))).toBe(true);
  });

  describe.skipIf(!haveQemu)('under qemu-system-riscv32 -bios none with a stand-in kernel', () => {
    let work: string;
    let lines: Map<string, string>;
    let run: ReturnType<typeof bootUnderQemu>;
    const dtb = new Uint8Array(fs.readFileSync(path.join(repo, 'fixtures/platforms/kaal-virt-rv32.dtb')));
    const kernelEnd = { value: 0 };
    let dtbAt = 0;
    let rootTaskAt = 0;

    beforeAll(() => {
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-loader-test-'));
      const standin = readElf(buildStandin(work));
      const end = Math.ceil(Math.max(...standin.segments.map((s) => s.paddr + s.memsz)) / 0x1000) * 0x1000;
      kernelEnd.value = end;
      const kernel = new Uint8Array(end - KERNEL_PBASE);
      for (const s of standin.segments) kernel.set(s.data, s.paddr - KERNEL_PBASE);
      const fileBytes = Math.max(...standin.segments.map((s) => s.paddr + s.filesz)) - KERNEL_PBASE;
      const kernelData = kernel.slice(0, fileBytes);
      dtbAt = end;
      rootTaskAt = Math.ceil((dtbAt + dtb.length) / 0x1000) * 0x1000;
      const regions: LoaderRegion[] = [
        // Placed first and then covered by the root task's zero fill: RAM is zero at reset, so
        // only bytes written before show that the loader zeroes up to memsz.
        { name: 'garbage', dest: rootTaskAt + 0x1000, data: new Uint8Array(0x1000).fill(0xee), memsz: 0x1000 },
        { name: 'kernel', dest: KERNEL_PBASE, data: kernelData, memsz: kernel.length },
        { name: 'dtb', dest: dtbAt, data: dtb, memsz: dtb.length },
        { name: 'root task', dest: rootTaskAt, data: ROOT_TASK_BYTES, memsz: ROOT_TASK_SIZE },
      ];
      const image = writeSel4Image({
        loader: readPrebuiltLoader(),
        boot: {
          kernelEntry: standin.entry,
          kernelPbase: KERNEL_PBASE,
          kernelVbase: KERNEL_VBASE,
          rootTaskPstart: rootTaskAt,
          rootTaskPend: rootTaskAt + ROOT_TASK_SIZE,
          pvOffset: (rootTaskAt - ROOT_TASK_VBASE) >>> 0,
          rootTaskEntry: ROOT_TASK_VBASE,
          dtbPaddr: dtbAt,
          dtbSize: dtb.length,
          uartBase: 0x1000_0000,
          clintBase: 0x200_0000,
          finisherBase: 0x10_0000,
        },
        regions,
      });
      fs.writeFileSync(path.join(work, 'sys.elf'), image);
      run = bootUnderQemu(path.join(work, 'sys.elf'), { input: 'k', timeoutMs: 30_000 });
      lines = new Map(
        run.output
          .split('\n')
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]),
      );
    });
    afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

    it('prints where it put the kernel, the root task and the DTB, then enters the kernel', () => {
      expect(run.output).toContain(`kaal-loader: kernel ${hex(KERNEL_PBASE)} entry ${hex(KERNEL_VBASE)}, root task ${hex(rootTaskAt)}-${hex(rootTaskAt + ROOT_TASK_SIZE)}, dtb ${hex(dtbAt)}\n`);
      expect(run.output).toContain('standin: entered\n');
    });

    it("enters with seL4's arguments in a0..a7", () => {
      expect(lines.get('a0')).toBe(hex(rootTaskAt));
      expect(lines.get('a1')).toBe(hex(rootTaskAt + ROOT_TASK_SIZE));
      expect(lines.get('a2')).toBe(hex(rootTaskAt - ROOT_TASK_VBASE));
      expect(lines.get('a3')).toBe(hex(ROOT_TASK_VBASE));
      expect(lines.get('a4')).toBe(hex(dtbAt));
      expect(lines.get('a5')).toBe(hex(dtb.length));
      expect(lines.get('a6')).toBe(hex(0));
      expect(lines.get('a7')).toBe(hex(0));
    });

    it('maps the kernel window with 4 MiB pages from the kernel image to the top, nothing else', () => {
      const satp = Number(lines.get('satp'));
      expect(satp >>> 31).toBe(1); // Sv32
      const table = (satp & 0x3f_ffff) * 0x1000;
      expect(table >= 0x8000_0000 && table < 0x8020_0000, hex(table)).toBe(true); // in the loader's reserved 2 MiB
      const ptes = [...lines].filter(([k]) => k.startsWith('pte['));
      // 0xffa00000 >> 22 = 1022: 0xff800000 -> 0x80000000, 0xffc00000 -> 0x80400000; V R W X A D.
      expect(ptes).toEqual([
        [`pte[${hex(1022)}]`, hex(((0x8000_0000 >>> 12) << 10) | 0xcf)],
        [`pte[${hex(1023)}]`, hex(((0x8040_0000 >>> 12) << 10) | 0xcf)],
      ]);
    });

    it('placed the root task and the DTB, and zeroed what lies beyond their file bytes', () => {
      expect(lines.get('ui.hash256')).toBe(hex(hash256(ROOT_TASK_BYTES)));
      expect(lines.get('ui.zeroAfter256')).toBe(hex(1));
      expect(lines.get('dtb.magic')).toBe(hex(0xd00dfeed));
      expect(lines.get('dtb.totalsize')).toBe(hex(dtb.length));
      expect(lines.get('bss.zero')).toBe(hex(1));
    });

    it('answers the SBI base extension, and NOT_SUPPORTED for an unknown one', () => {
      expect(lines.get('base.spec')).toBe(hex(2));
      expect(lines.get('base.probeTime')).toBe(hex(1));
      expect(lines.get('base.probeOther')).toBe(hex(0));
      expect(lines.get('unknown.error')).toBe(hex(-2));
    });

    it('delegates exceptions to S-mode (ebreak arrives as scause 3)', () => {
      expect(lines.get('ebreak.scause')).toBe(hex(3));
    });

    it('set_timer raises the supervisor timer interrupt no earlier than asked', () => {
      expect(lines.get('timer.scause')).toBe(hex(0x8000_0005));
      expect(lines.get('timer.late')).toBe(hex(1));
    });

    it('with two harts, hart 1 parks and hart 0 boots the kernel alone', () => {
      const smp = bootUnderQemu(path.join(work, 'sys.elf'), { input: 'k', timeoutMs: 30_000, extraArgs: ['-smp', '2'] });
      expect(smp.output.split('standin: entered').length).toBe(2);
      expect(smp.output).toContain(`a6=${hex(0)}\n`);
      expect(smp.output).toContain('standin: shutdown\n');
      expect(smp.status).toBe(0);
    });

    it('console_getchar reads the console input, shutdown powers QEMU off', () => {
      expect(lines.get('getchar')).toBe(hex('k'.charCodeAt(0)));
      expect(run.output).toContain('standin: shutdown\n');
      expect(run.output).not.toContain('still running');
      expect(run.timedOut).toBe(false);
      expect(run.status).toBe(0);
    });
  });

  it.skipIf(!haveQemu)("with no DTB in the image it hands on QEMU's own, whose address QEMU passed in a1", () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-loader-test-'));
    try {
      const standin = readElf(buildStandin(work));
      const end = Math.ceil(Math.max(...standin.segments.map((s) => s.paddr + s.memsz)) / 0x1000) * 0x1000;
      const kernel = new Uint8Array(end - KERNEL_PBASE);
      for (const s of standin.segments) kernel.set(s.data, s.paddr - KERNEL_PBASE);
      const image = writeSel4Image({
        loader: readPrebuiltLoader(),
        boot: { kernelEntry: standin.entry, kernelPbase: KERNEL_PBASE, kernelVbase: KERNEL_VBASE, rootTaskPstart: end, rootTaskPend: end + 0x1000, pvOffset: (end - ROOT_TASK_VBASE) >>> 0, rootTaskEntry: ROOT_TASK_VBASE, dtbPaddr: 0, dtbSize: 0, uartBase: 0x1000_0000, clintBase: 0x200_0000, finisherBase: 0x10_0000 },
        regions: [{ name: 'kernel', dest: KERNEL_PBASE, data: kernel, memsz: kernel.length }],
      });
      fs.writeFileSync(path.join(work, 'nodtb.elf'), image);
      const run = bootUnderQemu(path.join(work, 'nodtb.elf'), { input: 'q', timeoutMs: 30_000 });
      const a4 = Number(/\na4=(0x[0-9a-f]+)\n/.exec(run.output)![1]);
      const a5 = Number(/\na5=(0x[0-9a-f]+)\n/.exec(run.output)![1]);
      // QEMU 7.2 puts its DTB 2 MiB-aligned below the top of the first 3 GiB of RAM (beyond the
      // stand-in's 8 MiB window, so only the loader reads it: it hands it on only when the magic
      // is there, with the header's totalsize).
      expect(a4 % 0x20_0000).toBe(0);
      expect(a4 >= 0xb000_0000 && a4 < 0xc000_0000, hex(a4)).toBe(true);
      expect(run.output).toContain(`, dtb ${hex(a4)}\n`);
      expect(a5 > 0x800 && a5 < 0x1_0000, hex(a5)).toBe(true);
      expect(run.status).toBe(0);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it.skipIf(!haveQemu)('an unprepared loader (no boot header) enters nothing: it has no console to speak on and stops', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-loader-test-'));
    try {
      fs.writeFileSync(path.join(work, 'raw.elf'), readPrebuiltLoader());
      const run = bootUnderQemu(path.join(work, 'raw.elf'), { timeoutMs: 3_000 });
      expect(run.output).toBe('');
      expect(run.timedOut).toBe(true);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it.skipIf(!haveQemu)('a boot header of another version is refused with a message and exit status 1', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-loader-test-'));
    try {
      const image = writeSel4Image({
        loader: readPrebuiltLoader(),
        boot: { kernelEntry: KERNEL_VBASE, kernelPbase: KERNEL_PBASE, kernelVbase: KERNEL_VBASE, rootTaskPstart: 0, rootTaskPend: 0, pvOffset: 0, rootTaskEntry: 0, dtbPaddr: 0, dtbSize: 0, uartBase: 0x1000_0000, clintBase: 0, finisherBase: 0x10_0000 },
        regions: [{ name: 'kernel', dest: KERNEL_PBASE, data: new Uint8Array(4), memsz: 4 }],
      });
      const elf = readElf(image);
      const header = findSymbol(elf, LOADER_HEADER_SYMBOL)!.value;
      const segment = elf.segments.find((s) => header >= s.vaddr && header < s.vaddr + s.filesz)!;
      new DataView(image.buffer).setUint32(segment.offset + (header - segment.vaddr) + 4, 2, true);
      fs.writeFileSync(path.join(work, 'v2.elf'), image);
      const run = bootUnderQemu(path.join(work, 'v2.elf'), { timeoutMs: 10_000 });
      expect(run.output).toBe('kaal-loader: boot header of another version: 0x00000002\n');
      expect(run.status).toBe(1);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
