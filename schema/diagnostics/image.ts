// KC6xxx: binary formats: the boot image (KC6000–KC6499, docs/image-format.md) and ELF32 RISC-V
// executables (KC6500–KC6999, image/elf.ts).
import { diagnostic } from '../diagnosticDefinition.js';

const ELF_BUILD_HINT =
  "build with 'clang --target=riscv32-unknown-elf -march=rv32imac -mabi=ilp32 -nostdlib -ffreestanding -fuse-ld=lld -static'";

export const imageDiagnostics = {
  // ELF (KC65xx)
  elfNotElf: diagnostic('KC6500', 'error', "not an ELF file: it starts with '{magic}', expected '7f 45 4c 46'"),
  elfTruncatedHeader: diagnostic(
    'KC6501',
    'error',
    'the ELF header needs 52 bytes but the file has {size}',
  ),
  elfWrongClass: diagnostic('KC6502', 'error', "ELF class is '{elfClass}', expected 'ELFCLASS32'", ELF_BUILD_HINT),
  elfWrongEndianness: diagnostic(
    'KC6503',
    'error',
    "ELF data encoding is '{encoding}', expected little-endian 'ELFDATA2LSB'",
    ELF_BUILD_HINT,
  ),
  elfBadVersion: diagnostic('KC6504', 'error', "ELF version is '{version}', expected '1' (EV_CURRENT)"),
  elfNotExecutable: diagnostic(
    'KC6505',
    'error',
    "ELF type is '{type}', expected an executable 'ET_EXEC'",
    'link statically into an executable (not -r, -shared or -pie)',
  ),
  elfWrongMachine: diagnostic(
    'KC6506',
    'error',
    "ELF machine is '{machine}' ({name}), expected '243' (RISC-V)",
    ELF_BUILD_HINT,
  ),
  elfBadEntrySize: diagnostic('KC6507', 'error', "ELF {table} entry size is '{size}', expected '{expected}'"),
  elfTableOutOfBounds: diagnostic(
    'KC6508',
    'error',
    "ELF {table} at offset '{offset}' ({count} entries of {entrySize} bytes) ends at '{end}', past the end of the file ({size} bytes)",
  ),
  elfNoLoadableSegments: diagnostic('KC6509', 'error', 'ELF file has no PT_LOAD segment, so nothing to load'),
  elfSegmentOutOfBounds: diagnostic(
    'KC6510',
    'error',
    "segment {index} (vaddr '{vaddr}') has file bytes '{start}'..'{end}', past the end of the file ({size} bytes)",
  ),
  elfFileSizeExceedsMemSize: diagnostic(
    'KC6511',
    'error',
    "segment {index} (vaddr '{vaddr}') has filesz '{filesz}' larger than memsz '{memsz}'",
  ),
  elfSegmentWraps: diagnostic(
    'KC6512',
    'error',
    "segment {index} (vaddr '{vaddr}', memsz '{memsz}') runs past the end of the 32-bit address space",
  ),
  elfSegmentsOverlap: diagnostic(
    'KC6513',
    'error',
    "PT_LOAD segments overlap: segment {first} covers '{firstStart}'..'{firstEnd}' and segment {second} covers '{secondStart}'..'{secondEnd}'",
    'fix the linker script so that loadable sections do not share addresses',
  ),
  elfBadSegmentAlignment: diagnostic(
    'KC6514',
    'error',
    "segment {index} (vaddr '{vaddr}', offset '{offset}') has alignment '{align}': {reason}",
  ),
  elfEntryOutsideSegments: diagnostic(
    'KC6515',
    'error',
    "entry point '{entry}' is not inside an executable PT_LOAD segment",
    "define '_start' (or pass '-e <symbol>' to the linker) in executable code",
  ),
  elfSectionOutOfBounds: diagnostic(
    'KC6516',
    'error',
    "section {index} has bytes '{start}'..'{end}', past the end of the file ({size} bytes)",
  ),
  elfBadSymbolTable: diagnostic('KC6517', 'error', 'symbol table (section {index}) is malformed: {reason}'),
  elfBadStringOffset: diagnostic(
    'KC6518',
    'error',
    "{what} has name offset '{offset}' outside string table section {section} ({size} bytes) or without a terminating NUL",
  ),
} as const;
