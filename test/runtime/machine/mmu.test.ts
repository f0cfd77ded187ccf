// Sv32 translation as the privileged spec's "Virtual Address Translation Process" defines it, with
// U-mode accesses and Svade A/D handling, and the software TLB's invalidation rules.
import { describe, expect, it } from 'vitest';
import { PAGE_RAM } from '../../../runtime/machine/bus.js';
import {
  ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE, PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, SATP_MODE_SV32, TLB_MISS, TLB_SPACES,
} from '../../../runtime/machine/mmu.js';
import { StopReason } from '../../../runtime/machine/trap.js';
import * as A from './asm.js';
import { RAM_BASE, makeMachine, place } from './harness.js';

const { a0, a1, a2, zero } = A;
const ROOT = RAM_BASE + 0x10_0000; // root page table
const LEAF_TABLE = RAM_BASE + 0x10_1000; // second-level table for VA 0x0000_0000..0x003f_ffff
const CODE_PA = RAM_BASE; // program
const DATA_PA = RAM_BASE + 0x2_0000;
const OTHER_PA = RAM_BASE + 0x3_0000;
const CODE_VA = 0x1000;
const DATA_VA = 0x2000;
const URX = PTE_V | PTE_R | PTE_X | PTE_U | PTE_A;
const URW = PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D;

const pte = (pa: number, flags: number) => ((((pa >>> 12) << 10) | flags) >>> 0);

/** A machine with 8 MiB RAM, Sv32 on, code mapped at CODE_VA and `program` placed there. */
function paged(program: readonly number[], dataFlags = URW) {
  const machine = makeMachine(8 << 20);
  const { ram, cpu } = machine;
  place(ram, CODE_PA, [...program, A.ecall()]);
  ram.writeU32(ROOT + 0 * 4, pte(LEAF_TABLE, PTE_V));
  ram.writeU32(LEAF_TABLE + (CODE_VA >>> 12) * 4, pte(CODE_PA, URX));
  ram.writeU32(LEAF_TABLE + (DATA_VA >>> 12) * 4, pte(DATA_PA, dataFlags));
  cpu.setSatp(SATP_MODE_SV32 | (ROOT >>> 12));
  cpu.pc = CODE_VA;
  const mapData = (flags: number, pa = DATA_PA) => ram.writeU32(LEAF_TABLE + (DATA_VA >>> 12) * 4, pte(pa, flags));
  const run = (budget = 1000) => cpu.run(budget);
  return { ...machine, mapData, run };
}

describe('Sv32 translation', () => {
  it('paging off addresses physical memory directly', () => {
    const machine = makeMachine();
    expect(machine.cpu.mmu.pagingEnabled).toBe(false);
    expect(machine.cpu.mmu.translate(RAM_BASE + 0x123, ACCESS_STORE)).toBe(RAM_BASE + 0x123);
  });
  it('4 KiB pages map code and data; loads and stores reach the mapped frames', () => {
    const m = paged([A.lw(a0, a1, 4), A.sw(a0, a1, 8)]);
    m.cpu.x[a1] = DATA_VA;
    m.ram.writeU32(DATA_PA + 4, 0xcafe);
    expect(m.run()).toBe(StopReason.Trap);
    expect([m.cpu.cause, m.cpu.pc]).toEqual([8, CODE_VA + 8]);
    expect(m.cpu.x[a0]).toBe(0xcafe);
    expect(m.ram.readU32(DATA_PA + 8)).toBe(0xcafe);
  });
  it('a 4 MiB megapage maps VPN[0] and the offset through to the physical address', () => {
    const m = paged([A.lw(a0, a1, 0)]);
    m.ram.writeU32(ROOT + (0x4000_0000 >>> 22) * 4, pte(RAM_BASE + 0x40_0000, URW));
    m.ram.writeU32(RAM_BASE + 0x40_1234, 0x5a5a);
    m.cpu.x[a1] = 0x4000_1234;
    m.run();
    expect(m.cpu.cause).toBe(8);
    expect(m.cpu.x[a0]).toBe(0x5a5a);
  });
  it('a megapage whose PPN[0] is not zero is misaligned: page fault', () => {
    const m = paged([A.lw(a0, a1, 0)]);
    m.ram.writeU32(ROOT + (0x4000_0000 >>> 22) * 4, pte(RAM_BASE + 0x40_1000, URW));
    m.cpu.x[a1] = 0x4000_0010;
    m.run();
    expect([m.cpu.cause, m.cpu.tval, m.cpu.pc]).toEqual([13, 0x4000_0010, CODE_VA]);
  });
  const faults: [string, number, (rd: number, rs1: number, imm: number) => number, number][] = [
    ['load from a page without U', URW & ~PTE_U, A.lw, 13],
    ['store to a page without U', URW & ~PTE_U, A.sw, 15],
    ['load from an execute-only page', PTE_V | PTE_X | PTE_U | PTE_A, A.lw, 13],
    ['store to a read-only page', PTE_V | PTE_R | PTE_U | PTE_A | PTE_D, A.sw, 15],
    ['store to a writable page with D = 0 (Svade)', URW & ~PTE_D, A.sw, 15],
    ['load from a page with A = 0 (Svade)', URW & ~PTE_A, A.lw, 13],
    ['load through an invalid PTE', URW & ~PTE_V, A.lw, 13],
    ['load from a page with W = 1 and R = 0 (reserved)', PTE_V | PTE_W | PTE_U | PTE_A | PTE_D, A.lw, 13],
    ['store to a page with W = 1 and R = 0 (reserved)', PTE_V | PTE_W | PTE_U | PTE_A | PTE_D, A.sw, 15],
  ];
  for (const [name, flags, insn, cause] of faults) {
    it(`${name} raises cause ${cause} with the virtual address`, () => {
      const m = paged([A.addi(zero, zero, 0), insn(a0, a1, 0x14)], flags);
      m.cpu.x[a1] = DATA_VA;
      expect(m.run()).toBe(StopReason.Trap);
      expect([m.cpu.cause, m.cpu.tval, m.cpu.pc]).toEqual([cause, DATA_VA + 0x14, CODE_VA + 4]);
    });
  }
  it('a load from a page with D = 0 succeeds (only stores need D)', () => {
    const m = paged([A.lw(a0, a1, 0)], URW & ~PTE_D);
    m.cpu.x[a1] = DATA_VA;
    m.ram.writeU32(DATA_PA, 3);
    m.run();
    expect([m.cpu.cause, m.cpu.x[a0]]).toEqual([8, 3]);
  });
  it('AMOs need write permission: an AMO on a read-only page raises 15', () => {
    const m = paged([A.amoaddW(a0, a2, a1)], PTE_V | PTE_R | PTE_U | PTE_A | PTE_D);
    m.cpu.x[a1] = DATA_VA;
    m.run();
    expect([m.cpu.cause, m.cpu.tval]).toEqual([15, DATA_VA]);
  });
  it('LR on an unmapped page raises a load page fault (13)', () => {
    const m = paged([A.lrW(a0, a1)]);
    m.cpu.x[a1] = 0x0030_0000;
    m.run();
    expect([m.cpu.cause, m.cpu.tval]).toEqual([13, 0x0030_0000]);
  });
  it('fetching from a page without X, or without U, raises an instruction page fault (12)', () => {
    const m = paged([A.jalr(zero, a1, 0)]);
    m.cpu.x[a1] = DATA_VA + 8;
    m.run();
    expect([m.cpu.cause, m.cpu.tval, m.cpu.pc, m.cpu.trapInsnLength]).toEqual([12, DATA_VA + 8, DATA_VA + 8, 0]);
    const kernelCode = paged([]);
    kernelCode.ram.writeU32(LEAF_TABLE + (CODE_VA >>> 12) * 4, pte(CODE_PA, URX & ~PTE_U));
    kernelCode.cpu.flushTlb();
    kernelCode.run();
    expect([kernelCode.cpu.cause, kernelCode.cpu.tval]).toEqual([12, CODE_VA]);
  });
  it('a non-leaf PTE at the last level is a page fault', () => {
    const m = paged([A.lw(a0, a1, 0)], PTE_V);
    m.cpu.x[a1] = DATA_VA;
    m.run();
    expect(m.cpu.cause).toBe(13);
  });
  it('a page-table entry outside RAM is an access fault (5 for loads)', () => {
    const m = paged([A.lw(a0, a1, 0)]);
    m.ram.writeU32(ROOT + (0x0040_0000 >>> 22) * 4, pte(0x2000_0000, PTE_V));
    m.cpu.x[a1] = 0x0040_0000;
    m.run();
    expect([m.cpu.cause, m.cpu.tval]).toEqual([5, 0x0040_0000]);
  });
  it('a misaligned load crossing into an unmapped page faults at the first byte of that page', () => {
    const m = paged([A.lw(a0, a1, 0)]);
    m.cpu.x[a1] = DATA_VA + 0xffe;
    m.run();
    expect([m.cpu.cause, m.cpu.tval]).toEqual([13, DATA_VA + 0x1000]);
  });
  it('a 32-bit instruction whose upper half lies on an unmapped page faults with tval = pc + 2', () => {
    const m = paged([]);
    m.ram.writeU16(CODE_PA + 0xffe, A.addi(a0, zero, 1) & 0xffff);
    m.cpu.pc = CODE_VA + 0xffe;
    expect(m.run()).toBe(StopReason.Trap);
    expect([m.cpu.cause, m.cpu.tval, m.cpu.pc]).toEqual([12, CODE_VA + 0x1000, CODE_VA + 0xffe]);
  });
});

describe('software TLB', () => {
  it('a changed PTE stays invisible until flushTlb, then takes effect', () => {
    const m = paged([A.lw(a0, a1, 0), A.ecall(), A.lw(a0, a1, 0)]);
    m.cpu.x[a1] = DATA_VA;
    m.ram.writeU32(DATA_PA, 1);
    m.ram.writeU32(OTHER_PA, 2);
    m.run();
    expect(m.cpu.x[a0]).toBe(1);
    m.mapData(URW, OTHER_PA);
    m.cpu.pc = CODE_VA;
    m.run();
    expect(m.cpu.x[a0]).toBe(1); // stale translation still cached
    m.cpu.flushTlb();
    m.cpu.pc = CODE_VA;
    m.run();
    expect(m.cpu.x[a0]).toBe(2);
  });
  it('flushTlbPage forgets one page; a removed mapping then faults', () => {
    const m = paged([A.lw(a0, a1, 0)]);
    m.cpu.x[a1] = DATA_VA;
    m.run();
    expect(m.cpu.cause).toBe(8);
    m.mapData(0);
    m.cpu.pc = CODE_VA;
    m.run();
    expect(m.cpu.cause).toBe(8);
    m.cpu.mmu.flushTlbPage(DATA_VA);
    m.cpu.pc = CODE_VA;
    m.run();
    expect([m.cpu.cause, m.cpu.tval]).toEqual([13, DATA_VA]);
  });
  it('writing satp switches address spaces', () => {
    const m = paged([A.lw(a0, a1, 0)]);
    m.cpu.x[a1] = DATA_VA;
    m.run();
    const root2 = RAM_BASE + 0x20_0000;
    const leaf2 = RAM_BASE + 0x20_1000;
    m.ram.writeU32(root2, pte(leaf2, PTE_V));
    m.ram.writeU32(leaf2 + (CODE_VA >>> 12) * 4, pte(CODE_PA, URX));
    m.ram.writeU32(leaf2 + (DATA_VA >>> 12) * 4, pte(OTHER_PA, URW));
    m.ram.writeU32(OTHER_PA, 42);
    m.cpu.setSatp(SATP_MODE_SV32 | (1 << 22) | (root2 >>> 12));
    m.cpu.pc = CODE_VA;
    m.run();
    expect(m.cpu.x[a0]).toBe(42);
    expect(m.cpu.mmu.satp).toBe((SATP_MODE_SV32 | (1 << 22) | (root2 >>> 12)) >>> 0);
  });
  it('switching satp away and back keeps the first space\'s translations: no page walk', () => {
    const m = paged([A.lw(a0, a1, 0)]);
    m.cpu.x[a1] = DATA_VA;
    m.run();
    const space1 = m.cpu.mmu.satp;
    const root2 = RAM_BASE + 0x20_0000;
    const leaf2 = RAM_BASE + 0x20_1000;
    m.ram.writeU32(root2, pte(leaf2, PTE_V));
    m.ram.writeU32(leaf2 + (DATA_VA >>> 12) * 4, pte(OTHER_PA, URW));
    const space2 = (SATP_MODE_SV32 | (1 << 22) | (root2 >>> 12)) >>> 0;
    m.cpu.setSatp(space2);
    expect(m.cpu.mmu.tlbRead[DATA_VA >>> 12]).toBe(TLB_MISS);
    expect(m.cpu.mmu.translate(DATA_VA, ACCESS_LOAD)).toBe(OTHER_PA);
    m.cpu.setSatp(space1);
    // The entries hold ~(RAM offset of the frame).
    expect(~m.cpu.mmu.tlbRead[DATA_VA >>> 12]! + RAM_BASE).toBe(DATA_PA);
    expect(~m.cpu.mmu.tlbExec[CODE_VA >>> 12]! + RAM_BASE).toBe(CODE_PA);
    const walks = m.cpu.mmu.walks;
    m.cpu.pc = CODE_VA;
    m.run();
    expect([m.cpu.cause, m.cpu.mmu.walks]).toEqual([8, walks]);
    m.cpu.setSatp(space2);
    expect(~m.cpu.mmu.tlbRead[DATA_VA >>> 12]! + RAM_BASE).toBe(OTHER_PA);
    expect(m.cpu.mmu.tlbExec[CODE_VA >>> 12]).toBe(TLB_MISS);
  });
  it('a page first touched after switching back is kept at the next switch too (and the kept ones stay)', () => {
    const m = paged([A.lw(a0, a1, 0)]);
    m.cpu.x[a1] = DATA_VA;
    m.run();
    const space1 = m.cpu.mmu.satp;
    const space2 = (SATP_MODE_SV32 | (1 << 22) | ((RAM_BASE + 0x20_0000) >>> 12)) >>> 0;
    m.cpu.setSatp(space2);
    m.cpu.setSatp(space1);
    // Brought back unchanged, left unchanged: still kept.
    m.cpu.setSatp(space2);
    m.cpu.setSatp(space1);
    expect(~m.cpu.mmu.tlbRead[DATA_VA >>> 12]! + RAM_BASE).toBe(DATA_PA);
    const otherVa = 0x3000;
    m.ram.writeU32(LEAF_TABLE + (otherVa >>> 12) * 4, pte(OTHER_PA, URW));
    expect(m.cpu.mmu.translate(otherVa, ACCESS_LOAD)).toBe(OTHER_PA);
    m.cpu.setSatp(space2);
    m.cpu.setSatp(space1);
    expect(~m.cpu.mmu.tlbRead[otherVa >>> 12]! + RAM_BASE).toBe(OTHER_PA);
    expect(~m.cpu.mmu.tlbRead[DATA_VA >>> 12]! + RAM_BASE).toBe(DATA_PA);
  });
  it('a flush drops the kept translations of every space: a changed PTE of a space switched away from takes effect', () => {
    for (const flush of ['all', 'page'] as const) {
      const m = paged([A.lw(a0, a1, 0)]);
      m.cpu.x[a1] = DATA_VA;
      m.ram.writeU32(DATA_PA, 1);
      m.ram.writeU32(OTHER_PA, 2);
      m.run();
      expect(m.cpu.x[a0]).toBe(1);
      const space1 = m.cpu.mmu.satp;
      m.cpu.setSatp(0);
      m.mapData(URW, OTHER_PA);
      if (flush === 'all') m.cpu.flushTlb();
      else m.cpu.mmu.flushTlbPage(DATA_VA);
      m.cpu.setSatp(space1);
      m.cpu.pc = CODE_VA;
      m.run();
      expect(m.cpu.x[a0], flush).toBe(2);
    }
  });
  it('without a flush, a space switched back to still sees its kept (stale) translation, as a tagged TLB does', () => {
    const m = paged([A.lw(a0, a1, 0)]);
    m.cpu.x[a1] = DATA_VA;
    m.ram.writeU32(DATA_PA, 1);
    m.ram.writeU32(OTHER_PA, 2);
    m.run();
    const space1 = m.cpu.mmu.satp;
    m.cpu.setSatp((SATP_MODE_SV32 | (2 << 22) | ((RAM_BASE + 0x30_0000) >>> 12)) >>> 0);
    m.mapData(URW, OTHER_PA);
    m.cpu.setSatp(space1);
    m.cpu.pc = CODE_VA;
    m.run();
    expect(m.cpu.x[a0]).toBe(1);
  });
  it('filling more pages than the flush list holds still flushes everything', () => {
    const m = makeMachine(32 << 20);
    const firstPage = RAM_BASE >>> 12;
    for (let page = 0; page < 5000; page++) m.cpu.mmu.translate(RAM_BASE + page * 4096, ACCESS_LOAD);
    expect(m.bus.pageMap[firstPage + 4999]).toBe(PAGE_RAM);
    // Filled entries hold ~offset (the RAM offset of the page); TLB_MISS is a miss.
    expect(~m.cpu.mmu.tlbRead[firstPage + 4999]!).toBe(4999 * 4096);
    m.cpu.flushTlb();
    expect(m.cpu.mmu.tlbRead.every((entry) => entry === TLB_MISS)).toBe(true);
    expect(m.cpu.mmu.tlbExec[firstPage]).toBe(TLB_MISS);
    expect(m.cpu.mmu.translate(RAM_BASE, ACCESS_FETCH)).toBe(RAM_BASE);
    expect(~m.cpu.mmu.tlbExec[firstPage]!).toBe(0);
  });
});

describe('TLB per address space (sfence.vma by ASID and address)', () => {
  const ROOT2 = RAM_BASE + 0x20_0000;
  const LEAF2 = RAM_BASE + 0x20_1000;
  const satpOf = (asid: number, root: number) => (SATP_MODE_SV32 | (asid << 22) | (root >>> 12)) >>> 0;
  /** `paged` as ASID 1, plus ASID 2 (ROOT2) mapping the same code and DATA_VA to OTHER_PA; both spaces filled. */
  function twoSpaces() {
    const m = paged([A.lw(a0, a1, 0)]);
    m.ram.writeU32(ROOT2, pte(LEAF2, PTE_V));
    m.ram.writeU32(LEAF2 + (CODE_VA >>> 12) * 4, pte(CODE_PA, URX));
    m.ram.writeU32(LEAF2 + (DATA_VA >>> 12) * 4, pte(OTHER_PA, URW));
    const space1 = satpOf(1, ROOT);
    const space2 = satpOf(2, ROOT2);
    for (const space of [space1, space2]) {
      m.cpu.setSatp(space);
      m.cpu.mmu.translate(CODE_VA, ACCESS_FETCH);
      m.cpu.mmu.translate(DATA_VA, ACCESS_LOAD);
    }
    const cached = (space: number, va: number): boolean => {
      m.cpu.setSatp(space);
      return m.cpu.mmu.tlbRead[va >>> 12] !== TLB_MISS || m.cpu.mmu.tlbExec[va >>> 12] !== TLB_MISS;
    };
    return { m, space1, space2, cached };
  }

  it('each space has its own arrays: a satp write swaps them, copying nothing', () => {
    const { m, space1, space2 } = twoSpaces();
    m.cpu.setSatp(space1);
    const arrays1 = m.cpu.mmu.tlbRead;
    m.cpu.setSatp(space2);
    expect(m.cpu.mmu.tlbRead).not.toBe(arrays1);
    expect(~m.cpu.mmu.tlbRead[DATA_VA >>> 12]! + RAM_BASE).toBe(OTHER_PA);
    m.cpu.setSatp(space1);
    expect(m.cpu.mmu.tlbRead).toBe(arrays1);
    expect(~m.cpu.mmu.tlbRead[DATA_VA >>> 12]! + RAM_BASE).toBe(DATA_PA);
  });
  it('rs1 = x0, rs2 = ASID flushes every page of that ASID\'s space and no other', () => {
    const { m, space1, space2, cached } = twoSpaces();
    m.cpu.sfenceVma(undefined, 1);
    expect([cached(space1, DATA_VA), cached(space1, CODE_VA)]).toEqual([false, false]);
    expect([cached(space2, DATA_VA), cached(space2, CODE_VA)]).toEqual([true, true]);
    m.cpu.sfenceVma(undefined, 2);
    expect([cached(space2, DATA_VA), cached(space2, CODE_VA)]).toEqual([false, false]);
  });
  it('rs1 = vaddr, rs2 = ASID flushes that page of that ASID only', () => {
    const { m, space1, space2, cached } = twoSpaces();
    m.cpu.sfenceVma(DATA_VA + 0x123, 2);
    expect([cached(space2, DATA_VA), cached(space2, CODE_VA)]).toEqual([false, true]);
    expect([cached(space1, DATA_VA), cached(space1, CODE_VA)]).toEqual([true, true]);
  });
  it('rs1 = vaddr, rs2 = x0 flushes that page in every space; rs1 = rs2 = x0 everything', () => {
    const { m, space1, space2, cached } = twoSpaces();
    m.cpu.sfenceVma(DATA_VA);
    expect([cached(space1, DATA_VA), cached(space2, DATA_VA)]).toEqual([false, false]);
    expect([cached(space1, CODE_VA), cached(space2, CODE_VA)]).toEqual([true, true]);
    m.cpu.sfenceVma();
    expect([cached(space1, CODE_VA), cached(space2, CODE_VA)]).toEqual([false, false]);
  });
  it('an ASID flush leaves Bare (paging off) entries alone; a full flush drops them', () => {
    const { m, space1, cached } = twoSpaces();
    m.cpu.setSatp(0);
    m.cpu.mmu.translate(DATA_PA, ACCESS_LOAD);
    m.cpu.sfenceVma(undefined, 0);
    expect(cached(0, DATA_PA)).toBe(true);
    m.cpu.setSatp(space1);
    m.cpu.sfenceVma();
    expect(cached(0, DATA_PA)).toBe(false);
  });
  it('a page flush where a megapage was entered forgets every page of that megapage', () => {
    const { m, space1, cached } = twoSpaces();
    m.cpu.setSatp(space1);
    m.ram.writeU32(ROOT + (0x4000_0000 >>> 22) * 4, pte(RAM_BASE + 0x40_0000, URW));
    m.cpu.mmu.translate(0x4000_0000, ACCESS_LOAD);
    m.cpu.mmu.translate(0x4012_3000, ACCESS_LOAD);
    m.ram.writeU32(ROOT + (0x4000_0000 >>> 22) * 4, 0);
    m.cpu.sfenceVma(0x4000_0000, 1);
    expect([cached(space1, 0x4000_0000), cached(space1, 0x4012_3000)]).toEqual([false, false]);
    expect(m.cpu.mmu.translate(0x4012_3000, ACCESS_LOAD)).toBe(-1);
    expect(cached(space1, DATA_VA)).toBe(true);
  });
  it(`beyond ${TLB_SPACES} spaces the one entered longest ago is emptied and reused; the others stay`, () => {
    const { m, space1, space2, cached } = twoSpaces();
    // space1 was entered before space2; entering TLB_SPACES - 1 new spaces gives up space1 only.
    m.cpu.setSatp(space2);
    for (let asid = 10; asid < 10 + TLB_SPACES - 1; asid++) m.cpu.setSatp(satpOf(asid, ROOT));
    expect(cached(space2, DATA_VA)).toBe(true);
    expect(cached(space1, DATA_VA)).toBe(false);
    const walks = m.cpu.mmu.walks;
    expect(m.cpu.mmu.translate(DATA_VA, ACCESS_LOAD)).toBe(DATA_PA);
    expect(m.cpu.mmu.walks).toBe(walks + 1);
  });
  it('translated blocks read the TLB of the space current when they are entered', () => {
    // A loop hot enough to be translated loads DATA_VA; run in space 1, then in space 2.
    const loop = [A.addi(a2, zero, 100), A.lw(a0, a1, 0), A.addi(a2, a2, -1), A.bne(a2, zero, -8)];
    const m = paged(loop);
    m.ram.writeU32(ROOT2, pte(LEAF2, PTE_V));
    m.ram.writeU32(LEAF2 + (CODE_VA >>> 12) * 4, pte(CODE_PA, URX));
    m.ram.writeU32(LEAF2 + (DATA_VA >>> 12) * 4, pte(OTHER_PA, URW));
    m.ram.writeU32(DATA_PA, 1);
    m.ram.writeU32(OTHER_PA, 2);
    m.cpu.x[a1] = DATA_VA;
    for (const [space, value] of [[satpOf(1, ROOT), 1], [satpOf(2, ROOT2), 2], [satpOf(1, ROOT), 1]] as const) {
      m.cpu.setSatp(space);
      m.cpu.pc = CODE_VA;
      expect(m.cpu.run(10_000)).toBe(StopReason.Trap);
      expect(m.cpu.x[a0]).toBe(value);
    }
  });
});
