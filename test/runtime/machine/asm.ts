// A tiny RV32IMAC instruction encoder for the machine tests (RISC-V unprivileged spec, "Base
// Instruction Formats"): each helper returns the instruction word, so tests stay self-contained.

const R = (funct7: number, rs2: number, rs1: number, funct3: number, rd: number, opcode: number): number =>
  ((funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode) >>> 0;
const I = (imm: number, rs1: number, funct3: number, rd: number, opcode: number): number =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode) >>> 0;
const S = (imm: number, rs2: number, rs1: number, funct3: number): number =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | ((imm & 31) << 7) | 0x23) >>> 0;
const B = (imm: number, rs2: number, rs1: number, funct3: number): number =>
  ((((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) |
    (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7) | 0x63) >>> 0;

/** ABI register numbers. */
export const zero = 0, ra = 1, sp = 2, gp = 3, tp = 4, t0 = 5, t1 = 6, t2 = 7, s0 = 8, s1 = 9;
export const a0 = 10, a1 = 11, a2 = 12, a3 = 13, a4 = 14, a5 = 15, a6 = 16, a7 = 17;

export const lui = (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37) >>> 0;
export const auipc = (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x17) >>> 0;
export const jal = (rd: number, imm: number) =>
  ((((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20) |
    (((imm >> 12) & 0xff) << 12) | (rd << 7) | 0x6f) >>> 0;
export const jalr = (rd: number, rs1: number, imm: number) => I(imm, rs1, 0, rd, 0x67);
export const beq = (rs1: number, rs2: number, imm: number) => B(imm, rs2, rs1, 0);
export const bne = (rs1: number, rs2: number, imm: number) => B(imm, rs2, rs1, 1);
export const blt = (rs1: number, rs2: number, imm: number) => B(imm, rs2, rs1, 4);
export const bge = (rs1: number, rs2: number, imm: number) => B(imm, rs2, rs1, 5);
export const bltu = (rs1: number, rs2: number, imm: number) => B(imm, rs2, rs1, 6);
export const bgeu = (rs1: number, rs2: number, imm: number) => B(imm, rs2, rs1, 7);
export const lb = (rd: number, rs1: number, imm: number) => I(imm, rs1, 0, rd, 0x03);
export const lh = (rd: number, rs1: number, imm: number) => I(imm, rs1, 1, rd, 0x03);
export const lw = (rd: number, rs1: number, imm: number) => I(imm, rs1, 2, rd, 0x03);
export const lbu = (rd: number, rs1: number, imm: number) => I(imm, rs1, 4, rd, 0x03);
export const lhu = (rd: number, rs1: number, imm: number) => I(imm, rs1, 5, rd, 0x03);
export const sb = (rs2: number, rs1: number, imm: number) => S(imm, rs2, rs1, 0);
export const sh = (rs2: number, rs1: number, imm: number) => S(imm, rs2, rs1, 1);
export const sw = (rs2: number, rs1: number, imm: number) => S(imm, rs2, rs1, 2);
export const addi = (rd: number, rs1: number, imm: number) => I(imm, rs1, 0, rd, 0x13);
export const slti = (rd: number, rs1: number, imm: number) => I(imm, rs1, 2, rd, 0x13);
export const sltiu = (rd: number, rs1: number, imm: number) => I(imm, rs1, 3, rd, 0x13);
export const xori = (rd: number, rs1: number, imm: number) => I(imm, rs1, 4, rd, 0x13);
export const ori = (rd: number, rs1: number, imm: number) => I(imm, rs1, 6, rd, 0x13);
export const andi = (rd: number, rs1: number, imm: number) => I(imm, rs1, 7, rd, 0x13);
export const slli = (rd: number, rs1: number, shamt: number) => I(shamt, rs1, 1, rd, 0x13);
export const srli = (rd: number, rs1: number, shamt: number) => I(shamt, rs1, 5, rd, 0x13);
export const srai = (rd: number, rs1: number, shamt: number) => I(0x400 | shamt, rs1, 5, rd, 0x13);
const op = (funct7: number, funct3: number) => (rd: number, rs1: number, rs2: number) => R(funct7, rs2, rs1, funct3, rd, 0x33);
export const add = op(0, 0), sub = op(0x20, 0), sll = op(0, 1), slt = op(0, 2), sltu = op(0, 3);
export const xor = op(0, 4), srl = op(0, 5), sra = op(0x20, 5), or = op(0, 6), and = op(0, 7);
export const mul = op(1, 0), mulh = op(1, 1), mulhsu = op(1, 2), mulhu = op(1, 3);
export const div = op(1, 4), divu = op(1, 5), rem = op(1, 6), remu = op(1, 7);
export const fence = () => 0x0ff0000f;
export const fenceI = () => 0x0000100f;
export const ecall = () => 0x00000073;
export const ebreak = () => 0x00100073;
const csr = (funct3: number) => (rd: number, csrNumber: number, rs1OrUimm: number) => I(csrNumber, rs1OrUimm, funct3, rd, 0x73);
export const csrrw = csr(1), csrrs = csr(2), csrrc = csr(3), csrrwi = csr(5), csrrsi = csr(6), csrrci = csr(7);
const amo = (funct5: number) => (rd: number, rs2: number, rs1: number) => R(funct5 << 2, rs2, rs1, 2, rd, 0x2f);
export const lrW = (rd: number, rs1: number) => amo(0b00010)(rd, 0, rs1);
export const scW = amo(0b00011), amoswapW = amo(0b00001), amoaddW = amo(0b00000), amoxorW = amo(0b00100);
export const amoandW = amo(0b01100), amoorW = amo(0b01000), amominW = amo(0b10000), amomaxW = amo(0b10100);
export const amominuW = amo(0b11000), amomaxuW = amo(0b11100);
