// IRQ control, IRQ handlers and interrupt delivery at every branch (seL4 src/object/interrupt.c
// decodeIRQControlInvocation, decodeIRQHandlerInvocation, handleInterrupt; src/arch/riscv/object/
// interrupt.c Arch_decodeIRQControlInvocation): message lengths exactly at and one below what each
// invocation needs, IRQs 0, maxIRQ and maxIRQ + 1 arriving, and what the trace reports.
import { describe, it, expect } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { InvocationLabel as L, SeL4Error } from '../../../runtime/kernel/abi.js';
import type { KernelTraceEvent } from '../../../runtime/kernel/kernel.js';
import { handleInterruptEntry } from '../../../runtime/kernel/syscall.js';
import { bootTestKernel, fakePlic, IRQ_CONTROL, retype, ROOT_CNODE, rootInvoke, type TestSystem } from './fixture.js';

const OK = { error: 0, mrs: [] };

/** A kernel with a fake PLIC and a trace of its interrupt events. */
function withPlic() {
  const plic = fakePlic();
  const events: KernelTraceEvent[] = [];
  const sys = bootTestKernel({ interrupts: plic.controller, hooks: { trace: (e) => events.push(e) } });
  return { sys, plic, events, irqEvents: () => events.filter((e) => e.kind === 'interrupt' || e.kind === 'ack') };
}

/** IRQ handler cap for `irq` in root slot `slot`, its notification (badge `badge`) set when `ntfn`. */
function handler(sys: TestSystem, irq: number, slot: number, ntfn: boolean, badge = 0b100): number {
  expect(rootInvoke(sys, IRQ_CONTROL, L.IRQIssueIRQHandler, [irq, slot, 32], [ROOT_CNODE])).toEqual(OK);
  const n = retype(sys, ObjectType.Notification);
  if (ntfn) {
    expect(rootInvoke(sys, ROOT_CNODE, L.CNodeMint, [slot + 1, 32, n, 32, 0b0001, badge], [ROOT_CNODE]).error).toBe(0);
    expect(rootInvoke(sys, slot, L.IRQSetIRQHandler, [], [slot + 1])).toEqual(OK);
  }
  return n;
}

const ntfnState = (sys: TestSystem, slot: number) => {
  const c = sys.kernel.rootCNode.slots[slot]!.cap;
  return c.kind === 'notification' ? [c.obj.state, c.obj.word] : null;
};

describe('IRQControl decoding', () => {
  it('IssueIRQHandler needs 3 words and the CNode cap: without the cap it is TruncatedMessage', () => {
    const { sys } = withPlic();
    expect(rootInvoke(sys, IRQ_CONTROL, L.IRQIssueIRQHandler, [10, 300, 32], []).error).toBe(SeL4Error.TruncatedMessage);
    expect(rootInvoke(sys, IRQ_CONTROL, L.IRQIssueIRQHandler, [10, 300], [ROOT_CNODE]).error).toBe(SeL4Error.TruncatedMessage);
    expect(rootInvoke(sys, IRQ_CONTROL, L.IRQIssueIRQHandler, [10, 300, 32], [ROOT_CNODE])).toEqual(OK);
  });

  it('the RISC-V Trigger variant needs 4 words and the CNode cap', () => {
    const { sys } = withPlic();
    expect(rootInvoke(sys, IRQ_CONTROL, L.RISCVIRQIssueIRQHandlerTrigger, [12, 1, 302, 32], []).error).toBe(SeL4Error.TruncatedMessage);
    expect(rootInvoke(sys, IRQ_CONTROL, L.RISCVIRQIssueIRQHandlerTrigger, [12, 1, 302], [ROOT_CNODE]).error).toBe(SeL4Error.TruncatedMessage);
    expect(rootInvoke(sys, IRQ_CONTROL, L.RISCVIRQIssueIRQHandlerTrigger, [12, 1, 302, 32], [ROOT_CNODE])).toEqual(OK);
    expect(sys.kernel.rootCNode.slots[302]!.cap).toEqual({ kind: 'irqHandler', irq: 12 });
  });

  it('any other label on IRQControl is IllegalOperation', () => {
    const { sys } = withPlic();
    for (const label of [L.IRQAckIRQ, L.IRQSetIRQHandler, L.CNodeCopy]) {
      expect(rootInvoke(sys, IRQ_CONTROL, label, [10, 300, 32, 32], [ROOT_CNODE])).toEqual({ error: SeL4Error.IllegalOperation, mrs: [] });
    }
    // Nothing was issued: slot 300 is still empty and IRQ 10 still inactive.
    expect(rootInvoke(sys, IRQ_CONTROL, L.IRQIssueIRQHandler, [10, 300, 32], [ROOT_CNODE])).toEqual(OK);
  });
});

describe('IRQHandler decoding', () => {
  it('Ack, SetIRQHandler and Clear answer with no words; Ack is traced', () => {
    const { sys, events } = withPlic();
    handler(sys, 10, 300, false);
    const n = retype(sys, ObjectType.Notification);
    expect(rootInvoke(sys, 300, L.IRQSetIRQHandler, [], [])).toEqual({ error: SeL4Error.TruncatedMessage, mrs: [] });
    expect(sys.kernel.irqSlots[10]!.cap.kind).toBe('null');
    expect(rootInvoke(sys, 300, L.IRQSetIRQHandler, [], [n])).toEqual(OK);
    expect(rootInvoke(sys, 300, L.IRQAckIRQ, [])).toEqual(OK);
    expect(events.filter((e) => e.kind === 'ack')).toEqual([{ kind: 'ack', irq: 10 }]);
    expect(rootInvoke(sys, 300, L.IRQClearIRQHandler, [])).toEqual(OK);
    expect(sys.kernel.irqSlots[10]!.cap.kind).toBe('null');
  });
});

describe('handleInterrupt', () => {
  it('a kernel without an interrupt controller has no interrupt to handle (0)', () => {
    const sys = bootTestKernel();
    expect(handleInterruptEntry(sys.kernel)).toBe(0);
  });

  it('a claim of 0 (nothing pending) is neither masked nor completed', () => {
    const { sys, plic, irqEvents } = withPlic();
    expect(handleInterruptEntry(sys.kernel)).toBe(0);
    expect(plic.log).toEqual(['claim 0']);
    expect(irqEvents()).toEqual([]);
  });

  it('maxIRQ is delivered; maxIRQ + 1 is masked and completed without a delivery (seL4: "above maxIRQ")', () => {
    const { sys, plic, irqEvents } = withPlic();
    const max = sys.kernel.maxIrq;
    handler(sys, max, 300, true);
    plic.log.length = 0;
    plic.raise(max);
    expect(handleInterruptEntry(sys.kernel)).toBe(max);
    expect(plic.log).toEqual([`claim ${max}`]);
    expect(sys.kernel.irqDeliveries[max]).toBe(1);
    expect(ntfnState(sys, 301)).toEqual(['active', 0b100]);
    plic.log.length = 0;
    plic.raise(max + 1);
    expect(handleInterruptEntry(sys.kernel)).toBe(max + 1);
    expect(plic.log).toEqual([`claim ${max + 1}`, `mask ${max + 1}`, `complete ${max + 1}`]);
    expect(irqEvents()).toEqual([{ kind: 'interrupt', irq: max, delivered: true }]);
  });

  it('an inactive IRQ is masked and completed, and reported undelivered', () => {
    const { sys, plic, irqEvents } = withPlic();
    plic.raise(20);
    expect(handleInterruptEntry(sys.kernel)).toBe(20);
    expect(plic.log).toEqual(['claim 20', 'mask 20', 'complete 20']);
    expect(sys.kernel.irqDeliveries[20]).toBe(0);
    expect(irqEvents()).toEqual([{ kind: 'interrupt', irq: 20, delivered: false }]);
  });

  it('an issued handler without a notification: undelivered, and it stays claimed until Ack (no mask, no completion)', () => {
    const { sys, plic, irqEvents } = withPlic();
    const n = handler(sys, 11, 300, false);
    plic.log.length = 0;
    plic.raise(11);
    expect(handleInterruptEntry(sys.kernel)).toBe(11);
    expect(plic.log).toEqual(['claim 11']);
    expect(sys.kernel.irqDeliveries[11]).toBe(0);
    expect(ntfnState(sys, n)).toEqual(['idle', 0]);
    expect(irqEvents()).toEqual([{ kind: 'interrupt', irq: 11, delivered: false }]);
    expect(rootInvoke(sys, 300, L.IRQAckIRQ, [])).toEqual(OK);
    expect(plic.log.slice(1)).toEqual(['complete 11', 'unmask 11']);
  });

  it('delivery ORs the handler badge into the notification and is traced as delivered', () => {
    const { sys, plic, irqEvents } = withPlic();
    handler(sys, 7, 300, true, 0b1000);
    plic.raise(7);
    handleInterruptEntry(sys.kernel);
    expect(ntfnState(sys, 301)).toEqual(['active', 0b1000]);
    expect(irqEvents()).toEqual([{ kind: 'interrupt', irq: 7, delivered: true }]);
  });
});
