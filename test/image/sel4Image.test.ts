// The --target sel4 output inside image's own test set: the ELF writer (image/elfWrite.ts) read back
// by llvm-readelf, the boot header and payload of image/sel4Image.ts on the prebuilt loader, and
// what `inspect` makes of the result (image/inspectSel4Image.ts), each at its bounds.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSel4Image } from '../../compiler/sel4/image.js';
import { readPrebuiltLoader } from '../../compiler/sel4/loader.js';
import { readElf, type ElfFile } from '../../image/elf.js';
import { writeElf } from '../../image/elfWrite.js';
import {
  LOADER_HEADER_SIZE,
  LOADER_HEADER_SYMBOL,
  payloadBase,
  readSel4ImageHeader,
  regionBytes,
  writeSel4Image,
  type LoaderBootArguments,
  type LoaderRegion,
} from '../../image/sel4Image.js';
import { formatSel4ImageSummary, inspectSel4Image } from '../../image/inspectSel4Image.js';
import { DiagnosticError } from '../../schema/diagnostics.js';
import { repoRoot } from '../helpers/files.js';
import { kernelLike, rootTask } from '../helpers/sel4Sample.js';

const loader = readPrebuiltLoader();
const loaderElf = readElf(loader, 'loader');
const dtb = new Uint8Array(fs.readFileSync(path.join(repoRoot, 'fixtures/platforms/kaal-virt-rv32.dtb')));
const haveReadelf = (() => {
  try {
    execFileSync('llvm-readelf', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-sel4-image-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** llvm-readelf's JSON of `bytes` (headers, program and section headers, symbols). */
function readelf(bytes: Uint8Array): any {
  const file = path.join(work, `${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.elf`);
  fs.writeFileSync(file, bytes);
  const out = execFileSync('llvm-readelf', ['--elf-output-style=JSON', '-h', '-l', '-S', '-s', file], { encoding: 'utf8' });
  return (JSON.parse(out) as Record<string, any>[])[0]![file];
}

/** Every boot argument distinct, one of them negative (stored modulo 2^32). */
const boot: LoaderBootArguments = {
  kernelEntry: 0xffa0_0010,
  kernelPbase: 0x8020_0000,
  kernelVbase: 0xffa0_0000,
  rootTaskPstart: 0x8030_0000,
  rootTaskPend: 0x8030_3000,
  pvOffset: -0x1000,
  rootTaskEntry: 0x1_0004,
  dtbPaddr: 0x8028_0000,
  dtbSize: 3,
  uartBase: 0x1000_0000,
  clintBase: 0x200_0000,
  finisherBase: 0x10_0000,
};

const fill = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 7 + seed) & 0xff);

/** Three regions; the highest end is the first's, and it ends one byte into a page. */
const regions: LoaderRegion[] = [
  { name: 'kernel', dest: 0x8020_0000, data: fill(0x1001, 1), memsz: 0x20_0001 },
  { name: 'dtb', dest: 0x8028_0000, data: fill(3, 2), memsz: 3 },
  { name: 'root task', dest: 0x8030_0000, data: fill(0x1000, 3), memsz: 0x3000 },
];

describe('payloadBase', () => {
  it("is the page at or after the highest region end, whichever region's it is", () => {
    expect(payloadBase(regions)).toBe(0x8040_1000);
    expect(payloadBase([{ name: 'a', dest: 0x8000_0000, data: new Uint8Array(0), memsz: 0x2000 }, { name: 'b', dest: 0x7000_0000, data: new Uint8Array(0), memsz: 0x1000 }])).toBe(0x8000_2000);
    expect(payloadBase([{ name: 'a', dest: 0x8000_0000, data: new Uint8Array(0), memsz: 0x1fff }])).toBe(0x8000_2000);
  });
});

describe('writeSel4Image on the prebuilt loader', () => {
  const out = writeSel4Image({ loader, boot, regions });
  const elf = readElf(out, 'out');
  const header = readSel4ImageHeader(elf)!;

  it('writes every boot argument and each region with its payload source, read back word for word', () => {
    expect(header).toEqual({
      ...boot,
      pvOffset: 0xffff_f000,
      // Each region's bytes start a page: 0x1001 bytes take two.
      regions: [
        { dest: 0x8020_0000, src: 0x8040_1000, filesz: 0x1001, memsz: 0x20_0001 },
        { dest: 0x8028_0000, src: 0x8040_3000, filesz: 3, memsz: 3 },
        { dest: 0x8030_0000, src: 0x8040_4000, filesz: 0x1000, memsz: 0x3000 },
      ],
    });
    regions.forEach((region, i) => expect(Buffer.from(regionBytes(elf, header.regions[i]!)!).equals(Buffer.from(region.data))).toBe(true));
  });

  it("keeps the loader's segments, entry and flags, patching only the header's bytes, and adds one read-only payload segment", () => {
    expect(elf.entry).toBe(loaderElf.entry);
    expect(elf.flags).toBe(loaderElf.flags);
    expect(elf.segments.map((s) => [s.vaddr, s.paddr, s.filesz, s.memsz, s.flags])).toEqual([
      ...loaderElf.segments.map((s) => [s.vaddr, s.paddr, s.filesz, s.memsz, s.flags]),
      [0x8040_1000, 0x8040_1000, 0x4000, 0x4000, 4],
    ]);
    const symbol = loaderElf.symbols.find((s) => s.name === LOADER_HEADER_SYMBOL)!;
    loaderElf.segments.forEach((segment, i) => {
      const written = elf.segments[i]!.data;
      const start = symbol.value - segment.vaddr;
      const inside = start >= 0 && start < segment.filesz;
      for (let at = 0; at < segment.filesz; at++) {
        if (inside && at >= start && at < start + LOADER_HEADER_SIZE) continue;
        if (written[at] !== segment.data[at]) throw new Error(`segment ${i} byte ${at} changed`);
      }
      if (inside) {
        const view = new DataView(written.buffer, written.byteOffset + start);
        expect([view.getUint32(0, true), view.getUint32(4, true), view.getUint32(56, true)]).toEqual([0x52444c4b, 1, 3]);
      }
    });
    // The payload between the regions' bytes is zero.
    const payload = elf.segments[3]!.data;
    expect(payload.subarray(0x1001, 0x2000).every((b) => b === 0)).toBe(true);
    expect(payload.subarray(0x2003, 0x3000).every((b) => b === 0)).toBe(true);
    expect(elf.symbols.map((s) => [s.name, s.value, s.size])).toEqual([[LOADER_HEADER_SYMBOL, symbol.value, LOADER_HEADER_SIZE]]);
  });

  it('writes the same bytes for the same input', () => {
    expect(Buffer.from(writeSel4Image({ loader, boot, regions })).equals(Buffer.from(out))).toBe(true);
  });

  it('takes 16 regions and refuses 17, and a loader without the header symbol', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `r${i}`, dest: 0x8000_0000 + i * 0x1000, data: fill(1, i), memsz: 1 }));
    const sixteen = readSel4ImageHeader(readElf(writeSel4Image({ loader, boot, regions: many(16) })))!;
    expect(sixteen.regions.map((r) => r.src)).toEqual(Array.from({ length: 16 }, (_, i) => 0x8001_0000 + i * 0x1000));
    expect(() => writeSel4Image({ loader, boot, regions: many(17) })).toThrow(new Error('17 regions, the loader places at most 16'));
    const bare = writeElf({ entry: 0x8000_0000, flags: 0, segments: [{ vaddr: 0x8000_0000, paddr: 0x8000_0000, memsz: 0x1000, flags: 5, data: new Uint8Array(0x1000) }], symbols: [] });
    expect(() => writeSel4Image({ loader: bare, boot, regions })).toThrow(new Error("the loader has no 'kaal_loader_header' symbol"));
    // A loader that is no ELF is named so.
    expect(() => writeSel4Image({ loader: new Uint8Array(8), boot, regions })).toThrow(expect.objectContaining({ diagnostic: expect.objectContaining({ file: 'loader' }) }));
  });
});

/** A loader of one 0x400-byte segment at 0x8000_0000 (filesz `filesz`) whose header symbol is at `at`. */
function syntheticLoader(at: number, filesz = 0x400): Uint8Array {
  return writeElf({
    entry: 0x8000_0000,
    flags: 1,
    segments: [{ vaddr: 0x8000_0000, paddr: 0x8000_0000, memsz: 0x800, flags: 7, data: fill(filesz, 9) }],
    symbols: [{ name: LOADER_HEADER_SYMBOL, value: at, size: LOADER_HEADER_SIZE }],
  });
}

describe('the boot header in a segment, at the bounds', () => {
  const one: LoaderRegion[] = [{ name: 'kernel', dest: 0x8020_0000, data: fill(8, 4), memsz: 8 }];

  it('is patched when it ends exactly at the segment\'s file bytes, and read back', () => {
    const at = 0x8000_0400 - LOADER_HEADER_SIZE;
    const header = readSel4ImageHeader(readElf(writeSel4Image({ loader: syntheticLoader(at), boot, regions: one })));
    expect(header?.regions).toEqual([{ dest: 0x8020_0000, src: 0x8020_1000, filesz: 8, memsz: 8 }]);
    // At the segment's first byte too.
    expect(readSel4ImageHeader(readElf(writeSel4Image({ loader: syntheticLoader(0x8000_0000), boot, regions: one })))?.kernelEntry).toBe(boot.kernelEntry);
  });

  it('is left out when it would end one byte past the file bytes, or start before the segment; the reader then finds none', () => {
    for (const at of [0x8000_0400 - LOADER_HEADER_SIZE + 1, 0x7fff_fffc]) {
      const out = readElf(writeSel4Image({ loader: syntheticLoader(at), boot, regions: one }));
      expect(Buffer.from(out.segments[0]!.data).equals(Buffer.from(fill(0x400, 9)))).toBe(true);
      expect(readSel4ImageHeader(out)).toBeUndefined();
    }
  });

  it('reads no header without the symbol, with another magic or version, and at most 16 regions', () => {
    const out = writeSel4Image({ loader: syntheticLoader(0x8000_0100), boot, regions: one });
    expect(readSel4ImageHeader({ ...readElf(out), symbols: [] })).toBeUndefined();
    const patched = (word: number, value: number): ElfFile => {
      const elf = readElf(out);
      const data = elf.segments[0]!.data.slice();
      new DataView(data.buffer).setUint32(0x100 + word * 4, value, true);
      return { ...elf, segments: [{ ...elf.segments[0]!, data }, ...elf.segments.slice(1)] };
    };
    expect(readSel4ImageHeader(patched(0, 0x52444c4c))).toBeUndefined();
    expect(readSel4ImageHeader(patched(1, 2))).toBeUndefined();
    expect(readSel4ImageHeader(patched(1, 0))).toBeUndefined();
    expect(readSel4ImageHeader(patched(14, 17))!.regions).toHaveLength(16);
    expect(readSel4ImageHeader(patched(14, 16))!.regions).toHaveLength(16);
    expect(readSel4ImageHeader(patched(14, 0))!.regions).toEqual([]);
  });
});

describe('regionBytes', () => {
  const elf = readElf(writeSel4Image({ loader, boot, regions }));
  const { regions: placed } = readSel4ImageHeader(elf)!;

  it('finds bytes that end exactly at the payload end, and none one byte past it or before the segment', () => {
    const last = placed[2]!;
    // The payload ends at 0x8040_5000: the last region's page is full.
    expect(regionBytes(elf, { ...last, src: 0x8040_4000, filesz: 0x1000 })!.length).toBe(0x1000);
    expect(regionBytes(elf, { ...last, src: 0x8040_4001, filesz: 0x1000 })).toBeUndefined();
    expect(regionBytes(elf, { ...last, src: 0x8040_0fff, filesz: 2 })).toBeUndefined();
    expect(Array.from(regionBytes(elf, { ...last, src: 0x8040_1001, filesz: 2 })!)).toEqual([8, 15]);
  });
});

describe('inspectSel4Image', () => {
  const devices = { uartBase: 0x1000_0000, clintBase: 0x200_0000, finisherBase: 0x10_0000 };
  const { elf: built } = buildSel4Image({ loader, kernel: kernelLike(0x8022_0000), dtb, rootTask, devices });
  const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

  it('summarises the loader, the entry arguments, the DTB and each region', () => {
    const summary = inspectSel4Image(built, 'sys.elf');
    expect(summary).toEqual({
      kind: 'sel4-elf',
      totalSize: built.length,
      sha256: sha(built),
      runWith: 'qemu-system-riscv32 -machine virt -m 2G -nographic -bios none -kernel sys.elf',
      loader: { entry: '0x80000000', segments: loaderElf.segments.map((s) => ({ paddr: `0x${s.paddr.toString(16)}`, memsz: s.memsz, filesz: s.filesz })) },
      kernel: { paddr: '0x80200000', vaddr: '0xffa00000', entry: '0xffa00000', size: 0x2_0000 },
      rootTask: { paddr: '0x80221000', end: '0x80223000', pvOffset: '0x80211000', entry: '0x00010000' },
      dtb: { paddr: '0x80220000', size: dtb.length, model: 'kaal-virt-rv32' },
      devices: { uart: '0x10000000', clint: '0x02000000', finisher: '0x00100000' },
      regions: [
        { name: 'kernel', dest: '0x80200000', src: '0x80223000', filesz: 0x200, memsz: 0x2_0000 },
        { name: 'dtb', dest: '0x80220000', src: '0x80224000', filesz: dtb.length, memsz: dtb.length },
        { name: 'root task', dest: '0x80221000', src: '0x80225000', filesz: 0x1021, memsz: 0x2000 },
      ],
      not: "not a kaal-compose boot image: it boots on seL4 under QEMU or a board, 'kaal-compose run' cannot run it, and it carries no proof of its grants",
    });
    expect(inspectSel4Image(built).runWith).toBe('qemu-system-riscv32 -machine virt -m 2G -nographic -bios none -kernel <file>');
  });

  it('prints it line by line', () => {
    const text = formatSel4ImageSummary(inspectSel4Image(built, 'sys.elf'));
    expect(text).toBe(
      [
        `seL4 boot ELF (--target sel4), ${built.length} bytes`,
        `  sha256    ${sha(built)}`,
        '  run with  qemu-system-riscv32 -machine virt -m 2G -nographic -bios none -kernel sys.elf',
        '',
        'loader: M-mode entry 0x80000000, 3 segments',
        '  console ns16550a 0x10000000, timer CLINT 0x02000000, power-off 0x00100000',
        '',
        'seL4 entry (a0..a5):',
        '  kernel     0x80200000 (virtual 0xffa00000), entry 0xffa00000, 131072 bytes',
        '  root task  0x80221000..0x80223000, pv_offset 0x80211000, entry 0x00010000',
        `  dtb        0x80220000, ${dtb.length} bytes, model 'kaal-virt-rv32'`,
        '',
        'regions the loader places (3):',
        '  kernel     0x80200000  from 0x80223000  filesz      512  memsz   131072',
        `  dtb        0x80220000  from 0x80224000  filesz     ${String(dtb.length).padStart(4)}  memsz     ${String(dtb.length).padStart(4)}`,
        '  root task  0x80221000  from 0x80225000  filesz     4129  memsz     8192',
        '',
        "not a kaal-compose boot image: it boots on seL4 under QEMU or a board, 'kaal-compose run' cannot run it, and it carries no proof of its grants",
        '',
      ].join('\n'),
    );
  });

  it('names a region at no known address "other", gives a kernel without region size 0, and no model for an unreadable DTB', () => {
    const odd = writeSel4Image({
      loader,
      boot: { ...boot, dtbPaddr: 0x8028_0000, dtbSize: 3 },
      regions: [
        { name: 'dtb', dest: 0x8028_0000, data: fill(3, 2), memsz: 3 },
        { name: 'x', dest: 0x8050_0000, data: fill(4, 1), memsz: 4 },
        { name: 'root task', dest: 0x8030_0000, data: fill(4, 3), memsz: 4 },
      ],
    });
    const summary = inspectSel4Image(odd, 'odd.elf');
    expect(summary.regions.map((r) => r.name)).toEqual(['dtb', 'other', 'root task']);
    expect(summary.kernel.size).toBe(0);
    expect(summary.dtb.model).toBeNull();
    expect(formatSel4ImageSummary(summary)).toContain('\n  dtb        0x80280000, 3 bytes\n');
    // A DTB of only a model is a platform of that model (platformFromFdt never throws for a decoded tree).
    const bare = new Uint8Array(execFileSync('dtc', ['-I', 'dts', '-O', 'dtb'], { input: '/dts-v1/; / { model = "m"; };' }));
    expect(inspectSel4Image(writeSel4Image({ loader, boot, regions: [{ name: 'dtb', dest: boot.dtbPaddr, data: bare, memsz: bare.length }] })).dtb.model).toBe('m');
    // No DTB region at all.
    expect(inspectSel4Image(writeSel4Image({ loader, boot, regions: [regions[0]!] })).dtb.model).toBeNull();
  });

  it("counts as the loader's only the segments below the payload", () => {
    // Regions placed below the loader put the payload there; then no segment is below it.
    const low = writeSel4Image({ loader, boot, regions: [{ name: 'kernel', dest: 0x7000_0000, data: fill(4, 1), memsz: 4 }] });
    expect(inspectSel4Image(low).loader.segments).toEqual([]);
    // The payload right above the loader's last segment: all three are the loader's.
    const top = Math.max(...loaderElf.segments.map((s) => s.paddr + s.memsz));
    const above = writeSel4Image({ loader, boot, regions: [{ name: 'kernel', dest: top - 4, data: fill(4, 1), memsz: 4 }] });
    expect(inspectSel4Image(above).loader.segments).toHaveLength(3);
  });

  it('escapes what comes from the file for the terminal', () => {
    const dts = fs.readFileSync(path.join(repoRoot, 'fixtures/platforms/kaal-virt-rv32.dts'), 'utf8').replace(/model = "[^"]*"/, 'model = "bad\\x1b[2Jmodel"');
    const bad = new Uint8Array(execFileSync('dtc', ['-I', 'dts', '-O', 'dtb', '-q'], { input: dts }));
    const { elf } = buildSel4Image({ loader, kernel: kernelLike(0x8022_0000), dtb: bad, rootTask, devices });
    const summary = inspectSel4Image(elf);
    expect(summary.dtb.model).toBe('bad\x1b[2Jmodel');
    const text = formatSel4ImageSummary(summary);
    expect(text).not.toContain('\x1b');
    expect(text).toContain("model 'bad\\x1b[2Jmodel'");
  });

  it('refuses an ELF without the boot header with KC6800, at the file when named', () => {
    const hello = new Uint8Array(fs.readFileSync(path.join(repoRoot, 'fixtures/elf/minimal.elf')));
    const refusal = (file?: string): DiagnosticError => {
      const error = (() => {
        try {
          inspectSel4Image(hello, file);
        } catch (thrown) {
          return thrown;
        }
      })();
      expect(error).toBeInstanceOf(DiagnosticError);
      return error as DiagnosticError;
    };
    expect(refusal('a.elf').diagnostic).toMatchObject({ code: 'KC6800', message: "'a.elf' is an ELF but not a --target sel4 image: it has no kaal loader boot header", file: 'a.elf' });
    const unnamed = refusal().diagnostic;
    expect(unnamed.message).toBe("'input' is an ELF but not a --target sel4 image: it has no kaal loader boot header");
    expect(unnamed).not.toHaveProperty('file');
  });
});

describe.skipIf(!haveReadelf)('writeElf read by llvm-readelf', () => {
  const segments = [
    { vaddr: 0x1_0010, paddr: 0x8000_0010, memsz: 0x30, flags: 5, data: fill(0x21, 5) },
    { vaddr: 0x2_0ff0, paddr: 0x8001_0ff0, memsz: 0x2000, flags: 6, data: fill(0x13, 6) },
    { vaddr: 0x3_0000, paddr: 0x8002_0000, memsz: 8, flags: 4, data: fill(3, 7) },
  ];
  const symbols = [
    { name: 'first', value: 0x1_0010, size: 4 },
    { name: 'ab', value: 0xffff_fff0, size: 0x10 },
  ];
  const bytes = writeElf({ entry: 0x1_0012, flags: 0x5, segments, symbols });
  const json = readelf(bytes);

  it('has the ELF32 RISC-V executable header', () => {
    const h = json.ElfHeader;
    expect(h.Ident.Class.RawValue).toBe(1);
    expect(h.Ident.DataEncoding.RawValue).toBe(1);
    expect(h.Ident.FileVersion).toBe(1);
    expect(h.Ident.Magic.Bytes).toEqual([0x7f, 0x45, 0x4c, 0x46]);
    expect([h.Type, h.Machine.RawValue, h.Version, h.Entry, h.ProgramHeaderOffset, h.Flags.RawFlags]).toEqual(['Executable (0x2)', 243, 1, 0x1_0012, 52, 5]);
    expect([h.HeaderSize, h.ProgramHeaderEntrySize, h.ProgramHeaderCount, h.SectionHeaderEntrySize, h.SectionHeaderCount, h.StringTableSectionIndex]).toEqual([52, 32, 3, 40, '4', '3']);
    // The section headers are the file's last 160 bytes, at a 4-byte boundary.
    expect(h.SectionHeaderOffset).toBe(bytes.length - 160);
    expect(h.SectionHeaderOffset % 4).toBe(0);
    expect(writeElf({ entry: 0, flags: 0, segments: [], symbols: [], elfClass: 2 })[4]).toBe(2);
  });

  it('places each segment at an offset congruent to its address modulo the page, one after the other', () => {
    const headers = json.ProgramHeaders.map((p: any) => p.ProgramHeader);
    const offsets = headers.map((p: any) => p.Offset);
    // The headers end at 52 + 3 * 32 = 0x94: the first segment goes to the next offset congruent to 0x10.
    expect(offsets).toEqual([0x1010, 0x1ff0, 0x3000]);
    headers.forEach((p: any, i: number) => {
      expect([p.Type.RawValue, p.VirtualAddress, p.PhysicalAddress, p.FileSize, p.MemSize, p.Flags.RawFlags, p.Alignment]).toEqual([1, segments[i]!.vaddr, segments[i]!.paddr, segments[i]!.data.length, segments[i]!.memsz, segments[i]!.flags, 0x1000]);
      expect(Buffer.from(bytes.subarray(p.Offset, p.Offset + p.FileSize)).equals(Buffer.from(segments[i]!.data))).toBe(true);
    });
  });

  it('has .symtab, .strtab and .shstrtab with their links, alignments and entry sizes', () => {
    const sections = json.Sections.map((s: any) => s.Section);
    expect(sections.map((s: any) => [s.Name.Value, s.Type.Value, s.Link, s.Info, s.AddressAlignment, s.EntrySize])).toEqual([
      ['', 'SHT_NULL', 0, 0, 0, 0],
      ['.symtab', 'SHT_SYMTAB', 2, 1, 4, 16],
      ['.strtab', 'SHT_STRTAB', 0, 0, 1, 0],
      ['.shstrtab', 'SHT_STRTAB', 0, 0, 1, 0],
    ]);
    const [, symtab, strtab, shstrtab] = sections;
    // .symtab right after the segments' bytes, at a 4-byte boundary; the string tables after it.
    expect(symtab.Offset).toBe(0x3004);
    expect(symtab.Size).toBe(48);
    expect(strtab.Offset).toBe(0x3034);
    expect(Array.from(bytes.subarray(strtab.Offset, strtab.Offset + strtab.Size))).toEqual([0, ...Buffer.from('first\0ab\0')]);
    expect(shstrtab.Offset).toBe(0x3034 + 10);
    expect(Buffer.from(bytes.subarray(shstrtab.Offset, shstrtab.Offset + shstrtab.Size)).toString('latin1')).toBe('\0.symtab\0.strtab\0.shstrtab\0');
  });

  it('writes each symbol as a global absolute object', () => {
    const table = json.Symbols.map((s: any) => s.Symbol);
    expect(table.map((s: any) => [s.Name.Value, s.Value, s.Size, s.Binding.Value, s.Type.Value, s.Section.Value])).toEqual([
      ['', 0, 0, 'Local', 'None', 'Undefined'],
      ['first', 0x1_0010, 4, 'Global', 'Object', 'Absolute'],
      ['ab', 0xffff_fff0, 0x10, 'Global', 'Object', 'Absolute'],
    ]);
    expect(table.map((s: any) => s.Section.RawValue)).toEqual([0, 0xfff1, 0xfff1]);
  });

  it('is read back by image/elf.ts as written', () => {
    const elf = readElf(bytes);
    expect(elf.segments.map((s) => [s.vaddr, s.offset, s.filesz])).toEqual([
      [0x1_0010, 0x1010, 0x21],
      [0x2_0ff0, 0x1ff0, 0x13],
      [0x3_0000, 0x3000, 3],
    ]);
    expect(elf.symbols.map((s) => [s.name, s.value, s.size, s.type, s.bind, s.section])).toEqual([
      ['first', 0x1_0010, 4, 'object', 'global', 0xfff1],
      ['ab', 0xffff_fff0, 0x10, 'object', 'global', 0xfff1],
    ]);
  });
});
