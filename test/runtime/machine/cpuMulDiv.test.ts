// RV32M: products and quotients as the unprivileged spec's "M" chapter defines them, including the
// division-by-zero and overflow results of its table "Semantics for division by zero and overflow".
import { describe, expect, it } from 'vitest';
import { mulh, mulhsu, mulhu } from '../../../runtime/machine/cpu.js';
import * as A from './asm.js';
import { StopReason } from '../../../runtime/machine/trap.js';
import { CODE, execute, makeMachine, place } from './harness.js';

const { a0, a1, a2 } = A;
const MIN = -0x8000_0000;

function rr(insn: (rd: number, rs1: number, rs2: number) => number, x: number, y: number): number {
  return execute([insn(a0, a1, a2)], { [a1]: x, [a2]: y }).cpu.x[a0]!;
}

/** Reference high words computed with BigInt (tests only; the CPU avoids BigInt). */
const high = (product: bigint): number => Number(BigInt.asIntN(32, product >> 32n));
const u = (v: number) => BigInt(v >>> 0);
const s = (v: number) => BigInt(v | 0);

describe('RV32M multiplication', () => {
  it('mul keeps the low 32 bits', () => {
    expect(rr(A.mul, 0x1234_5678, 0x9abc_def0 | 0)).toBe(Number(BigInt.asIntN(32, u(0x1234_5678) * u(0x9abc_def0))));
    expect(rr(A.mul, -1, -1)).toBe(1);
    expect(rr(A.mul, MIN, -1)).toBe(MIN);
  });
  const samples = [0, 1, -1, 2, -2, 3, 0x7fff_ffff, MIN, 0x1234_5678, 0x9abc_def0 | 0, 0xffff, 0x1_0000, -0x1_0000, 0xdead_beef | 0];
  it('mulh, mulhsu and mulhu agree with 64-bit products for every pair of edge values', () => {
    for (const x of samples) {
      for (const y of samples) {
        expect(mulh(x, y)).toBe(high(s(x) * s(y)));
        expect(mulhsu(x, y)).toBe(high(s(x) * u(y)));
        expect(mulhu(x, y)).toBe(high(u(x) * u(y)));
      }
    }
  });
  it('the mulh instructions execute through the same helpers', () => {
    expect(rr(A.mulh, MIN, MIN)).toBe(0x4000_0000);
    expect(rr(A.mulhsu, -1, -1)).toBe(-1);
    expect(rr(A.mulhu, -1, -1)).toBe(-2);
    expect(rr(A.mulh, -1, 1)).toBe(-1);
  });
});

describe('RV32M division', () => {
  it('div and rem truncate toward zero; the remainder takes the dividend sign', () => {
    expect(rr(A.div, -7, 2)).toBe(-3);
    expect(rr(A.rem, -7, 2)).toBe(-1);
    expect(rr(A.div, 7, -2)).toBe(-3);
    expect(rr(A.rem, 7, -2)).toBe(1);
  });
  it('divu and remu treat operands as unsigned', () => {
    expect(rr(A.divu, -1, 2)).toBe(0x7fff_ffff);
    expect(rr(A.remu, -1, 16)).toBe(15);
    expect(rr(A.divu, -2, -1)).toBe(0);
    expect(rr(A.remu, 5, -1)).toBe(5);
  });
  it('division by zero: quotient all ones, remainder the dividend', () => {
    expect(rr(A.div, 42, 0)).toBe(-1);
    expect(rr(A.divu, 42, 0)).toBe(-1);
    expect(rr(A.rem, -42, 0)).toBe(-42);
    expect(rr(A.remu, -42, 0)).toBe(-42);
  });
  it('signed overflow: -2^31 / -1 = -2^31 with remainder 0', () => {
    expect(rr(A.div, MIN, -1)).toBe(MIN);
    expect(rr(A.rem, MIN, -1)).toBe(0);
  });
  it('OP with an unassigned funct7 is illegal', () => {
    const word = (A.add(a0, a1, a2) | (0x02 << 25)) >>> 0;
    expect(() => execute([word])).toThrow(/cause 2/);
  });
});

describe('RV32M against 64-bit reference arithmetic', () => {
  it('all eight M instructions agree with BigInt on 2000 pseudo-random operand pairs', () => {
    let seed = 0x1234_5678;
    const next = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) | 0) ^ (seed >>> 13);
    const program = [A.mul(13, a1, a2), A.mulh(14, a1, a2), A.mulhsu(15, a1, a2), A.mulhu(16, a1, a2),
      A.div(17, a1, a2), A.divu(18, a1, a2), A.rem(19, a1, a2), A.remu(20, a1, a2)];
    const { cpu, ram } = makeMachine();
    place(ram, CODE, [...program, A.ecall()]);
    for (let i = 0; i < 2000; i++) {
      const x = next();
      const y = i % 7 === 0 ? (i % 2 ? 0 : -1) : next() >> (i % 31);
      cpu.x[a1] = x;
      cpu.x[a2] = y;
      cpu.pc = CODE;
      expect(cpu.run(100)).toBe(StopReason.Trap);
      const r = cpu.x;
      const low = (v: bigint) => Number(BigInt.asIntN(32, v));
      expect(r[13]).toBe(low(s(x) * s(y)));
      expect(r[14]).toBe(high(s(x) * s(y)));
      expect(r[15]).toBe(high(s(x) * u(y)));
      expect(r[16]).toBe(high(u(x) * u(y)));
      const overflow = x === MIN && y === -1;
      expect(r[17]).toBe(y === 0 ? -1 : overflow ? MIN : low(s(x) / s(y)));
      expect(r[18]).toBe(y === 0 ? -1 : low(u(x) / u(y)));
      expect(r[19]).toBe(y === 0 ? x : overflow ? 0 : low(s(x) % s(y)));
      expect(r[20]).toBe(y === 0 ? x : low(u(x) % u(y)));
    }
  });
});
