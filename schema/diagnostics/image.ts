// KC6xxx: binary formats: the boot image (KC6000–KC6499, docs/image-format.md) and ELF32 RISC-V
// executables (KC6500–KC6999, image/elf.ts).
import { diagnostic } from '../diagnosticDefinition.js';

const ELF_BUILD_HINT =
  "build with 'clang --target=riscv32-unknown-elf -march=rv32imac -mabi=ilp32 -nostdlib -ffreestanding -fuse-ld=lld -static'";

export const imageDiagnostics = {
  // Boot image (KC60xx): the reader, in the order it checks.
  imageTruncated: diagnostic(
    'KC6000',
    'error',
    'boot image is {size} bytes, too short for the {headerSize}-byte header',
    'the file was cut short; build or copy it again',
  ),
  imageBadMagic: diagnostic(
    'KC6001',
    'error',
    "not a kaal-compose boot image: it starts with '{magic}', expected 'KAALBOOT'",
    "build one with 'kaal-compose build <system> -o <image.bin>'",
  ),
  imageUnsupportedVersion: diagnostic(
    'KC6002',
    'error',
    "boot image format version '{version}' is not supported; this kaal-compose reads version '{supported}'",
    'rebuild the image with this version of kaal-compose',
  ),
  imageBadHeaderField: diagnostic('KC6003', 'error', "boot image header field '{field}' is '{value}', expected {expected}"),
  imageSizeMismatch: diagnostic(
    'KC6004',
    'error',
    "boot image header says the image is '{declared}' bytes but the file has '{size}'",
    'the file was truncated or has data appended; build or copy it again',
  ),
  imageSectionTableOutOfBounds: diagnostic(
    'KC6005',
    'error',
    "section table at '{start}'..'{end}' ({count} entries) does not lie between the header end '{headerEnd}' and the image end '{size}'",
  ),
  imageUnknownSectionKind: diagnostic(
    'KC6006',
    'error',
    "section {index} (table entry at '{entryOffset}') has unknown kind '{kind}'",
  ),
  imageSectionOutOfBounds: diagnostic(
    'KC6007',
    'error',
    "{kind} section {index} at '{start}'..'{end}' runs past the image end '{size}'",
  ),
  imageBadSectionEntry: diagnostic('KC6008', 'error', "{kind} section {index} at offset '{offset}': {reason}"),
  imageSectionsOverlap: diagnostic(
    'KC6009',
    'error',
    "{first} at '{firstStart}'..'{firstEnd}' overlaps {second} at '{secondStart}'..'{secondEnd}'",
  ),
  imageSectionMissing: diagnostic('KC6010', 'error', 'boot image has no {kind} section'),
  imageSectionDuplicated: diagnostic(
    'KC6011',
    'error',
    "boot image has {count} {kind} sections at {offsets}; exactly one is allowed",
  ),
  imageSectionChecksumMismatch: diagnostic(
    'KC6012',
    'error',
    "{kind} section {index} at offset '{offset}' has CRC-32 '{actual}' but the section table says '{expected}'",
    'the image is corrupted; build or copy it again',
  ),
  imageHashMismatch: diagnostic(
    'KC6013',
    'error',
    "boot image SHA-256 is '{actual}' but the header says '{expected}'",
    'the image is corrupted; build or copy it again',
  ),
  imageSectionMalformed: diagnostic('KC6014', 'error', "{kind} section at offset '{offset}': {reason}"),
  imageBootInfoInconsistent: diagnostic('KC6015', 'error', "BOOTINFO section at offset '{offset}': {reason}"),
  imageBadUntyped: diagnostic('KC6016', 'error', "{kind} section at offset '{offset}': {reason}"),
  imagePlanInvalid: diagnostic('KC6017', 'error', "PLAN section at offset '{offset}': {reason}"),
  imageComponentMalformed: diagnostic(
    'KC6018',
    'error',
    "COMPONENT section {index} ('{name}') at offset '{offset}': {reason}",
  ),
  imageDtbInvalid: diagnostic('KC6019', 'error', "DTB section at offset '{offset}': {reason}"),
  imageRootTaskMalformed: diagnostic('KC6810', 'error', "ROOTTASK section at offset '{offset}': {reason}", 'the image is not what kaal-compose build writes; build it again'),
  // Boot image writer (KC603x): inputs the format cannot hold.
  imageInputInvalid: diagnostic('KC6030', 'error', 'cannot write the boot image: {reason}'),
  imageSegmentsSharePage: diagnostic(
    'KC6031',
    'error',
    "component '{component}': segments at '{first}' and '{second}' share the page '{page}'",
    'align every loadable segment to 4 KiB in the linker script (ALIGN(4096))',
  ),
  imageTooLarge: diagnostic('KC6032', 'error', "the boot image would be '{size}' bytes; the format holds less than 4 GiB"),
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
