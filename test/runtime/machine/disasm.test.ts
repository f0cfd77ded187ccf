// The trace disassembler prints instructions as llvm-objdump -M no-aliases does.
import { describe, expect, it } from 'vitest';
import { disassemble } from '../../../runtime/machine/disasm.js';
import * as A from './asm.js';

const PC = 0x8000_0000;

describe('disassemble', () => {
  const cases: [number, string][] = [
    [A.addi(A.a0, A.sp, -16), 'addi a0, sp, -16'],
    [A.lui(A.a0, 0xfffff), 'lui a0, 0xfffff'],
    [A.auipc(A.t0, 1), 'auipc t0, 0x1'],
    [A.jal(A.ra, -8), 'jal ra, 0x7ffffff8'],
    [A.jalr(A.zero, A.ra, 0), 'jalr zero, 0(ra)'],
    [A.bgeu(A.a0, A.a1, 16), 'bgeu a0, a1, 0x80000010'],
    [A.lbu(A.a0, A.a1, -1), 'lbu a0, -1(a1)'],
    [A.sw(A.a2, A.sp, 12), 'sw a2, 12(sp)'],
    [A.srai(A.a0, A.a0, 3), 'srai a0, a0, 3'],
    [A.sltu(A.a0, A.a1, A.a2), 'sltu a0, a1, a2'],
    [A.mulhsu(A.s0, A.s1, A.a7), 'mulhsu s0, s1, a7'],
    [A.remu(A.t0, A.t1, A.t2), 'remu t0, t1, t2'],
    [A.lrW(A.a0, A.a1), 'lr.w a0, (a1)'],
    [A.amomaxuW(A.a0, A.a2, A.a1), 'amomaxu.w a0, a2, (a1)'],
    [A.csrrs(A.a0, 0xc01, A.zero), 'csrrs a0, time, zero'],
    [A.csrrwi(A.a0, 0x123, 5), 'csrrwi a0, 0x123, 5'],
    [A.ecall(), 'ecall'],
    [A.fenceI(), 'fence.i'],
    [0x0808, 'addi a0, sp, 16'],
    [0xa021, 'jal zero, 0x80000008'],
    [0x0000, 'illegal 0x0'],
    [0xffffffff, 'illegal 0xffffffff'],
  ];
  for (const [insn, text] of cases) {
    it(`prints ${text}`, () => expect(disassemble(insn, PC)).toBe(text));
  }
});

describe('tracing with run(1)', () => {
  it('single-steps a program, printing each instruction before it runs', async () => {
    const { makeMachine, place, c, CODE } = await import('./harness.js');
    const m = makeMachine();
    place(m.ram, CODE, [A.addi(A.a0, A.zero, 3), c(0x157d), A.bne(A.a0, A.zero, -2), A.ecall()]);
    const trace: string[] = [];
    for (let step = 0; step < 8; step++) {
      const insn = m.cpu.peekInstruction();
      trace.push(`${m.cpu.pc.toString(16)}: ${insn === undefined ? '?' : disassemble(insn, m.cpu.pc)}`);
      if (m.cpu.run(1) !== 0) break;
    }
    expect(trace).toEqual([
      '80000000: addi a0, zero, 3',
      '80000004: addi a0, a0, -1',
      '80000006: bne a0, zero, 0x80000004',
      '80000004: addi a0, a0, -1',
      '80000006: bne a0, zero, 0x80000004',
      '80000004: addi a0, a0, -1',
      '80000006: bne a0, zero, 0x80000004',
      '8000000a: ecall',
    ]);
    expect(m.cpu.cause).toBe(8);
  });
});
