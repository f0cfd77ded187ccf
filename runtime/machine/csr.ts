// The CSRs a U-mode hart can reach: the Zicntr counters `cycle`, `time`, `instret` and their `h`
// halves (read-only; RISC-V unprivileged spec, "Counters"). Every other CSR number is illegal here,
// the F/D CSRs (fflags, frm, fcsr) included since this hart has no FPU.

export const CSR_CYCLE = 0xc00;
export const CSR_TIME = 0xc01;
export const CSR_INSTRET = 0xc02;
export const CSR_CYCLEH = 0xc80;
export const CSR_TIMEH = 0xc81;
export const CSR_INSTRETH = 0xc82;

/** CSR names for the disassembler. */
export const CSR_NAMES: Readonly<Record<number, string>> = {
  [CSR_CYCLE]: 'cycle',
  [CSR_TIME]: 'time',
  [CSR_INSTRET]: 'instret',
  [CSR_CYCLEH]: 'cycleh',
  [CSR_TIMEH]: 'timeh',
  [CSR_INSTRETH]: 'instreth',
  0x001: 'fflags',
  0x002: 'frm',
  0x003: 'fcsr',
  0x100: 'sstatus',
  0x180: 'satp',
  0x300: 'mstatus',
  0x305: 'mtvec',
  0x341: 'mepc',
  0x342: 'mcause',
  0x343: 'mtval',
  0xf14: 'mhartid',
};

/**
 * The value (as int32) of counter CSR `csr` given the cycle/instret count and the `time` count, or
 * undefined when `csr` is not readable from U-mode. Cycles equal retired instructions (one
 * instruction per cycle of virtual time).
 */
export function readCounterCsr(csr: number, retired: number, ticks: number): number | undefined {
  switch (csr) {
    case CSR_CYCLE:
    case CSR_INSTRET:
      return retired | 0;
    case CSR_CYCLEH:
    case CSR_INSTRETH:
      return Math.floor(retired / 0x1_0000_0000) | 0;
    case CSR_TIME:
      return ticks | 0;
    case CSR_TIMEH:
      return Math.floor(ticks / 0x1_0000_0000) | 0;
    default:
      return undefined;
  }
}
