// Physical RAM of the emulated machine: one ArrayBuffer with byte, halfword, word and DataView views
// at a base physical address. Little-endian, as RISC-V is (the views assume a little-endian host).

/** A contiguous RAM region; offsets into the views are `paddr - base`. */
export class PhysicalMemory {
  readonly base: number;
  readonly size: number;
  readonly buffer: ArrayBuffer;
  readonly bytes: Uint8Array;
  readonly halves: Uint16Array;
  readonly words: Int32Array;
  readonly view: DataView;

  /** `base` and `size` must be multiples of 4 KiB (the bus maps RAM by page). */
  constructor(base: number, size: number) {
    if (base % 4096 !== 0 || size % 4096 !== 0 || size <= 0 || base < 0 || base + size > 2 ** 32) {
      throw new RangeError(`RAM at 0x${base.toString(16)} size 0x${size.toString(16)} is not page-aligned inside 4 GiB`);
    }
    this.base = base;
    this.size = size;
    this.buffer = new ArrayBuffer(size);
    this.bytes = new Uint8Array(this.buffer);
    this.halves = new Uint16Array(this.buffer);
    this.words = new Int32Array(this.buffer);
    this.view = new DataView(this.buffer);
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
    this.bytes[this.offsetOf(paddr, 1)] = value;
  }
  writeU16(paddr: number, value: number): void {
    this.view.setUint16(this.offsetOf(paddr, 2), value & 0xffff, true);
  }
  writeU32(paddr: number, value: number): void {
    this.view.setUint32(this.offsetOf(paddr, 4), value >>> 0, true);
  }
  /** Copies `data` to `paddr` (ELF segments, IPC buffers). */
  writeBytes(paddr: number, data: Uint8Array): void {
    this.bytes.set(data, this.offsetOf(paddr, data.length));
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
  }
}
