// Translation of hot RV32IMC code into JavaScript functions that V8 compiles (docs/performance.md,
// "CPU"): blocks keyed by RAM offset, made once a start has been reached often enough, dropped when
// a store or a PhysicalMemory write touches their lines.
import type { PhysicalMemory } from './memory.js';
import { CODE_LINE_SHIFT } from './memory.js';
import { mulh, mulhsu, mulhu } from './mulh.js';
import { expandRvc } from './rvc.js';

/**
 * A translated block: given the virtual pc of its first instruction (as int32) and the instructions
 * left in the budget (at least its length), it runs up to its length in instructions, or passes of
 * that length while they fit in `left` when it loops back to its start, and returns the next pc.
 * It writes the number retired to `state[0]`, or its complement (`~n`, negative) when it left early
 * (before a load or store its fast path cannot do, or after a store into translated code), and the
 * interpreter then runs the next instruction itself.
 */
export type BlockFunction = (pc: number, left: number) => number;

/**
 * The TLB arrays blocks translate through: those of the address space current when a block is
 * entered; runChain fetches through `tlbExec` after an ecall (`BlockCache.ecall`).
 */
export interface BlockTlb {
  readonly tlbRead: Int32Array;
  readonly tlbWrite: Int32Array;
  readonly tlbExec: Int32Array;
}

/**
 * `CodePage.lengths` of a start that holds an ecall (`ecall` = 0x00000073), which no block
 * contains: runChain hands it to `BlockCache.ecall` and goes on with the blocks of the thread the
 * kernel runs next; anything else treats it as a start the interpreter runs (length <= 0).
 */
export const ECALL_START = -2;
const ECALL = 0x0000_0073;

/** Block starts reached this many times are translated (`BlockCache.hotThreshold`'s default). */
export const HOT_THRESHOLD = 16;
/** Instructions in one block at most. */
const MAX_BLOCK_INSTRUCTIONS = 64;
/** A page whose blocks were dropped this often (data written next to code) is no longer translated. */
const MAX_PAGE_INVALIDATIONS = 64;
const HALVES_PER_PAGE = 2048;
const LINES_PER_PAGE = 4096 >>> CODE_LINE_SHIFT;

/** The blocks of one 4 KiB RAM page, indexed by halfword offset in the page. */
export class CodePage {
  /** Per start: instruction count of its block; 0 none yet; -1 not translatable (interpret); ECALL_START. */
  readonly lengths = new Int16Array(HALVES_PER_PAGE);
  // Array.from makes a packed array (new Array(n) a holey one: a hole check at every load).
  readonly blocks: (BlockFunction | null)[] = Array.from({ length: HALVES_PER_PAGE }, () => null);
  readonly hits = new Uint8Array(HALVES_PER_PAGE);
  /** The code each block was made from: (slot, start, end) triples of byte offsets in the page. */
  readonly ranges: number[] = [];
  invalidations = 0;
}

/**
 * The translated blocks of one CPU over one RAM. Blocks contain only instructions whose effects a
 * fast path covers (integer, M, loads and stores through the TLB, branches, jumps, fence). A taken
 * branch leaves the block, the fall-through side goes on; blocks end at a jump, before an
 * instruction they leave to the interpreter (system, atomics, fence.i, illegal encodings), at the
 * end of the page or after MAX_BLOCK_INSTRUCTIONS. A branch or jump back to the block's start
 * becomes a loop inside the function. Blocks use pc-relative values only, so one block serves
 * every virtual mapping of its physical page.
 */
export class BlockCache {
  /** Per RAM page, its blocks (null until a block start on it is reached). */
  readonly pages: (CodePage | null)[];
  /**
   * Written by blocks: [retired (~retired when the block left early), unused]; by runChain: [.., ..,
   * retired in the run, left early, ecalls handled (1) or not (0), the pc the last ecall's kernel
   * entry left]. runChain resets 4.
   */
  // Over an ArrayBuffer of its own: a typed array this small made from a length alone would keep
  // its data on V8's heap, where it can move, so every access would load its address anew.
  readonly state = new Int32Array(new ArrayBuffer(32));
  /**
   * An ecall runChain reached at `pc`, `retired` instructions into the run: the CPU's kernel entry
   * (`Rv32Cpu.ecallHook`). Returns the budget of the run that goes on from the pc it writes to
   * `state[5]` (<= 0: the run ends), or -1 when there is no kernel entry and nothing was done (the
   * interpreter then runs the ecall). Null: runChain stops at ecalls.
   */
  ecall: ((pc: number, retired: number) => number) | null = null;
  /** The budget the last ecall in runChain returned (`cpu.run` goes on with it when `state[4]` is 1). */
  ecallBudget = 0;
  /**
   * Arrivals at a block start before it is translated, 1 to 255 (`CodePage.hits` is a byte):
   * HOT_THRESHOLD, or what the CPU was given (`Rv32Cpu.setHotThreshold`).
   */
  hotThreshold = HOT_THRESHOLD;
  /** The chain loop over `state` (`cpu.run` calls it where a translated block starts). */
  readonly runChain: RunChain;
  private readonly factoryArguments: readonly unknown[];
  private readonly ram: PhysicalMemory;
  private readonly enabled: boolean;

  /** With `enabled` false no block is ever made (every start is marked for the interpreter). */
  /** `tlb` holds the current address space's TLB arrays (`Sv32Mmu`); blocks read them at entry. */
  /** Blocks read the registers from `registers.x` at entry (the array may change between runs). */
  constructor(ram: PhysicalMemory, registers: { readonly x: Int32Array }, tlb: BlockTlb, enabled = true) {
    this.ram = ram;
    this.enabled = enabled;
    this.pages = new Array<CodePage | null>(ram.size >>> 12).fill(null);
    this.runChain = makeRunChain(this.state, this, tlb);
    const codeWritten = (offset: number, length: number): void => ram.codeWritten(offset, length);
    // Signed views for lb and lh: one sign-extending load instead of a load and two shifts.
    const signedBytes = new Int8Array(ram.bytes.buffer, ram.bytes.byteOffset, ram.bytes.length);
    const signedHalves = new Int16Array(ram.halves.buffer, ram.halves.byteOffset, ram.halves.length);
    this.factoryArguments = [registers, ram.bytes, ram.halves, ram.words, signedBytes, signedHalves, tlb, ram.codeLines, this.state, codeWritten, mulh, mulhsu, mulhu];
    ram.addCodeWriteListener((offset, length) => this.invalidate(offset, length));
  }

  /** The page record for RAM offset `offset`, created on first use. */
  page(offset: number): CodePage {
    const index = offset >>> 12;
    let page = this.pages[index]!;
    if (page === null) {
      page = new CodePage();
      this.pages[index] = page;
    }
    return page;
  }

  /**
   * Counts one arrival at the block start at RAM offset `offset` that has no block yet; translates
   * it when hot. Returns the new entry of `page.lengths` for it.
   */
  arrive(page: CodePage, offset: number): number {
    const slot = (offset & 0xfff) >>> 1;
    if (++page.hits[slot]! < this.hotThreshold) return 0;
    page.hits[slot] = 0;
    if (!this.enabled || page.invalidations >= MAX_PAGE_INVALIDATIONS) {
      page.lengths[slot] = -1;
      return -1;
    }
    const translated = translateBlock(this.ram.halves, offset);
    if (translated === null) {
      if ((offset & 0xfff) <= 4092 && this.ram.halves[offset >>> 1] === ECALL && this.ram.halves[(offset >>> 1) + 1] === 0) {
        // Kept like a block's code: a store into it drops the mark.
        page.lengths[slot] = ECALL_START;
        this.markCode(page, slot, offset, 4);
        return ECALL_START;
      }
      page.lengths[slot] = -1;
      return -1;
    }
    const factory = new Function(...FACTORY_PARAMETERS, translated.source) as (...args: unknown[]) => BlockFunction;
    page.blocks[slot] = factory(...this.factoryArguments);
    page.lengths[slot] = translated.count;
    this.markCode(page, slot, offset, translated.bytes);
    return translated.count;
  }

  /** Records that the entry of `slot` was made from `bytes` bytes at RAM offset `offset`: a write there drops it. */
  private markCode(page: CodePage, slot: number, offset: number, bytes: number): void {
    const lines = this.ram.codeLines;
    const base = offset & ~0xfff;
    page.ranges.push(slot, offset - base, offset - base + bytes);
    for (let line = offset >>> CODE_LINE_SHIFT; line <= (offset + bytes - 1) >>> CODE_LINE_SHIFT; line++) lines[line] = 1;
  }

  /** Drops every block overlapping `[offset, offset + length)` of RAM and unmarks their lines. */
  invalidate(offset: number, length: number): void {
    const end = offset + length;
    for (let pageIndex = offset >>> 12; pageIndex <= (end - 1) >>> 12; pageIndex++) {
      const page = this.pages[pageIndex];
      if (page === null || page === undefined) continue;
      const base = pageIndex << 12;
      const from = Math.max(offset, base) - base;
      const to = Math.min(end, base + 4096) - base;
      const ranges = page.ranges;
      const dropped = new Set<number>();
      for (let i = 0; i < ranges.length; i += 3) {
        if (ranges[i + 1]! < to && from < ranges[i + 2]!) dropped.add(ranges[i]!);
      }
      if (dropped.size === 0) continue;
      const kept: number[] = [];
      for (let i = 0; i < ranges.length; i += 3) {
        if (!dropped.has(ranges[i]!)) kept.push(ranges[i]!, ranges[i + 1]!, ranges[i + 2]!);
      }
      for (const slot of dropped) {
        page.lengths[slot] = 0;
        page.blocks[slot] = null;
        page.hits[slot] = 0;
      }
      page.invalidations++;
      ranges.length = 0;
      ranges.push(...kept);
      const lines = this.ram.codeLines;
      const firstLine = base >>> CODE_LINE_SHIFT;
      lines.fill(0, firstLine, firstLine + LINES_PER_PAGE);
      for (let i = 0; i < kept.length; i += 3) {
        for (let line = (base + kept[i + 1]!) >>> CODE_LINE_SHIFT; line <= (base + kept[i + 2]! - 1) >>> CODE_LINE_SHIFT; line++) {
          lines[line] = 1;
        }
      }
    }
  }
}

/**
 * Runs the translated block at RAM offset `offset` (virtual `pc`, on the code page mapped at
 * `fetchPage` to RAM offset `fetchBase`; it must fit in `budget - retired`), then the next ones
 * while each is translated, on the same page and fits in the budget. Returns the next pc; writes
 * the instructions retired in the run so far (`retired` plus the blocks') to `state[2]` and 1 to
 * `state[3]` when a block left early (the interpreter runs the next instruction), else 0.
 * An ecall start (ECALL_START) inside the budget goes to `BlockCache.ecall`, as the interpreter
 * would take it: then `state[4]` is 1, the run is the one the kernel entry began (its budget in
 * `ecallBudget`, the instructions retired counted from there) and the chain goes on at the pc it
 * left when that pc's block is translated and fits; the caller must then fetch anew (the address
 * space may have changed).
 */
export type RunChain = (page: CodePage, offset: number, pc: number, budget: number, retired: number, fetchPage: number, fetchBase: number) => number;

/**
 * The chain loop over one `state` array, a small function of its own that `Rv32Cpu.run` calls, so
 * V8 optimises it soon and keeps it optimised while the interpreter loop around it is recompiled;
 * a closure, so its optimised code can embed `state`'s address. Arguments are made int32 once.
 */
function makeRunChain(state: Int32Array, cache: BlockCache, tlb: BlockTlb): RunChain {
  const pages = cache.pages;
  return function runChain(page, offset, pc, budget, retired, fetchPage, fetchBase) {
    let blocks = page.blocks;
    let lengths = page.lengths;
    let end = budget | 0;
    let codePage = fetchPage | 0;
    let base = fetchBase | 0;
    let n = retired | 0;
    let o = offset | 0;
    let early = 0;
    state[4] = 0;
    for (;;) {
      // `| 0` on the int32 sums here: no overflow checks (budgets stay below 2^30).
      pc = blocks[(o & 0xfff) >>> 1]!(pc, (end - n) | 0);
      const done = state[0]!;
      if (done < 0) {
        n = (n + ~done) | 0;
        early = 1;
        break;
      }
      n = (n + done) | 0;
      if (pc >>> 12 !== codePage) break;
      o = base | (pc & 0xfff);
      let t = lengths[(o & 0xfff) >>> 1]!;
      if (t > 0 && ((n + t) | 0) <= end) continue;
      if (t !== ECALL_START || n >= end || cache.ecall === null) break;
      const left = cache.ecall(pc, n);
      if (left === -1) break;
      // The kernel ran: a new run from the pc it left, with its budget (cpu.run reloads both).
      state[4] = 1;
      cache.ecallBudget = left;
      pc = state[5]!;
      n = 0;
      if (left <= 0 || left > 0x3fff_ffff || (pc & 1) !== 0) break;
      end = left | 0;
      const frame = ~tlb.tlbExec[pc >>> 12]!;
      if (frame < 0) break;
      o = frame | (pc & 0xfff);
      const next = pages[o >>> 12];
      if (next === null || next === undefined) break;
      t = next.lengths[(o & 0xfff) >>> 1]!;
      if (t <= 0 || t > end) break;
      blocks = next.blocks;
      lengths = next.lengths;
      codePage = pc >>> 12;
      base = frame;
    }
    state[2] = n;
    state[3] = early;
    return pc;
  };
}

/** Placeholders in generated code, replaced once the whole block is known. */
const WRITE_BACK = '@WRITE_BACK@';
/** An exit's WRITE_BACK placeholder with its index in the exits: `@WRITE_BACK@<n>@`. */
const WRITE_BACK_AT_EXIT = new RegExp(`${WRITE_BACK}(\\d+)@`, 'g');
/**
 * An exit's count of instructions retired, `@DONE@<n>@` for n retired in the current pass: n in a
 * block without a loop; in a loop the passes before it too, `left - count - m` (see `jump`).
 */
const DONE = '@DONE@';
/** A single load or store's page lookup, `@PAGE_SITE@<n>@`: its plain or its cached form (`translateBlock`'s `sites`). */
const PAGE_SITE = '@PAGE_SITE@';
const PAGE_SITE_AT = new RegExp(`${PAGE_SITE}(\\d+)@`, 'g');
const DONE_AT_EXIT = new RegExp(`${DONE}(\\d+)@`, 'g');

const FACTORY_PARAMETERS = ['registers', 'u8', 'u16', 'i32', 'i8', 'i16', 'tlb', 'lines', 's', 'codeWritten', 'mulh', 'mulhsu', 'mulhu'];

/** The 32-bit form of the instruction at RAM offset `offset` (RVC expanded), 0 when none fits before `pageEnd` or it is illegal. */
function decodeAt(halves: Uint16Array, offset: number, pageEnd: number): number {
  const low = halves[offset >>> 1]!;
  if ((low & 3) !== 3) return expandRvc(low);
  if (offset + 4 > pageEnd) return 0;
  return (low | (halves[(offset >>> 1) + 1]! << 16)) | 0;
}

/** Widths of loads by funct3 (-1: none). */
const LOAD_WIDTHS = [1, 2, 4, -1, 1, 2, -1, -1];
/** A group's accesses lie within this many bytes of its first one (so a store group checks few code lines). */
const GROUP_REACH = 128;
const CODE_LINE_BYTES = 1 << CODE_LINE_SHIFT;
/** A loop caches its single accesses' pages only while its registers and two variables per access are at most this many. */
const PAGE_CACHE_LIMIT = 12;

/**
 * Loads and stores of the same width through base register `base` after the one at RAM offset
 * `offset` (a store when `store`), on the straight line that follows it (stopping at anything that
 * could leave the block or change control, and after `base` is written): the byte offsets of each
 * from the first access, keyed by RAM offset. A group's first access checks the page (in the read
 * and the write TLB when the group does both), the alignment and, when it stores, the code lines of
 * all of them at once, so the others need no TLB lookup (clang's prologues and epilogues: a row of
 * sw/lw off sp; a load and a store back to the same place).
 */
function accessGroup(halves: Uint16Array, offset: number, pageEnd: number, count: number, store: boolean, width: number, base: number, immediate: number): AccessGroup {
  const members = new Map<number, number>();
  const group = { members, loads: !store, stores: store };
  let o = offset + ((halves[offset >>> 1]! & 3) === 3 ? 4 : 2);
  for (let n = count + 1; n < MAX_BLOCK_INSTRUCTIONS && o + 2 <= pageEnd; n++) {
    const insn = decodeAt(halves, o, pageEnd);
    if (insn === 0) break;
    const opcode = (insn >>> 2) & 31;
    const funct3 = (insn >> 12) & 7;
    const rd = (insn >> 7) & 31;
    if (opcode === 0) {
      if (LOAD_WIDTHS[funct3]! < 0) break;
      if (LOAD_WIDTHS[funct3] === width && ((insn >> 15) & 31) === base) {
        const d = (insn >> 20) - immediate;
        if (d % width === 0 && d > -GROUP_REACH && d < GROUP_REACH) {
          members.set(o, d);
          group.loads = true;
        }
      }
      if (rd === base) break;
    } else if (opcode === 8) {
      if (funct3 > 2) break;
      if (1 << funct3 === width && ((insn >> 15) & 31) === base) {
        const d = (((insn >> 25) << 5) | ((insn >> 7) & 31)) - immediate;
        if (d % width === 0 && d > -GROUP_REACH && d < GROUP_REACH) {
          members.set(o, d);
          group.stores = true;
        }
      }
    } else if (opcode === 4 || opcode === 12 || opcode === 13 || opcode === 5) {
      // Integer and M instructions (the block may end at one it cannot translate: members after it
      // are never reached, and the check covered them for nothing).
      if (rd === base) break;
    } else {
      break;
    }
    o += (halves[o >>> 1]! & 3) === 3 ? 4 : 2;
  }
  return group;
}

/** What `accessGroup` found: the accesses after the first, and whether the group loads and stores. */
interface AccessGroup {
  members: Map<number, number>;
  loads: boolean;
  stores: boolean;
}

/** Source of a factory returning the block function, its instruction count and its size in bytes. */
export interface TranslatedBlock {
  source: string;
  count: number;
  bytes: number;
}

/**
 * Translates the code at RAM offset `start` (within its page) into the body of a factory over
 * FACTORY_PARAMETERS, or null when its first instruction is one the interpreter must run.
 * Registers live in locals `rN` inside the block and are written back at every exit.
 */
export function translateBlock(halves: Uint16Array, start: number): TranslatedBlock | null {
  const pageEnd = (start & ~0xfff) + 4096;
  const used = new Set<number>();
  /** Registers read before the block writes them: the only ones a block without a loop loads. */
  const liveIn = new Set<number>();
  const dirty = new Set<number>();
  /** Per exit, the registers written before it: all a block without a loop writes back there. */
  const dirtyAtExit: number[][] = [];
  const body: string[] = [];
  let offset = start;
  let count = 0;
  let ended = false;
  /** Registers holding `pc + value` (set by auipc earlier in the block, not written since). */
  const pcRelative = new Map<number, number>();

  const read = (r: number): string => {
    if (r === 0) return '0';
    if (!used.has(r)) liveIn.add(r);
    used.add(r);
    return `r${r}`;
  };
  const write = (r: number, expression: string): string => {
    if (r === 0) return '';
    used.add(r);
    return `r${r} = ${expression};`;
  };
  const written = (r: number): void => {
    if (r !== 0) dirty.add(r);
  };
  // In a loop every exit writes back every register the block writes anywhere (the exit's
  // WRITE_BACK placeholder, filled in at the end): later instructions of an earlier pass have
  // written them; a register not yet written still holds the value loaded at entry. Without a loop
  // an exit writes back only the registers written before it, and registers written before they
  // are read are not loaded.
  const exit = (retired: number, nextPc: string, early: boolean): string => {
    dirtyAtExit.push([...dirty]);
    return `${WRITE_BACK}${dirtyAtExit.length - 1}@s[0] = ${early ? '~' : ''}${DONE}${retired}@; return ${nextPc};`;
  };
  let loops = false;
  /**
   * Control transfer to `delta`: back to the block's start loops while a whole pass fits in `left`.
   * A loop counts down `m`, what is left of `left` once another whole pass (`count`) is taken out:
   * one int32 subtraction and sign test per pass, in a register (`k += n; k + count <= left` kept
   * `left` tagged, untagged and checked it every pass, and added with overflow checks).
   */
  const jump = (retired: number, delta: number): string => {
    if (delta !== 0) return exit(retired, pcPlus(delta), false);
    loops = true;
    return `m = (m - ${retired}) | 0; if (m >= 0) continue; ${exit(0, 'pc', false)}`;
  };
  const pcPlus = (delta: number): string => (delta === 0 ? 'pc' : `(pc + ${delta | 0}) | 0`);
  /** Accesses after a group's first one, by RAM offset: the group's variable (its RAM offset) and their distance from it. */
  const grouped = new Map<number, { name: string; d: number }>();
  /**
   * Single loads and stores, each in two forms: plain, and for a block that loops, caching the
   * page it last looked up (`pN`, never -1 once set) and its RAM offset (`bN`) across passes (the
   * TLB does not change while a block runs: satp writes and fences are not in blocks).
   */
  const sites: { plain: string; cached: string }[] = [];
  let pageSites = 0;
  let groups = 0;
  /**
   * The first access of `group` (a store when `store`), its address in `a`: looks the page up once
   * for the group, leaves before it unless every access of the group is on that page, aligned,
   * mapped for what it does and (stores) not on a translated code line, and leaves its RAM offset in
   * the group's variable, which it returns.
   */
  const openGroup = (group: AccessGroup, store: boolean, width: number, leave: string): { name: string; code: string } => {
    const name = `g${groups++}`;
    for (const [at, d] of group.members) grouped.set(at, { name, d });
    const span = groupSpan(group.members, width);
    // Accesses to one address only: an aligned access stays on its page and its code line.
    const one = span.low === 0 && span.high === width - 1;
    const other = store ? (group.loads ? ` || ~tlbR[a >>> 12] !== ${name}` : '') : group.stores ? ` || ~tlbW[a >>> 12] !== ${name}` : '';
    let code =
      `${name} = ~${store ? 'tlbW' : 'tlbR'}[a >>> 12]; if (${name} < 0${other}${width === 1 ? '' : ` || (a & ${width - 1}) !== 0`}` +
      `${one ? '' : ` || ((((a + ${span.low}) | 0) ^ ((a + ${span.high}) | 0)) >>> 12) !== 0`}) { ${leave} } ${name} = ${name} | (a & 0xfff);`;
    if (group.stores) {
      // A group that stores leaves before its first access when any of its bytes is translated code
      // (the interpreter then stores and drops the blocks).
      const codeLines: string[] = [];
      if (one) codeLines.push(`lines[${name} >>> ${CODE_LINE_SHIFT}]`);
      else for (let d = span.low; d < span.high + CODE_LINE_BYTES; d += CODE_LINE_BYTES) codeLines.push(`lines[(${name} + ${Math.min(d, span.high)}) >>> ${CODE_LINE_SHIFT}]`);
      code += ` if ((${codeLines.join(' | ')}) !== 0) { ${leave} }`;
    }
    return { name, code };
  };
  /** Bytes a group covers, from its first access: [low, high]. */
  const groupSpan = (members: Map<number, number>, width: number): { low: number; high: number } => {
    const ds = [0, ...members.values()];
    return { low: Math.min(...ds), high: Math.max(...ds) + width - 1 };
  };

  while (count < MAX_BLOCK_INSTRUCTIONS && !ended && offset + 2 <= pageEnd) {
    const insn = decodeAt(halves, offset, pageEnd);
    if (insn === 0) break;
    const len = (halves[offset >>> 1]! & 3) === 3 ? 4 : 2;
    const delta = offset - start;
    const rd = (insn >> 7) & 31;
    const rs1 = (insn >> 15) & 31;
    const rs2 = (insn >> 20) & 31;
    const funct3 = (insn >> 12) & 7;
    const immI = insn >> 20;
    let code: string | null = null;
    /** Register the instruction writes (made dirty once it is in the block). */
    let destination = 0;
    /** For auipc: the pc-relative value it leaves in rd. */
    let pcRelativeValue: number | undefined;
    switch ((insn >>> 2) & 31) {
      case 4: {
        // OP-IMM
        const a = read(rs1);
        const shamt = immI & 31;
        switch (funct3) {
          case 0:
            code = write(rd, `(${a} + ${immI}) | 0`);
            break;
          case 1:
            if (insn >>> 25 === 0) code = write(rd, `${a} << ${shamt}`);
            break;
          case 2:
            code = write(rd, `${a} < ${immI} ? 1 : 0`);
            break;
          case 3:
            code = write(rd, `${a} >>> 0 < ${immI >>> 0} ? 1 : 0`);
            break;
          case 4:
            code = write(rd, `${a} ^ ${immI}`);
            break;
          case 5:
            if (insn >>> 25 === 0) code = write(rd, `(${a} >>> ${shamt}) | 0`);
            else if (insn >>> 25 === 0x20) code = write(rd, `${a} >> ${shamt}`);
            break;
          case 6:
            code = write(rd, `${a} | ${immI}`);
            break;
          default:
            code = write(rd, `${a} & ${immI}`);
            break;
        }
        destination = rd;
        break;
      }
      case 12: {
        // OP and M
        const a = read(rs1);
        const b = read(rs2);
        const funct7 = insn >>> 25;
        if (funct7 === 0) {
          code = write(rd, [
            `(${a} + ${b}) | 0`,
            `${a} << (${b} & 31)`,
            `${a} < ${b} ? 1 : 0`,
            `${a} >>> 0 < ${b} >>> 0 ? 1 : 0`,
            `${a} ^ ${b}`,
            `(${a} >>> (${b} & 31)) | 0`,
            `${a} | ${b}`,
            `${a} & ${b}`,
          ][funct3]!);
        } else if (funct7 === 1) {
          code = write(rd, [
            `Math.imul(${a}, ${b})`,
            `mulh(${a}, ${b})`,
            `mulhsu(${a}, ${b})`,
            `mulhu(${a}, ${b})`,
            `${b} === 0 ? -1 : ${a} === -2147483648 && ${b} === -1 ? -2147483648 : (${a} / ${b}) | 0`,
            `${b} === 0 ? -1 : ((${a} >>> 0) / (${b} >>> 0)) | 0`,
            `${b} === 0 ? ${a} : ${a} === -2147483648 && ${b} === -1 ? 0 : (${a} % ${b}) | 0`,
            `${b} === 0 ? ${a} : ((${a} >>> 0) % (${b} >>> 0)) | 0`,
          ][funct3]!);
        } else if (funct7 === 0x20 && funct3 === 0) {
          code = write(rd, `(${a} - ${b}) | 0`);
        } else if (funct7 === 0x20 && funct3 === 5) {
          code = write(rd, `${a} >> (${b} & 31)`);
        }
        destination = rd;
        break;
      }
      case 0: {
        // LOAD: leave before it unless the TLB has the page and the access is aligned.
        const width = LOAD_WIDTHS[funct3]!;
        if (width < 0) break;
        const aligned = width === 1 ? '' : ` || (a & ${width - 1}) !== 0`;
        const at = (ram: string): string => ['i8', 'i16', 'i32', '', 'u8', 'u16'][funct3]! + `[${width === 1 ? ram : `(${ram}) >>> ${width >>> 1}`}]`;
        const member = grouped.get(offset);
        if (member !== undefined) {
          code = write(rd, at(`${member.name} + ${member.d}`));
        } else {
          // A load into its own base register changes the base for the rest: no group then.
          const group = rd === rs1 ? null : accessGroup(halves, offset, pageEnd, count, false, width, rs1, immI);
          if (group === null || group.members.size === 0) {
            const leave = exit(count, pcPlus(delta), true);
            const site = pageSites++;
            code = `a = (${read(rs1)} + ${immI}) | 0; ${PAGE_SITE}${site}@`;
            sites.push({
              plain: `t = ~tlbR[a >>> 12]; if (t < 0${aligned}) { ${leave} } ${write(rd, at('t | (a & 0xfff)'))}`,
              cached: `if (a >>> 12 !== p${site}) { t = ~tlbR[a >>> 12]; if (t < 0) { ${leave} } p${site} = a >>> 12; b${site} = t; }${aligned === '' ? '' : ` if ((a & ${width - 1}) !== 0) { ${leave} }`} ${write(rd, at(`b${site} | (a & 0xfff)`))}`,
            });
          } else {
            const a = `a = (${read(rs1)} + ${immI}) | 0; `;
            const leader = openGroup(group, false, width, exit(count, pcPlus(delta), true));
            code = `${a}${leader.code} ${write(rd, at(leader.name))}`;
          }
        }
        destination = rd;
        break;
      }
      case 8: {
        // STORE: as LOAD; a store into translated code leaves right after it.
        if (funct3 > 2) break;
        const width = 1 << funct3;
        const immS = ((insn >> 25) << 5) | ((insn >> 7) & 31);
        const aligned = width === 1 ? '' : ` || (a & ${width - 1}) !== 0`;
        const at = (ram: string): string => ['u8', 'u16', 'i32'][funct3]! + `[${width === 1 ? ram : `(${ram}) >>> ${funct3}`}]`;
        const member = grouped.get(offset);
        if (member !== undefined) {
          // The group's first access checked its code lines: none of them is translated code.
          code = `${at(`${member.name} + ${member.d}`)} = ${read(rs2)};`;
          break;
        }
        const group = accessGroup(halves, offset, pageEnd, count, true, width, rs1, immS);
        if (group.members.size === 0) {
          const leave = exit(count, pcPlus(delta), true);
          const store = `${at('t')} = ${read(rs2)}; if (lines[t >>> ${CODE_LINE_SHIFT}] !== 0) { codeWritten(t, ${width}); ${exit(count + 1, pcPlus(delta + len), true)} }`;
          const site = pageSites++;
          code = `a = (${read(rs1)} + ${immS}) | 0; ${PAGE_SITE}${site}@`;
          sites.push({
            plain: `t = ~tlbW[a >>> 12]; if (t < 0${aligned}) { ${leave} } t = t | (a & 0xfff); ${store}`,
            cached: `if (a >>> 12 !== p${site}) { t = ~tlbW[a >>> 12]; if (t < 0) { ${leave} } p${site} = a >>> 12; b${site} = t; }${aligned === '' ? '' : ` if ((a & ${width - 1}) !== 0) { ${leave} }`} t = b${site} | (a & 0xfff); ${store}`,
          });
          break;
        }
        const a = `a = (${read(rs1)} + ${immS}) | 0; `;
        const leader = openGroup(group, true, width, exit(count, pcPlus(delta), true));
        code = `${a}${leader.code} ${at(leader.name)} = ${read(rs2)};`;
        break;
      }
      case 24: {
        const a = read(rs1);
        const b = read(rs2);
        const condition = [`${a} === ${b}`, `${a} !== ${b}`, '', '', `${a} < ${b}`, `${a} >= ${b}`, `${a} >>> 0 < ${b} >>> 0`, `${a} >>> 0 >= ${b} >>> 0`][funct3]!;
        if (condition === '') break;
        const offsetB = ((insn >> 31) << 12) | ((insn << 4) & 0x800) | ((insn >>> 20) & 0x7e0) | ((insn >>> 7) & 0x1e);
        // BRANCH: the taken side leaves (or loops); the block goes on with the fall-through side.
        code = `if (${condition}) { ${jump(count + 1, delta + offsetB)} }`;
        break;
      }
      case 13:
        // LUI
        code = write(rd, String(insn & 0xfffff000));
        destination = rd;
        break;
      case 5:
        // AUIPC
        code = write(rd, pcPlus(delta + (insn & 0xfffff000)));
        destination = rd;
        pcRelativeValue = (delta + (insn & 0xfffff000)) | 0;
        break;
      case 27: {
        // JAL: ends the block (or loops to its start). Going on at the target was tried: +23 % on
        // matmul, -23 % on sort, nothing for calls only (docs/performance.md "CPU").
        const offsetJ = ((insn >> 31) << 20) | (insn & 0xff000) | ((insn >>> 9) & 0x800) | ((insn >>> 20) & 0x7fe);
        code = write(rd, pcPlus(delta + len));
        written(rd);
        code += ` ${jump(count + 1, delta + offsetJ)}`;
        ended = true;
        break;
      }
      case 25:
        // JALR: ends the block; the target is computed before rd is written (rd may be rs1). After
        // auipc into rs1 in this block (a call or tail call) the target is known, as for jal.
        if (funct3 !== 0) break;
        if (pcRelative.has(rs1)) {
          code = write(rd, pcPlus(delta + len));
          written(rd);
          code += ` ${jump(count + 1, (pcRelative.get(rs1)! + immI) & -2)}`;
        } else {
          code = `t = (${read(rs1)} + ${immI}) & -2; ${write(rd, pcPlus(delta + len))}`;
          written(rd);
          code += ` ${exit(count + 1, 't', false)}`;
        }
        ended = true;
        break;
      case 3:
        // fence is a no-op on one hart; fence.i (funct3 1) and reserved forms go to the interpreter.
        if (funct3 === 0) code = '';
        break;
      default:
        break;
    }
    if (code === null) break;
    written(destination);
    if (pcRelativeValue === undefined || destination === 0) pcRelative.delete(destination);
    else pcRelative.set(destination, pcRelativeValue);
    body.push(code);
    count++;
    offset += len;
  }
  if (count === 0) return null;
  if (!ended) body.push(exit(count, pcPlus(offset - start), false));
  const registers = [...used].sort((p, q) => p - q);
  // Two more loop variables per site: only while they and the registers fit in host registers
  // (sort's partition loops, 10 registers and 4 sites, were 3 % slower with them).
  const cachePages = loops && registers.length + 2 * pageSites <= PAGE_CACHE_LIMIT;
  const declarations = registers.map((r) => (loops || liveIn.has(r) ? `let r${r} = x[${r}];` : `let r${r} = 0;`)).join(' ');
  const writeBack = (written: Iterable<number>): string => [...written].sort((p, q) => p - q).map((r) => `x[${r}] = r${r}; `).join('');
  const allWritten = writeBack(dirty);
  let code = body
    .join('\n')
    .replace(PAGE_SITE_AT, (_, at: string) => (cachePages ? sites[Number(at)]!.cached : sites[Number(at)]!.plain))
    .replace(WRITE_BACK_AT_EXIT, (_, at: string) => (loops ? allWritten : writeBack(dirtyAtExit[Number(at)]!)))
    .replace(DONE_AT_EXIT, (_, at: string) => (loops ? `(left - m + ${Number(at) - count}) | 0` : at));
  if (loops) code = `for (;;) {\n${code}\n}`;
  // The TLB arrays only where the block loads or stores.
  const tlbArrays = `${code.includes('tlbR[') ? 'const tlbR = tlb.tlbRead; ' : ''}${code.includes('tlbW[') ? 'const tlbW = tlb.tlbWrite; ' : ''}`;
  const source = `'use strict'; return function block(pc, left) { const x = registers.x; ${tlbArrays}${loops ? `let m = (left - ${count}) | 0; ` : ''}let a = 0; let t = 0; ${Array.from({ length: groups }, (_, i) => `let g${i} = 0; `).join('')}${cachePages ? Array.from({ length: pageSites }, (_, i) => `let p${i} = -1; let b${i} = 0; `).join('') : ''}${declarations}\n${code}\n};`;
  return { source, count, bytes: offset - start };
}
