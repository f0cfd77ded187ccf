// The pinned kernel ABI shared by the planner, the image, the kernel and the generated C headers:
// object types and sizes, the CSpace slot layout and badges. One place in code, as DESIGN.md asks.
// Numbers from shared/reference/sel4-abi.md (seL4 16.0.0-dev, RV32, non-MCS, no FPU).

/** seL4_Untyped_Retype object types, RV32 non-MCS (sel4-abi.md §3). */
export const ObjectType = {
  Untyped: 0,
  Tcb: 1,
  Endpoint: 2,
  Notification: 3,
  CNode: 4,
  Page4K: 5,
  MegaPage: 6,
  PageTable: 7,
} as const;
export type ObjectTypeName = keyof typeof ObjectType;

/** log2 of object sizes in bytes (sel4-abi.md §1; TCB without FPU). */
export const WORD_BITS = 32;
export const SLOT_BITS = 4;
export const TCB_SIZE_BITS = 9;
export const ENDPOINT_SIZE_BITS = 4;
export const NOTIFICATION_SIZE_BITS = 4;
export const PAGE_BITS = 12;
export const MEGA_PAGE_BITS = 22;
export const PAGE_TABLE_BITS = 12;
export const VSPACE_BITS = 12;
export const IPC_BUFFER_SIZE_BITS = 9;
export const MIN_UNTYPED_BITS = 4;
export const MAX_UNTYPED_BITS = 29;

/** Every component's CNode: single level, 256 slots, guard so that a cptr is the slot number. */
export const CNODE_RADIX_BITS = 8;
export const CNODE_SLOTS = 1 << CNODE_RADIX_BITS;
/** Guard size making 32-bit cptrs resolve in one level: 32 − radix. */
export const CNODE_GUARD_BITS = WORD_BITS - CNODE_RADIX_BITS;

/** Channel ids 0..26 (a notification badge bit each; bit 27 marks a PPC badge). */
export const MAX_CHANNEL_ID = 26;
export const PPC_BADGE_FLAG = 1 << 27;

/** The pinned CSpace slot layout of every component (DESIGN.md; docs/slot-layout.md). */
export const Slot = {
  /** Endpoint when the component serves PPCs, else its notification (bound to the TCB). */
  input: 1,
  /** Endpoint its faults are sent to. */
  faultEndpoint: 2,
  /** Its own VSpace root. */
  vspace: 3,
  /** Reserved for the reply capability. */
  reply: 4,
  /** Its own TCB. */
  tcb: 6,
  /** `notifyBase + ch`: notification of the peer at channel `ch`. */
  notifyBase: 10,
  /** `ppcBase + ch`: endpoint of the PPC server at channel `ch`. */
  ppcBase: 74,
  /** `irqBase + ch`: IRQ handler of the interrupt delivered on channel `ch`. */
  irqBase: 138,
} as const;

export const notifySlot = (channel: number): number => Slot.notifyBase + channel;
export const ppcSlot = (channel: number): number => Slot.ppcBase + channel;
export const irqSlot = (channel: number): number => Slot.irqBase + channel;

/** Badge of a notification cap (or IRQ notification binding) for channel `ch`: bit `ch`. */
export const notificationBadge = (channel: number): number => (1 << channel) >>> 0;
/** Badge of a PPC endpoint cap for channel `ch`: bit 27 set, channel in the low bits. */
export const ppcBadge = (channel: number): number => (PPC_BADGE_FLAG | channel) >>> 0;

/** Initial caps of the root task's CNode (sel4-abi.md §5.1, enum seL4_RootCNodeCapSlots). */
export const InitialSlot = {
  initThreadTcb: 1,
  initThreadCNode: 2,
  initThreadVSpace: 3,
  irqControl: 4,
  asidControl: 5,
  initThreadAsidPool: 6,
  bootInfoFrame: 9,
  initThreadIpcBuffer: 10,
  domain: 11,
  /** seL4_NumInitialCaps: the first slot after the fixed initial caps. */
  numInitialCaps: 16,
} as const;

/** seL4 invocation labels, RV32 non-MCS, uniprocessor (sel4-abi.md §4.2, HEAD column). */
export const InvocationLabel = {
  UntypedRetype: 1,
  TCBReadRegisters: 2,
  TCBWriteRegisters: 3,
  TCBCopyRegisters: 4,
  TCBConfigure: 5,
  TCBSetPriority: 6,
  TCBSetMCPriority: 7,
  TCBSetSchedParams: 8,
  TCBSetIPCBuffer: 9,
  TCBSetSpace: 10,
  TCBSuspend: 11,
  TCBResume: 12,
  TCBBindNotification: 13,
  TCBUnbindNotification: 14,
  TCBSetTLSBase: 15,
  TCBSetFlags: 16,
  CNodeRevoke: 17,
  CNodeDelete: 18,
  CNodeCancelBadgedSends: 19,
  CNodeCopy: 20,
  CNodeMint: 21,
  CNodeMove: 22,
  CNodeMutate: 23,
  CNodeRotate: 24,
  CNodeSaveCaller: 25,
  IRQIssueIRQHandler: 26,
  IRQAckIRQ: 27,
  IRQSetIRQHandler: 28,
  IRQClearIRQHandler: 29,
  DomainSetSet: 30,
  RISCVPageTableMap: 33,
  RISCVPageTableUnmap: 34,
  RISCVPageMap: 35,
  RISCVPageUnmap: 36,
  RISCVPageGetAddress: 37,
  RISCVASIDControlMakePool: 38,
  RISCVASIDPoolAssign: 39,
  RISCVIRQIssueIRQHandlerTrigger: 40,
} as const;

/** seL4_CapRights word (libsel4 shared_types.bf, 32-bit): write bit 0, read 1, grant 2, grantReply 3. */
export function capRightsWord(rights: {
  readonly read: boolean;
  readonly write: boolean;
  readonly grant: boolean;
  readonly grantReply: boolean;
}): number {
  return (rights.write ? 1 : 0) | (rights.read ? 2 : 0) | (rights.grant ? 4 : 0) | (rights.grantReply ? 8 : 0);
}

/** seL4_CNode_CapData (32-bit): guard in bits 8..25, guard size in bits 3..7. */
export const cnodeCapData = (guard: number, guardSize: number): number => ((guard << 8) | (guardSize << 3)) >>> 0;

/** seL4_RISCV_VMAttributes: the only attribute bit on RISC-V. */
export const RISCV_EXECUTE_NEVER = 0x1;
/**
 * kaal's cacheability in Page_Map's vm attributes, in bits seL4 RISC-V ignores (its
 * seL4_RISCV_VMAttributes has only ExecuteNever): the root task passes the plan's, the bundled
 * kernel records it. Neither bit: RAM cached, device memory not.
 */
export const VM_ATTR_UNCACHED = 0x2;
export const VM_ATTR_CACHED = 0x4;

/** RV32 seL4 ASIDs: 2^5 pools of 2^4 (sel4-abi.md §1); ASID 0 is invalid and 1 is the root task's. */
export const ASID_POOL_BITS = 5;
export const ASID_POOL_INDEX_BITS = 4;
export const ASID_POOL_SIZE_BITS = 12;

/**
 * Badge of a component's fault endpoint cap (slot 2): bits 27 and 26 set, the faulting component's
 * index below. Channel ids stop at 26, so no notification or PPC badge (`1 << 27 | ch`) has bit 26
 * set together with bit 27.
 */
export const FAULT_BADGE_FLAG = ((1 << 27) | (1 << 26)) >>> 0;
export const faultBadge = (componentIndex: number): number => (FAULT_BADGE_FLAG | componentIndex) >>> 0;
