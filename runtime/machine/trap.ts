// Why the CPU left its loop: stop reasons returned by `Rv32Cpu.run` and the exception causes of the
// RISC-V privileged spec (Table "Supervisor cause register (scause) values", exception codes).

/** Return values of `Rv32Cpu.run(budget)`. */
export const StopReason = {
  /** The budget of instructions was used up; resume with `run` again. */
  Budget: 0,
  /** An exception: `cpu.cause`, `cpu.tval`, `cpu.pc` (the faulting instruction, not retired). */
  Trap: 1,
  /** `cpu.requestStop()` was called from a device access; `cpu.pc` is after the access. */
  Stopped: 2,
  /**
   * An ecall went to `cpu.ecallHook`, which handled it and asked to leave `run`: `cpu.pc` and `x`
   * are what the hook left (the next thread's, or the same thread after its system call).
   */
  Ecall: 3,
} as const;
export type StopReason = (typeof StopReason)[keyof typeof StopReason];

/** Exception codes (privileged spec, mcause/scause with interrupt bit clear). */
export const Cause = {
  InstructionMisaligned: 0,
  InstructionAccessFault: 1,
  IllegalInstruction: 2,
  Breakpoint: 3,
  LoadMisaligned: 4,
  LoadAccessFault: 5,
  StoreMisaligned: 6,
  StoreAccessFault: 7,
  EcallFromU: 8,
  EcallFromS: 9,
  EcallFromM: 11,
  InstructionPageFault: 12,
  LoadPageFault: 13,
  StorePageFault: 15,
} as const;
export type Cause = (typeof Cause)[keyof typeof Cause];

const CAUSE_NAMES: Record<number, string> = {
  0: 'instruction address misaligned',
  1: 'instruction access fault',
  2: 'illegal instruction',
  3: 'breakpoint',
  4: 'load address misaligned',
  5: 'load access fault',
  6: 'store/AMO address misaligned',
  7: 'store/AMO access fault',
  8: 'environment call from U-mode',
  9: 'environment call from S-mode',
  11: 'environment call from M-mode',
  12: 'instruction page fault',
  13: 'load page fault',
  15: 'store/AMO page fault',
};

/** The spec's name of an exception code, for reports and traces. */
export function causeName(cause: number): string {
  return CAUSE_NAMES[cause] ?? `cause ${cause}`;
}
