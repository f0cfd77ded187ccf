// Sv32 address translation (RISC-V privileged spec, "Sv32: Page-Based 32-bit Virtual-Memory
// Systems", virtual address translation process) with a v86-style software TLB per 4 KiB page.
import { PAGE_RAM, type Bus } from './bus.js';
import { largeZeroedBuffer } from './memory.js';
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
/**
 * Address spaces whose translations are kept at once, each in its own arrays (3 × 4 MiB of address
 * space, of which the OS backs only the pages touched); beyond, the one used longest ago is emptied
 * and taken for the new space.
 */
export const TLB_SPACES = 8;

const PAGE_FAULT: readonly number[] = [Cause.InstructionPageFault, Cause.LoadPageFault, Cause.StorePageFault];
const ACCESS_FAULT: readonly number[] = [Cause.InstructionAccessFault, Cause.LoadAccessFault, Cause.StoreAccessFault];

/** The TLB of one address space, by `satp` value (ASID and root table), as an ASID-tagged TLB keeps it. */
class TlbSpace {
  readonly read = new Int32Array(largeZeroedBuffer(4 << 20));
  readonly write = new Int32Array(largeZeroedBuffer(4 << 20));
  readonly exec = new Int32Array(largeZeroedBuffer(4 << 20));
  /** Pages filled since the last clear (the first TLB_FILL_LIMIT), for a cheap clear. */
  readonly filled = new Int32Array(TLB_FILL_LIMIT);
  filledCount = 0;
  /** Some entry since the last clear came from a megapage (a 4 MiB leaf, entered page by page). */
  hasMegapages = false;
  /** When this space was last switched to (`Sv32Mmu` counts switches). */
  lastUsed = 0;

  constructor(public satp: number) {}

  /** Forgets every translation. */
  clear(): void {
    if (this.filledCount > TLB_FILL_LIMIT) {
      this.read.fill(TLB_MISS);
      this.write.fill(TLB_MISS);
      this.exec.fill(TLB_MISS);
    } else {
      const { read, write, exec, filled } = this;
      for (let i = 0; i < this.filledCount; i++) {
        const vpn = filled[i]!;
        read[vpn] = TLB_MISS;
        write[vpn] = TLB_MISS;
        exec[vpn] = TLB_MISS;
      }
    }
    this.filledCount = 0;
    this.hasMegapages = false;
  }

  /**
   * Forgets the translation of the page `vpn`, and when megapage entries are held, of every page of
   * the 4 MiB around it (the entry the leaf covering `vpn` was split into).
   */
  forget(vpn: number): void {
    const first = this.hasMegapages ? vpn & ~0x3ff : vpn;
    const end = this.hasMegapages ? first + 0x400 : vpn + 1;
    this.read.fill(TLB_MISS, first, end);
    this.write.fill(TLB_MISS, first, end);
    this.exec.fill(TLB_MISS, first, end);
  }
}

/**
 * All accesses are U-mode (the kernel is not emulated code): a leaf needs U = 1; S-mode-only rules
 * (SUM, MXR) never apply. A/D follow Svade: a leaf with A = 0, or D = 0 for a store, raises a page
 * fault instead of being updated, so the kernel sets A and D itself. The TLB holds RAM pages only;
 * translations are kept per `satp` value across switches (up to TLB_SPACES spaces, each in its own
 * arrays) and dropped by `sfenceVma` as the spec's SFENCE.VMA orders: by address, by ASID, or both.
 * A global (G) leaf is entered into the space that walked it only, and flushing by ASID drops a
 * space's global entries too, so the G bit needs no handling.
 */
export class Sv32Mmu {
  /**
   * Per virtual page of the current address space: `~offset` of the physical page in RAM if loads
   * may use it, else TLB_MISS. A `satp` write replaces the array (each space has its own): read it
   * again after one. (Getters: a switch then stores one object, not four, and a store of an object
   * is a write-barrier call while V8 marks or when the object is young, as spaces made while a
   * system runs are: three more such calls per thread switch.)
   */
  get tlbRead(): Int32Array {
    return this.space.read;
  }
  /** As `tlbRead`, for stores and AMOs (W = 1 and D = 1). */
  get tlbWrite(): Int32Array {
    return this.space.write;
  }
  /** As `tlbRead`, for instruction fetch (X = 1). */
  get tlbExec(): Int32Array {
    return this.space.exec;
  }
  /** `satp` as an int32 (a small integer for V8: no heap number per switch). */
  private satpValue = 0;
  /**
   * The spaces kept, the current one among them: a `satp` write makes another one current, so a
   * thread switch costs no page walks and no copying, as an ASID-tagged TLB behaves. `sfenceVma`
   * empties what it names in each.
   */
  private readonly spaces: TlbSpace[];
  private space: TlbSpace;
  private switches = 0;
  /** Exception code of the last failed `translate`. */
  faultCause = 0;
  /** Page walks done (for benchmarks and the report). */
  walks = 0;

  constructor(private readonly bus: Bus) {
    this.space = new TlbSpace(0);
    this.spaces = [this.space];
  }

  get satp(): number {
    return this.satpValue >>> 0;
  }

  /**
   * Writes `satp` (MODE, ASID, PPN of the root page table). The translations of the space left are
   * kept for a later switch back and those kept for the new one come back, unless they were
   * flushed since or the space was given up: when TLB_SPACES are held and another one is entered,
   * the one entered longest ago is emptied and reused.
   */
  set satp(value: number) {
    value |= 0;
    if (value === this.satpValue) return;
    this.satpValue = value;
    const spaces = this.spaces;
    let space: TlbSpace | undefined;
    for (let i = 0; i < spaces.length; i++) {
      if (spaces[i]!.satp === value) {
        space = spaces[i]!;
        break;
      }
    }
    if (space === undefined) {
      if (spaces.length < TLB_SPACES) {
        space = new TlbSpace(value);
        spaces.push(space);
      } else {
        space = spaces[0]!;
        for (const s of spaces) if (s.lastUsed < space.lastUsed) space = s;
        space.clear();
        space.satp = value;
      }
    }
    space.lastUsed = ++this.switches;
    this.space = space;
  }

  get pagingEnabled(): boolean {
    return this.satpValue >>> 31 === 1;
  }

  /**
   * `sfence.vma` (privileged spec, "Supervisor Memory-Management Fence Instruction"): `vaddr`
   * undefined is rs1 = x0 (every page), `asid` undefined is rs2 = x0 (every address space, global
   * mappings too). With an ASID, only spaces whose `satp` has paging on and that ASID are flushed.
   */
  sfenceVma(vaddr?: number, asid?: number): void {
    for (const space of this.spaces) {
      if (asid !== undefined && (space.satp >>> 31 === 0 || ((space.satp >>> SATP_ASID_SHIFT) & 0x1ff) !== (asid & 0x1ff))) continue;
      if (vaddr === undefined) space.clear();
      else space.forget(vaddr >>> 12);
    }
  }

  /** `sfence.vma` with rs1 = x0, rs2 = x0: forgets every translation, of every address space. */
  flushTlb(): void {
    this.sfenceVma();
  }

  /** `sfence.vma` with rs1 = vaddr, rs2 = x0: forgets the translation of one page in every address space. */
  flushTlbPage(vaddr: number): void {
    this.sfenceVma(vaddr);
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
    if (this.bus.pageMap[ppn] === PAGE_RAM) {
      if (level === 1) this.space.hasMegapages = true;
      this.fill(vpn, paddr, canRead, canWrite, canExec);
    }
    return paddr;
  }

  private pageFault(access: AccessType): number {
    this.faultCause = PAGE_FAULT[access]!;
    return -1;
  }

  private fill(vpn: number, paddr: number, read: boolean, write: boolean, exec: boolean): void {
    const offset = ((paddr & ~0xfff) >>> 0) - this.bus.ram!.base;
    const space = this.space;
    if (space.filledCount < TLB_FILL_LIMIT) space.filled[space.filledCount] = vpn;
    space.filledCount++;
    space.read[vpn] = read ? ~offset : TLB_MISS;
    space.write[vpn] = write ? ~offset : TLB_MISS;
    space.exec[vpn] = exec ? ~offset : TLB_MISS;
  }
}
