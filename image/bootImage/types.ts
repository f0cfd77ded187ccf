// The data a boot image carries, as the writer takes it (`BootImageInput`) and the reader returns it
// (`BootImage`). The byte layout is in format.ts and docs/image-format.md; bootinfo follows
// seL4_BootInfo of shared/reference/sel4-abi.md §5.2 (RV32, non-MCS).

/** seL4_SlotRegion: slots `start` .. `end - 1` of the root CNode (`end` is the first slot after). */
export interface SlotRegion {
  readonly start: number;
  readonly end: number;
}

/** seL4_UntypedDesc: one untyped the kernel hands out at boot. */
export interface UntypedDescriptor {
  readonly paddr: number;
  /** log2 of its size in bytes, MIN_UNTYPED_BITS (4) .. MAX_UNTYPED_BITS (29); paddr is aligned to it. */
  readonly sizeBits: number;
  /** Device memory (MMIO) rather than RAM: only frames may be retyped from it. */
  readonly isDevice: boolean;
}

/** seL4_BootInfo (RV32, non-MCS) as data. `extraLen` is always 0 in format version 1. */
export interface BootInfoData {
  readonly nodeID: number;
  readonly numNodes: number;
  readonly numIOPTLevels: number;
  /** seL4_IPCBuffer* of the initial thread (a vaddr; 0 when there is none). */
  readonly ipcBuffer: number;
  readonly empty: SlotRegion;
  readonly sharedFrames: SlotRegion;
  readonly userImageFrames: SlotRegion;
  readonly userImagePaging: SlotRegion;
  readonly ioSpaceCaps: SlotRegion;
  readonly extraBIPages: SlotRegion;
  readonly initThreadCNodeSizeBits: number;
  readonly initThreadDomain: number;
  /** Slots of the untyped caps: untyped `i` of `untypedList` is at `untyped.start + i`. */
  readonly untyped: SlotRegion;
  readonly untypedList: readonly UntypedDescriptor[];
}

/** The META section: what was built, never when or where (no timestamps, no absolute paths). */
export interface ImageMeta {
  readonly systemName: string;
  readonly toolVersion: string;
  readonly platformName: string;
  /** SHA-256 of the build inputs, 64 lower-case hex digits. */
  readonly inputsSha256: string;
}

/** A loadable segment as the writer takes it: an `ElfSegment` fits. */
export interface SegmentInput {
  readonly vaddr: number;
  readonly memsz: number;
  /** `PF_R | PF_W | PF_X` bits (image/elf.ts): R = 4, W = 2, X = 1. */
  readonly flags: number;
  /** The initialised bytes at `vaddr`; the rest up to `memsz` is zero. */
  readonly data: Uint8Array;
}

/** A symbol the boot needs (for example the IPC buffer's address). */
export interface ImageSymbol {
  readonly name: string;
  readonly value: number;
  readonly size: number;
}

export interface ComponentInput {
  readonly name: string;
  readonly entry: number;
  readonly segments: readonly SegmentInput[];
  readonly symbols?: readonly ImageSymbol[];
}

/** Everything `writeImage` packs. */
export interface BootImageInput {
  readonly meta: {
    readonly systemName: string;
    readonly toolVersion: string;
    readonly platformName: string;
    /** 64 hex digits; when absent, the SHA-256 of the other sections' bytes (see docs/image-format.md). */
    readonly inputsSha256?: string;
  };
  /** The untyped list, in bootinfo order. */
  readonly untyped: readonly UntypedDescriptor[];
  /** Bootinfo without `untypedList` (taken from `untyped`); when absent, `bootInfoFor(untyped)`. */
  readonly bootInfo?: Omit<BootInfoData, 'untypedList'>;
  /** The flattened device tree, stored as is. */
  readonly dtb: Uint8Array;
  /** The plan: a JSON object with a numeric `formatVersion`, stored as `JSON.stringify(plan)`. */
  readonly plan: object;
  /** Written sorted by name (UTF-8 byte order), whatever order they come in. */
  readonly components: readonly ComponentInput[];
  /** The root task ELF with its plan table (image/rootTask.ts); an image without one does not boot. */
  readonly rootTask?: Uint8Array;
}

/** A loadable segment as the image holds it: `vaddr` and `memsz` are multiples of 4 KiB. */
export interface ImageSegment {
  readonly vaddr: number;
  readonly memsz: number;
  /** `PF_R | PF_W | PF_X` bits: R = 4, W = 2, X = 1. */
  readonly flags: number;
  /** `filesz` bytes placed at `vaddr`; the rest up to `memsz` is zero. A view into the image bytes. */
  readonly data: Uint8Array;
}

export interface ImageComponent {
  readonly name: string;
  readonly entry: number;
  /** Sorted by vaddr, non-overlapping, page-aligned. */
  readonly segments: readonly ImageSegment[];
  /** Sorted by name. */
  readonly symbols: readonly ImageSymbol[];
}

export type SectionKindName = 'META' | 'BOOTINFO' | 'UNTYPED' | 'DTB' | 'PLAN' | 'COMPONENT' | 'ROOTTASK';

/** One entry of the section table. */
export interface SectionEntry {
  readonly kind: SectionKindName;
  readonly offset: number;
  readonly size: number;
  readonly alignment: number;
  readonly crc32: number;
}

/** A checked boot image, as `readImage` returns it. */
export interface BootImage {
  readonly formatVersion: number;
  readonly flags: number;
  readonly totalSize: number;
  /** SHA-256 of the image (hash field zeroed), 64 lower-case hex digits, as stored in the header. */
  readonly sha256: string;
  readonly sections: readonly SectionEntry[];
  readonly meta: ImageMeta;
  readonly bootInfo: BootInfoData;
  readonly untyped: readonly UntypedDescriptor[];
  /** A view into the image bytes. */
  readonly dtb: Uint8Array;
  /** The PLAN section's JSON text and its parsed value. */
  readonly planJson: string;
  readonly plan: Readonly<Record<string, unknown>> & { readonly formatVersion: number };
  /** Sorted by name. */
  readonly components: readonly ImageComponent[];
  /** The ROOTTASK section: the root task ELF with its plan table (a view into the image bytes). */
  readonly rootTask?: Uint8Array;
  /** Who signed it, when a signature trailer follows the image (verified against that key; signature.ts). */
  readonly signature?: { readonly fingerprint: string; readonly publicKey: Uint8Array };
}
