// Zicsr from U-mode: the counters cycle/time/instret and their h halves are readable, read-only;
// every other CSR (F/D ones included) is illegal.
import { describe, expect, it } from 'vitest';
import { CSR_CYCLE, CSR_CYCLEH, CSR_INSTRET, CSR_INSTRETH, CSR_TIME, CSR_TIMEH, readCounterCsr } from '../../../runtime/machine/csr.js';
import { VirtualClock } from '../../../runtime/machine/clock.js';
import * as A from './asm.js';
import { execute, start } from './harness.js';

const { a0, a1, a2, zero } = A;

describe('counter CSRs', () => {
  it('instret and cycle read the instructions retired before the reading instruction', () => {
    const { cpu } = execute([A.addi(zero, zero, 0), A.addi(zero, zero, 0), A.csrrs(a0, CSR_INSTRET, zero), A.csrrs(a1, CSR_CYCLE, zero)]);
    expect(cpu.x[a0]).toBe(2);
    expect(cpu.x[a1]).toBe(3);
  });
  it('time counts timebase ticks of virtual time: one tick per 10 instructions by default', () => {
    const program = [A.addi(a2, zero, 25), A.addi(a2, a2, -1), A.bne(a2, zero, -4), A.csrrs(a0, CSR_TIME, zero)];
    const { cpu } = execute(program);
    expect(cpu.x[a0]).toBe(Math.floor((1 + 50) / 10));
  });
  it('the h halves carry bits 63:32', () => {
    expect(readCounterCsr(CSR_INSTRETH, 2 ** 32 + 5, 0)).toBe(1);
    expect(readCounterCsr(CSR_CYCLE, 2 ** 32 + 5, 0)).toBe(5);
    expect(readCounterCsr(CSR_TIMEH, 0, 3 * 2 ** 32 + 1)).toBe(3);
    expect(readCounterCsr(CSR_CYCLEH, 7, 0)).toBe(0);
    const { cpu } = execute([A.csrrs(a0, CSR_TIMEH, zero), A.csrrsi(a1, CSR_INSTRETH, 0)]);
    expect([cpu.x[a0], cpu.x[a1]]).toEqual([0, 0]);
  });
  it('csrrs/csrrc with rs1 = x0 and csrrsi/csrrci with uimm 0 only read', () => {
    const { cpu } = execute([A.csrrc(a0, CSR_INSTRET, zero), A.csrrci(a1, CSR_INSTRET, 0)]);
    expect([cpu.x[a0], cpu.x[a1]]).toEqual([0, 1]);
  });
  it('writing a counter is illegal, even csrrw with rd = x0 or csrrs with a nonzero rs1', () => {
    for (const word of [A.csrrw(zero, CSR_CYCLE, a1), A.csrrs(a0, CSR_TIME, a1), A.csrrwi(a0, CSR_INSTRET, 0), A.csrrci(a0, CSR_CYCLE, 1)]) {
      const run = start([word]);
      expect(run.cpu.cause).toBe(2);
      expect(run.cpu.tval).toBe(word);
    }
  });
  it('F/D CSRs, S/M-mode CSRs, unimplemented counters and unknown numbers are illegal', () => {
    for (const csr of [0x001, 0x002, 0x003, 0x100, 0x180, 0x300, 0xf14, 0xc03, 0xc1f, 0x7c0, 0xfff]) {
      expect(start([A.csrrs(a0, csr, zero)]).cpu.cause).toBe(2);
    }
  });
  it('SYSTEM funct3 4 is illegal', () => {
    expect(start([(A.csrrs(a0, CSR_CYCLE, zero) & ~0x7000) | (4 << 12)]).cpu.cause).toBe(2);
  });
});

describe('VirtualClock', () => {
  it('converts retired instructions to timebase ticks and nanoseconds', () => {
    let retired = 1_000_000;
    const clock = new VirtualClock(() => retired, 10_000_000, 100_000_000);
    expect(clock.now()).toBe(100_000);
    expect(clock.nanoseconds()).toBe(10_000_000n);
    retired = 19;
    expect(clock.now()).toBe(1);
    expect(clock.retiredAtTicks(3)).toBe(30);
  });
  it('handles frequencies that do not divide each other', () => {
    const clock = new VirtualClock(() => 1_000, 3, 7);
    expect(clock.now()).toBe(Math.floor((1_000 * 3) / 7));
  });
});
