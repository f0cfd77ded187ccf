// Sv32 address translation (RISC-V privileged spec, "Sv32: Page-Based 32-bit Virtual-Memory
// Systems", virtual address translation process) with a v86-style software TLB per 4 KiB page.
import { PAGE_RAM, type Bus } from './bus.js';
import { Cause } from './trap.js';

export const ACCESS_FETCH = 0;
export const ACCESS_LOAD = 1;
export const ACCESS_STORE = 2;
/** Instruction fetch, load, or store/AMO. */
export type AccessType = typeof ACCESS_FETCH | typeof ACCESS_LOAD | typeof ACCESS_STORE;

/** PTE bits (privileged spec, Sv32 page table entry). */
export const PTE_V = 1 << 0;
export const PTE_R = 1 << 1;
export const PTE_W = 1 << 2;
export const PTE_X = 1 << 3;
export const PTE_U = 1 << 4;
export const PTE_G = 1 << 5;
export const PTE_A = 1 << 6;
export const PTE_D = 1 << 7;

/** `satp.MODE` (bit 31) = 1 selects Sv32; 0 is Bare. */
export const SATP_MODE_SV32 = 0x8000_0000;
export const SATP_ASID_SHIFT = 22;
export const SATP_PPN_MASK = 0x003f_ffff;

/**
 * A TLB entry with no translation. Filled entries hold the bitwise NOT of the RAM offset of the
 * physical page (negative), so `~entry` is the offset or -1 for a miss, and fresh arrays (zeros)
 * need no fill: filling 3 × 4 MiB took 12–19 ms of every machine's start-up.
 */
export const TLB_MISS = 0;
/** Filled entries remembered for a cheap flush; beyond this many the whole TLB is cleared. */
const TLB_FILL_LIMIT = 4096;

const PAGE_FAULT: readonly number[] = [Cause.InstructionPageFault, Cause.LoadPageFault, Cause.StorePageFault];
const ACCESS_FAULT: readonly number[] = [Cause.InstructionAccessFault, Cause.LoadAccessFault, Cause.StoreAccessFault];

/**
 * All accesses are U-mode (the kernel is not emulated code): a leaf needs U = 1; S-mode-only rules
 * (SUM, MXR) never apply. A/D follow Svade: a leaf with A = 0, or D = 0 for a store, raises a page
 * fault instead of being updated, so the kernel sets A and D itself. The TLB holds RAM pages only;
 * translations are kept per `satp` value across switches and dropped by any flush, so the G bit
 * needs no handling.
 */
export class Sv32Mmu {
  /** Per virtual page: `~offset` of the physical page in RAM if loads may use it, else TLB_MISS. */
  readonly tlbRead = new Int32Array(1 << 20);
  /** As `tlbRead`, for stores and AMOs (W = 1 and D = 1). */
  readonly tlbWrite = new Int32Array(1 << 20);
  /** As `tlbRead`, for instruction fetch (X = 1). */
  readonly tlbExec = new Int32Array(1 << 20);
  private readonly filled = new Int32Array(TLB_FILL_LIMIT);
  private filledCount = 0;
  /** `satp` as an int32 (a small integer for V8: no heap number per switch, fast Map keys). */
  private satpValue = 0;
  /**
   * The entries of address spaces switched away from, by `satp` (ASID and root table), as [count,
   * then vpn, read, write, exec per entry]: a `satp`
   * write puts the current entries here and brings back the new space's, so a thread switch costs
   * no page walks, as an ASID-tagged TLB behaves. Any flush (sfence.vma) drops them all.
   */
  private readonly saved = new Map<number, Int32Array>();
  /**
   * The saved entries brought back by the last `satp` write and how many there were: while no entry
   * was added since and no flush came, they need not be saved again when the space is left.
   */
  private restored: Int32Array | undefined = undefined;
  private restoredCount = 0;
  /** Exception code of the last failed `translate`. */
  faultCause = 0;
  /** Page walks done (for benchmarks and the report). */
  walks = 0;

  constructor(private readonly bus: Bus) {}

  get satp(): number {
    return this.satpValue >>> 0;
  }

  /**
   * Writes `satp` (MODE, ASID, PPN of the root page table). The translations of the space left are
   * kept for a later switch back and those kept for the new one come back, unless the TLB was
   * flushed since; with paging off (Bare) nothing is kept.
   */
  set satp(value: number) {
    value |= 0;
    if (value === this.satpValue) return;
    const old = this.satpValue;
    if (old >>> 31 === 1 && this.filledCount <= TLB_FILL_LIMIT) {
      // Entries brought back at the last switch and not added to since are still saved as they are.
      if (this.restored === undefined || this.restoredCount !== this.filledCount) {
        // One array per space, reused while it is large enough (a switch allocates nothing then).
        let entries = this.saved.get(old);
        if (entries === undefined || entries.length < 1 + this.filledCount * 4) {
          entries = new Int32Array(1 + Math.max(this.filledCount, 16) * 8);
          this.saved.set(old, entries);
        }
        entries[0] = this.filledCount;
        for (let i = 0; i < this.filledCount; i++) {
          const vpn = this.filled[i]!;
          entries[1 + 4 * i] = vpn;
          entries[2 + 4 * i] = this.tlbRead[vpn]!;
          entries[3 + 4 * i] = this.tlbWrite[vpn]!;
          entries[4 + 4 * i] = this.tlbExec[vpn]!;
        }
      }
    } else {
      this.saved.delete(old);
    }
    this.clearEntries();
    this.satpValue = value;
    const entries = this.saved.get(value);
    this.restored = entries;
    if (entries !== undefined) {
      const count = entries[0]!;
      for (let i = 0; i < count; i++) {
        const vpn = entries[1 + 4 * i]!;
        this.filled[i] = vpn;
        this.tlbRead[vpn] = entries[2 + 4 * i]!;
        this.tlbWrite[vpn] = entries[3 + 4 * i]!;
        this.tlbExec[vpn] = entries[4 + 4 * i]!;
      }
      this.filledCount = count;
      this.restoredCount = count;
    }
  }

  get pagingEnabled(): boolean {
    return this.satpValue >>> 31 === 1;
  }

  /** `sfence.vma` with rs1 = x0: forgets every translation, of every address space. */
  flushTlb(): void {
    this.saved.clear();
    this.restored = undefined;
    this.clearEntries();
  }

  /** Empties the TLB arrays (only the entries filled, when they were counted). */
  private clearEntries(): void {
    if (this.filledCount > TLB_FILL_LIMIT) {
      this.tlbRead.fill(TLB_MISS);
      this.tlbWrite.fill(TLB_MISS);
      this.tlbExec.fill(TLB_MISS);
    } else {
      const filled = this.filled;
      for (let i = 0; i < this.filledCount; i++) {
        const vpn = filled[i]!;
        this.tlbRead[vpn] = TLB_MISS;
        this.tlbWrite[vpn] = TLB_MISS;
        this.tlbExec[vpn] = TLB_MISS;
      }
    }
    this.filledCount = 0;
  }

  /** `sfence.vma` with rs1 = vaddr: forgets the translation of one page (in every address space). */
  flushTlbPage(vaddr: number): void {
    this.saved.clear();
    this.restored = undefined;
    const vpn = vaddr >>> 12;
    this.tlbRead[vpn] = TLB_MISS;
    this.tlbWrite[vpn] = TLB_MISS;
    this.tlbExec[vpn] = TLB_MISS;
  }

  /**
   * The physical address of `vaddr` for an access of the given type, or -1 with `faultCause` set
   * (page fault 12/13/15, or access fault 1/5/7 when a page-table entry lies outside RAM or the
   * physical address beyond 32 bits). Translations to RAM pages are entered into the TLB with every
   * permission the leaf grants.
   */
  translate(vaddr: number, access: AccessType): number {
    vaddr >>>= 0;
    const vpn = vaddr >>> 12;
    if (this.satpValue >>> 31 === 0) {
      if (this.bus.pageMap[vpn] === PAGE_RAM) this.fill(vpn, vaddr, true, true, true);
      return vaddr;
    }
    this.walks++;
    const ram = this.bus.ram;
    let table = (this.satpValue & SATP_PPN_MASK) * 4096;
    let level = 1;
    let pte = 0;
    for (;;) {
      const index = level === 1 ? vaddr >>> 22 : vpn & 0x3ff;
      const pteAddress = table + index * 4;
      if (!ram || pteAddress < ram.base || pteAddress + 4 > ram.base + ram.size) {
        this.faultCause = ACCESS_FAULT[access]!;
        return -1;
      }
      pte = ram.words[(pteAddress - ram.base) >>> 2]!;
      if ((pte & PTE_V) === 0 || ((pte & PTE_R) === 0 && (pte & PTE_W) !== 0)) return this.pageFault(access);
      if ((pte & (PTE_R | PTE_X)) !== 0) break;
      level--;
      if (level < 0) return this.pageFault(access);
      table = (pte >>> 10) * 4096;
    }
    const canRead = (pte & PTE_R) !== 0;
    const canWrite = (pte & PTE_W) !== 0 && (pte & PTE_D) !== 0;
    const canExec = (pte & PTE_X) !== 0;
    if ((pte & PTE_U) === 0 || (pte & PTE_A) === 0) return this.pageFault(access);
    if (access === ACCESS_FETCH ? !canExec : access === ACCESS_LOAD ? !canRead : !canWrite) return this.pageFault(access);
    // A megapage whose PPN[0] is not zero is misaligned.
    if (level === 1 && ((pte >>> 10) & 0x3ff) !== 0) return this.pageFault(access);
    const ppn = level === 1 ? (pte >>> 20) * 1024 + (vpn & 0x3ff) : pte >>> 10;
    if (ppn >= 1 << 20) {
      this.faultCause = ACCESS_FAULT[access]!;
      return -1;
    }
    const paddr = ppn * 4096 + (vaddr & 0xfff);
    if (this.bus.pageMap[ppn] === PAGE_RAM) this.fill(vpn, paddr, canRead, canWrite, canExec);
    return paddr;
  }

  private pageFault(access: AccessType): number {
    this.faultCause = PAGE_FAULT[access]!;
    return -1;
  }

  private fill(vpn: number, paddr: number, read: boolean, write: boolean, exec: boolean): void {
    const offset = ((paddr & ~0xfff) >>> 0) - this.bus.ram!.base;
    if (this.filledCount < TLB_FILL_LIMIT) this.filled[this.filledCount] = vpn;
    this.filledCount++;
    this.tlbRead[vpn] = read ? ~offset : TLB_MISS;
    this.tlbWrite[vpn] = write ? ~offset : TLB_MISS;
    this.tlbExec[vpn] = exec ? ~offset : TLB_MISS;
  }
}
