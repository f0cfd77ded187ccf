// The RV32IMAC hart, U-mode only (RISC-V unprivileged spec: RV32I, M, A, C, Zicsr counters, Zifencei):
// one loop over RAM views and the Sv32 TLB that interprets or calls translated blocks (blockCache.ts);
// exceptions leave it with the privileged spec's cause, tval and faulting pc, for the kernel or runner.
import { BlockCache, HOT_THRESHOLD, type CodePage } from './blockCache.js';
import { Bus, PAGE_RAM } from './bus.js';
import { VirtualClock } from './clock.js';
import { readCounterCsr } from './csr.js';
import type { PhysicalMemory } from './memory.js';
import { CODE_LINE_SHIFT } from './memory.js';
import { ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE, Sv32Mmu, type AccessType } from './mmu.js';
import { mulh, mulhsu, mulhu } from './mulh.js';
import { COMPRESSED_EXPANSION, expandRvc } from './rvc.js';
import { Cause, StopReason } from './trap.js';

/** Result codes of the slow memory paths. */
const ACCESS_OK = 0;
const ACCESS_TRAPPED = 1;
const ACCESS_STOPPED = 2;

const INT32_MIN = -0x8000_0000;

export { mulh, mulhsu, mulhu };

export interface CpuOptions {
  /** Source of `time`; defaults to a clock at QEMU virt's 10 MHz timebase over this CPU's instret. */
  clock?: VirtualClock;
  /**
   * Translate hot code into JavaScript functions (`blockCache.ts`); default true. False keeps the
   * interpreter alone (tests compare the two).
   */
  translate?: boolean;
}

/**
 * One RV32IMAC hart. The driver sets `x`, `pc` and `mmu.satp`, calls `run(budget)` and handles the
 * stop reason: on `StopReason.Trap`, `cause`, `tval` and `pc` (the faulting instruction, which did
 * not retire) describe the exception and `trapInsnLength` its length; resume by setting `pc`.
 *
 * Choices where the spec leaves room: misaligned loads and stores to RAM are performed (byte by
 * byte, each byte translated) rather than trapped, as QEMU 7.2's virt machine does; misaligned LR
 * raises 4 and misaligned SC/AMOs 6, as the A chapter says (QEMU 7.2 raises 4 for a misaligned AMO
 * and lets an SC without a reservation fail without checking alignment); misaligned and atomic
 * accesses to devices raise access faults (5/7); every trap clears the LR reservation (QEMU's
 * `load_res = -1` on exception entry). `ecall` raises 8 (from U-mode) whether paging is on or off.
 * `ebreak` sets tval to its pc.
 */
export class Rv32Cpu {
  /**
   * x0..x31 as signed 32-bit values; x0 reads 0. A driver may point it at another array of 32
   * (the kernel's run loop: the running thread's own registers, so a thread switch copies none)
   * between runs or in `ecallHook`; `run` and translated blocks read it anew after each.
   */
  x: Int32Array = new Int32Array(32);
  /**
   * Address of the next instruction (0..2^32-1). Inside `run` it is brought up to date only when
   * a load or store goes to the slow path (so device models and bus logs see the accessing pc).
   */
  pc = 0;
  /** Instructions retired since reset; `cycle` reads the same count. */
  instret = 0;
  /** Exception code of the last trap (`Cause`). */
  cause = 0;
  /** Faulting address, or the instruction bits for illegal instructions, or the pc for ebreak. */
  tval = 0;
  /** Length (2 or 4) of the instruction that trapped; 0 when the fetch itself faulted. */
  trapInsnLength = 0;
  readonly bus: Bus;
  readonly mmu: Sv32Mmu;
  readonly clock: VirtualClock;
  private reservationValid = false;
  /** RAM offset of the LR reservation (one word). */
  private reservationOffset = 0;
  private stopRequested = false;
  /** Translated blocks over `bus.ram` (made on the first `run` with that RAM). */
  private blockCache: BlockCache | undefined;
  private blockCacheRam: PhysicalMemory | undefined;
  private readonly translate: boolean;
  private hotThreshold = HOT_THRESHOLD;
  /**
   * Handles an ecall inside `run`, without leaving it (the kernel's system calls). Called with the
   * trap fields set (cause 8), `pc` on the ecall, `instret` counting every instruction before it
   * and no LR reservation. It may change `x`, `pc` and `mmu.satp`, and returns how many
   * instructions to run from `pc` as if `run` had been called again with that budget, or 0 to
   * leave `run` now with `StopReason.Ecall`. Unset: an ecall is a trap like any other.
   */
  ecallHook: (() => number) | undefined = undefined;

  constructor(bus: Bus, options: CpuOptions = {}) {
    this.bus = bus;
    this.mmu = new Sv32Mmu(bus);
    this.clock = options.clock ?? new VirtualClock(() => this.instret);
    this.translate = options.translate ?? true;
  }

  /** Back to the reset state: registers, pc, counters and trap fields zero, no reservation, paging off. */
  reset(): void {
    this.x.fill(0);
    this.pc = 0;
    this.instret = 0;
    this.cause = 0;
    this.tval = 0;
    this.trapInsnLength = 0;
    this.reservationValid = false;
    this.stopRequested = false;
    this.mmu.satp = 0;
  }

  /** Ends the current `run` after the device access in progress (e.g. a power-off register write). */
  requestStop(): void {
    this.stopRequested = true;
  }

  /**
   * How many arrivals at a block start make it translated (1 to 255; default HOT_THRESHOLD), from
   * now on; returns the previous value. A short-lived program pays for every block it translates
   * (V8 parses and compiles each) and may run most of them a few times (runtime/boot/rootTask.ts).
   */
  setHotThreshold(arrivals: number): number {
    if (!Number.isInteger(arrivals) || arrivals < 1 || arrivals > 255) throw new RangeError(`hot threshold ${arrivals} is not 1 to 255`);
    const previous = this.hotThreshold;
    this.hotThreshold = arrivals;
    if (this.blockCache) this.blockCache.hotThreshold = arrivals;
    return previous;
  }

  /** Drops an LR reservation (the kernel calls this when it switches threads). */
  cancelReservation(): void {
    this.reservationValid = false;
  }

  /** Sets `satp` (the TLB switches to the new address space's entries; nothing is flushed). */
  setSatp(value: number): void {
    this.mmu.satp = value;
  }

  /** Forgets all translations (`sfence.vma x0, x0`). */
  flushTlb(): void {
    this.mmu.flushTlb();
  }

  /** `sfence.vma`: `vaddr` undefined is rs1 = x0, `asid` undefined is rs2 = x0 (see `Sv32Mmu.sfenceVma`). */
  sfenceVma(vaddr?: number, asid?: number): void {
    this.mmu.sfenceVma(vaddr, asid);
  }

  /**
   * The instruction at `pc` (a 16-bit one in the low half), or undefined when it cannot be fetched.
   * For traces: `disassemble(cpu.peekInstruction(), cpu.pc)`, then `run(1)`.
   */
  peekInstruction(): number | undefined {
    const ram = this.bus.ram!;
    const halfAt = (vaddr: number): number | undefined => {
      const paddr = this.mmu.translate(vaddr, ACCESS_FETCH);
      if (paddr < 0 || this.bus.pageMap[paddr >>> 12] !== PAGE_RAM) return undefined;
      return ram.halves[(paddr - ram.base) >>> 1];
    };
    const low = halfAt(this.pc);
    if (low === undefined || (low & 3) !== 3) return low;
    const high = halfAt((this.pc + 2) >>> 0);
    return high === undefined ? undefined : (low | (high << 16)) >>> 0;
  }

  /**
   * Executes up to `budget` instructions. Returns `StopReason.Budget` when they retired,
   * `StopReason.Trap` on an exception, `StopReason.Stopped` after `requestStop`,
   * `StopReason.Ecall` when `ecallHook` handled an ecall and said to stop.
   *
   * `pollQuantum` > 0 (the machine's poll interval) makes one run stand for a series of runs of
   * that many instructions each, with nothing done between them: devices see `instret` as at the
   * start of the quantum an access falls in (the series' `instret` is brought up to date before
   * the access), and a device access ends the run at the end of its quantum (the machine polls
   * there). Without it devices see `instret` as at the start of the run.
   */
  run(budget: number, pollQuantum = 0): StopReason {
    const ram = this.bus.ram;
    if (!ram) throw new Error('the CPU runs with RAM attached to the bus');
    let x = this.x;
    const u8 = ram.bytes;
    const u16 = ram.halves;
    const i32 = ram.words;
    // The current address space's TLB arrays (a satp write, only in ecallHook here, replaces them).
    let tlbR = this.mmu.tlbRead;
    let tlbW = this.mmu.tlbWrite;
    let tlbX = this.mmu.tlbExec;
    const expand = COMPRESSED_EXPANSION;
    if (this.blockCacheRam !== ram) {
      this.blockCache = new BlockCache(ram, this, this.mmu, this.translate);
      this.blockCache.hotThreshold = this.hotThreshold;
      this.blockCacheRam = ram;
      this.blockCache.ecall = (at, retired) => this.ecallInChain(at, retired);
      // Runs of no instructions (they change nothing) give the code after the loop type feedback.
      // Without them the first call, long enough for V8 to compile this loop on stack (OSR), has
      // never left the loop, and the OSR code deoptimised on leaving it at every run call after:
      // 8-95 times per process for dhry (node --trace-deopt), each call interpreted until OSR again.
      // V8 allocates a function's feedback vector only once calls have used up a budget of 8 times
      // its bytecode size, each return counting its bytecode offset: about 8 calls here; 16 for margin.
      for (let i = 0; i < 16; i++) this.run(0);
    }
    const blockCache = this.blockCache!;
    const codePages = blockCache.pages;
    const blockState = blockCache.state;
    const runChain = blockCache.runChain;
    const codeLines = ram.codeLines;
    let codePage: CodePage | null = null;
    // A block is looked up where one may start: at entry and after a control transfer or a block.
    let atBlockStart = true;
    let pc = this.pc | 0;
    let n = 0;
    let fetchPage = -1;
    let fetchBase = 0;
    let insn = 0;
    let len = 0;
    let npc = 0;
    let rd = 0;
    let a = 0;
    let b = 0;
    let t = 0;
    let o = 0;
    let stop: StopReason = StopReason.Budget;
    const bus = this.bus;
    const quantum = pollQuantum > 0 ? Math.floor(pollQuantum) : 0;
    this.stopRequested = false;
    bus.deviceAccessed = false;
    x[0] = 0;
    // Jumps and branches keep pc even (IALIGN = 16); only a driver can set an odd pc.
    if ((pc & 1) !== 0 && budget > 0) {
      this.raise(Cause.InstructionMisaligned, pc, 0);
      this.reservationValid = false;
      return StopReason.Trap;
    }
    loop: while (n < budget) {
      // A series of quanta (pollQuantum): blocks run across their ends; instret is brought up to
      // the start of the current quantum before the interpreter (the only one to reach devices)
      // goes on, and a device access makes the end of its quantum the end of the run.
      if (quantum !== 0 && (n >= quantum || bus.deviceAccessed)) {
        if (bus.deviceAccessed) {
          bus.deviceAccessed = false;
          // The access retired in this quantum (n - 1 < quantum): it ends where the quantum does.
          if (budget > quantum) budget = quantum;
        }
        if (n >= quantum) {
          t = n - (n % quantum);
          this.instret += t;
          n -= t;
          budget -= t;
          if (n >= budget) break loop;
        }
      }
      // Fetch: the TLB entry of the current code page is cached in fetchPage/fetchBase.
      if (pc >>> 12 !== fetchPage) {
        t = ~tlbX[pc >>> 12]!;
        if (t < 0) {
          t = this.fetchSlow(pc);
          if (t < 0) {
            stop = StopReason.Trap;
            break loop;
          }
        }
        fetchPage = pc >>> 12;
        fetchBase = t;
      }
      o = fetchBase | (pc & 0xfff);
      if (atBlockStart) {
        atBlockStart = false;
        codePage = codePages[o >>> 12]!;
        if (codePage === null) codePage = blockCache.page(o);
        t = codePage.lengths[(o & 0xfff) >>> 1]!;
        if (t === 0) t = blockCache.arrive(codePage, o);
        // A block runs only when all its instructions fit in the budget, so instret stays exact.
        if (t > 0 && n + t <= budget) {
          // Blocks follow each other directly while the next one is translated on the same page.
          pc = runChain(codePage, o, pc, budget, n, fetchPage, fetchBase);
          n = blockState[2]!;
          // Left early: the interpreter runs the next instruction (and on to a control transfer).
          atBlockStart = blockState[3] === 0;
          if (blockState[4] !== 0) {
            // The chain took ecalls to the kernel (ecallInChain): as after ecallHook below.
            budget = blockCache.ecallBudget;
            x = this.x;
            if (budget <= 0) {
              stop = StopReason.Ecall;
              break loop;
            }
            tlbR = this.mmu.tlbRead;
            tlbW = this.mmu.tlbWrite;
            tlbX = this.mmu.tlbExec;
            fetchPage = -1;
            if ((pc & 1) !== 0) {
              this.raise(Cause.InstructionMisaligned, pc, 0);
              stop = StopReason.Trap;
              break loop;
            }
          }
          continue;
        }
      }
      insn = u16[o >>> 1]!;
      if ((insn & 3) === 3) {
        if ((pc & 0xfff) === 0xffe) {
          t = this.fetchUpperHalf(pc);
          if (t < 0) {
            stop = StopReason.Trap;
            break loop;
          }
          insn |= u16[t >>> 1]! << 16;
        } else {
          insn |= u16[(o >>> 1) + 1]! << 16;
        }
        len = 4;
      } else {
        t = insn;
        insn = expand[insn]!;
        len = 2;
        if (insn === 0) insn = expandRvc(t);
        if (insn === 0) {
          this.raise(Cause.IllegalInstruction, t, 2);
          stop = StopReason.Trap;
          break loop;
        }
      }
      npc = (pc + len) | 0;
      rd = (insn >> 7) & 31;
      // Major opcode without its constant low bits 11: dense case values let V8 use a jump table.
      switch ((insn >>> 2) & 31) {
        case 4: {
          // OP-IMM
          a = x[(insn >> 15) & 31]!;
          b = insn >> 20;
          switch ((insn >> 12) & 7) {
            case 0:
              x[rd] = (a + b) | 0;
              break;
            case 1:
              if (insn >>> 25 !== 0) {
                this.raise(Cause.IllegalInstruction, insn, len);
                stop = StopReason.Trap;
                break loop;
              }
              x[rd] = a << (b & 31);
              break;
            case 2:
              x[rd] = a < b ? 1 : 0;
              break;
            case 3:
              x[rd] = a >>> 0 < b >>> 0 ? 1 : 0;
              break;
            case 4:
              x[rd] = a ^ b;
              break;
            case 5:
              if (insn >>> 25 === 0) x[rd] = a >>> (b & 31);
              else if (insn >>> 25 === 0x20) x[rd] = a >> (b & 31);
              else {
                this.raise(Cause.IllegalInstruction, insn, len);
                stop = StopReason.Trap;
                break loop;
              }
              break;
            case 6:
              x[rd] = a | b;
              break;
            default:
              x[rd] = a & b;
              break;
          }
          break;
        }
        case 12: {
          // OP and M
          a = x[(insn >> 15) & 31]!;
          b = x[(insn >> 20) & 31]!;
          t = insn >>> 25;
          if (t === 0) {
            switch ((insn >> 12) & 7) {
              case 0:
                x[rd] = (a + b) | 0;
                break;
              case 1:
                x[rd] = a << (b & 31);
                break;
              case 2:
                x[rd] = a < b ? 1 : 0;
                break;
              case 3:
                x[rd] = a >>> 0 < b >>> 0 ? 1 : 0;
                break;
              case 4:
                x[rd] = a ^ b;
                break;
              case 5:
                x[rd] = a >>> (b & 31);
                break;
              case 6:
                x[rd] = a | b;
                break;
              default:
                x[rd] = a & b;
                break;
            }
          } else if (t === 1) {
            switch ((insn >> 12) & 7) {
              case 0:
                x[rd] = Math.imul(a, b);
                break;
              case 1:
                x[rd] = mulh(a, b);
                break;
              case 2:
                x[rd] = mulhsu(a, b);
                break;
              case 3:
                x[rd] = mulhu(a, b);
                break;
              case 4:
                // div: by zero gives -1, INT32_MIN / -1 overflows to INT32_MIN
                x[rd] = b === 0 ? -1 : a === INT32_MIN && b === -1 ? INT32_MIN : (a / b) | 0;
                break;
              case 5:
                x[rd] = b === 0 ? -1 : (a >>> 0) / (b >>> 0) | 0;
                break;
              case 6:
                x[rd] = b === 0 ? a : a === INT32_MIN && b === -1 ? 0 : (a % b) | 0;
                break;
              default:
                x[rd] = b === 0 ? a : (a >>> 0) % (b >>> 0) | 0;
                break;
            }
          } else if (t === 0x20 && (insn & 0x7000) === 0) {
            x[rd] = (a - b) | 0;
          } else if (t === 0x20 && (insn & 0x7000) === 0x5000) {
            x[rd] = a >> (b & 31);
          } else {
            this.raise(Cause.IllegalInstruction, insn, len);
            stop = StopReason.Trap;
            break loop;
          }
          break;
        }
        case 0: {
          // LOAD
          a = (x[(insn >> 15) & 31]! + (insn >> 20)) | 0;
          t = ~tlbR[a >>> 12]!;
          switch ((insn >> 12) & 7) {
            case 0:
              if (t >= 0) b = (u8[t | (a & 0xfff)]! << 24) >> 24;
              else {
                b = this.loadSlow(a, 1, len, pc);
                if (b === ACCESS_TRAPPED) {
                  stop = StopReason.Trap;
                  break loop;
                }
                b = (this.loaded << 24) >> 24;
              }
              break;
            case 1:
              if (t >= 0 && (a & 1) === 0) b = (u16[(t | (a & 0xfff)) >>> 1]! << 16) >> 16;
              else {
                b = this.loadSlow(a, 2, len, pc);
                if (b === ACCESS_TRAPPED) {
                  stop = StopReason.Trap;
                  break loop;
                }
                b = (this.loaded << 16) >> 16;
              }
              break;
            case 2:
              if (t >= 0 && (a & 3) === 0) b = i32[(t | (a & 0xfff)) >>> 2]!;
              else {
                b = this.loadSlow(a, 4, len, pc);
                if (b === ACCESS_TRAPPED) {
                  stop = StopReason.Trap;
                  break loop;
                }
                b = this.loaded | 0;
              }
              break;
            case 4:
              if (t >= 0) b = u8[t | (a & 0xfff)]!;
              else {
                b = this.loadSlow(a, 1, len, pc);
                if (b === ACCESS_TRAPPED) {
                  stop = StopReason.Trap;
                  break loop;
                }
                b = this.loaded & 0xff;
              }
              break;
            case 5:
              if (t >= 0 && (a & 1) === 0) b = u16[(t | (a & 0xfff)) >>> 1]!;
              else {
                b = this.loadSlow(a, 2, len, pc);
                if (b === ACCESS_TRAPPED) {
                  stop = StopReason.Trap;
                  break loop;
                }
                b = this.loaded & 0xffff;
              }
              break;
            default:
              this.raise(Cause.IllegalInstruction, insn, len);
              stop = StopReason.Trap;
              break loop;
          }
          x[rd] = b;
          break;
        }
        case 8: {
          // STORE
          a = (x[(insn >> 15) & 31]! + (((insn >> 25) << 5) | ((insn >> 7) & 31))) | 0;
          b = x[(insn >> 20) & 31]!;
          t = ~tlbW[a >>> 12]!;
          switch ((insn >> 12) & 7) {
            case 0:
              if (t >= 0) {
                t |= a & 0xfff;
                u8[t] = b;
                if (codeLines[t >>> CODE_LINE_SHIFT] !== 0) ram.codeWritten(t, 1);
                break;
              }
              o = this.storeSlow(a, 1, b, len, pc);
              if (o === ACCESS_OK) break;
              if (o === ACCESS_STOPPED) {
                pc = npc;
                n++;
                stop = StopReason.Stopped;
              } else stop = StopReason.Trap;
              break loop;
            case 1:
              if (t >= 0 && (a & 1) === 0) {
                t |= a & 0xfff;
                u16[t >>> 1] = b;
                if (codeLines[t >>> CODE_LINE_SHIFT] !== 0) ram.codeWritten(t, 2);
                break;
              }
              o = this.storeSlow(a, 2, b, len, pc);
              if (o === ACCESS_OK) break;
              if (o === ACCESS_STOPPED) {
                pc = npc;
                n++;
                stop = StopReason.Stopped;
              } else stop = StopReason.Trap;
              break loop;
            case 2:
              if (t >= 0 && (a & 3) === 0) {
                t |= a & 0xfff;
                i32[t >>> 2] = b;
                if (codeLines[t >>> CODE_LINE_SHIFT] !== 0) ram.codeWritten(t, 4);
                break;
              }
              o = this.storeSlow(a, 4, b, len, pc);
              if (o === ACCESS_OK) break;
              if (o === ACCESS_STOPPED) {
                pc = npc;
                n++;
                stop = StopReason.Stopped;
              } else stop = StopReason.Trap;
              break loop;
            default:
              this.raise(Cause.IllegalInstruction, insn, len);
              stop = StopReason.Trap;
              break loop;
          }
          break;
        }
        case 24: {
          // BRANCH
          a = x[(insn >> 15) & 31]!;
          b = x[(insn >> 20) & 31]!;
          switch ((insn >> 12) & 7) {
            case 0:
              t = a === b ? 1 : 0;
              break;
            case 1:
              t = a !== b ? 1 : 0;
              break;
            case 4:
              t = a < b ? 1 : 0;
              break;
            case 5:
              t = a >= b ? 1 : 0;
              break;
            case 6:
              t = a >>> 0 < b >>> 0 ? 1 : 0;
              break;
            case 7:
              t = a >>> 0 >= b >>> 0 ? 1 : 0;
              break;
            default:
              this.raise(Cause.IllegalInstruction, insn, len);
              stop = StopReason.Trap;
              break loop;
          }
          atBlockStart = true;
          if (t !== 0) {
            npc =
              (pc +
                (((insn >> 31) << 12) | ((insn << 4) & 0x800) | ((insn >>> 20) & 0x7e0) | ((insn >>> 7) & 0x1e))) |
              0;
          }
          break;
        }
        case 13:
          // LUI
          x[rd] = insn & 0xfffff000;
          break;
        case 5:
          // AUIPC
          x[rd] = (pc + (insn & 0xfffff000)) | 0;
          break;
        case 27:
          // JAL
          atBlockStart = true;
          x[rd] = npc;
          npc =
            (pc + (((insn >> 31) << 20) | (insn & 0xff000) | ((insn >>> 9) & 0x800) | ((insn >>> 20) & 0x7fe))) | 0;
          break;
        case 25:
          // JALR
          if ((insn & 0x7000) !== 0) {
            this.raise(Cause.IllegalInstruction, insn, len);
            stop = StopReason.Trap;
            break loop;
          }
          a = ((x[(insn >> 15) & 31]! + (insn >> 20)) & ~1) | 0;
          x[rd] = npc;
          npc = a;
          atBlockStart = true;
          break;
        case 3:
          // MISC-MEM: fence orders nothing on one hart. fence.i needs no flush: every store into a
          // translated line has already dropped the blocks made from it.
          if ((insn & 0x6000) !== 0) {
            this.raise(Cause.IllegalInstruction, insn, len);
            stop = StopReason.Trap;
            break loop;
          }
          break;
        case 11:
          // AMO
          if (this.atomic(insn, rd, len) !== ACCESS_OK) {
            stop = StopReason.Trap;
            break loop;
          }
          break;
        case 28:
          // SYSTEM
          if (this.system(insn, rd, len, n, pc) !== ACCESS_OK) {
            stop = StopReason.Trap;
            if (this.cause !== Cause.EcallFromU || this.ecallHook === undefined) break loop;
            // The kernel runs now and names what to run next: as a return from `run` and a new
            // call, without leaving this loop.
            this.pc = pc >>> 0;
            this.instret += n;
            n = 0;
            this.reservationValid = false;
            budget = this.ecallHook();
            // The kernel's own device accesses are not the thread's: the hook chose the budget after them.
            bus.deviceAccessed = false;
            pc = this.pc | 0;
            x = this.x;
            x[0] = 0;
            if (budget <= 0) {
              stop = StopReason.Ecall;
              break loop;
            }
            stop = StopReason.Budget;
            tlbR = this.mmu.tlbRead;
            tlbW = this.mmu.tlbWrite;
            tlbX = this.mmu.tlbExec;
            fetchPage = -1;
            atBlockStart = true;
            if ((pc & 1) !== 0) {
              this.raise(Cause.InstructionMisaligned, pc, 0);
              stop = StopReason.Trap;
              break loop;
            }
            continue loop;
          }
          break;
        default:
          this.raise(Cause.IllegalInstruction, insn, len);
          stop = StopReason.Trap;
          break loop;
      }
      x[0] = 0;
      pc = npc;
      n++;
    }
    x[0] = 0;
    // On a trap the loop left before `pc = npc`: pc is the faulting instruction's.
    this.pc = pc >>> 0;
    this.instret += n;
    // Stored on every run (not only after a trap) so that the store has type feedback.
    this.reservationValid = stop !== StopReason.Trap && this.reservationValid;
    return stop;
  }

  /** Value read by the last `loadSlow` (raw bits; the caller extends them). */
  private loaded = 0;

  /**
   * An ecall runChain reached at `pc` after `retired` instructions of the run (`BlockCache.ecall`):
   * what `run`'s interpreter does with one when `ecallHook` is set (the trap fields, pc, instret,
   * no reservation, the hook, no device access counted, x0). Returns the hook's budget and writes
   * the pc to go on from to the block state's [5]; -1, having done nothing, without a hook.
   */
  private ecallInChain(pc: number, retired: number): number {
    if (this.ecallHook === undefined) return -1;
    this.raise(Cause.EcallFromU, 0, 4);
    this.pc = pc >>> 0;
    this.instret += retired;
    this.reservationValid = false;
    const budget = this.ecallHook();
    this.bus.deviceAccessed = false;
    this.x[0] = 0;
    this.blockCache!.state[5] = this.pc | 0;
    return budget;
  }

  private raise(cause: number, tval: number, insnLength: number): void {
    this.cause = cause;
    this.tval = tval >>> 0;
    this.trapInsnLength = insnLength;
  }

  /** RAM offset of the code page holding `pc`, or -1 after raising a fetch fault. */
  private fetchSlow(pc: number): number {
    const paddr = this.mmu.translate(pc, ACCESS_FETCH);
    if (paddr < 0) {
      this.raise(this.mmu.faultCause, pc, 0);
      return -1;
    }
    if (this.bus.pageMap[paddr >>> 12] !== PAGE_RAM) {
      this.raise(Cause.InstructionAccessFault, pc, 0);
      return -1;
    }
    return paddr - (paddr & 0xfff) - this.bus.ram!.base;
  }

  /** RAM offset of the upper half of a 32-bit instruction at the last halfword of a page. */
  private fetchUpperHalf(pc: number): number {
    const upper = (pc + 2) | 0;
    let page = ~this.mmu.tlbExec[upper >>> 12]!;
    if (page < 0) page = this.fetchSlow(upper);
    return page < 0 ? -1 : page | (upper & 0xfff);
  }

  /** Physical address of each byte of an access that may cross a page, or raise. */
  private translateBytes(vaddr: number, size: number, access: AccessType, insnLength: number, out: Float64Array): boolean {
    const accessFault = access === ACCESS_LOAD ? Cause.LoadAccessFault : Cause.StoreAccessFault;
    for (let i = 0; i < size; i++) {
      const byteAddress = (vaddr + i) | 0;
      const paddr = this.mmu.translate(byteAddress, access);
      if (paddr < 0) {
        this.raise(this.mmu.faultCause, byteAddress, insnLength);
        return false;
      }
      if (this.bus.pageMap[paddr >>> 12] !== PAGE_RAM) {
        this.raise(accessFault, byteAddress, insnLength);
        return false;
      }
      out[i] = paddr;
    }
    return true;
  }

  private readonly byteAddresses = new Float64Array(4);

  /** After a store that went through the bus: drops translated code it overwrote in RAM. */
  private noteRamWrite(paddr: number, size: number): void {
    const ram = this.bus.ram!;
    if (this.bus.pageMap[paddr >>> 12] === PAGE_RAM) ram.codeWritten(paddr - ram.base, size);
  }

  /** A load the TLB could not serve: a miss, a device, or a misaligned address. Sets `loaded`. */
  private loadSlow(vaddr: number, size: 1 | 2 | 4, insnLength: number, pc: number): number {
    // Devices and bad-access logs see the pc of the accessing instruction.
    this.pc = pc >>> 0;
    if ((vaddr & (size - 1)) !== 0) {
      const addresses = this.byteAddresses;
      if (!this.translateBytes(vaddr, size, ACCESS_LOAD, insnLength, addresses)) return ACCESS_TRAPPED;
      let value = 0;
      for (let i = 0; i < size; i++) value |= this.bus.read(addresses[i]!, 1) << (8 * i);
      this.loaded = value;
      return ACCESS_OK;
    }
    const paddr = this.mmu.translate(vaddr, ACCESS_LOAD);
    if (paddr < 0) {
      this.raise(this.mmu.faultCause, vaddr, insnLength);
      return ACCESS_TRAPPED;
    }
    const bus = this.bus;
    this.loaded = bus.read(paddr, size);
    if (bus.faulted) {
      bus.faulted = false;
      this.raise(Cause.LoadAccessFault, vaddr, insnLength);
      return ACCESS_TRAPPED;
    }
    return ACCESS_OK;
  }

  /** A store the TLB could not serve. Misaligned stores check every byte before writing any. */
  private storeSlow(vaddr: number, size: 1 | 2 | 4, value: number, insnLength: number, pc: number): number {
    this.pc = pc >>> 0;
    if ((vaddr & (size - 1)) !== 0) {
      const addresses = this.byteAddresses;
      if (!this.translateBytes(vaddr, size, ACCESS_STORE, insnLength, addresses)) return ACCESS_TRAPPED;
      for (let i = 0; i < size; i++) {
        this.bus.write(addresses[i]!, 1, (value >>> (8 * i)) & 0xff);
        this.noteRamWrite(addresses[i]!, 1);
      }
      return ACCESS_OK;
    }
    const paddr = this.mmu.translate(vaddr, ACCESS_STORE);
    if (paddr < 0) {
      this.raise(this.mmu.faultCause, vaddr, insnLength);
      return ACCESS_TRAPPED;
    }
    const bus = this.bus;
    bus.write(paddr, size, value);
    if (bus.faulted) {
      bus.faulted = false;
      this.raise(Cause.StoreAccessFault, vaddr, insnLength);
      return ACCESS_TRAPPED;
    }
    this.noteRamWrite(paddr, size);
    return this.stopRequested ? ACCESS_STOPPED : ACCESS_OK;
  }

  /**
   * RV32A: LR.W/SC.W with a one-word reservation, and the AMOs, on naturally aligned words in RAM.
   * aq/rl need nothing on a single hart.
   */
  private atomic(insn: number, rd: number, insnLength: number): number {
    const x = this.x;
    const funct5 = insn >>> 27;
    const vaddr = x[(insn >> 15) & 31]!;
    const source = x[(insn >> 20) & 31]!;
    if (((insn >> 12) & 7) !== 2) {
      this.raise(Cause.IllegalInstruction, insn, insnLength);
      return ACCESS_TRAPPED;
    }
    const ram = this.bus.ram!;
    if (funct5 === 0b00010) {
      if (((insn >> 20) & 31) !== 0) {
        this.raise(Cause.IllegalInstruction, insn, insnLength);
        return ACCESS_TRAPPED;
      }
      if ((vaddr & 3) !== 0) {
        this.raise(Cause.LoadMisaligned, vaddr, insnLength);
        return ACCESS_TRAPPED;
      }
      const paddr = this.mmu.translate(vaddr, ACCESS_LOAD);
      if (paddr < 0) {
        this.raise(this.mmu.faultCause, vaddr, insnLength);
        return ACCESS_TRAPPED;
      }
      if (this.bus.pageMap[paddr >>> 12] !== PAGE_RAM) {
        this.raise(Cause.LoadAccessFault, vaddr, insnLength);
        return ACCESS_TRAPPED;
      }
      const offset = paddr - ram.base;
      x[rd] = ram.words[offset >>> 2]!;
      this.reservationValid = true;
      this.reservationOffset = offset;
      return ACCESS_OK;
    }
    switch (funct5) {
      case 0b00011: // sc.w
      case 0b00001: // amoswap.w
      case 0b00000: // amoadd.w
      case 0b00100: // amoxor.w
      case 0b01100: // amoand.w
      case 0b01000: // amoor.w
      case 0b10000: // amomin.w
      case 0b10100: // amomax.w
      case 0b11000: // amominu.w
      case 0b11100: // amomaxu.w
        break;
      default:
        this.raise(Cause.IllegalInstruction, insn, insnLength);
        return ACCESS_TRAPPED;
    }
    if ((vaddr & 3) !== 0) {
      this.raise(Cause.StoreMisaligned, vaddr, insnLength);
      return ACCESS_TRAPPED;
    }
    const paddr = this.mmu.translate(vaddr, ACCESS_STORE);
    if (paddr < 0) {
      this.raise(this.mmu.faultCause, vaddr, insnLength);
      return ACCESS_TRAPPED;
    }
    if (this.bus.pageMap[paddr >>> 12] !== PAGE_RAM) {
      this.raise(Cause.StoreAccessFault, vaddr, insnLength);
      return ACCESS_TRAPPED;
    }
    const index = (paddr - ram.base) >>> 2;
    const words = ram.words;
    if (funct5 === 0b00011) {
      const success = this.reservationValid && this.reservationOffset === index << 2;
      this.reservationValid = false;
      if (success) {
        words[index] = source;
        ram.codeWritten(index << 2, 4);
      }
      x[rd] = success ? 0 : 1;
      return ACCESS_OK;
    }
    const old = words[index]!;
    let value: number;
    switch (funct5) {
      case 0b00001:
        value = source;
        break;
      case 0b00000:
        value = (old + source) | 0;
        break;
      case 0b00100:
        value = old ^ source;
        break;
      case 0b01100:
        value = old & source;
        break;
      case 0b01000:
        value = old | source;
        break;
      case 0b10000:
        value = old < source ? old : source;
        break;
      case 0b10100:
        value = old > source ? old : source;
        break;
      case 0b11000:
        value = old >>> 0 < source >>> 0 ? old : source;
        break;
      default:
        value = old >>> 0 > source >>> 0 ? old : source;
        break;
    }
    words[index] = value;
    ram.codeWritten(index << 2, 4);
    x[rd] = old;
    return ACCESS_OK;
  }

  /** SYSTEM: ecall, ebreak and the counter CSRs; everything else is illegal in U-mode. */
  private system(insn: number, rd: number, insnLength: number, retiredInRun: number, pc: number): number {
    const funct3 = (insn >> 12) & 7;
    if (funct3 === 0) {
      if (insn === 0x0000_0073) this.raise(Cause.EcallFromU, 0, insnLength);
      else if (insn === 0x0010_0073) this.raise(Cause.Breakpoint, pc, insnLength);
      else this.raise(Cause.IllegalInstruction, insn, insnLength);
      return ACCESS_TRAPPED;
    }
    // csrrw/csrrwi always write; csrrs/csrrc (and the immediate forms) write when rs1/uimm is not 0.
    const writes = funct3 === 1 || funct3 === 5 || ((insn >> 15) & 31) !== 0;
    const retired = this.instret + retiredInRun;
    const value = funct3 === 4 ? undefined : readCounterCsr(insn >>> 20, retired, this.clock.ticksAt(retired));
    if (value === undefined || writes) {
      this.raise(Cause.IllegalInstruction, insn, insnLength);
      return ACCESS_TRAPPED;
    }
    this.x[rd] = value;
    return ACCESS_OK;
  }
}
