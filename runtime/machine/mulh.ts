// The high halves of RV32M's 64-bit products (RISC-V unprivileged spec, "M" extension: MULH,
// MULHSU, MULHU) from 16-bit partial products, without BigInt; shared by the interpreter and blocks.

/** High 32 bits of the unsigned 64-bit product of `a` and `b`, from 16-bit partial products. */
export function mulhu(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const lh = al * bh;
  const hl = ah * bl;
  const middle = ((al * bl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + (middle >>> 16)) | 0;
}

/** High 32 bits of the signed × signed product (unsigned high minus the sign corrections). */
export function mulh(a: number, b: number): number {
  return (mulhu(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
}

/** High 32 bits of signed `a` × unsigned `b`. */
export function mulhsu(a: number, b: number): number {
  return (mulhu(a, b) - (a < 0 ? b : 0)) | 0;
}
