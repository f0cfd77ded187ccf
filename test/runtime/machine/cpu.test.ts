// RV32I base instructions, from the unprivileged spec's instruction descriptions, with edge cases.
import { describe, expect, it } from 'vitest';
import { StopReason } from '../../../runtime/machine/trap.js';
import * as A from './asm.js';
import { CODE, DATA, execute, makeMachine, place, start } from './harness.js';

const { a0, a1, a2, a3, t0, ra, zero } = A;
const MIN = -0x8000_0000;

/** Result in a0 of one register-register instruction. */
function rr(insn: (rd: number, rs1: number, rs2: number) => number, x: number, y: number): number {
  return execute([insn(a0, a1, a2)], { [a1]: x, [a2]: y }).cpu.x[a0]!;
}
function ri(insn: (rd: number, rs1: number, imm: number) => number, x: number, imm: number): number {
  return execute([insn(a0, a1, imm)], { [a1]: x }).cpu.x[a0]!;
}

describe('RV32I integer computation', () => {
  it('add and sub wrap modulo 2^32', () => {
    expect(rr(A.add, 0x7fff_ffff, 1)).toBe(MIN);
    expect(rr(A.sub, MIN, 1)).toBe(0x7fff_ffff);
    expect(rr(A.add, -1, -1)).toBe(-2);
  });
  it('addi sign-extends its 12-bit immediate', () => {
    expect(ri(A.addi, 0, -2048)).toBe(-2048);
    expect(ri(A.addi, 0, 2047)).toBe(2047);
    expect(ri(A.addi, 1, -1)).toBe(0);
  });
  it('slt/slti compare signed, sltu/sltiu unsigned', () => {
    expect(rr(A.slt, -1, 1)).toBe(1);
    expect(rr(A.sltu, -1, 1)).toBe(0);
    expect(rr(A.sltu, 1, -1)).toBe(1);
    expect(ri(A.slti, -5, -4)).toBe(1);
    expect(ri(A.sltiu, 5, -1)).toBe(1); // -1 sign-extends to 0xffffffff, then compares unsigned
    expect(ri(A.sltiu, 0, 1)).toBe(1); // seqz
    expect(ri(A.sltiu, 1, 1)).toBe(0);
  });
  it('logical operations with sign-extended immediates', () => {
    expect(ri(A.xori, 0x1234, -1)).toBe(~0x1234);
    expect(ri(A.ori, 0x100, 0x0ff)).toBe(0x1ff);
    expect(ri(A.andi, -1, 0x800)).toBe(-2048);
    expect(rr(A.xor, 0xff00, 0x0ff0)).toBe(0xf0f0);
    expect(rr(A.or, 1, 2)).toBe(3);
    expect(rr(A.and, 6, 3)).toBe(2);
  });
  it('shifts use the low 5 bits of rs2; srl is logical and sra arithmetic', () => {
    expect(rr(A.sll, 1, 33)).toBe(2);
    expect(rr(A.srl, MIN, 31)).toBe(1);
    expect(rr(A.sra, MIN, 31)).toBe(-1);
    expect(rr(A.srl, -1, 0)).toBe(-1);
    expect(ri(A.slli, 3, 31)).toBe(MIN);
    expect(ri(A.srli, -16, 4)).toBe(0x0fff_ffff);
    expect(ri(A.srai, -16, 4)).toBe(-1);
  });
  it('shift-immediates with shamt[5] set or a bad funct7 are illegal', () => {
    const bad = (A.slli(a0, a1, 0) | (1 << 25)) >>> 0;
    const run = start([bad]);
    expect(run.stop).toBe(StopReason.Trap);
    expect(run.cpu.cause).toBe(2);
    expect(run.cpu.tval).toBe(bad);
    expect(start([(A.srli(a0, a1, 1) | (0x10 << 25)) >>> 0]).cpu.cause).toBe(2);
  });
  it('lui places 20 bits high, auipc adds them to its own pc', () => {
    expect(execute([A.lui(a0, 0xfffff)]).cpu.x[a0]).toBe(-4096);
    expect(execute([A.addi(zero, zero, 0), A.auipc(a0, 1)]).cpu.x[a0]).toBe((CODE + 4 + 4096) | 0);
  });
  it('writes to x0 are discarded', () => {
    const { cpu } = execute([A.addi(zero, zero, 5), A.add(a0, zero, zero)]);
    expect(cpu.x[0]).toBe(0);
    expect(cpu.x[a0]).toBe(0);
  });
});

describe('RV32I control transfer', () => {
  it('jal links pc+4 and jumps by a signed offset', () => {
    // jal ra, +8 skips one instruction
    const { cpu } = execute([A.jal(ra, 8), A.addi(a0, zero, 1), A.addi(a1, zero, 2)]);
    expect(cpu.x[ra]).toBe((CODE + 4) | 0);
    expect(cpu.x[a0]).toBe(0);
    expect(cpu.x[a1]).toBe(2);
  });
  it('jal backwards', () => {
    // 0: j +12; 4: addi a1,1; 8: j +8 (to 16); 12: j -8 (to 4); 16: ecall
    const { cpu } = execute([A.jal(zero, 12), A.addi(a1, zero, 1), A.jal(zero, 8), A.jal(zero, -8)]);
    expect(cpu.x[a1]).toBe(1);
  });
  it('jalr clears bit 0 of the target and reads rs1 before writing rd', () => {
    const target = CODE + 12;
    const { cpu } = execute([A.jalr(a0, a0, 1), A.addi(a1, zero, 1), A.addi(a1, zero, 2), A.addi(a2, zero, 3)], {
      [a0]: target,
    });
    expect(cpu.x[a0]).toBe((CODE + 4) | 0);
    expect(cpu.x[a1]).toBe(0);
    expect(cpu.x[a2]).toBe(3);
  });
  it('jalr with funct3 not 0 is illegal', () => {
    expect(start([(A.jalr(a0, a1, 0) | (1 << 12)) >>> 0]).cpu.cause).toBe(2);
  });
  const branches: [string, (rs1: number, rs2: number, imm: number) => number, number, number, boolean][] = [
    ['beq equal', A.beq, 5, 5, true],
    ['beq unequal', A.beq, 5, 6, false],
    ['bne', A.bne, 5, 6, true],
    ['blt signed', A.blt, -1, 0, true],
    ['blt equal', A.blt, 3, 3, false],
    ['bge signed', A.bge, 0, -1, true],
    ['bge equal', A.bge, 3, 3, true],
    ['bltu unsigned', A.bltu, 0, -1, true],
    ['bltu -1 vs 0', A.bltu, -1, 0, false],
    ['bgeu unsigned', A.bgeu, -1, 0, true],
    ['bgeu less', A.bgeu, 0, 1, false],
  ];
  for (const [name, insn, x, y, taken] of branches) {
    it(`${name} is ${taken ? 'taken' : 'not taken'}`, () => {
      const { cpu } = execute([insn(a1, a2, 8), A.addi(a0, zero, 1)], { [a1]: x, [a2]: y });
      expect(cpu.x[a0]).toBe(taken ? 0 : 1);
    });
  }
  it('branches backwards (a counted loop)', () => {
    // a0 = 10; loop: a1 += a0; a0 -= 1; bnez a0, loop
    const { cpu } = execute([A.addi(a0, zero, 10), A.add(a1, a1, a0), A.addi(a0, a0, -1), A.bne(a0, zero, -8)]);
    expect(cpu.x[a1]).toBe(55);
    expect(cpu.instret).toBe(1 + 30);
  });
  it('branch funct3 2 and 3 are illegal', () => {
    expect(start([(A.beq(a0, a1, 8) | (2 << 12)) >>> 0]).cpu.cause).toBe(2);
    expect(start([(A.beq(a0, a1, 8) | (3 << 12)) >>> 0]).cpu.cause).toBe(2);
  });
});

describe('RV32I loads and stores', () => {
  it('sign-extends lb/lh and zero-extends lbu/lhu', () => {
    const { cpu } = execute(
      [A.sw(a2, a1, 0), A.lb(a0, a1, 0), A.lbu(a3, a1, 0), A.lh(t0, a1, 2), A.lhu(ra, a1, 2)],
      { [a1]: DATA, [a2]: 0x8081_8283 | 0 },
    );
    expect(cpu.x[a0]).toBe(-125); // 0x83
    expect(cpu.x[a3]).toBe(0x83);
    expect(cpu.x[t0]).toBe(0x8081 - 0x10000);
    expect(cpu.x[ra]).toBe(0x8081);
  });
  it('sign-extends lb/lh on the TLB-miss path too (first touch of a page, and a misaligned lh)', () => {
    // Data written behind the CPU's back: the loads below are each the first access to their pages,
    // so they take loadSlow, not the TLB fast path the test above uses after its store.
    const { ram, cpu } = makeMachine();
    const end = place(ram, CODE, [A.lb(a0, a1, 0), A.lh(a3, a2, 0), A.lh(t0, a2, 0x7ff), A.lbu(ra, a2, -0x800), A.ecall()]);
    ram.writeU32(DATA, 0x83);
    ram.writeU32(DATA + 0x2000, 0x8081);
    ram.writeU32(DATA + 0x27fc, 0x8100_0000); // the misaligned lh's low byte at 0x27ff
    ram.writeU32(DATA + 0x2800, 0x80);
    ram.writeU32(DATA + 0x1800, 0x83);
    cpu.x[a1] = DATA;
    cpu.x[a2] = DATA + 0x2000;
    expect(cpu.run(100)).toBe(StopReason.Trap);
    expect([cpu.cause, cpu.pc]).toEqual([8, end - 4]);
    expect(cpu.x[a0]).toBe(-125);
    expect(cpu.x[a3]).toBe(0x8081 - 0x10000);
    expect(cpu.x[t0]).toBe(0x8081 - 0x10000);
    expect(cpu.x[ra]).toBe(0x83);
  });
  it('stores are little-endian and store only their width', () => {
    const { ram } = execute([A.sw(a2, a1, 0), A.sb(a3, a1, 1), A.sh(a3, a1, 6)], {
      [a1]: DATA,
      [a2]: 0x1122_3344,
      [a3]: 0x0000_abcd,
    });
    expect(ram.readU32(DATA)).toBe(0x1122_cd44);
    expect(ram.readU16(DATA + 6)).toBe(0xabcd);
    expect(ram.readU16(DATA + 4)).toBe(0);
  });
  it('negative offsets address below the base register', () => {
    const { ram } = execute([A.sw(a2, a1, -4)], { [a1]: DATA + 8, [a2]: 7 });
    expect(ram.readU32(DATA + 4)).toBe(7);
  });
  it('misaligned loads and stores to RAM complete (as on QEMU virt) without a trap', () => {
    const { cpu, ram } = execute([A.sw(a2, a1, 1), A.lw(a0, a1, 1), A.lh(a3, a1, 3), A.sh(a2, a1, 9), A.lhu(t0, a1, 9)], {
      [a1]: DATA,
      [a2]: 0x8899_aabb | 0,
    });
    expect(ram.readU8(DATA + 1)).toBe(0xbb);
    expect(ram.readU8(DATA + 4)).toBe(0x88);
    expect(cpu.x[a0]).toBe(0x8899_aabb | 0);
    expect(cpu.x[a3]).toBe(0x8899 - 0x10000);
    expect(cpu.x[t0]).toBe(0xaabb);
  });
  it('a misaligned word access across the end of RAM faults at the first missing byte', () => {
    const top = CODE + (1 << 20);
    const run = start([A.lw(a0, a1, 0)], { [a1]: top - 2 });
    expect(run.stop).toBe(StopReason.Trap);
    expect(run.cpu.cause).toBe(5);
    expect(run.cpu.tval).toBe(top);
    expect(run.cpu.pc).toBe(CODE);
  });
  it('loads and stores to unmapped addresses raise access faults with the address', () => {
    const load = start([A.lw(a0, a1, 0)], { [a1]: 0x4000_0000 });
    expect([load.cpu.cause, load.cpu.tval, load.cpu.trapInsnLength]).toEqual([5, 0x4000_0000, 4]);
    const store = start([A.addi(zero, zero, 0), A.sb(a0, a1, 3)], { [a1]: 0x4000_0000 });
    expect([store.cpu.cause, store.cpu.tval, store.cpu.pc]).toEqual([7, 0x4000_0003, CODE + 4]);
  });
  it('load funct3 3, 6, 7 and store funct3 3+ are illegal', () => {
    for (const f3 of [3, 6, 7]) expect(start([(A.lw(a0, a1, 0) & ~0x7000) | (f3 << 12)], { [a1]: DATA }).cpu.cause).toBe(2);
    expect(start([(A.sw(a0, a1, 0) & ~0x7000) | (3 << 12)], { [a1]: DATA }).cpu.cause).toBe(2);
  });
  it('code that stores over itself runs the new instruction after fence.i', () => {
    // overwrite the instruction at +12 with addi a0, zero, 42
    const { cpu } = execute([A.sw(a2, a1, 12), A.fenceI(), A.fence(), A.addi(a0, zero, 1)], {
      [a1]: CODE,
      [a2]: A.addi(a0, zero, 42) | 0,
    });
    expect(cpu.x[a0]).toBe(42);
  });
});

describe('traps and the run loop', () => {
  it('ecall stops with cause 8 at its own pc, not retired', () => {
    const run = start([A.addi(a0, zero, 1), A.ecall()]);
    expect(run.stop).toBe(StopReason.Trap);
    expect([run.cpu.cause, run.cpu.pc, run.cpu.tval, run.cpu.instret]).toEqual([8, CODE + 4, 0, 1]);
  });
  it('resuming at pc+4 after an ecall continues the program', () => {
    const run = start([A.ecall(), A.addi(a0, zero, 7), A.ecall()]);
    run.cpu.pc += 4;
    expect(run.cpu.run(100)).toBe(StopReason.Trap);
    expect(run.cpu.x[a0]).toBe(7);
    expect(run.cpu.pc).toBe(CODE + 8);
  });
  it('an ecall hook handles the ecall inside run: the instructions before it are counted, and run goes on with the budget it returns', () => {
    // 0: addi a0,1; 4: ecall; 8: addi a0,2; 12: ecall; 16: addi a0,4; 20: j .
    const run = start([A.addi(a0, zero, 1), A.ecall(), A.addi(a0, a0, 2), A.ecall(), A.addi(a0, a0, 4), A.jal(zero, 0)], {}, 0);
    const cpu = run.cpu;
    const seen: number[][] = [];
    cpu.ecallHook = () => {
      seen.push([cpu.pc - CODE, cpu.instret, cpu.cause, cpu.x[a0]!]);
      cpu.pc += 4;
      // The second call: a budget of 2 (addi and one `j .`), as a new run(2).
      return seen.length === 1 ? 100 : 2;
    };
    expect(cpu.run(1000)).toBe(StopReason.Budget);
    expect(seen).toEqual([
      [4, 1, 8, 1],
      [12, 2, 8, 3],
    ]);
    expect([cpu.instret, cpu.x[a0], cpu.pc - CODE]).toEqual([4, 7, 20]);
  });
  it('an ecall hook that returns 0 ends run with StopReason.Ecall at the pc it set; an odd pc it sets traps as run would', () => {
    const run = start([A.ecall(), A.addi(a0, zero, 7), A.ecall()], {}, 0);
    const cpu = run.cpu;
    cpu.ecallHook = () => {
      cpu.pc += 4;
      return 0;
    };
    expect(cpu.run(100)).toBe(StopReason.Ecall);
    expect([cpu.pc - CODE, cpu.instret]).toEqual([4, 0]);
    cpu.ecallHook = () => {
      cpu.pc = CODE + 1;
      return 10;
    };
    expect(cpu.run(100)).toBe(StopReason.Trap);
    expect([cpu.cause, cpu.tval, cpu.instret, cpu.x[a0]]).toEqual([0, CODE + 1, 1, 7]);
    // Other traps do not go to the hook.
    cpu.pc = CODE + 0x100;
    expect(cpu.run(10)).toBe(StopReason.Trap);
    expect(cpu.cause).toBe(2);
  });
  it('ebreak stops with cause 3 and the pc in tval', () => {
    const run = start([A.ebreak()]);
    expect([run.cpu.cause, run.cpu.tval, run.cpu.trapInsnLength]).toEqual([3, CODE, 4]);
  });
  it('mret, sret, wfi, sfence.vma and an all-zero word are illegal in U-mode with the word in tval', () => {
    for (const word of [0x30200073, 0x10200073, 0x10500073, 0x12000073, 0]) {
      const run = start([word]);
      expect(run.cpu.cause).toBe(2);
      expect(run.cpu.tval).toBe(word >>> 0 === 0 ? 0 : word);
    }
  });
  it('unknown major opcodes are illegal (F/D loads, OP-FP, 48-bit prefixes)', () => {
    for (const word of [0x00052007, 0x00b50553, 0x0000001f, 0xffffffff]) expect(start([word]).cpu.cause).toBe(2);
  });
  it('run(budget) stops after exactly budget instructions, so budget 1 single-steps', () => {
    const run = start([A.addi(a0, a0, 1), A.addi(a0, a0, 1), A.addi(a0, a0, 1)], {}, 2);
    expect(run.stop).toBe(StopReason.Budget);
    expect(run.cpu.x[a0]).toBe(2);
    expect(run.cpu.pc).toBe(CODE + 8);
    expect(run.cpu.run(1)).toBe(StopReason.Budget);
    expect(run.cpu.x[a0]).toBe(3);
    expect(run.cpu.instret).toBe(3);
  });
  it('fetching from an unmapped address raises an instruction access fault', () => {
    const run = start([A.jalr(zero, a1, 0)], { [a1]: 0x2000_0000 });
    expect([run.cpu.cause, run.cpu.tval, run.cpu.pc, run.cpu.trapInsnLength]).toEqual([1, 0x2000_0000, 0x2000_0000, 0]);
  });
});

describe('instruction alignment', () => {
  it('an odd pc set by the driver raises instruction address misaligned (0) without executing', () => {
    const run = start([], {}, 0);
    run.cpu.pc = CODE + 1;
    expect(run.cpu.run(10)).toBe(StopReason.Trap);
    expect([run.cpu.cause, run.cpu.tval, run.cpu.pc, run.cpu.instret]).toEqual([0, CODE + 1, CODE + 1, 0]);
  });
});

describe('reset', () => {
  it('clears registers, pc, counters, the reservation and satp', () => {
    const run = start([A.lrW(a0, a1), A.ecall()], { [a1]: DATA, [a2]: 5 });
    run.cpu.setSatp(0x8000_0000 | ((DATA + 0x1000) >>> 12));
    run.cpu.reset();
    expect([run.cpu.pc, run.cpu.instret, run.cpu.cause, run.cpu.x[a2], run.cpu.mmu.satp]).toEqual([0, 0, 0, 0, 0]);
    run.cpu.pc = CODE;
    run.cpu.x[a1] = DATA;
    expect(run.cpu.run(10)).toBe(StopReason.Trap);
    expect(run.cpu.instret).toBe(1);
  });
});
