// The ELF32 reader's bounds, each exactly at the limit (accepted) and one past it (refused with the
// named code and message), and every field it reads, on the clang-built fixture patched one field at a
// time (fixtures/elf/minimal.elf: 1080 bytes, 5 program headers at 52, 10 section headers at 680,
// PT_LOADs 1..3 r--/r-x/rw-, .symtab section 7 linked to .strtab section 9, .bss section 4 NOBITS).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findSymbol, readElf, segmentPerms, type ElfFile, type ElfSymbol } from '../../image/elf.js';
import { DiagnosticError } from '../../schema/diagnostics.js';

const minimal = new Uint8Array(fs.readFileSync(new URL('../../fixtures/elf/minimal.elf', import.meta.url)));

function patched(edit: (view: DataView, bytes: Uint8Array) => void, source: Uint8Array = minimal): Uint8Array {
  const bytes = source.slice();
  edit(new DataView(bytes.buffer), bytes);
  return bytes;
}

/** `code: message` of the rejection, or the file read. */
function outcome(bytes: Uint8Array): string | ElfFile {
  try {
    return readElf(bytes, 'x.elf');
  } catch (error) {
    if (error instanceof DiagnosticError) return `${error.diagnostic.code}: ${error.diagnostic.message}`;
    throw error;
  }
}
const truncated = (size: number) => `the ELF header needs 52 bytes but the file has ${size}`;
const entryMessage = (entry: number) => `entry point '0x${entry.toString(16)}' is not inside an executable PT_LOAD segment`;
const rejection = (bytes: Uint8Array): string => {
  const result = outcome(bytes);
  return typeof result === 'string' ? result : 'accepted';
};

const PHOFF = 52;
const SHOFF = 680;
/** Program header n (0: PHDR, 1..3: PT_LOAD r--, r-x, rw-, 4: GNU_STACK). */
const ph = (n: number) => PHOFF + n * 32;
const sh = (n: number) => SHOFF + n * 40;
const SYMTAB = sh(7);
const STRTAB = sh(9);
const SYMBOLS = 0x1b0;

describe('the ELF identification bytes', () => {
  it('reads the class and encoding of files too short for a header, and names them', () => {
    const ident = (...b: number[]) => new Uint8Array([0x7f, 0x45, 0x4c, 0x46, ...b]);
    expect(rejection(ident())).toBe("KC6501: " + truncated(4));
    expect(rejection(ident(2))).toBe("KC6502: ELF class is 'ELFCLASS64', expected 'ELFCLASS32'");
    expect(rejection(ident(3))).toBe("KC6502: ELF class is '3', expected 'ELFCLASS32'");
    expect(rejection(ident(1))).toBe("KC6501: " + truncated(5));
    expect(rejection(ident(1, 2))).toMatch(/^KC6503: .*'ELFDATA2MSB'/);
    expect(rejection(ident(1, 0))).toMatch(/^KC6503: .*'0'/);
    expect(rejection(ident(1, 1))).toBe("KC6501: " + truncated(6));
    expect(rejection(new Uint8Array([0x7f, 0x45, 0x4c]))).toBe("KC6500: not an ELF file: it starts with '7f 45 4c', expected '7f 45 4c 46'");
    expect(rejection(new Uint8Array([0x7f, 0x45, 0x4c, 0x47]))).toBe("KC6500: not an ELF file: it starts with '7f 45 4c 47', expected '7f 45 4c 46'");
    expect(rejection(new Uint8Array([0x0f, 0x45, 0x4c, 0x46]))).toMatch(/^KC6500: .*'0f 45 4c 46'/);
    expect(rejection(new Uint8Array([0x7f, 0x44, 0x4c, 0x46]))).toMatch(/^KC6500: /);
    expect(rejection(new Uint8Array([0x7f, 0x45, 0x4d, 0x46]))).toMatch(/^KC6500: /);
  });

  it('needs the whole 52-byte header: 51 bytes are refused, 52 are read', () => {
    expect(rejection(minimal.slice(0, 51))).toBe('KC6501: ' + truncated(51));
    // 52 bytes: the header is read, the program header table then lies outside the file.
    expect(rejection(minimal.slice(0, 52))).toMatch(/^KC6508: /);
    expect(rejection(patched((_, b) => (b[6] = 2)))).toBe("KC6504: ELF version is '2', expected '1' (EV_CURRENT)");
  });
});

describe('the ELF header fields', () => {
  it('names the type and machine it refuses', () => {
    const type = (t: number) => rejection(patched((v) => v.setUint16(16, t, true)));
    expect(type(0)).toMatch(/^KC6505: .*'ET_NONE'/);
    expect(type(1)).toMatch(/^KC6505: .*'ET_REL'/);
    expect(type(3)).toMatch(/^KC6505: .*'ET_DYN'/);
    expect(type(4)).toMatch(/^KC6505: .*'ET_CORE'/);
    expect(type(9)).toMatch(/^KC6505: .*'9'/);
    const machine = (m: number) => rejection(patched((v) => v.setUint16(18, m, true)));
    expect(machine(0)).toBe("KC6506: ELF machine is '0' (none), expected '243' (RISC-V)");
    expect(machine(3)).toContain('(x86)');
    expect(machine(8)).toContain('(MIPS)');
    expect(machine(20)).toContain('(PowerPC)');
    expect(machine(40)).toContain('(ARM)');
    expect(machine(183)).toContain('(AArch64)');
    expect(machine(244)).toContain('(unknown)');
    expect(rejection(patched((v) => v.setUint32(20, 0, true)))).toBe("KC6504: ELF version is '0', expected '1' (EV_CURRENT)");
  });

  it('says which table has the wrong entry size', () => {
    expect(rejection(patched((v) => v.setUint16(40, 51, true)))).toBe("KC6507: ELF header entry size is '51', expected '52'");
    expect(rejection(patched((v) => v.setUint16(42, 33, true)))).toBe("KC6507: ELF program header entry size is '33', expected '32'");
    expect(rejection(patched((v) => v.setUint16(46, 39, true)))).toBe("KC6507: ELF section header entry size is '39', expected '40'");
    // An empty table's entry size is not looked at.
    expect(rejection(patched((v) => { v.setUint16(48, 0, true); v.setUint16(46, 0, true); }))).toBe('accepted');
    expect(rejection(patched((v) => { v.setUint16(44, 0, true); v.setUint16(42, 0, true); }))).toMatch(/^KC6509: /);
  });

  it('reads entry, machine and every e_flags bit', () => {
    const elf = outcome(patched((v) => v.setUint32(36, 0xf, true))) as ElfFile;
    expect(elf.flags).toBe(0xf);
    expect(elf.machine).toBe(243);
    expect(elf.entry).toBe(0x110e4);
  });
});

describe('the header tables inside the file', () => {
  it('accepts a table ending at the last byte of the file and refuses one a byte longer', () => {
    // The section header table ends exactly at the file's end (680 + 10 * 40 = 1080).
    expect(minimal.length).toBe(SHOFF + 400);
    expect(rejection(minimal)).toBe('accepted');
    expect(rejection(patched((v) => v.setUint32(32, SHOFF + 1, true)))).toBe(
      "KC6508: ELF section header table at offset '0x2a9' (10 entries of 40 bytes) ends at '0x439', past the end of the file (1080 bytes)",
    );
    expect(rejection(patched((v) => v.setUint32(28, 1080 - 5 * 32 + 1, true)))).toBe(
      "KC6508: ELF program header table at offset '0x399' (5 entries of 32 bytes) ends at '0x439', past the end of the file (1080 bytes)",
    );
  });

  it('does not look at the offset of an empty table', () => {
    expect(rejection(patched((v) => { v.setUint16(48, 0, true); v.setUint32(32, 0xffff_0000, true); }))).toBe('accepted');
  });
});

describe('PT_LOAD segments', () => {
  const LOAD = ph(3); // rw-: offset 0x164, vaddr 0x12164, filesz 4, memsz 0x129c
  it('reads offset, vaddr, paddr, sizes, flags and alignment of each', () => {
    const elf = outcome(patched((v) => v.setUint32(LOAD + 12, 0x9000_0164, true))) as ElfFile;
    expect(elf.segments[2]).toMatchObject({ offset: 0x164, vaddr: 0x12164, paddr: 0x9000_0164, filesz: 4, memsz: 0x129c, flags: 6, align: 0x1000 });
    expect(segmentPerms(elf.segments[2]!.flags)).toBe('rw-');
    expect(elf.segments.map((s) => [s.offset, s.paddr])).toEqual([[0, 0x10000], [0xe4, 0x110e4], [0x164, 0x9000_0164]]);
  });

  it('accepts a segment ending at the file’s last byte and refuses one a byte longer', () => {
    const end = (filesz: number) => patched((v) => { v.setUint32(LOAD + 16, filesz, true); });
    expect(rejection(end(1080 - 0x164))).toBe('accepted');
    expect(rejection(end(1080 - 0x164 + 1))).toBe(
      "KC6510: segment 3 (vaddr '0x12164') has file bytes '0x164'..'0x439', past the end of the file (1080 bytes)",
    );
  });

  it('accepts filesz equal to memsz and refuses one byte more', () => {
    expect(rejection(patched((v) => v.setUint32(LOAD + 20, 4, true)))).toBe('accepted');
    expect(rejection(patched((v) => v.setUint32(LOAD + 20, 3, true)))).toBe(
      "KC6511: segment 3 (vaddr '0x12164') has filesz '4' larger than memsz '3'",
    );
  });

  it('accepts a segment ending at 2^32 and refuses one ending a byte past it', () => {
    expect(rejection(patched((v) => v.setUint32(LOAD + 20, 2 ** 32 - 0x12164, true)))).toBe('accepted');
    expect(rejection(patched((v) => v.setUint32(LOAD + 20, 2 ** 32 - 0x12164 + 1, true)))).toBe(
      "KC6512: segment 3 (vaddr '0x12164', memsz '0xfffede9d') runs past the end of the 32-bit address space",
    );
  });

  it('checks the alignment only above 1: a power of two congruent with the offset', () => {
    const align = (a: number, vaddr = 0x12164) => patched((v) => { v.setUint32(LOAD + 28, a, true); v.setUint32(LOAD + 8, vaddr, true); });
    expect(rejection(align(0, 0x12165))).toBe('accepted');
    expect(rejection(align(1, 0x12165))).toBe('accepted');
    expect(rejection(align(2, 0x12165))).toBe(
      "KC6514: segment 3 (vaddr '0x12165', offset '0x164') has alignment '0x2': vaddr and offset differ modulo the alignment",
    );
    expect(rejection(align(4, 0x12168))).toBe('accepted');
    expect(rejection(align(3))).toBe(
      "KC6514: segment 3 (vaddr '0x12164', offset '0x164') has alignment '0x3': not a power of two",
    );
    expect(rejection(align(0x2000, 0x14164))).toBe('accepted');
  });

  it('copies exactly filesz bytes from the segment’s offset', () => {
    const elf = outcome(minimal) as ElfFile;
    expect(Array.from(elf.segments[1]!.data.subarray(0, 4))).toEqual(Array.from(minimal.subarray(0xe4, 0xe8)));
    expect(elf.segments[1]!.data.length).toBe(0x7e);
    expect(Array.from(elf.segments[0]!.data)).toEqual(Array.from(minimal.subarray(0, 0xe4)));
  });

  it('skips program headers that are not PT_LOAD and sorts by vaddr, then table order', () => {
    // Swap the r-- and r-x headers: the result is still in address order.
    const swapped = patched((_, b) => {
      const first = b.slice(ph(1), ph(2));
      b.copyWithin(ph(1), ph(2), ph(3));
      b.set(first, ph(2));
    });
    const elf = outcome(swapped) as ElfFile;
    expect(elf.segments.map((s) => s.vaddr)).toEqual([0x10000, 0x110e4, 0x12164]);
    // Two empty segments at one address keep the table order (the first has flags r--, the second rw-).
    const empties = patched((v) => {
      for (const [n, flags] of [[0, 4], [4, 6]] as const) {
        v.setUint32(ph(n), 1, true);
        v.setUint32(ph(n) + 4, 0x200, true);
        v.setUint32(ph(n) + 8, 0x20000, true);
        v.setUint32(ph(n) + 16, 0, true);
        v.setUint32(ph(n) + 20, 0, true);
        v.setUint32(ph(n) + 24, flags, true);
        v.setUint32(ph(n) + 28, 0, true);
      }
    });
    const five = outcome(empties) as ElfFile;
    expect(five.segments.map((s) => [s.vaddr, s.flags])).toEqual([[0x10000, 4], [0x110e4, 5], [0x12164, 6], [0x20000, 4], [0x20000, 6]]);
  });

  it('lets segments touch, refuses them overlapping by one byte, and never counts an empty one', () => {
    // r-- ends at 0x100e4; r-x starts at 0x110e4. Grow r-- up to r-x's start, then one byte more.
    const memsz = (m: number) => patched((v) => v.setUint32(ph(1) + 20, m, true));
    expect(rejection(memsz(0x10e4))).toBe('accepted');
    expect(rejection(memsz(0x10e5))).toBe(
      "KC6513: PT_LOAD segments overlap: segment 1 covers '0x10000'..'0x110e5' and segment 2 covers '0x110e4'..'0x11162'",
    );
    // An empty segment inside another occupies nothing, on either side of the comparison.
    const emptyInside = (flags: number, vaddr: number) => patched((v) => {
      v.setUint32(ph(4), 1, true);
      v.setUint32(ph(4) + 4, 0, true);
      v.setUint32(ph(4) + 8, vaddr, true);
      v.setUint32(ph(4) + 16, 0, true);
      v.setUint32(ph(4) + 20, 0, true);
      v.setUint32(ph(4) + 24, flags, true);
      v.setUint32(ph(4) + 28, 0, true);
    });
    expect(rejection(emptyInside(4, 0x10010))).toBe('accepted');
    expect(rejection(emptyInside(4, 0x10000))).toBe('accepted');
    // A non-empty segment after an empty one it starts inside of: not an overlap either.
    const afterEmpty = patched((v) => {
      v.setUint32(ph(4), 1, true);
      v.setUint32(ph(4) + 4, 0, true);
      v.setUint32(ph(4) + 8, 0x110e0, true);
      v.setUint32(ph(4) + 16, 0, true);
      v.setUint32(ph(4) + 20, 0, true);
      v.setUint32(ph(4) + 28, 0, true);
    });
    expect(rejection(afterEmpty)).toBe('accepted');
  });

  it('takes the entry point from the first to the last byte of an executable segment only', () => {
    const entry = (e: number) => patched((v) => v.setUint32(24, e, true));
    expect(rejection(entry(0x110e4))).toBe('accepted');
    expect(rejection(entry(0x110e4 + 0x7d))).toBe('accepted');
    expect(rejection(entry(0x110e4 + 0x7e))).toBe("KC6515: " + entryMessage(0x11162));
    expect(rejection(entry(0x110e3))).toBe("KC6515: " + entryMessage(0x110e3));
    // Inside the readable and the writable segments, which are not executable.
    expect(rejection(entry(0x10010))).toBe("KC6515: " + entryMessage(0x10010));
    expect(rejection(entry(0x12164))).toBe("KC6515: " + entryMessage(0x12164));
  });
});

describe('sections and the symbol table', () => {
  it('accepts a section ending at the file’s end, refuses one a byte past it, and skips NOBITS', () => {
    const strtabSize = (s: number) => patched((v) => v.setUint32(STRTAB + 20, s, true));
    expect(rejection(strtabSize(1080 - 0x270))).toBe('accepted');
    expect(rejection(strtabSize(1080 - 0x270 + 1))).toBe(
      "KC6516: section 9 has bytes '0x270'..'0x439', past the end of the file (1080 bytes)",
    );
    // .bss (section 4) is NOBITS: its size says nothing about the file.
    expect(rejection(patched((v) => v.setUint32(sh(4) + 20, 0x10_0000, true)))).toBe('accepted');
    // A PROGBITS section as large is refused.
    expect(rejection(patched((v) => v.setUint32(sh(6) + 20, 0x10_0000, true)))).toMatch(/^KC6516: section 6 /);
  });

  it('says what is wrong with the symbol table', () => {
    expect(rejection(patched((v) => v.setUint32(SYMTAB + 36, 15, true)))).toBe(
      "KC6517: symbol table (section 7) is malformed: entry size is '15', expected '16'",
    );
    expect(rejection(patched((v) => v.setUint32(SYMTAB + 20, 0x71, true)))).toBe(
      "KC6517: symbol table (section 7) is malformed: size '113' is not a multiple of 16",
    );
    expect(rejection(patched((v) => v.setUint32(SYMTAB + 24, 0, true)))).toBe(
      "KC6517: symbol table (section 7) is malformed: linked string table '0' does not exist",
    );
    expect(rejection(patched((v) => v.setUint32(SYMTAB + 24, 10, true)))).toBe(
      "KC6517: symbol table (section 7) is malformed: linked string table '10' does not exist",
    );
    expect(rejection(patched((v) => v.setUint32(SYMTAB + 24, 2, true)))).toBe(
      "KC6517: symbol table (section 7) is malformed: linked section '2' is not a string table",
    );
    // The last section (9, the string table) is a valid link: the count is shnum, not shnum - 1.
    expect(rejection(minimal)).toBe('accepted');
  });

  it('uses the first SYMTAB section when there are several', () => {
    // Make .shstrtab (section 8) a second SYMTAB with a bad entry size: it is never looked at.
    expect(rejection(patched((v) => { v.setUint32(sh(8) + 4, 2, true); v.setUint32(sh(8) + 36, 3, true); }))).toBe('accepted');
    // And a bad first one is refused even when a good one follows.
    const firstBad = patched((v, b) => {
      b.copyWithin(sh(6), sh(7), sh(8));
      v.setUint32(sh(6) + 36, 3, true);
    });
    expect(rejection(firstBad)).toMatch(/^KC6517: symbol table \(section 6\)/);
  });

  it('reads a name at the string table’s last byte and refuses an offset at its end', () => {
    // Symbol 1's name offset; .strtab is 0x36 bytes ending in a NUL.
    const name = (offset: number) => patched((v) => v.setUint32(SYMBOLS + 16, offset, true));
    const last = outcome(name(0x35)) as ElfFile;
    expect(last.symbols[0]!.name).toBe('');
    expect(rejection(name(0x36))).toBe(
      "KC6518: symbol 1 has name offset '54' outside string table section 9 (54 bytes) or without a terminating NUL",
    );
    // A string table without a final NUL: the last name has no end.
    expect(rejection(patched((v, b) => { b[0x270 + 0x35] = 0x41; v.setUint32(SYMBOLS + 16, 0x34, true); }))).toMatch(/^KC6518: symbol 1 /);
    // Names start at their offset: offset 1 of "minimal.c" is "inimal.c".
    expect(((outcome(name(2)) as ElfFile).symbols[0]!.name)).toBe(
      new TextDecoder().decode(minimal.subarray(0x270 + 2, minimal.indexOf(0, 0x270 + 2))),
    );
  });

  it('reads value, size, section and every type and binding of a symbol', () => {
    const info = (value: number) => (outcome(patched((_, b) => (b[SYMBOLS + 16 + 12] = value))) as ElfFile).symbols[0]!;
    expect(['notype', 'object', 'func', 'section', 'file', 'common', 'tls', 'other', 'other'].map((_, t) => info(t).type)).toEqual([
      'notype', 'object', 'func', 'section', 'file', 'common', 'tls', 'other', 'other',
    ]);
    expect([0, 1, 2, 3, 10].map((b) => info(b << 4).bind)).toEqual(['local', 'global', 'weak', 'other', 'other']);
    expect(info(0x21)).toMatchObject({ type: 'object', bind: 'weak' });
    const elf = outcome(minimal) as ElfFile;
    expect(elf.symbols.map((s) => [s.name, s.value, s.size, s.section])).toEqual([
      ['minimal.c', 0, 0, 0xfff1],
      ['_start', 0x110e4, 126, 2],
      ['counter', 0x12164, 4, 3],
      ['scratch', 0x12200, 4096, 4],
      ['greeting', 0x100d4, 16, 1],
      ['ipc_buffer', 0x13200, 512, 4],
    ]);
  });

  it('reads no symbols from a table with only the null symbol', () => {
    expect((outcome(patched((v) => v.setUint32(SYMTAB + 20, 16, true))) as ElfFile).symbols).toEqual([]);
  });
});

describe('what the reader returns besides the tables', () => {
  it('reads only the phnum program headers, not the entry after the table', () => {
    // Three headers: PHDR, the r-- and the r-x PT_LOAD; the rw- one after them is not read.
    const elf = outcome(patched((v) => v.setUint16(44, 3, true))) as ElfFile;
    expect(elf.segments.map((s) => s.vaddr)).toEqual([0x10000, 0x110e4]);
  });

  it('reads a symbol whose name is at offset 0 of the string table as the empty name', () => {
    const elf = outcome(patched((v) => v.setUint32(SYMBOLS + 16, 0, true))) as ElfFile;
    expect(elf.symbols[0]!.name).toBe('');
  });

  it('spells every permission of segmentPerms, readable or not', () => {
    expect([0, 1, 2, 4, 7].map(segmentPerms)).toEqual(['---', '--x', '-w-', 'r--', 'rwx']);
  });

  it('prefers a global definition to an earlier local one', () => {
    const symbol = (value: number, bind: ElfSymbol['bind']): ElfSymbol => ({ name: 'x', value, size: 0, type: 'notype', bind, section: 1 });
    const file = { ...(outcome(minimal) as ElfFile), symbols: [symbol(1, 'local'), symbol(2, 'global'), symbol(3, 'weak')] };
    expect(findSymbol(file, 'x')?.value).toBe(2);
    expect(findSymbol({ ...file, symbols: [symbol(1, 'local'), symbol(4, 'other')] }, 'x')?.value).toBe(1);
  });

  it('puts no file in a rejection read without a file name', () => {
    try {
      readElf(new Uint8Array(4));
      expect.unreachable();
    } catch (error) {
      expect(Object.keys((error as DiagnosticError).diagnostic)).not.toContain('file');
    }
  });
});
