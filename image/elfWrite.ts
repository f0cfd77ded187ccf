// A minimal ELF32 little-endian RISC-V executable writer: the `--target sel4` output
// (image/sel4Image.ts) and the synthetic ELFs of tests. gABI ELF32 layouts; symbols are absolute.
import { PAGE_BITS } from '../schema/abi.js';
import { alignUp } from './bootImage/format.js';

const PAGE_SIZE = 2 ** PAGE_BITS;

export interface OutputSegment {
  readonly vaddr: number;
  readonly paddr: number;
  readonly memsz: number;
  readonly flags: number;
  readonly data: Uint8Array;
}

export interface OutputSymbol {
  readonly name: string;
  readonly value: number;
  readonly size: number;
}

/**
 * A minimal ELF32 RISC-V ET_EXEC: header, program headers, the segments' bytes (each at an offset
 * congruent to its address modulo the page size), a `.symtab`/`.strtab` of absolute symbols and
 * `.shstrtab`. gABI ELF32 layouts.
 */
export function writeElf(elf: { entry: number; flags: number; segments: readonly OutputSegment[]; symbols: readonly OutputSymbol[]; /** 2 marks the header ELFCLASS64 (tests of its refusal); the layout stays ELF32. */ elfClass?: 1 | 2 }): Uint8Array {
  const { entry, flags, segments, symbols } = elf;
  const EH = 52;
  const PH = 32;
  const SH = 40;
  let offset = EH + PH * segments.length;
  const placed = segments.map((segment) => {
    const misalign = (((segment.vaddr - offset) % PAGE_SIZE) + PAGE_SIZE) % PAGE_SIZE;
    const at = offset + misalign;
    offset = at + segment.data.length;
    return at;
  });
  const encoder = new TextEncoder();
  const strtab = [0];
  const symtab = new Uint8Array(16 * (symbols.length + 1));
  const symView = new DataView(symtab.buffer);
  symbols.forEach((symbol, i) => {
    const at = 16 * (i + 1);
    symView.setUint32(at, strtab.length, true);
    symView.setUint32(at + 4, symbol.value, true);
    symView.setUint32(at + 8, symbol.size, true);
    symtab[at + 12] = (1 << 4) | 1; // STB_GLOBAL, STT_OBJECT
    symView.setUint16(at + 14, 0xfff1, true); // SHN_ABS
    strtab.push(...encoder.encode(symbol.name), 0);
  });
  const shstrtab = [0, ...encoder.encode('.symtab'), 0, ...encoder.encode('.strtab'), 0, ...encoder.encode('.shstrtab'), 0];
  const symtabAt = alignUp(offset, 4);
  const strtabAt = symtabAt + symtab.length;
  const shstrtabAt = strtabAt + strtab.length;
  const shoff = alignUp(shstrtabAt + shstrtab.length, 4);
  const total = shoff + SH * 4;

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, elf.elfClass ?? 1, 1, 1]);
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, 243, true); // EM_RISCV
  view.setUint32(20, 1, true);
  view.setUint32(24, entry, true);
  view.setUint32(28, EH, true);
  view.setUint32(32, shoff, true);
  view.setUint32(36, flags, true);
  view.setUint16(40, EH, true);
  view.setUint16(42, PH, true);
  view.setUint16(44, segments.length, true);
  view.setUint16(46, SH, true);
  view.setUint16(48, 4, true);
  view.setUint16(50, 3, true);
  segments.forEach((segment, i) => {
    const at = EH + PH * i;
    view.setUint32(at, 1, true); // PT_LOAD
    view.setUint32(at + 4, placed[i]!, true);
    view.setUint32(at + 8, segment.vaddr, true);
    view.setUint32(at + 12, segment.paddr, true);
    view.setUint32(at + 16, segment.data.length, true);
    view.setUint32(at + 20, segment.memsz, true);
    view.setUint32(at + 24, segment.flags, true);
    view.setUint32(at + 28, PAGE_SIZE, true);
    out.set(segment.data, placed[i]!);
  });
  out.set(symtab, symtabAt);
  out.set(strtab, strtabAt);
  out.set(shstrtab, shstrtabAt);
  const section = (index: number, name: number, type: number, at: number, size: number, link: number, info: number, align: number, entsize: number) => {
    const base = shoff + SH * index;
    view.setUint32(base, name, true);
    view.setUint32(base + 4, type, true);
    view.setUint32(base + 16, at, true);
    view.setUint32(base + 20, size, true);
    view.setUint32(base + 24, link, true);
    view.setUint32(base + 28, info, true);
    view.setUint32(base + 32, align, true);
    view.setUint32(base + 36, entsize, true);
  };
  section(1, 1, 2 /* SHT_SYMTAB */, symtabAt, symtab.length, 2, 1, 4, 16);
  section(2, 9, 3 /* SHT_STRTAB */, strtabAt, strtab.length, 0, 0, 1, 0);
  section(3, 17, 3, shstrtabAt, shstrtab.length, 0, 0, 1, 0);
  return out;
}
