// The kernel's own boot (seL4 src/kernel/boot.c create_root_cnode, create_initial_thread,
// create_untypeds; src/arch/riscv/kernel/boot.c): the root CNode with the initial caps of
// sel4-abi.md §5.1 and one untyped cap per bootinfo untypedList entry, in order.
import { InitialSlot } from './abi.js';
import { installRootCap, type Kernel } from './kernel.js';
import type { UntypedObject } from './objects.js';
import { createUntypedObject } from './untyped.js';
import { createAsidPool } from './vspace.js';

export interface BootUntyped {
  readonly paddr: number;
  readonly sizeBits: number;
  readonly isDevice: boolean;
}

/**
 * Fills the root CNode: its own cap (guard so that a 32-bit cptr is the slot number), the initial
 * thread's TCB, IRQ control, ASID control, the initial ASID pool, and untyped caps from `untypedStart`.
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
  const created: UntypedObject[] = [];
  untypeds.forEach((u, i) => {
    const obj = createUntypedObject(u.paddr, u.sizeBits, u.isDevice, null);
    kernel.register(obj);
    kernel.bootUntypeds.push(obj);
    installRootCap(kernel, untypedStart + i, { kind: 'untyped', obj });
    created.push(obj);
  });
  return created;
}
