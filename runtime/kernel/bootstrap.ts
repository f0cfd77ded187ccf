// The kernel's own boot, as seL4's try_init_kernel does it (src/arch/riscv/kernel/boot.c; src/kernel/
// boot.c create_root_cnode, create_it_address_space, create_bi_frame_cap, create_frames_of_region,
// create_ipcbuf_frame_cap, create_it_asid_pool, create_initial_thread, create_untypeds), laid out by
// the shared boot model (image/bootModel.ts): every rootserver object at its physical address.
import type { BootModel, BootUntyped } from '../../image/bootModel.js';
import { BootInfoField } from '../../image/bootImage/format.js';
import { InitialSlot, Reg } from './abi.js';
import { installRootCap, type Kernel } from './kernel.js';
import type { Cap, FrameObject, PageTableObject, UntypedObject } from './objects.js';
import { createUntypedObject } from './untyped.js';
import { createAsidPool, makeUserPte, PTE_V } from './vspace.js';

/** seL4's IT_ASID: the initial thread's ASID (pool 0, entry 1). */
const IT_ASID = 1;
const PAGE = 0x1000;
/** SEL4_BOOTINFO_HEADER_FDT. */
const BOOTINFO_HEADER_FDT = 6;

/** What the loader put in memory besides the kernel: the DTB and the user image are already in RAM. */
export interface InitialThreadImage {
  /** The bootinfo frame's bytes (seL4_BootInfo as populate_bi_frame, bi_finalise and create_untypeds fill it). */
  readonly bootInfo: Uint8Array;
  /** The DTB copied into the extra bootinfo, or null. */
  readonly dtb: Uint8Array | null;
  /** Entry point of the user image (v_entry). */
  readonly entry: number;
}

function frameAt(kernel: Kernel, paddr: number): FrameObject {
  const obj: FrameObject = { type: 'frame', paddr, sizeBits: 12, untyped: null, capCount: 0, live: true, isDevice: false };
  kernel.register(obj);
  return obj;
}

/** create_mapped_it_frame_cap + map_it_frame_cap: a 4 KiB frame the initial thread sees RWX at `vaddr`. */
function mappedFrameCap(kernel: Kernel, root: PageTableObject, paddr: number, vaddr: number): Cap {
  const obj = frameAt(kernel, paddr);
  const l1 = kernel.memory.readU32(root.paddr + ((vaddr >>> 22) << 2));
  const slot = (l1 >>> 10) * PAGE + (((vaddr >>> 12) & 0x3ff) << 2);
  kernel.memory.writeU32(slot, makeUserPte(paddr, true, true, true));
  return { kind: 'frame', obj, read: true, write: true, mapping: { vspace: root, vaddr, cached: true } };
}

/**
 * Creates the initial thread and its CNode as the model lays them out, writes bootinfo (and the
 * DTB chunk after it), and sets the thread up at `entry` with a0 = the bootinfo address (the caller
 * makes it runnable).
 */
export function createInitialThread(kernel: Kernel, model: BootModel, image: InitialThreadImage): UntypedObject[] {
  const mem = kernel.memory;
  const rs = model.rootServer;
  const cnode = kernel.rootCNode;
  kernel.register(cnode);
  kernel.register(kernel.rootTcb);
  const rootCap = { kind: 'cnode', obj: cnode, guard: 0, guardSize: 32 - cnode.radixBits } as const;
  installRootCap(kernel, InitialSlot.initThreadCNode, rootCap);
  installRootCap(kernel, InitialSlot.domain, { kind: 'domain' });
  installRootCap(kernel, InitialSlot.irqControl, { kind: 'irqControl' });

  // populate_bi_frame and the FDT chunk of the extra bootinfo.
  mem.fill(rs.bootInfo, PAGE, 0);
  mem.writeBytes(rs.bootInfo, image.bootInfo);
  mem.writeU32(rs.bootInfo + BootInfoField.extraLen, model.extraLen);
  if (image.dtb && model.extraLen > 0) {
    mem.fill(rs.extraBootInfo, Math.ceil(model.extraLen / PAGE) * PAGE, 0);
    mem.writeU32(rs.extraBootInfo, BOOTINFO_HEADER_FDT);
    mem.writeU32(rs.extraBootInfo + 4, model.extraLen);
    mem.writeBytes(rs.extraBootInfo + 8, image.dtb);
  }

  // create_it_address_space: the VSpace root and the page tables covering it_v_reg.
  mem.fill(rs.vspace, PAGE, 0);
  const root: PageTableObject = { type: 'pageTable', paddr: rs.vspace, sizeBits: 12, untyped: null, capCount: 0, live: true, asid: IT_ASID };
  kernel.register(root);
  const vspaceCap: Cap = { kind: 'pageTable', obj: root, mapping: null };
  installRootCap(kernel, InitialSlot.initThreadVSpace, vspaceCap);
  rs.pageTables.forEach((pt, i) => {
    mem.fill(pt.paddr, PAGE, 0);
    const obj: PageTableObject = { type: 'pageTable', paddr: pt.paddr, sizeBits: 12, untyped: null, capCount: 0, live: true, asid: 0 };
    kernel.register(obj);
    mem.writeU32(rs.vspace + ((pt.vaddr >>> 22) << 2), (((pt.paddr / PAGE) << 10) | PTE_V) >>> 0);
    installRootCap(kernel, model.slots.userImagePaging.start + i, { kind: 'pageTable', obj, mapping: { vspace: root, vaddr: pt.vaddr } });
  });

  installRootCap(kernel, InitialSlot.bootInfoFrame, mappedFrameCap(kernel, root, rs.bootInfo, model.bootInfoVaddr));
  for (let i = 0; i < model.slots.extraBIPages.end - model.slots.extraBIPages.start; i++) {
    const cap = mappedFrameCap(kernel, root, rs.extraBootInfo + i * PAGE, model.extraBootInfoVaddr + i * PAGE);
    installRootCap(kernel, model.slots.extraBIPages.start + i, cap);
  }
  mem.fill(rs.ipcBuffer, PAGE, 0);
  const ipcCap = mappedFrameCap(kernel, root, rs.ipcBuffer, model.ipcBufferVaddr);
  installRootCap(kernel, InitialSlot.initThreadIpcBuffer, ipcCap);
  const ui = model.userImage;
  for (let i = 0; i < (ui.physical.end - ui.physical.start) / PAGE; i++) {
    const cap = mappedFrameCap(kernel, root, ui.physical.start + i * PAGE, ui.virtual.start + i * PAGE);
    installRootCap(kernel, model.slots.userImageFrames.start + i, cap);
  }

  // create_it_asid_pool + write_it_asid_pool.
  const pool = createAsidPool(kernel, 0, rs.asidPool, null);
  pool.entries[IT_ASID] = root;
  installRootCap(kernel, InitialSlot.initThreadAsidPool, { kind: 'asidPool', obj: pool });
  installRootCap(kernel, InitialSlot.asidControl, { kind: 'asidControl' });

  // create_initial_thread.
  const tcb = kernel.rootTcb;
  tcb.cspaceRoot.cap = rootCap;
  cnode.capCount++;
  tcb.vspaceRoot.cap = { kind: 'pageTable', obj: root, mapping: null };
  root.capCount++;
  tcb.bufferFrame.cap = { ...ipcCap };
  if (ipcCap.kind === 'frame') ipcCap.obj.capCount++;
  tcb.ipcBuffer = model.ipcBufferVaddr;
  tcb.regs[Reg.a0] = model.bootInfoVaddr;
  tcb.pc = image.entry;
  tcb.name = 'roottask';
  installRootCap(kernel, InitialSlot.initThreadTcb, { kind: 'tcb', obj: tcb });

  // create_untypeds.
  return model.untypeds.map((u, i) => {
    const obj = createUntypedObject(u.paddr, u.sizeBits, u.isDevice, null);
    kernel.register(obj);
    kernel.bootUntypeds.push(obj);
    installRootCap(kernel, model.slots.untyped.start + i, { kind: 'untyped', obj });
    return obj;
  });
}

/**
 * The initial caps and untypeds alone, without the initial thread's VSpace or bootinfo frame: for
 * kernel unit tests that drive the root CNode through invoke() and never run the root task.
 */
export function bootstrapRootTask(kernel: Kernel, untypeds: readonly BootUntyped[], untypedStart: number): UntypedObject[] {
  const cnode = kernel.rootCNode;
  const rootCap = { kind: 'cnode', obj: cnode, guard: 0, guardSize: 32 - cnode.radixBits } as const;
  installRootCap(kernel, InitialSlot.initThreadCNode, rootCap);
  kernel.rootTcb.cspaceRoot.cap = rootCap;
  cnode.capCount++;
  installRootCap(kernel, InitialSlot.initThreadTcb, { kind: 'tcb', obj: kernel.rootTcb });
  installRootCap(kernel, InitialSlot.irqControl, { kind: 'irqControl' });
  installRootCap(kernel, InitialSlot.asidControl, { kind: 'asidControl' });
  const pool = createAsidPool(kernel, 0, 0, null);
  installRootCap(kernel, InitialSlot.initThreadAsidPool, { kind: 'asidPool', obj: pool });
  installRootCap(kernel, InitialSlot.domain, { kind: 'domain' });
  kernel.register(cnode);
  kernel.register(kernel.rootTcb);
  return untypeds.map((u, i) => {
    const obj = createUntypedObject(u.paddr, u.sizeBits, u.isDevice, null);
    kernel.register(obj);
    kernel.bootUntypeds.push(obj);
    installRootCap(kernel, untypedStart + i, { kind: 'untyped', obj });
    return obj;
  });
}
