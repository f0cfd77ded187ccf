// RV32C: every 16-bit instruction expanded to its 32-bit equivalent (RISC-V unprivileged spec,
// chapter "C" Standard Extension, tables of RVC opcode maps). 0 marks reserved and illegal encodings.

const OP_IMM = 0x13;
const OP = 0x33;
const LOAD = 0x03;
const STORE = 0x23;
const LUI = 0x37;
const JAL = 0x6f;
const JALR = 0x67;
const BRANCH = 0x63;
const EBREAK = 0x00100073;

function encodeI(opcode: number, rd: number, funct3: number, rs1: number, imm: number): number {
  return ((imm & 0xfff) << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode;
}
function encodeR(funct7: number, rs2: number, rs1: number, funct3: number, rd: number): number {
  return (funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | OP;
}
function encodeS(funct3: number, rs1: number, rs2: number, imm: number): number {
  return (((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | ((imm & 0x1f) << 7) | STORE;
}
function encodeB(funct3: number, rs1: number, rs2: number, imm: number): number {
  return (
    (((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) |
    (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7) | BRANCH
  );
}
function encodeJ(rd: number, imm: number): number {
  return (
    (((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20) |
    (((imm >> 12) & 0xff) << 12) | (rd << 7) | JAL
  );
}

/** Sign-extends the low `bits` bits of `value`. */
function signExtend(value: number, bits: number): number {
  return (value << (32 - bits)) >> (32 - bits);
}

/** The 6-bit immediate of CI-format instructions: imm[5] = bit 12, imm[4:0] = bits 6:2. */
function ciImmediate(h: number): number {
  return signExtend(((h >> 7) & 0x20) | ((h >> 2) & 0x1f), 6);
}

/** The jump offset of c.j/c.jal: offset[11|4|9:8|10|6|7|3:1|5] in bits 12:2. */
function cjOffset(h: number): number {
  return signExtend(
    ((h >> 1) & 0x800) | ((h >> 7) & 0x10) | ((h >> 1) & 0x300) | ((h << 2) & 0x400) |
      ((h >> 1) & 0x40) | ((h << 1) & 0x80) | ((h >> 2) & 0xe) | ((h << 3) & 0x20),
    12,
  );
}

/** The branch offset of c.beqz/c.bnez: offset[8|4:3] in bits 12:10, offset[7:6|2:1|5] in bits 6:2. */
function cbOffset(h: number): number {
  return signExtend(
    ((h >> 4) & 0x100) | ((h >> 7) & 0x18) | ((h << 1) & 0xc0) | ((h >> 2) & 6) | ((h << 3) & 0x20),
    9,
  );
}

/**
 * The 32-bit instruction a 16-bit one stands for, or 0 when the encoding is reserved, a custom
 * (NSE) code point, RV64/RV128-only or an F/D instruction (this hart has no FPU). HINTs (rd = x0
 * forms, c.addi with 0, shifts by 0) are legal and expand to instructions that change nothing.
 */
export function expandCompressed(h: number): number {
  const quadrant = h & 3;
  const funct3 = (h >> 13) & 7;
  const rdFull = (h >> 7) & 31;
  const rs2Full = (h >> 2) & 31;
  const rdPrime = 8 + ((h >> 2) & 7);
  const rs1Prime = 8 + ((h >> 7) & 7);
  if (quadrant === 0) {
    switch (funct3) {
      case 0: {
        // c.addi4spn: nzuimm[5:4|9:6|2|3] in bits 12:5; nzuimm = 0 is reserved (so is 0x0000)
        const imm = ((h >> 7) & 0x30) | ((h >> 1) & 0x3c0) | ((h >> 4) & 4) | ((h >> 2) & 8);
        return imm === 0 ? 0 : encodeI(OP_IMM, rdPrime, 0, 2, imm);
      }
      case 2: {
        // c.lw: uimm[5:3] in bits 12:10, uimm[2|6] in bits 6:5
        const imm = ((h >> 7) & 0x38) | ((h >> 4) & 4) | ((h << 1) & 0x40);
        return encodeI(LOAD, rdPrime, 2, rs1Prime, imm);
      }
      case 6: {
        const imm = ((h >> 7) & 0x38) | ((h >> 4) & 4) | ((h << 1) & 0x40);
        return encodeS(2, rs1Prime, rdPrime, imm);
      }
      default:
        // 1 c.fld, 3 c.flw, 5 c.fsd, 7 c.fsw (no FPU); 4 reserved
        return 0;
    }
  }
  if (quadrant === 1) {
    switch (funct3) {
      case 0:
        // c.addi (rd = 0: c.nop and HINTs; imm = 0: HINT)
        return encodeI(OP_IMM, rdFull, 0, rdFull, ciImmediate(h));
      case 1:
        // c.jal (RV32 only)
        return encodeJ(1, cjOffset(h));
      case 2:
        // c.li (rd = 0: HINT)
        return encodeI(OP_IMM, rdFull, 0, 0, ciImmediate(h));
      case 3: {
        if (rdFull === 2) {
          // c.addi16sp: nzimm[9|4|6|8:7|5] in bits 12, 6:2; nzimm = 0 is reserved
          const imm = signExtend(
            ((h >> 3) & 0x200) | ((h >> 2) & 0x10) | ((h << 1) & 0x40) | ((h << 4) & 0x180) | ((h << 3) & 0x20),
            10,
          );
          return imm === 0 ? 0 : encodeI(OP_IMM, 2, 0, 2, imm);
        }
        // c.lui: nzimm[17|16:12]; nzimm = 0 is reserved; rd = 0 is a HINT
        const imm = ciImmediate(h);
        return imm === 0 ? 0 : ((imm << 12) | (rdFull << 7) | LUI);
      }
      case 4: {
        const funct2 = (h >> 10) & 3;
        const shamt = ((h >> 7) & 0x20) | rs2Full;
        if (funct2 === 0 || funct2 === 1) {
          // c.srli / c.srai: shamt[5] = 1 is reserved (NSE) on RV32; shamt = 0 is a HINT
          if (shamt & 0x20) return 0;
          return encodeI(OP_IMM, rs1Prime, 5, rs1Prime, (funct2 === 1 ? 0x400 : 0) | shamt);
        }
        if (funct2 === 2) return encodeI(OP_IMM, rs1Prime, 7, rs1Prime, ciImmediate(h));
        // bit 12 set: c.subw/c.addw (RV64) and reserved
        if (h & 0x1000) return 0;
        const rs2Prime = rdPrime;
        switch ((h >> 5) & 3) {
          case 0:
            return encodeR(0x20, rs2Prime, rs1Prime, 0, rs1Prime);
          case 1:
            return encodeR(0, rs2Prime, rs1Prime, 4, rs1Prime);
          case 2:
            return encodeR(0, rs2Prime, rs1Prime, 6, rs1Prime);
          default:
            return encodeR(0, rs2Prime, rs1Prime, 7, rs1Prime);
        }
      }
      case 5:
        return encodeJ(0, cjOffset(h));
      case 6:
        return encodeB(0, rs1Prime, 0, cbOffset(h));
      default:
        return encodeB(1, rs1Prime, 0, cbOffset(h));
    }
  }
  if (quadrant === 2) {
    switch (funct3) {
      case 0: {
        // c.slli: shamt[5] = 1 reserved on RV32; rd = 0 or shamt = 0 are HINTs
        const shamt = ((h >> 7) & 0x20) | rs2Full;
        if (shamt & 0x20) return 0;
        return encodeI(OP_IMM, rdFull, 1, rdFull, shamt);
      }
      case 2: {
        // c.lwsp: uimm[5] in bit 12, uimm[4:2|7:6] in bits 6:2; rd = 0 is reserved
        if (rdFull === 0) return 0;
        const imm = ((h >> 7) & 0x20) | ((h >> 2) & 0x1c) | ((h << 4) & 0xc0);
        return encodeI(LOAD, rdFull, 2, 2, imm);
      }
      case 4: {
        if ((h & 0x1000) === 0) {
          if (rs2Full === 0) {
            // c.jr; rs1 = 0 is reserved
            return rdFull === 0 ? 0 : encodeI(JALR, 0, 0, rdFull, 0);
          }
          // c.mv (rd = 0: HINT)
          return encodeR(0, rs2Full, 0, 0, rdFull);
        }
        if (rs2Full === 0) {
          // c.ebreak when rs1 = 0, else c.jalr
          return rdFull === 0 ? EBREAK : encodeI(JALR, 1, 0, rdFull, 0);
        }
        // c.add (rd = 0: HINT)
        return encodeR(0, rs2Full, rdFull, 0, rdFull);
      }
      case 6: {
        // c.swsp: uimm[5:2|7:6] in bits 12:7
        const imm = ((h >> 7) & 0x3c) | ((h >> 1) & 0xc0);
        return encodeS(2, 2, rs2Full, imm);
      }
      default:
        // 1 c.fldsp, 3 c.flwsp, 5 c.fsdsp, 7 c.fswsp (no FPU)
        return 0;
    }
  }
  // quadrant 3 is not a 16-bit instruction
  return 0;
}

/**
 * `expandCompressed` of every halfword seen so far, filled as halfwords are first decoded (building
 * all 65536 at start-up cost every process ~10 ms): the CPU decodes RVC with one load. 0 is an
 * illegal halfword or one not expanded yet; `expandRvc` tells them apart.
 */
export const COMPRESSED_EXPANSION = new Int32Array(1 << 16);

/** The 32-bit equivalent of 16-bit instruction `h`, or 0 when it is illegal; fills the table. */
export function expandRvc(h: number): number {
  const known = COMPRESSED_EXPANSION[h]!;
  if (known !== 0) return known;
  const expanded = expandCompressed(h);
  COMPRESSED_EXPANSION[h] = expanded;
  return expanded;
}
