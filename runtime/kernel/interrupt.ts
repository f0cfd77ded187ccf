// IRQ control, IRQ handlers and interrupt delivery (seL4 src/object/interrupt.c,
// src/arch/riscv/object/interrupt.c, drivers/irq/riscv_plic0.h): a claimed PLIC source signals the
// handler's notification and stays claimed until IRQHandler_Ack completes it at the PLIC.
import { InvocationLabel } from './abi.js';
import { cteDelete, cteInsert, ensureEmptySlot, lookupTargetSlot } from './cnode.js';
import { illegalOperation, invalidCapability, rangeError, revokeFirst, truncatedMessage } from './errors.js';
import type { InvocationArgs, InvocationResult } from './invocation.js';
import type { IrqState, Kernel } from './kernel.js';
import type { CSlot } from './objects.js';
import { sendSignal } from './notification.js';

/** seL4 setIRQState: the PLIC source is enabled exactly while the IRQ is not inactive. */
export function setIrqState(kernel: Kernel, irq: number, state: IrqState): void {
  kernel.irqStates[irq] = state;
  kernel.interrupts?.setMasked(irq, state === 'inactive');
}

/** decodeIRQControlInvocation: IRQIssueIRQHandler(irq, root, index, depth) and the RISC-V Trigger variant. */
export function decodeIrqControlInvocation(kernel: Kernel, slot: CSlot, args: InvocationArgs): InvocationResult {
  const { label, mrs, extraCaps } = args;
  let irq: number;
  let index: number;
  let depth: number;
  if (label === InvocationLabel.IRQIssueIRQHandler) {
    if (mrs.length < 3 || extraCaps.length < 1) throw truncatedMessage();
    [irq, index, depth] = mrs as [number, number, number];
  } else if (label === InvocationLabel.RISCVIRQIssueIRQHandlerTrigger) {
    if (mrs.length < 4 || extraCaps.length < 1) throw truncatedMessage();
    [irq, , index, depth] = mrs as [number, number, number, number];
  } else {
    throw illegalOperation();
  }
  // Arch_checkIRQ: 0 is "no interrupt" on the PLIC.
  if (irq === 0 || irq > kernel.maxIrq) throw rangeError(1, kernel.maxIrq);
  if (kernel.irqStates[irq] !== 'inactive') throw revokeFirst();
  const dest = lookupTargetSlot(extraCaps[0]!.cap, index, depth);
  ensureEmptySlot(dest);
  setIrqState(kernel, irq, 'signal');
  cteInsert({ kind: 'irqHandler', irq }, slot, dest);
  return { error: 0, mrs: [] };
}

/** decodeIRQHandlerInvocation: Ack, SetNotification, Clear. */
export function decodeIrqHandlerInvocation(kernel: Kernel, irq: number, args: InvocationArgs): InvocationResult {
  const { label, extraCaps } = args;
  switch (label) {
    case InvocationLabel.IRQAckIRQ:
      kernel.irqAcks[irq]!++;
      if (kernel.hooks.trace) kernel.trace({ kind: 'ack', irq });
      kernel.interrupts?.complete(irq);
      kernel.interrupts?.setMasked(irq, false);
      return { error: 0, mrs: [] };
    case InvocationLabel.IRQSetIRQHandler: {
      if (extraCaps.length < 1) throw truncatedMessage();
      const ntfnSlot = extraCaps[0]!;
      const cap = ntfnSlot.cap;
      if (cap.kind !== 'notification' || !cap.rights.write) throw invalidCapability(0);
      const irqSlot = kernel.irqSlots[irq]!;
      cteDelete(kernel, irqSlot);
      cteInsert(cap, ntfnSlot, irqSlot);
      return { error: 0, mrs: [] };
    }
    case InvocationLabel.IRQClearIRQHandler:
      cteDelete(kernel, kernel.irqSlots[irq]!);
      return { error: 0, mrs: [] };
    default:
      throw illegalOperation();
  }
}

/** seL4 deletingIRQHandler: the last handler cap is gone; the IRQ is masked again. */
export function deletingIrqHandler(kernel: Kernel, irq: number): void {
  cteDelete(kernel, kernel.irqSlots[irq]!);
  setIrqState(kernel, irq, 'inactive');
}

/** seL4 handleInterrupt: claim at the PLIC and signal the bound notification. Returns the IRQ or 0. */
export function handleInterrupt(kernel: Kernel): number {
  const controller = kernel.interrupts;
  if (!controller) return 0;
  const irq = controller.claim();
  if (irq === 0) return 0;
  if (irq > kernel.maxIrq) {
    controller.setMasked(irq, true);
    controller.complete(irq);
    return irq;
  }
  if (kernel.irqStates[irq] === 'signal') {
    const cap = kernel.irqSlots[irq]!.cap;
    const delivered = cap.kind === 'notification' && cap.rights.write;
    if (delivered) {
      kernel.irqDeliveries[irq]!++;
      if (kernel.hooks.trace) kernel.trace({ kind: 'interrupt', irq, delivered: true });
      sendSignal(kernel, cap.obj, cap.badge);
    } else {
      if (kernel.hooks.trace) kernel.trace({ kind: 'interrupt', irq, delivered: false });
    }
  } else {
    // An interrupt nobody may handle: masked, as seL4 does for an inactive IRQ.
    controller.setMasked(irq, true);
    controller.complete(irq);
    if (kernel.hooks.trace) kernel.trace({ kind: 'interrupt', irq, delivered: false });
  }
  return irq;
}
