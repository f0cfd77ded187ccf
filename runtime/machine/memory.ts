// Physical RAM of the emulated machine: one (shared) buffer with byte, halfword, word and DataView views
// at a base physical address. Little-endian, as RISC-V is (the views assume a little-endian host).
// It also marks the 64-byte lines that hold translated code, so writes can drop stale blocks.

/** log2 of the granule in which writes to translated code are detected. */
export const CODE_LINE_SHIFT = 6;

/** Told about a write that touched a line marked in `codeLines` (RAM offset and length). */
export type CodeWriteListener = (offset: number, length: number) => void;

/**
 * A zeroed buffer of many MiB (RAM, TLB arrays), shared though no other thread sees it: V8 counts
 * a plain ArrayBuffer as external memory, and the pressure of 128 MiB or more of them starts
 * scavenges and incremental mark-compacts (~35 M instructions of a `machine hello` under load;
 * 30 ms in a run entering 8 address spaces; docs/performance.md, start-up). A SharedArrayBuffer is
 * not counted so, and typed arrays over it are as fast.
 */
export function largeZeroedBuffer(bytes: number): SharedArrayBuffer {
  return new SharedArrayBuffer(bytes);
}

/** A contiguous RAM region; offsets into the views are `paddr - base`. */
export class PhysicalMemory {
  readonly base: number;
  readonly size: number;
  /** A `largeZeroedBuffer`. */
  readonly buffer: SharedArrayBuffer;
  readonly bytes: Uint8Array;
  readonly halves: Uint16Array;
  readonly words: Int32Array;
  readonly view: DataView;
  /**
   * Per 64-byte line of RAM: non-zero while a translated block (`blockCache.ts`) was made from it.
   * Whoever stores to RAM through the views checks it and calls `codeWritten`; the write methods
   * below do so themselves.
   */
  readonly codeLines: Uint8Array;
  private readonly codeWriteListeners: CodeWriteListener[] = [];

  /** `base` and `size` must be multiples of 4 KiB (the bus maps RAM by page). */
  constructor(base: number, size: number) {
    if (base % 4096 !== 0 || size % 4096 !== 0 || size <= 0 || base < 0 || base + size > 2 ** 32) {
      throw new RangeError(`RAM at 0x${base.toString(16)} size 0x${size.toString(16)} is not page-aligned inside 4 GiB`);
    }
    this.base = base;
    this.size = size;
    this.buffer = largeZeroedBuffer(size);
    this.bytes = new Uint8Array(this.buffer);
    this.halves = new Uint16Array(this.buffer);
    this.words = new Int32Array(this.buffer);
    this.view = new DataView(this.buffer);
    this.codeLines = new Uint8Array(size >>> CODE_LINE_SHIFT);
  }

  /** Registers a block cache to be told about writes to lines marked in `codeLines`. */
  addCodeWriteListener(listener: CodeWriteListener): void {
    this.codeWriteListeners.push(listener);
  }

  /** Tells the listeners that `[offset, offset + length)` of RAM was written, if it holds code. */
  codeWritten(offset: number, length: number): void {
    if (length <= 0) return;
    const lines = this.codeLines;
    const last = (offset + length - 1) >>> CODE_LINE_SHIFT;
    for (let line = offset >>> CODE_LINE_SHIFT; line <= last; line++) {
      if (lines[line] !== 0) {
        for (const listener of this.codeWriteListeners) listener(offset, length);
        return;
      }
    }
  }

  /** Whether `[paddr, paddr + length)` lies inside this RAM. */
  contains(paddr: number, length = 1): boolean {
    const offset = (paddr >>> 0) - this.base;
    return offset >= 0 && length >= 0 && offset + length <= this.size;
  }

  private offsetOf(paddr: number, length: number): number {
    const offset = (paddr >>> 0) - this.base;
    if (offset < 0 || offset + length > this.size) {
      throw new RangeError(`physical access 0x${(paddr >>> 0).toString(16)}+${length} outside RAM`);
    }
    return offset;
  }

  readU8(paddr: number): number {
    return this.bytes[this.offsetOf(paddr, 1)]!;
  }
  readU16(paddr: number): number {
    return this.view.getUint16(this.offsetOf(paddr, 2), true);
  }
  /** Unsigned 32-bit value (0..2^32-1). */
  readU32(paddr: number): number {
    return this.view.getUint32(this.offsetOf(paddr, 4), true);
  }
  writeU8(paddr: number, value: number): void {
    const offset = this.offsetOf(paddr, 1);
    this.bytes[offset] = value;
    this.codeWritten(offset, 1);
  }
  writeU16(paddr: number, value: number): void {
    const offset = this.offsetOf(paddr, 2);
    this.view.setUint16(offset, value & 0xffff, true);
    this.codeWritten(offset, 2);
  }
  writeU32(paddr: number, value: number): void {
    const offset = this.offsetOf(paddr, 4);
    this.view.setUint32(offset, value >>> 0, true);
    this.codeWritten(offset, 4);
  }
  /** Copies `data` to `paddr` (ELF segments, IPC buffers). */
  writeBytes(paddr: number, data: Uint8Array): void {
    const offset = this.offsetOf(paddr, data.length);
    this.bytes.set(data, offset);
    this.codeWritten(offset, data.length);
  }
  /** A copy of `[paddr, paddr + length)`. */
  readBytes(paddr: number, length: number): Uint8Array {
    const offset = this.offsetOf(paddr, length);
    return this.bytes.slice(offset, offset + length);
  }
  /** Zeroes `[paddr, paddr + length)` (fresh frames, .bss). */
  fill(paddr: number, length: number, value = 0): void {
    const offset = this.offsetOf(paddr, length);
    this.bytes.fill(value, offset, offset + length);
    this.codeWritten(offset, length);
  }
}
