// Disassembler for traces: one instruction word to text in the style of `llvm-objdump -M
// no-aliases` (ABI register names, absolute branch targets). Compressed instructions print as
// their 32-bit expansion, the form the CPU executes.
import { CSR_NAMES } from './csr.js';
import { expandRvc } from './rvc.js';

export const REGISTER_NAMES: readonly string[] = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];

const hex = (value: number) => `0x${(value >>> 0).toString(16)}`;
const OP_NAMES: Readonly<Record<number, string>> = {
  0x000: 'add', 0x020: 'sub', 0x080: 'sll', 0x100: 'slt', 0x180: 'sltu', 0x200: 'xor', 0x280: 'srl',
  0x2a0: 'sra', 0x300: 'or', 0x380: 'and', 0x001: 'mul', 0x081: 'mulh', 0x101: 'mulhsu', 0x181: 'mulhu',
  0x201: 'div', 0x281: 'divu', 0x301: 'rem', 0x381: 'remu',
};
const AMO_NAMES: Readonly<Record<number, string>> = {
  0b00010: 'lr.w', 0b00011: 'sc.w', 0b00001: 'amoswap.w', 0b00000: 'amoadd.w', 0b00100: 'amoxor.w',
  0b01100: 'amoand.w', 0b01000: 'amoor.w', 0b10000: 'amomin.w', 0b10100: 'amomax.w', 0b11000: 'amominu.w',
  0b11100: 'amomaxu.w',
};

/**
 * The text of the instruction `insn` at `pc`. A value whose low two bits are not 11 is a 16-bit
 * instruction (only its low halfword is used). Encodings the CPU rejects print as `illegal <hex>`.
 */
export function disassemble(insn: number, pc: number): string {
  if ((insn & 3) !== 3) {
    const half = insn & 0xffff;
    const expanded = expandRvc(half);
    return expanded === 0 ? `illegal ${hex(half)}` : disassemble32(expanded >>> 0, pc);
  }
  return disassemble32(insn >>> 0, pc);
}

function disassemble32(insn: number, pc: number): string {
  const rd = REGISTER_NAMES[(insn >> 7) & 31]!;
  const rs1 = REGISTER_NAMES[(insn >> 15) & 31]!;
  const rs2 = REGISTER_NAMES[(insn >> 20) & 31]!;
  const funct3 = (insn >> 12) & 7;
  const immI = insn >> 20;
  const illegal = `illegal ${hex(insn)}`;
  switch (insn & 0x7f) {
    case 0x37:
      return `lui ${rd}, ${hex(insn >>> 12)}`;
    case 0x17:
      return `auipc ${rd}, ${hex(insn >>> 12)}`;
    case 0x6f: {
      const offset = ((insn >> 31) << 20) | (insn & 0xff000) | ((insn >>> 9) & 0x800) | ((insn >>> 20) & 0x7fe);
      return `jal ${rd}, ${hex(pc + offset)}`;
    }
    case 0x67:
      return funct3 === 0 ? `jalr ${rd}, ${immI}(${rs1})` : illegal;
    case 0x63: {
      const names = ['beq', 'bne', '', '', 'blt', 'bge', 'bltu', 'bgeu'];
      const offset = ((insn >> 31) << 12) | ((insn << 4) & 0x800) | ((insn >>> 20) & 0x7e0) | ((insn >>> 7) & 0x1e);
      return names[funct3] ? `${names[funct3]} ${rs1}, ${rs2}, ${hex(pc + offset)}` : illegal;
    }
    case 0x03: {
      const names = ['lb', 'lh', 'lw', '', 'lbu', 'lhu', '', ''];
      return names[funct3] ? `${names[funct3]} ${rd}, ${immI}(${rs1})` : illegal;
    }
    case 0x23: {
      const names = ['sb', 'sh', 'sw'];
      const offset = ((insn >> 25) << 5) | ((insn >> 7) & 31);
      return names[funct3] ? `${names[funct3]} ${rs2}, ${offset}(${rs1})` : illegal;
    }
    case 0x13: {
      const shamt = (insn >> 20) & 31;
      switch (funct3) {
        case 1:
          return insn >>> 25 === 0 ? `slli ${rd}, ${rs1}, ${shamt}` : illegal;
        case 5:
          if (insn >>> 25 === 0) return `srli ${rd}, ${rs1}, ${shamt}`;
          return insn >>> 25 === 0x20 ? `srai ${rd}, ${rs1}, ${shamt}` : illegal;
        default:
          return `${['addi', '', 'slti', 'sltiu', 'xori', '', 'ori', 'andi'][funct3]} ${rd}, ${rs1}, ${immI}`;
      }
    }
    case 0x33: {
      const name = OP_NAMES[(insn >>> 25) | ((insn >> 5) & 0x380)];
      return name ? `${name} ${rd}, ${rs1}, ${rs2}` : illegal;
    }
    case 0x0f:
      if (funct3 === 0) return 'fence';
      return funct3 === 1 ? 'fence.i' : illegal;
    case 0x2f: {
      const name = AMO_NAMES[insn >>> 27];
      if (funct3 !== 2 || !name) return illegal;
      const suffix = `${insn & (1 << 26) ? '.aq' : ''}${insn & (1 << 25) ? '.rl' : ''}`;
      if (name === 'lr.w') return `lr.w${suffix} ${rd}, (${rs1})`;
      return `${name}${suffix} ${rd}, ${rs2}, (${rs1})`;
    }
    case 0x73: {
      if (funct3 === 0) {
        if (insn === 0x73) return 'ecall';
        if (insn === 0x0010_0073) return 'ebreak';
        if (insn === 0x1050_0073) return 'wfi';
        if (insn === 0x3020_0073) return 'mret';
        if (insn === 0x1020_0073) return 'sret';
        return illegal;
      }
      if (funct3 === 4) return illegal;
      const csr = insn >>> 20;
      const csrName = CSR_NAMES[csr] ?? hex(csr);
      const names = ['', 'csrrw', 'csrrs', 'csrrc', '', 'csrrwi', 'csrrsi', 'csrrci'];
      const source = funct3 >= 5 ? String((insn >> 15) & 31) : rs1;
      return `${names[funct3]} ${rd}, ${csrName}, ${source}`;
    }
    default:
      return illegal;
  }
}
