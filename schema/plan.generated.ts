// Generated from schema/plan.schema.json by json-schema-to-typescript (npm run gen:plan-types).
// Do not edit: change the schema and regenerate; test/compiler/plan/planTypes.test.ts fails when stale.

export type ObjectKind =
  'untyped' | 'tcb' | 'endpoint' | 'notification' | 'cnode' | 'frame' | 'pageTable' | 'vspace' | 'asidPool';
/**
 * One kernel invocation. Cap arguments are root CNode slots (cptrs) unless the field says otherwise; `label` is the seL4 invocation label (sel4-abi.md §4.2, non-MCS).
 */
export type Invocation =
  | UntypedRetypeInvocation
  | AsidControlMakePoolInvocation
  | AsidPoolAssignInvocation
  | CNodeMintInvocation
  | CNodeCopyInvocation
  | IrqControlGetInvocation
  | IrqHandlerSetNotificationInvocation
  | PageTableMapInvocation
  | PageMapInvocation
  | TcbConfigureInvocation
  | TcbSetPriorityInvocation
  | TcbWriteRegistersInvocation
  | TcbBindNotificationInvocation
  | TcbResumeInvocation;

/**
 * The capability-distribution plan of a kaal-compose system: untypeds, kernel objects, CSpaces, VSpaces, IRQ bindings, grants and the ordered kernel invocations that realize it (docs/plan.md). Addresses are numbers; every array is sorted as documented.
 */
export interface Plan {
  /**
   * Bumped on incompatible changes.
   */
  formatVersion: 1;
  /**
   * The system's name.
   */
  system: string;
  platform: PlanPlatform;
  rootTask: RootTaskLayout;
  boot: BootPlan;
  /**
   * The untypeds the kernel hands out at boot, in bootinfo order (device first, then RAM, each by paddr).
   */
  untyped: PlanUntyped[];
  /**
   * Every kernel object, in creation order (the order of their Untyped_Retype invocations); `id` is the index.
   */
  objects: PlanObject[];
  /**
   * Per component, in descriptor order.
   */
  components: ComponentPlan[];
  /**
   * Every MMIO and IRQ grant the boot must verify, sorted by component, kind, paddr/irq.
   */
  grants: Grant[];
  /**
   * Kernel invocations that realize the plan from the bootinfo untypeds, to be executed in order by the root task.
   */
  invocations: Invocation[];
  utilisation: Utilisation;
}
/**
 * What the plan assumed about the board. `kernelReserved`: RAM the kernel keeps for its image and boot structures (not untyped).
 */
export interface PlanPlatform {
  /**
   * 'kaal-virt-rv32' or the DTB/DTS file name.
   */
  name: string;
  model: string | null;
  ram: PlanAddressRange[];
  kernelReserved: PlanAddressRange;
  /**
   * End of the physical address space covered by untypeds (2^32 on RV32 seL4).
   */
  physicalTop: number;
}
export interface PlanAddressRange {
  base: number;
  size: number;
}
/**
 * How the root task (the kernel's boot) holds caps in its CNode while it executes the invocations. `untypedSlots`: bootinfo's untyped slot region (untyped i is at start + i).
 */
export interface RootTaskLayout {
  /**
   * Radix of the root CNode (at least 12).
   */
  cnodeSizeBits: number;
  untypedSlots: SlotRegion;
  /**
   * Bootinfo `empty.start`: the first slot the invocations fill.
   */
  firstFreeSlot: number;
  /**
   * One past the last slot the invocations fill.
   */
  usedSlots: number;
  /**
   * Depth used to address root CNode slots (32: the root CNode cap's guard makes a cptr the slot number).
   */
  cptrDepth: number;
}
export interface SlotRegion {
  start: number;
  /**
   * First slot after the region.
   */
  end: number;
}
/**
 * How the image boots (image/bootModel.ts, docs/boot.md): the kernel configuration, where the DTB and the root task's user image are placed, and the bootinfo and rootserver objects seL4's boot gives for them.
 */
export interface BootPlan {
  kernelConfig: KernelConfig;
  dtb: BootDtb;
  userImage: BootUserImage;
  bootInfo: BootInfoPrediction;
  rootServer: RootServerObjects;
}
/**
 * The kernel configuration the plan is for (image/kernelConfig.ts): every configuration-dependent number comes from it.
 */
export interface KernelConfig {
  /**
   * 'bundled' (kaal-compose's kernel) or 'sel4' (a real kernel ELF).
   */
  kernel: 'bundled' | 'sel4';
  /**
   * CONFIG_HAVE_FPU: seL4_TCBBits is 10 with it, 9 without.
   */
  fpu: boolean;
  /**
   * CONFIG_ROOT_CNODE_SIZE_BITS.
   */
  rootCNodeSizeBits: number;
  /**
   * CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS.
   */
  maxBootInfoUntypeds: number;
  /**
   * CONFIG_DEBUG_BUILD.
   */
  debugBuild: boolean;
  /**
   * CONFIG_PRINTING (seL4_DebugPutChar).
   */
  printing: boolean;
  /**
   * CONFIG_NUM_PRIORITIES.
   */
  numPriorities: number;
  /**
   * CONFIG_PADDR_USER_DEVICE_TOP: device untypeds end here.
   */
  paddrUserDeviceTop: number;
  /**
   * seL4 kernel_device_frames: each frame not userAvailable reserves 2^22 bytes.
   */
  kernelDevices: KernelDeviceFrame[];
  kernelImage: KernelImageRegion;
}
export interface KernelDeviceFrame {
  paddr: number;
  userAvailable: boolean;
}
/**
 * Physical range of the kernel image; [start, bootEnd) is boot code, reclaimed as RAM untyped.
 */
export interface KernelImageRegion {
  start: number;
  end: number;
  bootEnd: number;
}
/**
 * Where the loader places the DTB (passed on as extra bootinfo).
 */
export interface BootDtb {
  paddr: number;
  size: number;
}
/**
 * The root task's user image: physical placement, virtual start, entry point.
 */
export interface BootUserImage {
  paddr: number;
  size: number;
  vaddr: number;
  entry: number;
}
/**
 * The bootinfo the kernel hands the root task (besides the untyped list, which is `untyped`).
 */
export interface BootInfoPrediction {
  untyped: SlotRegion;
  empty: SlotRegion;
  userImageFrames: SlotRegion;
  userImagePaging: SlotRegion;
  extraBIPages: SlotRegion;
  /**
   * Virtual address of the root task's IPC buffer.
   */
  ipcBuffer: number;
  /**
   * Virtual address of the bootinfo frame (a0 at entry).
   */
  bootInfoVaddr: number;
  extraLen: number;
  /**
   * Untypeds beyond maxBootInfoUntypeds (no cap).
   */
  untypedsDropped: number;
}
/**
 * Physical addresses of the objects seL4 creates for its initial thread.
 */
export interface RootServerObjects {
  cnode: number;
  vspace: number;
  asidPool: number;
  ipcBuffer: number;
  bootInfo: number;
  extraBootInfo: number;
  tcb: number;
  pageTables: RootServerPageTable[];
}
export interface RootServerPageTable {
  paddr: number;
  vaddr: number;
}
export interface PlanUntyped {
  /**
   * Index in bootinfo's untypedList.
   */
  index: number;
  paddr: number;
  sizeBits: number;
  isDevice: boolean;
  /**
   * Root CNode slot of its cap.
   */
  slot: number;
  /**
   * Bytes below the final watermark (objects, alignment and fillers).
   */
  usedBytes: number;
}
export interface PlanObject {
  id: number;
  /**
   * Unique: `tcb_uart`, `frame_uart_elf_0x00010000`, `filler_3_0x10002000`.
   */
  name: string;
  kind: ObjectKind;
  sizeBits: number;
  paddr: number;
  /**
   * Index of the bootinfo untyped it is retyped from (fillers' children included: the ancestor's index).
   */
  untyped: number;
  /**
   * Root slot of the untyped cap it is retyped from: a bootinfo untyped, or a filler untyped carved from one.
   */
  parentSlot: number;
  /**
   * Root CNode slot its cap is created in.
   */
  rootSlot: number;
  /**
   * The component it belongs to; null for shared region frames, fillers and ASID pools.
   */
  owner: string | null;
  /**
   * Placed at a physical address the descriptor or device tree demands.
   */
  fixed: boolean;
  /**
   * elf | stack | ipcBuffer | mmio:<device path> | region:<name> | filler | tcb | cnode | vspace | pageTable | input | endpoint | asidPool
   */
  purpose: string;
}
export interface ComponentPlan {
  name: string;
  /**
   * Position in the descriptor; also the low bits of its fault badge.
   */
  index: number;
  /**
   * True when planned with the placeholder segment layout because no ELF was available.
   */
  elfPlaceholder: boolean;
  tcb: TcbPlan;
  objects: ComponentObjects;
  /**
   * Sorted by slot.
   */
  cspace: CapSlot[];
  /**
   * Sorted by vaddr.
   */
  vspace: Mapping[];
  /**
   * Sorted by vaddr.
   */
  pageTables: PageTableUse[];
  /**
   * Sorted by channel.
   */
  irqs: IrqBinding[];
  /**
   * Sorted by id.
   */
  channels: ChannelEnd[];
}
export interface TcbPlan {
  priority: number;
  /**
   * ELF entry point (placeholder layout when planned without an ELF).
   */
  entry: number;
  stackTop: number;
  stackBottom: number;
  ipcBuffer: number;
  /**
   * CPtr (in the component's CSpace) of its fault endpoint; 0 when the runtime records faults.
   */
  faultEndpointSlot: number;
}
export interface ComponentObjects {
  tcb: string;
  cnode: string;
  vspace: string;
  notification: string;
  endpoint: string | null;
}
export interface CapSlot {
  slot: number;
  /**
   * Name of the object (for an IRQ handler cap: `irq_<n>`).
   */
  object: string;
  kind: 'tcb' | 'endpoint' | 'notification' | 'cnode' | 'vspace' | 'irqHandler';
  rights: CapRights;
  badge: number;
  /**
   * input | faultEndpoint | vspace | tcb | notify:<ch> | ppc:<ch> | irq:<ch>
   */
  role: string;
}
export interface CapRights {
  read: boolean;
  write: boolean;
  grant: boolean;
  grantReply: boolean;
}
export interface Mapping {
  vaddr: number;
  /**
   * 4 KiB: one mapping per frame.
   */
  size: number;
  /**
   * Frame object name.
   */
  frame: string;
  paddr: number;
  perms: 'r' | 'rw' | 'rx' | 'rwx' | 'x' | 'wx';
  cached: boolean;
  purpose: 'elf' | 'stack' | 'ipcBuffer' | 'mmio' | 'region';
  /**
   * Device path for mmio, region name for region, empty otherwise.
   */
  source: string;
  /**
   * Header name of the grant or mapping (`KAAL_MMIO_<NAME>_*`, `KAAL_REGION_<NAME>_*`) for mmio and region, empty otherwise. Always written by the planner.
   */
  name?: string;
}
export interface PageTableUse {
  /**
   * Base of the 4 MiB window it translates.
   */
  vaddr: number;
  object: string;
}
export interface IrqBinding {
  irq: number;
  channel: number;
  /**
   * Slot of the IRQ handler cap in the component's CSpace (138 + channel).
   */
  handlerSlot: number;
  /**
   * Notification object the IRQ signals (the component's own).
   */
  notification: string;
  badge: number;
  /**
   * Device-tree path.
   */
  device: string;
  /**
   * Header name of the device grant (`KAAL_IRQ_CH_<NAME>`). Always written by the planner.
   */
  name?: string;
}
export interface ChannelEnd {
  id: number;
  name: string;
  peer: string;
  peerId: number;
  notify: boolean;
  ppc: 'none' | 'caller' | 'server';
}
export interface Grant {
  component: string;
  kind: 'mmio' | 'irq';
  /**
   * Device-tree path.
   */
  device: string;
  /**
   * Header name of the device grant. Always written by the planner.
   */
  name?: string;
  /**
   * mmio: first byte of the window (page aligned); irq: 0.
   */
  paddr: number;
  /**
   * mmio: bytes mapped (page multiple); irq: 0.
   */
  size: number;
  /**
   * mmio: where it is mapped; irq: 0.
   */
  vaddr: number;
  /**
   * mmio: 'r' | 'rw'; irq: ''.
   */
  perms: string;
  cached: boolean;
  /**
   * mmio: true when the descriptor marks the window shared (windows of different components may overlap only when both are); written only when true, absent means exclusive.
   */
  shared?: boolean;
  /**
   * irq: the interrupt number; mmio: null.
   */
  irq: number | null;
  /**
   * irq: the channel it is delivered on; mmio: null.
   */
  channel: number | null;
}
export interface UntypedRetypeInvocation {
  op: 'Untyped_Retype';
  label: number;
  /**
   * Untyped cap slot.
   */
  service: number;
  /**
   * seL4 object type number (schema/abi.ts ObjectType).
   */
  type: number;
  /**
   * Untyped, CNode (radix) sizes; 0 for fixed-size objects.
   */
  sizeBits: number;
  /**
   * seL4_CapInitThreadCNode (2).
   */
  root: number;
  nodeIndex: number;
  /**
   * 0: the destination CNode is `root` itself.
   */
  nodeDepth: number;
  /**
   * Destination slot in the root CNode.
   */
  nodeOffset: number;
  numObjects: number;
  /**
   * Name of the object created.
   */
  object: string;
}
export interface AsidControlMakePoolInvocation {
  op: 'ASIDControl_MakePool';
  label: number;
  /**
   * seL4_CapASIDControl (5).
   */
  service: number;
  /**
   * Slot of a 4 KiB untyped.
   */
  untyped: number;
  root: number;
  /**
   * Destination slot for the pool cap.
   */
  index: number;
  depth: number;
}
export interface AsidPoolAssignInvocation {
  op: 'ASIDPool_Assign';
  label: number;
  /**
   * ASID pool slot (6 = initial pool).
   */
  service: number;
  vspace: number;
}
export interface CNodeMintInvocation {
  op: 'CNode_Mint';
  label: number;
  /**
   * Destination CNode: a root slot (the root CNode itself is 2).
   */
  service: number;
  destIndex: number;
  /**
   * 8 for a component CNode (no guard on the root's copy), 32 for the root CNode.
   */
  destDepth: number;
  srcRoot: number;
  srcIndex: number;
  srcDepth: number;
  /**
   * seL4_CapRights word: write 1, read 2, grant 4, grantReply 8.
   */
  rights: number;
  badge: number;
  /**
   * Component whose CSpace receives it, or null for the root CNode.
   */
  component: string | null;
}
export interface CNodeCopyInvocation {
  op: 'CNode_Copy';
  label: number;
  service: number;
  destIndex: number;
  destDepth: number;
  srcRoot: number;
  srcIndex: number;
  srcDepth: number;
  rights: number;
  component: string | null;
}
export interface IrqControlGetInvocation {
  op: 'IRQControl_Get';
  label: number;
  /**
   * seL4_CapIRQControl (4).
   */
  service: number;
  irq: number;
  root: number;
  /**
   * Root slot receiving the IRQ handler cap.
   */
  index: number;
  depth: number;
}
export interface IrqHandlerSetNotificationInvocation {
  op: 'IRQHandler_SetNotification';
  label: number;
  /**
   * IRQ handler slot.
   */
  service: number;
  /**
   * Slot of a badged notification cap (minted for this purpose).
   */
  notification: number;
}
export interface PageTableMapInvocation {
  op: 'PageTable_Map';
  label: number;
  service: number;
  vspace: number;
  vaddr: number;
  attr: number;
}
export interface PageMapInvocation {
  op: 'Page_Map';
  label: number;
  /**
   * Frame slot. A frame mapped into several VSpaces is first copied (CNode_Copy) into a fresh root slot; service is that copy.
   */
  service: number;
  vspace: number;
  vaddr: number;
  /**
   * seL4_CapRights word (read 2, write 1).
   */
  rights: number;
  /**
   * seL4_RISCV_VMAttributes: 1 = ExecuteNever.
   */
  attr: number;
  /**
   * Not part of the seL4 message (RISC-V takes cacheability from PMAs): the kaal kernel records it on the mapping.
   */
  cached: boolean;
}
export interface TcbConfigureInvocation {
  op: 'TCB_Configure';
  label: number;
  service: number;
  /**
   * CPtr in the component's own CSpace (non-MCS), 0 for none.
   */
  faultEp: number;
  cspaceRoot: number;
  /**
   * seL4_CNode_CapData: guard 0, guard size 24 (so a cptr is the slot number).
   */
  cspaceRootData: number;
  vspaceRoot: number;
  vspaceRootData: number;
  /**
   * IPC buffer vaddr.
   */
  buffer: number;
  bufferFrame: number;
}
export interface TcbSetPriorityInvocation {
  op: 'TCB_SetPriority';
  label: number;
  service: number;
  /**
   * seL4_CapInitThreadTCB (1).
   */
  authority: number;
  priority: number;
}
export interface TcbWriteRegistersInvocation {
  op: 'TCB_WriteRegisters';
  label: number;
  service: number;
  resumeTarget: boolean;
  pc: number;
  sp: number;
}
export interface TcbBindNotificationInvocation {
  op: 'TCB_BindNotification';
  label: number;
  service: number;
  notification: number;
}
export interface TcbResumeInvocation {
  op: 'TCB_Resume';
  label: number;
  service: number;
}
export interface Utilisation {
  /**
   * Bytes of RAM untyped.
   */
  ramBytes: number;
  /**
   * RAM below the watermarks.
   */
  ramUsedBytes: number;
  /**
   * RAM taken by objects (excluding fillers and alignment).
   */
  objectBytes: number;
  /**
   * Device/RAM bytes retyped as filler untyped to reach fixed addresses.
   */
  fillerBytes: number;
  objects: number;
  rootSlots: number;
  /**
   * Objects and bytes by kind, sorted by kind.
   */
  perKind: KindUsage[];
}
export interface KindUsage {
  kind: string;
  count: number;
  bytes: number;
}
