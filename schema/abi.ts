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
