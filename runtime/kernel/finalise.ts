// What deleting a cap does to its object (seL4 src/object/objecttype.c finaliseCap and
// src/arch/riscv/object/objecttype.c Arch_finaliseCap): the last cap to an object frees it.
import { cteDelete, deleteAllSlots } from './cnode.js';
import { cancelAllIPC } from './endpoint.js';
import { deletingIrqHandler } from './interrupt.js';
import type { Kernel } from './kernel.js';
import type { Cap, KernelObject } from './objects.js';
import { cancelAllSignals, unbindMaybeNotification, unbindNotification } from './notification.js';
import { suspendThread } from './scheduler.js';
import { deleteAsid, unmapPage, unmapPageTable } from './vspace.js';

export function finaliseCap(kernel: Kernel, cap: Cap, final: boolean): void {
  switch (cap.kind) {
    case 'frame':
      // Each frame cap carries its own mapping: it goes with the cap, final or not.
      if (cap.mapping) unmapPage(kernel, cap);
      break;
    case 'pageTable':
      if (final) {
        if (cap.obj.asid !== 0) deleteAsid(kernel, cap.obj);
        else if (cap.mapping) unmapPageTable(kernel, cap);
      }
      break;
    case 'irqHandler':
      if (final) deletingIrqHandler(kernel, cap.irq);
      break;
    case 'endpoint':
      if (final) cancelAllIPC(kernel, cap.obj);
      break;
    case 'notification':
      if (final) {
        unbindMaybeNotification(cap.obj);
        cancelAllSignals(kernel, cap.obj);
      }
      break;
    case 'tcb':
      if (final) {
        const tcb = cap.obj;
        unbindNotification(tcb);
        suspendThread(kernel, tcb);
        for (const slot of [tcb.cspaceRoot, tcb.vspaceRoot, tcb.bufferFrame, tcb.caller]) cteDelete(kernel, slot);
      }
      break;
    case 'cnode':
      if (final) deleteAllSlots(kernel, cap.obj);
      break;
    default:
      break;
  }
  if (final && 'obj' in cap) freeObject(cap.obj);
}

/** The object is gone: its memory goes back to its untyped once no sibling remains (retype resets). */
function freeObject(obj: KernelObject): void {
  obj.live = false;
  obj.untyped?.children.delete(obj);
}
