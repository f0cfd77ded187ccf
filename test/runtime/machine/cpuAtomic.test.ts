// RV32A: LR/SC reservations and the AMOs (unprivileged spec, "A" chapter): natural alignment is
// required, rd gets the old value, SC writes 0 on success and 1 on failure.
import { describe, expect, it } from 'vitest';
import { StopReason } from '../../../runtime/machine/trap.js';
import * as A from './asm.js';
import { CODE, DATA, execute, start } from './harness.js';

const { a0, a1, a2, a3, a4, zero } = A;

describe('AMOs', () => {
  const cases: [string, (rd: number, rs2: number, rs1: number) => number, number, number, number][] = [
    ['amoswap.w', A.amoswapW, 5, 9, 9],
    ['amoadd.w wraps', A.amoaddW, 0x7fff_ffff, 1, -0x8000_0000],
    ['amoxor.w', A.amoxorW, 0b1100, 0b1010, 0b0110],
    ['amoand.w', A.amoandW, 0b1100, 0b1010, 0b1000],
    ['amoor.w', A.amoorW, 0b1100, 0b1010, 0b1110],
    ['amomin.w signed', A.amominW, -1, 1, -1],
    ['amomax.w signed', A.amomaxW, -1, 1, 1],
    ['amominu.w unsigned', A.amominuW, -1, 1, 1],
    ['amomaxu.w unsigned', A.amomaxuW, -1, 1, -1],
  ];
  for (const [name, insn, memory, operand, result] of cases) {
    it(`${name} stores ${result} and returns the old value`, () => {
      const { cpu, ram } = execute([A.sw(a3, a1, 0), insn(a0, a2, a1)], { [a1]: DATA, [a2]: operand, [a3]: memory });
      expect(cpu.x[a0]).toBe(memory);
      expect(ram.readU32(DATA) | 0).toBe(result);
    });
  }
  it('an AMO with rd = rs2 reads the operand before writing the old value', () => {
    const { cpu, ram } = execute([A.sw(a3, a1, 0), A.amoaddW(a2, a2, a1)], { [a1]: DATA, [a2]: 5, [a3]: 10 });
    expect(cpu.x[a2]).toBe(10);
    expect(ram.readU32(DATA)).toBe(15);
  });
  it('misaligned AMOs raise store/AMO address misaligned (6) with the address', () => {
    const run = start([A.amoaddW(a0, a2, a1)], { [a1]: DATA + 2 });
    expect([run.stop, run.cpu.cause, run.cpu.tval]).toEqual([StopReason.Trap, 6, DATA + 2]);
  });
  it('AMOs outside RAM raise store/AMO access faults', () => {
    expect(start([A.amoswapW(a0, a2, a1)], { [a1]: 0x1000_0000 }).cpu.cause).toBe(7);
  });
  it('unassigned AMO funct5 values and widths other than .W are illegal', () => {
    const bad5 = (A.amoaddW(a0, a2, a1) | (0b00101 << 27)) >>> 0;
    expect(start([bad5], { [a1]: DATA }).cpu.cause).toBe(2);
    const doubleword = ((A.amoaddW(a0, a2, a1) & ~0x7000) | (3 << 12)) >>> 0;
    expect(start([doubleword], { [a1]: DATA }).cpu.cause).toBe(2);
  });
  it('aq and rl bits change nothing on one hart', () => {
    const word = (A.amoaddW(a0, a2, a1) | (3 << 25)) >>> 0;
    const { ram } = execute([word], { [a1]: DATA, [a2]: 3 });
    expect(ram.readU32(DATA)).toBe(3);
  });
});

describe('LR/SC', () => {
  it('sc.w after lr.w to the same address succeeds (rd = 0) and stores', () => {
    const { cpu, ram } = execute([A.lrW(a0, a1), A.addi(a0, a0, 1), A.scW(a3, a0, a1)], { [a1]: DATA });
    expect(cpu.x[a3]).toBe(0);
    expect(ram.readU32(DATA)).toBe(1);
  });
  it('sc.w without a reservation fails (rd = 1) and does not store', () => {
    const { cpu, ram } = execute([A.scW(a3, a2, a1)], { [a1]: DATA, [a2]: 9 });
    expect(cpu.x[a3]).toBe(1);
    expect(ram.readU32(DATA)).toBe(0);
  });
  it('sc.w to another address than the reservation fails', () => {
    const { cpu, ram } = execute([A.lrW(a0, a1), A.scW(a3, a2, a4)], { [a1]: DATA, [a4]: DATA + 4, [a2]: 9 });
    expect(cpu.x[a3]).toBe(1);
    expect(ram.readU32(DATA + 4)).toBe(0);
  });
  it('an sc.w clears the reservation whether it succeeds or not', () => {
    const { cpu } = execute([A.lrW(a0, a1), A.scW(a3, a2, a1), A.scW(a4, a2, a1)], { [a1]: DATA });
    expect([cpu.x[a3], cpu.x[a4]]).toEqual([0, 1]);
  });
  it('a trap between lr.w and sc.w cancels the reservation', () => {
    const run = start([A.lrW(a0, a1), A.ecall(), A.scW(a3, a2, a1), A.ecall()], { [a1]: DATA });
    expect(run.cpu.cause).toBe(8);
    run.cpu.pc += 4;
    run.cpu.run(10);
    expect(run.cpu.x[a3]).toBe(1);
  });
  it('cancelReservation makes the next sc.w fail', () => {
    const run = start([A.lrW(a0, a1), A.scW(a3, a2, a1), A.ecall()], { [a1]: DATA }, 1);
    run.cpu.cancelReservation();
    run.cpu.run(10);
    expect(run.cpu.x[a3]).toBe(1);
  });
  it('misaligned lr.w raises load address misaligned (4), misaligned sc.w 6', () => {
    expect(start([A.lrW(a0, a1)], { [a1]: DATA + 1 }).cpu.cause).toBe(4);
    expect(start([A.scW(a0, a2, a1)], { [a1]: DATA + 2 }).cpu.cause).toBe(6);
  });
  it('lr.w with rs2 not zero is illegal', () => {
    expect(start([(A.lrW(a0, a1) | (5 << 20)) >>> 0], { [a1]: DATA }).cpu.cause).toBe(2);
  });
  it('an LR/SC retry loop increments a counter', () => {
    // retry: lr.w a0,(a1); addi a0,a0,1; sc.w a3,a0,(a1); bnez a3, retry
    const { ram } = execute([A.lrW(a0, a1), A.addi(a0, a0, 1), A.scW(a3, a0, a1), A.bne(a3, zero, -12)], { [a1]: DATA });
    expect(ram.readU32(DATA)).toBe(1);
    expect(CODE).toBe(0x8000_0000);
  });
});
