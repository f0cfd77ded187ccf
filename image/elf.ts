// ELF32 little-endian RISC-V executable reader: header, PT_LOAD program headers, the symbol table.
// Implements the System V gABI (ELF32) and the RISC-V psABI (EM_RISCV = 243). Every offset, size
// and count read from the file is checked against the file before it is used or allocated.
import { D, fail, type DiagnosticLocation } from '../schema/diagnostics.js';

/** p_flags bits (gABI). */
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

export const EM_RISCV = 243;
const ELF_HEADER_SIZE = 52;
const PROGRAM_HEADER_SIZE = 32;
const SECTION_HEADER_SIZE = 40;
const SYMBOL_SIZE = 16;
const PT_LOAD = 1;
const ET_EXEC = 2;
const SHT_SYMTAB = 2;
const SHT_STRTAB = 3;
const SHT_NOBITS = 8;
const ADDRESS_SPACE_END = 2 ** 32;

/** One PT_LOAD segment. `data` holds the `filesz` bytes from the file (a copy); the rest is zero. */
export interface ElfSegment {
  readonly vaddr: number;
  readonly paddr: number;
  readonly memsz: number;
  readonly filesz: number;
  readonly offset: number;
  /** p_flags: `PF_R | PF_W | PF_X` bits. */
  readonly flags: number;
  readonly align: number;
  readonly data: Uint8Array;
}

export type ElfSymbolType = 'notype' | 'object' | 'func' | 'section' | 'file' | 'common' | 'tls' | 'other';
export type ElfSymbolBind = 'local' | 'global' | 'weak' | 'other';

export interface ElfSymbol {
  readonly name: string;
  readonly value: number;
  readonly size: number;
  readonly type: ElfSymbolType;
  readonly bind: ElfSymbolBind;
  /** st_shndx: the section index it is defined in; 0 = undefined, 0xfff1 = absolute. */
  readonly section: number;
}

export interface ElfFile {
  readonly entry: number;
  readonly machine: number;
  /** e_flags (RISC-V: bit 0 RVC, bits 1–2 float ABI, bit 3 RVE). */
  readonly flags: number;
  /** PT_LOAD segments only, sorted by vaddr, non-overlapping. */
  readonly segments: readonly ElfSegment[];
  /** The `.symtab` entries after the null symbol, in table order; empty when stripped. */
  readonly symbols: readonly ElfSymbol[];
}

const hex = (n: number): string => '0x' + n.toString(16);

/** `r-x` style permissions of p_flags. */
export function segmentPerms(flags: number): string {
  return (flags & PF_R ? 'r' : '-') + (flags & PF_W ? 'w' : '-') + (flags & PF_X ? 'x' : '-');
}

/**
 * Finds a defined symbol by name; a global or weak definition wins over a local one.
 * Undefined symbols (section 0) are never returned.
 */
export function findSymbol(elf: ElfFile, name: string): ElfSymbol | undefined {
  let local: ElfSymbol | undefined;
  for (const symbol of elf.symbols) {
    if (symbol.name !== name || symbol.section === 0) continue;
    if (symbol.bind === 'global' || symbol.bind === 'weak') return symbol;
    local ??= symbol;
  }
  return local;
}

/** Parses and checks an ELF32 RISC-V executable. Throws a `DiagnosticError` (KC65xx) when it cannot be loaded. */
export function readElf(bytes: Uint8Array, file?: string): ElfFile {
  const where: DiagnosticLocation = file === undefined ? {} : { file };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = bytes.byteLength;

  if (size < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw fail(D.elfNotElf, { magic }, where);
  }
  if (size >= 5 && bytes[4] !== 1) {
    const elfClass = bytes[4] === 2 ? 'ELFCLASS64' : String(bytes[4]);
    throw fail(D.elfWrongClass, { elfClass }, where);
  }
  if (size >= 6 && bytes[5] !== 1) {
    const encoding = bytes[5] === 2 ? 'ELFDATA2MSB' : String(bytes[5]);
    throw fail(D.elfWrongEndianness, { encoding }, where);
  }
  if (size < ELF_HEADER_SIZE) throw fail(D.elfTruncatedHeader, { size }, where);
  if (bytes[6] !== 1) throw fail(D.elfBadVersion, { version: bytes[6]! }, where);

  const type = view.getUint16(16, true);
  const machine = view.getUint16(18, true);
  const version = view.getUint32(20, true);
  const entry = view.getUint32(24, true);
  const phoff = view.getUint32(28, true);
  const shoff = view.getUint32(32, true);
  const flags = view.getUint32(36, true);
  const ehsize = view.getUint16(40, true);
  const phentsize = view.getUint16(42, true);
  const phnum = view.getUint16(44, true);
  const shentsize = view.getUint16(46, true);
  const shnum = view.getUint16(48, true);

  if (machine !== EM_RISCV) throw fail(D.elfWrongMachine, { machine, name: machineName(machine) }, where);
  if (type !== ET_EXEC) throw fail(D.elfNotExecutable, { type: typeName(type) }, where);
  if (version !== 1) throw fail(D.elfBadVersion, { version }, where);
  if (ehsize !== ELF_HEADER_SIZE) {
    throw fail(D.elfBadEntrySize, { table: 'header', size: ehsize, expected: ELF_HEADER_SIZE }, where);
  }
  if (phnum > 0 && phentsize !== PROGRAM_HEADER_SIZE) {
    throw fail(D.elfBadEntrySize, { table: 'program header', size: phentsize, expected: PROGRAM_HEADER_SIZE }, where);
  }
  if (shnum > 0 && shentsize !== SECTION_HEADER_SIZE) {
    throw fail(D.elfBadEntrySize, { table: 'section header', size: shentsize, expected: SECTION_HEADER_SIZE }, where);
  }
  // Tables must lie inside the file: this also bounds every count by the file size.
  checkTable('program header table', phoff, phnum, PROGRAM_HEADER_SIZE, size, where);
  checkTable('section header table', shoff, shnum, SECTION_HEADER_SIZE, size, where);

  const segments = readLoadSegments(bytes, view, phoff, phnum, where);
  if (!segments.some((s) => s.flags & PF_X && entry >= s.vaddr && entry < s.vaddr + s.memsz)) {
    throw fail(D.elfEntryOutsideSegments, { entry: hex(entry) }, where);
  }
  const symbols = readSymbols(bytes, view, shoff, shnum, where);
  return { entry, machine, flags, segments, symbols };
}

function checkTable(
  table: string,
  offset: number,
  count: number,
  entrySize: number,
  size: number,
  where: DiagnosticLocation,
): void {
  const end = offset + count * entrySize;
  if (count > 0 && end > size) {
    throw fail(D.elfTableOutOfBounds, { table, offset: hex(offset), count, entrySize, end: hex(end), size }, where);
  }
}

function readLoadSegments(
  bytes: Uint8Array,
  view: DataView,
  phoff: number,
  phnum: number,
  where: DiagnosticLocation,
): ElfSegment[] {
  const found: { index: number; segment: ElfSegment }[] = [];
  for (let index = 0; index < phnum; index++) {
    const at = phoff + index * PROGRAM_HEADER_SIZE;
    if (view.getUint32(at, true) !== PT_LOAD) continue;
    const offset = view.getUint32(at + 4, true);
    const vaddr = view.getUint32(at + 8, true);
    const paddr = view.getUint32(at + 12, true);
    const filesz = view.getUint32(at + 16, true);
    const memsz = view.getUint32(at + 20, true);
    const flags = view.getUint32(at + 24, true);
    const align = view.getUint32(at + 28, true);
    if (offset + filesz > bytes.byteLength) {
      throw fail(
        D.elfSegmentOutOfBounds,
        { index, vaddr: hex(vaddr), start: hex(offset), end: hex(offset + filesz), size: bytes.byteLength },
        where,
      );
    }
    if (filesz > memsz) {
      throw fail(D.elfFileSizeExceedsMemSize, { index, vaddr: hex(vaddr), filesz, memsz }, where);
    }
    if (vaddr + memsz > ADDRESS_SPACE_END) {
      throw fail(D.elfSegmentWraps, { index, vaddr: hex(vaddr), memsz: hex(memsz) }, where);
    }
    if (align > 1) {
      const alignment = { index, vaddr: hex(vaddr), offset: hex(offset), align: hex(align) };
      if ((align & (align - 1)) !== 0) {
        throw fail(D.elfBadSegmentAlignment, { ...alignment, reason: 'not a power of two' }, where);
      }
      if (vaddr % align !== offset % align) {
        throw fail(D.elfBadSegmentAlignment, { ...alignment, reason: 'vaddr and offset differ modulo the alignment' }, where);
      }
    }
    const data = bytes.slice(offset, offset + filesz);
    found.push({ index, segment: { vaddr, paddr, memsz, filesz, offset, flags, align, data } });
  }
  if (found.length === 0) throw fail(D.elfNoLoadableSegments, {}, where);
  found.sort((a, b) => a.segment.vaddr - b.segment.vaddr || a.index - b.index);
  for (let i = 1; i < found.length; i++) {
    const previous = found[i - 1]!;
    const current = found[i]!;
    const previousEnd = previous.segment.vaddr + previous.segment.memsz;
    // Empty segments occupy no addresses.
    if (current.segment.memsz > 0 && previous.segment.memsz > 0 && current.segment.vaddr < previousEnd) {
      throw fail(
        D.elfSegmentsOverlap,
        {
          first: previous.index,
          firstStart: hex(previous.segment.vaddr),
          firstEnd: hex(previousEnd),
          second: current.index,
          secondStart: hex(current.segment.vaddr),
          secondEnd: hex(current.segment.vaddr + current.segment.memsz),
        },
        where,
      );
    }
  }
  return found.map((f) => f.segment);
}

interface SectionHeader {
  readonly index: number;
  readonly type: number;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly entsize: number;
}

function readSectionHeader(view: DataView, shoff: number, index: number): SectionHeader {
  const at = shoff + index * SECTION_HEADER_SIZE;
  return {
    index,
    type: view.getUint32(at + 4, true),
    offset: view.getUint32(at + 16, true),
    size: view.getUint32(at + 20, true),
    link: view.getUint32(at + 24, true),
    entsize: view.getUint32(at + 36, true),
  };
}

function checkSectionBounds(section: SectionHeader, fileSize: number, where: DiagnosticLocation): void {
  if (section.type === SHT_NOBITS) return;
  const end = section.offset + section.size;
  if (end > fileSize) {
    throw fail(
      D.elfSectionOutOfBounds,
      { index: section.index, start: hex(section.offset), end: hex(end), size: fileSize },
      where,
    );
  }
}

function readSymbols(
  bytes: Uint8Array,
  view: DataView,
  shoff: number,
  shnum: number,
  where: DiagnosticLocation,
): ElfSymbol[] {
  let symtab: SectionHeader | undefined;
  for (let index = 0; index < shnum; index++) {
    const section = readSectionHeader(view, shoff, index);
    checkSectionBounds(section, bytes.byteLength, where);
    if (section.type === SHT_SYMTAB && symtab === undefined) symtab = section;
  }
  if (symtab === undefined) return [];

  const bad = (reason: string) => fail(D.elfBadSymbolTable, { index: symtab.index, reason }, where);
  if (symtab.entsize !== SYMBOL_SIZE) throw bad(`entry size is '${symtab.entsize}', expected '${SYMBOL_SIZE}'`);
  if (symtab.size % SYMBOL_SIZE !== 0) throw bad(`size '${symtab.size}' is not a multiple of ${SYMBOL_SIZE}`);
  if (symtab.link === 0 || symtab.link >= shnum) throw bad(`linked string table '${symtab.link}' does not exist`);
  const strtab = readSectionHeader(view, shoff, symtab.link);
  if (strtab.type !== SHT_STRTAB) throw bad(`linked section '${symtab.link}' is not a string table`);

  const strings = bytes.subarray(strtab.offset, strtab.offset + strtab.size);
  const decoder = new TextDecoder('utf-8');
  const count = symtab.size / SYMBOL_SIZE;
  const symbols: ElfSymbol[] = [];
  for (let i = 1; i < count; i++) {
    const at = symtab.offset + i * SYMBOL_SIZE;
    const nameOffset = view.getUint32(at, true);
    const nameEnd = nameOffset < strings.length ? strings.indexOf(0, nameOffset) : -1;
    if (nameEnd < 0) {
      throw fail(
        D.elfBadStringOffset,
        { what: `symbol ${i}`, offset: nameOffset, section: strtab.index, size: strings.length },
        where,
      );
    }
    const info = bytes[at + 12]!;
    symbols.push({
      name: decoder.decode(strings.subarray(nameOffset, nameEnd)),
      value: view.getUint32(at + 4, true),
      size: view.getUint32(at + 8, true),
      type: symbolType(info & 0xf),
      bind: symbolBind(info >> 4),
      section: view.getUint16(at + 14, true),
    });
  }
  return symbols;
}

function symbolType(value: number): ElfSymbolType {
  const types: readonly ElfSymbolType[] = ['notype', 'object', 'func', 'section', 'file', 'common', 'tls'];
  return types[value] ?? 'other';
}

function symbolBind(value: number): ElfSymbolBind {
  const binds: readonly ElfSymbolBind[] = ['local', 'global', 'weak'];
  return binds[value] ?? 'other';
}

function typeName(type: number): string {
  const names: Record<number, string> = { 0: 'ET_NONE', 1: 'ET_REL', 2: 'ET_EXEC', 3: 'ET_DYN', 4: 'ET_CORE' };
  return names[type] ?? String(type);
}

function machineName(machine: number): string {
  const names: Record<number, string> = {
    0: 'none',
    3: 'x86',
    8: 'MIPS',
    20: 'PowerPC',
    40: 'ARM',
    62: 'x86-64',
    183: 'AArch64',
  };
  return names[machine] ?? 'unknown';
}
