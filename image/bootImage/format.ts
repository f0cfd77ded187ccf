// Byte layout constants of boot image format version 1 (docs/image-format.md): header, section
// table, section kinds and alignments, and the RV32 seL4_BootInfo offsets (sel4-abi.md §5.2).
import type { SectionKindName } from './types.js';

/** "KAALBOOT" in ASCII. */
export const IMAGE_MAGIC = new Uint8Array([0x4b, 0x41, 0x41, 0x4c, 0x42, 0x4f, 0x4f, 0x54]);
export const FORMAT_VERSION = 1;

export const HEADER_SIZE = 64;
/** Header field offsets. */
export const Header = {
  magic: 0,
  formatVersion: 8,
  flags: 12,
  headerSize: 16,
  sectionCount: 20,
  sectionTableOffset: 24,
  totalSize: 28,
  sha256: 32,
} as const;
export const SHA256_SIZE = 32;

export const SECTION_ENTRY_SIZE = 24;
/** Section table entry field offsets. */
export const SectionField = {
  kind: 0,
  offset: 4,
  size: 8,
  alignment: 12,
  crc32: 16,
  reserved: 20,
} as const;

export const SectionKind: Readonly<Record<SectionKindName, number>> = {
  META: 1,
  BOOTINFO: 2,
  UNTYPED: 3,
  DTB: 4,
  PLAN: 5,
  COMPONENT: 6,
  ROOTTASK: 7,
};
export const SECTION_KIND_NAMES: Readonly<Record<number, SectionKindName>> = Object.fromEntries(
  Object.entries(SectionKind).map(([name, value]) => [value, name as SectionKindName]),
);
/** Every section starts at a multiple of this; padding between sections is zero bytes. */
export const SECTION_ALIGNMENT = 8;
/** Segment data inside a COMPONENT section starts at a multiple of this (relative to the section). */
export const SEGMENT_DATA_ALIGNMENT = 8;

export const PAGE_SIZE = 4096;
export const ADDRESS_SPACE_END = 2 ** 32;
/** A 32-bit address or size: a whole number below 2^32. */
export const isWord = (n: number): boolean => Number.isInteger(n) && n >= 0 && n < ADDRESS_SPACE_END;

/** seL4_BootInfo, RV32 non-MCS (sel4-abi.md §5.2): field byte offsets. */
export const BootInfoField = {
  extraLen: 0,
  nodeID: 4,
  numNodes: 8,
  numIOPTLevels: 12,
  ipcBuffer: 16,
  empty: 20,
  sharedFrames: 28,
  userImageFrames: 36,
  userImagePaging: 44,
  ioSpaceCaps: 52,
  extraBIPages: 60,
  initThreadCNodeSizeBits: 68,
  initThreadDomain: 72,
  untyped: 76,
  untypedList: 84,
} as const;
/** CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS (seL4 default). */
export const MAX_BOOTINFO_UNTYPEDS = 230;
/** seL4_UntypedDesc on RV32: paddr (word), sizeBits (u8), isDevice (u8), padding[2]. */
export const UNTYPED_DESC_SIZE = 8;
/** sizeof(seL4_BootInfo) on RV32 non-MCS: 84 + 230 × 8. */
export const BOOTINFO_SIZE = BootInfoField.untypedList + MAX_BOOTINFO_UNTYPEDS * UNTYPED_DESC_SIZE;
/** seL4_NumInitialCaps: slots 0..15 of the root CNode hold the initial caps. */
export const NUM_INITIAL_CAPS = 16;
/** The UNTYPED section: a count word, a reserved word, then `count` seL4_UntypedDesc. */
export const UNTYPED_HEADER_SIZE = 8;

/** META: the inputs hash, then three length-prefixed UTF-8 strings, each padded to 4 bytes. */
export const META_FIXED_SIZE = SHA256_SIZE;

/** COMPONENT header fields (offsets relative to the section). */
export const ComponentField = {
  entry: 0,
  nameOffset: 4,
  nameLength: 8,
  segmentCount: 12,
  symbolCount: 16,
  stringsSize: 20,
} as const;
export const COMPONENT_HEADER_SIZE = 24;
export const COMPONENT_SEGMENT_SIZE = 24;
/** Segment entry fields: vaddr, memsz, filesz, flags, dataOffset, reserved. */
export const SegmentField = { vaddr: 0, memsz: 4, filesz: 8, flags: 12, dataOffset: 16, reserved: 20 } as const;
export const COMPONENT_SYMBOL_SIZE = 16;
/** Symbol entry fields: nameOffset, nameLength (into the strings), value, size. */
export const SymbolField = { nameOffset: 0, nameLength: 4, value: 8, size: 12 } as const;


export const hex = (n: number): string => '0x' + n.toString(16);
export const hex8 = (n: number): string => '0x' + n.toString(16).padStart(8, '0');
export const alignUp = (n: number, alignment: number): number => Math.ceil(n / alignment) * alignment;
