// The kernel-side half of the pinned seL4 ABI (RV32, non-MCS, seL4 16.0.0-dev): syscall numbers,
// seL4_Error codes, message-info and rights words, fault labels and fault message layouts.
// Numbers from shared/reference/sel4-abi.md §2–§4; object types, labels and slots live in schema/abi.ts.
export { InvocationLabel, ObjectType, InitialSlot } from '../../schema/abi.js';

/** Syscall numbers in a7 (sel4-abi.md §2.1, non-MCS column). */
export const Syscall = {
  Call: -1,
  ReplyRecv: -2,
  Send: -3,
  NBSend: -4,
  Recv: -5,
  Reply: -6,
  Yield: -7,
  NBRecv: -8,
  DebugPutChar: -9,
  DebugDumpScheduler: -10,
  DebugHalt: -11,
  DebugCapIdentify: -12,
  DebugSnapshot: -13,
  DebugNameThread: -14,
} as const;
export type SyscallNumber = (typeof Syscall)[keyof typeof Syscall];
/**
 * cap_get_capType tags on RV32 (seL4 include/arch/riscv/arch/32/mode/object/structures.bf): what
 * seL4_DebugCapIdentify returns in a0 (0, the null cap, when the lookup fails).
 */
export const CapTag = {
  null: 0,
  frame: 1,
  untyped: 2,
  pageTable: 3,
  endpoint: 4,
  notification: 6,
  reply: 8,
  cnode: 10,
  asidControl: 11,
  thread: 12,
  asidPool: 13,
  irqControl: 0x0e,
  irqHandler: 0x1e,
  zombie: 0x2e,
  domain: 0x3e,
} as const;

/** The API range the slow path accepts (`SYSCALL_MIN..SYSCALL_MAX`); DebugPutChar is a debug syscall below it. */
export const SYSCALL_API_MIN = -8;

/** seL4_Error (libsel4 errors.h, sel4-abi.md §4.3); sent back as the label of the reply. */
export const SeL4Error = {
  NoError: 0,
  InvalidArgument: 1,
  InvalidCapability: 2,
  IllegalOperation: 3,
  RangeError: 4,
  AlignmentError: 5,
  FailedLookup: 6,
  TruncatedMessage: 7,
  DeleteFirst: 8,
  RevokeFirst: 9,
  NotEnoughMemory: 10,
} as const;
export type SeL4Error = (typeof SeL4Error)[keyof typeof SeL4Error];

/** Fault types, the label of a fault message (sel4-abi.md §2.3, non-MCS). */
export const FaultType = {
  NullFault: 0,
  CapFault: 1,
  UnknownSyscall: 2,
  UserException: 3,
  VMFault: 5,
} as const;
export type FaultType = (typeof FaultType)[keyof typeof FaultType];

/**
 * Fault message layouts (MR indices), libsel4 riscv `types.bf` blocks in field order:
 * VMFault {IP, Addr, PrefetchFault, FSR}; UnknownSyscall {FaultIP, SP, RA, A0..A6, Syscall};
 * UserException {FaultIP, SP, Number, Code}; CapFault {IP, Addr, InRecvPhase, LookupFailureType, MR4..MR6}.
 */
export const VMFaultMr = { ip: 0, addr: 1, prefetchFault: 2, fsr: 3, length: 4 } as const;
export const UnknownSyscallMr = { faultIp: 0, sp: 1, ra: 2, a0: 3, syscall: 10, length: 11 } as const;
export const UserExceptionMr = { faultIp: 0, sp: 1, number: 2, code: 3, length: 4 } as const;
export const CapFaultMr = { ip: 0, addr: 1, inRecvPhase: 2, lookupFailureType: 3, length: 7 } as const;

/** lookup_fault types; a message carries the type + 1 (0 = no lookup failure). */
export const LookupFaultType = { invalidRoot: 0, missingCapability: 1, depthMismatch: 2, guardMismatch: 3 } as const;

/** seL4_MessageInfo on RV32 (sel4-abi.md §2.3): label 31..12, capsUnwrapped 11..9, extraCaps 8..7, length 6..0. */
export interface MessageInfo {
  readonly label: number;
  readonly capsUnwrapped: number;
  readonly extraCaps: number;
  readonly length: number;
}
export const encodeMessageInfo = (label: number, capsUnwrapped: number, extraCaps: number, length: number): number =>
  ((label << 12) | ((capsUnwrapped & 7) << 9) | ((extraCaps & 3) << 7) | (length & 0x7f)) >>> 0;
export const decodeMessageInfo = (word: number): MessageInfo => ({
  label: word >>> 12,
  capsUnwrapped: (word >>> 9) & 7,
  extraCaps: (word >>> 7) & 3,
  length: word & 0x7f,
});

/** seL4_MsgMaxLength and seL4_MsgMaxExtraCaps (libsel4 constants.h). */
export const MSG_MAX_LENGTH = 120;
export const MSG_MAX_EXTRA_CAPS = 3;
/** Message registers passed in a2..a5 (`msgRegisters[]`, n_msgRegisters = 4). */
export const MSG_REGISTER_COUNT = 4;

/** seL4_IPCBuffer byte offsets on RV32 (sel4-abi.md §2.4). */
export const IpcBufferOffset = {
  tag: 0,
  msg: 4,
  userData: 484,
  capsOrBadges: 488,
  receiveCNode: 500,
  receiveIndex: 504,
  receiveDepth: 508,
} as const;

/** seL4_CapRights word: write bit 0, read bit 1, grant bit 2, grantReply bit 3 (sel4-abi.md §2.3). */
export interface CapRights {
  readonly read: boolean;
  readonly write: boolean;
  readonly grant: boolean;
  readonly grantReply: boolean;
}
export const rightsFromWord = (word: number): CapRights => ({
  write: (word & 1) !== 0,
  read: (word & 2) !== 0,
  grant: (word & 4) !== 0,
  grantReply: (word & 8) !== 0,
});
export const ALL_RIGHTS: CapRights = { read: true, write: true, grant: true, grantReply: true };

/** RISC-V integer registers by ISA number (x1 = ra, x2 = sp, x10..x17 = a0..a7). */
export const Reg = { ra: 1, sp: 2, gp: 3, tp: 4, t0: 5, s0: 8, a0: 10, a1: 11, a2: 12, a3: 13, a4: 14, a5: 15, a6: 16, a7: 17 } as const;

/**
 * seL4_UserContext word order (sel4-abi.md §2.2): pc, ra, sp, gp, s0..s11, a0..a7, t0..t6, tp.
 * Entries are ISA register numbers; -1 stands for the pc.
 */
export const USER_CONTEXT_REGISTERS: readonly number[] = [
  -1, 1, 2, 3, 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 10, 11, 12, 13, 14, 15, 16, 17, 5, 6, 7, 28, 29, 30, 31, 4,
];

/** seL4_RISCV_VMAttributes (sel4-abi.md §4.3). */
export const VM_EXECUTE_NEVER = 0x1;
/** Highest user virtual address + 1 (seL4_UserTop, RV32). */
export const USER_TOP = 0x8000_0000;
/** CONFIG_RETYPE_FAN_OUT_LIMIT default (seL4 config.cmake). */
export const RETYPE_FAN_OUT_LIMIT = 256;
/** Priorities 0..255 (KernelNumPriorities default 256). */
export const NUM_PRIORITIES = 256;
/** qemu-riscv-virt platform MAX_IRQ (sel4-abi.md §6). */
export const DEFAULT_MAX_IRQ = 95;
/** Badges are 28 bits on 32-bit seL4 (capEPBadge / capNtfnBadge fields). */
export const BADGE_MASK = 0x0fff_ffff;
