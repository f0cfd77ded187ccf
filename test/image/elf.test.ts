// The ELF32 reader on a clang-built RISC-V executable and on crafted bad inputs, one per code.
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { readElf, findSymbol, segmentPerms, PF_R, PF_W, PF_X } from '../../image/elf.js';
import { DiagnosticError } from '../../schema/diagnostics.js';
import { hasToolchain } from '../../fixtures/machine/build.mjs';

const fixtures = new URL('../../fixtures/elf/', import.meta.url);
const minimal = new Uint8Array(fs.readFileSync(new URL('minimal.elf', fixtures)));

/** A copy of the fixture with `edit` applied to a DataView over it. */
function patched(edit: (view: DataView, bytes: Uint8Array) => void, source: Uint8Array = minimal): Uint8Array {
  const bytes = source.slice();
  edit(new DataView(bytes.buffer), bytes);
  return bytes;
}

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof DiagnosticError) return error.diagnostic.code;
    throw error;
  }
  return 'no error';
}

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof DiagnosticError) return error.diagnostic.message;
    throw error;
  }
  return 'no error';
}

const E_PHOFF = 28;
const E_SHOFF = 32;
const E_PHNUM = 44;
const E_SHNUM = 48;
const phdr = (view: DataView, index: number): number => view.getUint32(E_PHOFF, true) + index * 32;
/** Program header index of the n-th PT_LOAD in the fixture (0: r--, 1: r-x, 2: rw-). */
function loadHeader(view: DataView, n: number): number {
  let seen = 0;
  for (let i = 0; i < view.getUint16(E_PHNUM, true); i++) {
    if (view.getUint32(phdr(view, i), true) === 1 && seen++ === n) return phdr(view, i);
  }
  throw new Error('fixture has fewer PT_LOAD segments');
}
function symtabHeader(view: DataView): number {
  const shoff = view.getUint32(E_SHOFF, true);
  for (let i = 0; i < view.getUint16(E_SHNUM, true); i++) {
    if (view.getUint32(shoff + i * 40 + 4, true) === 2) return shoff + i * 40;
  }
  throw new Error('fixture has no symtab');
}

describe('readElf on a clang-built executable', () => {
  const elf = readElf(minimal, 'minimal.elf');

  it('reads the entry point, machine and RVC flag from the header', () => {
    expect(elf.entry).toBe(0x110e4);
    expect(elf.machine).toBe(243);
    expect(elf.flags & 1).toBe(1);
  });

  it('returns only PT_LOAD segments, sorted by vaddr, with their permissions and bytes', () => {
    expect(elf.segments.map((s) => [s.vaddr, s.memsz, s.filesz, segmentPerms(s.flags)])).toEqual([
      [0x10000, 0xe4, 0xe4, 'r--'],
      [0x110e4, 0x7e, 0x7e, 'r-x'],
      [0x12164, 0x129c, 4, 'rw-'],
    ]);
    expect(elf.segments[1]!.flags).toBe(PF_R | PF_X);
    expect(elf.segments[2]!.flags).toBe(PF_R | PF_W);
    expect(elf.segments.every((s) => s.align === 0x1000 && s.data.length === s.filesz)).toBe(true);
    // .sdata holds `int counter = 42`.
    expect(Array.from(elf.segments[2]!.data)).toEqual([42, 0, 0, 0]);
  });

  it('copies segment bytes out of the input', () => {
    const bytes = minimal.slice();
    const copy = readElf(bytes);
    bytes.fill(0);
    expect(copy.segments[2]!.data[0]).toBe(42);
  });

  it('reads the symbol table with names, values, sizes, types and bindings', () => {
    expect(findSymbol(elf, '_start')).toEqual({
      name: '_start',
      value: 0x110e4,
      size: 126,
      type: 'func',
      bind: 'global',
      section: 2,
    });
    expect(findSymbol(elf, 'ipc_buffer')).toMatchObject({ value: 0x13200, size: 512, type: 'object' });
    expect(findSymbol(elf, 'greeting')?.value).toBe(0x100d4);
    expect(findSymbol(elf, 'minimal.c')).toMatchObject({ type: 'file', bind: 'local' });
    expect(findSymbol(elf, 'missing')).toBeUndefined();
    expect(elf.symbols).toHaveLength(6);
  });

  it('gives a stripped executable an empty symbol list', () => {
    const stripped = patched((view) => view.setUint16(E_SHNUM, 0, true));
    expect(readElf(stripped).symbols).toEqual([]);
  });

  it('prefers a global definition over a local one and ignores undefined symbols', () => {
    const file = { ...elf, symbols: [
      { name: 'x', value: 1, size: 0, type: 'notype' as const, bind: 'global' as const, section: 0 },
      { name: 'x', value: 2, size: 0, type: 'notype' as const, bind: 'local' as const, section: 1 },
      { name: 'x', value: 3, size: 0, type: 'notype' as const, bind: 'weak' as const, section: 1 },
    ] };
    expect(findSymbol(file, 'x')?.value).toBe(3);
  });
});

describe('readElf rejects what it cannot load', () => {
  const cases: [string, string, () => Uint8Array][] = [
    ['KC6500', 'a file that is not ELF', () => new TextEncoder().encode('#!/bin/sh\necho hi\n')],
    ['KC6500', 'an empty file', () => new Uint8Array(0)],
    ['KC6501', 'a header cut short', () => minimal.slice(0, 40)],
    ['KC6502', 'an ELF64 file', () => patched((_, b) => (b[4] = 2))],
    ['KC6503', 'a big-endian file', () => patched((_, b) => (b[5] = 2))],
    ['KC6504', 'an unknown ident version', () => patched((_, b) => (b[6] = 0))],
    ['KC6504', 'an unknown e_version', () => patched((v) => v.setUint32(20, 2, true))],
    ['KC6505', 'a relocatable object', () => patched((v) => v.setUint16(16, 1, true))],
    ['KC6505', 'a shared object', () => patched((v) => v.setUint16(16, 3, true))],
    ['KC6506', 'an x86-64 machine', () => patched((v) => v.setUint16(18, 62, true))],
    ['KC6507', 'a wrong program header entry size', () => patched((v) => v.setUint16(42, 56, true))],
    ['KC6507', 'a wrong section header entry size', () => patched((v) => v.setUint16(46, 64, true))],
    ['KC6507', 'a wrong ELF header size', () => patched((v) => v.setUint16(40, 64, true))],
    ['KC6508', 'a program header table past the end', () => patched((v) => v.setUint32(E_PHOFF, 0xfffff000, true))],
    ['KC6508', 'an absurd program header count', () => patched((v) => v.setUint16(E_PHNUM, 0xffff, true))],
    ['KC6508', 'an absurd section header count', () => patched((v) => v.setUint16(E_SHNUM, 0xffff, true))],
    ['KC6509', 'no PT_LOAD segment', () => patched((v) => {
      for (let i = 0; i < 3; i++) v.setUint32(loadHeader(v, 0), 6, true);
    })],
    ['KC6510', 'a segment past the end of the file', () => patched((v) => v.setUint32(loadHeader(v, 1) + 16, 0x7fffffff, true))],
    ['KC6510', 'a segment offset past the end of the file', () => patched((v) => v.setUint32(loadHeader(v, 2) + 4, 0xfffff164, true))],
    ['KC6511', 'filesz larger than memsz', () => patched((v) => v.setUint32(loadHeader(v, 0) + 20, 0x10, true))],
    ['KC6512', 'a segment wrapping the address space', () => patched((v) => v.setUint32(loadHeader(v, 2) + 20, 0xfffff000, true))],
    ['KC6513', 'overlapping PT_LOAD segments', () => patched((v) => v.setUint32(loadHeader(v, 0) + 20, 0x2000, true))],
    ['KC6514', 'an alignment that is not a power of two', () => patched((v) => v.setUint32(loadHeader(v, 1) + 28, 0x1800, true))],
    ['KC6514', 'a vaddr not congruent to its offset', () => patched((v) => v.setUint32(loadHeader(v, 1) + 8, 0x11000, true))],
    ['KC6515', 'an entry point outside executable code', () => patched((v) => v.setUint32(24, 0x10000, true))],
    ['KC6516', 'a section past the end of the file', () => patched((v) => v.setUint32(symtabHeader(v) + 20, 0x100000, true))],
    ['KC6517', 'a symbol table with a wrong entry size', () => patched((v) => v.setUint32(symtabHeader(v) + 36, 24, true))],
    ['KC6517', 'a symbol table whose size is not a whole number of entries', () => patched((v) => v.setUint32(symtabHeader(v) + 20, 17, true))],
    ['KC6517', 'a symbol table linked to a missing section', () => patched((v) => v.setUint32(symtabHeader(v) + 24, 999, true))],
    ['KC6517', 'a symbol table linked to a section that is not a string table', () => patched((v) => {
      v.setUint32(symtabHeader(v) + 24, 1, true);
    })],
    ['KC6518', 'a symbol name outside the string table', () => patched((v) => {
      v.setUint32(v.getUint32(symtabHeader(v) + 16, true) + 16, 0x10000, true);
    })],
  ];

  it.each(cases)('%s: %s', (code, _name, make) => {
    expect(codeOf(() => readElf(make(), 'bad.elf'))).toBe(code);
  });

  it('names the file in every rejection', () => {
    try {
      readElf(new Uint8Array(4), 'bad.elf');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DiagnosticError);
      expect((error as DiagnosticError).diagnostic.file).toBe('bad.elf');
    }
  });

  it('says which class, machine and segments are wrong', () => {
    expect(messageOf(() => readElf(patched((_, b) => (b[4] = 2))))).toBe(
      "ELF class is 'ELFCLASS64', expected 'ELFCLASS32'",
    );
    expect(messageOf(() => readElf(patched((v) => v.setUint16(18, 62, true))))).toBe(
      "ELF machine is '62' (x86-64), expected '243' (RISC-V)",
    );
    expect(messageOf(() => readElf(patched((v) => v.setUint32(loadHeader(v, 0) + 20, 0x2000, true))))).toBe(
      "PT_LOAD segments overlap: segment 1 covers '0x10000'..'0x12000' and segment 2 covers '0x110e4'..'0x11162'",
    );
  });

  it('never throws anything but a DiagnosticError on any truncation of the file', () => {
    for (let length = 0; length < minimal.length; length++) {
      const code = codeOf(() => readElf(minimal.subarray(0, length)));
      expect(code).toMatch(/^KC65\d\d$/);
    }
  });

  it('never throws anything but a DiagnosticError when any single byte is flipped', () => {
    for (let offset = 0; offset < minimal.length; offset++) {
      const code = codeOf(() => readElf(patched((_, b) => (b[offset] = b[offset]! ^ 0xff))));
      expect(code).toMatch(/^KC65\d\d$|^no error$/);
    }
  });
});

const clang = hasToolchain();

describe.skipIf(!clang)('the ELF fixture rebuilt from its source', () => {
  // Byte identity would tie the test to one clang release; the shape is what the tests rely on.
  it('has the same segment permissions and symbols as the committed one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-elf-'));
    try {
      for (const name of ['minimal.c', 'build.sh']) fs.copyFileSync(new URL(name, fixtures), path.join(dir, name));
      execFileSync('sh', [path.join(dir, 'build.sh')]);
      const rebuilt = readElf(new Uint8Array(fs.readFileSync(path.join(dir, 'minimal.elf'))));
      const committed = readElf(minimal);
      expect(rebuilt.entry).toBe(findSymbol(rebuilt, '_start')!.value);
      expect(rebuilt.segments.map((s) => segmentPerms(s.flags))).toEqual(committed.segments.map((s) => segmentPerms(s.flags)));
      expect(rebuilt.symbols.map((s) => s.name)).toEqual(committed.symbols.map((s) => s.name));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
