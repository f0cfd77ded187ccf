// Fault messages word by word and fault replies at their lengths (seL4 src/kernel/faulthandler.c
// handleFault/sendFaultIPC, src/api/faults.c setMRs_fault/handleFaultReply, copyMRsFaultReply):
// the UnknownSyscall message's eleven words, four of them without the handler's IPC buffer; a fault
// sent while no handler waits blocks until one does (sendIPC blocking); a fault endpoint cptr that
// does not resolve is a double fault; a reply sets only as many registers as it carries words,
// those past the four registers from the replier's buffer, which it needs only to read.
import { describe, it, expect } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { encodeMessageInfo, FaultType, Reg, Syscall } from '../../../runtime/kernel/abi.js';
import type { KernelHooks, KernelTraceEvent } from '../../../runtime/kernel/kernel.js';
import { handleUserFault } from '../../../runtime/kernel/syscall.js';
import {
  badgeOf,
  bootTestKernel,
  bufferMr,
  createThread,
  grant,
  infoOf,
  mr,
  resume,
  retype,
  spoilBuffer,
  syscall,
  type TestSystem,
  type TestThread,
  UNRESOLVED_CPTR,
} from './fixture.js';

const EP_SLOT = 1;
const FAULT_EP_SLOT = 2;

/** A faulter whose fault endpoint (slot 2, Write + Grant, badge 0x77) a handler holds; `waiting`: the handler is in Recv. */
function handled(options: { waiting?: boolean; hooks?: KernelHooks } = {}) {
  const sys = bootTestKernel(options.hooks ? { hooks: options.hooks } : {});
  const ep = retype(sys, ObjectType.Endpoint);
  const faulter = createThread(sys, 'faulter', 100, FAULT_EP_SLOT);
  const handler = createThread(sys, 'handler', 200);
  grant(sys, faulter, FAULT_EP_SLOT, ep, 0b0101, 0x77);
  grant(sys, handler, EP_SLOT, ep, 0b0010);
  resume(sys, faulter);
  resume(sys, handler);
  if (options.waiting !== false) syscall(sys, handler.tcb, Syscall.Recv, { a0: EP_SLOT });
  return { sys, faulter, handler };
}

/** An unknown syscall (-20) from `faulter` with every register of the message distinct. */
function unknownSyscall(sys: TestSystem, faulter: TestThread): void {
  const r = faulter.tcb.regs;
  r[Reg.sp] = 0x7100;
  r[Reg.ra] = 0x7200;
  r[Reg.a6] = 0xa6;
  faulter.tcb.pc = 0x4000;
  syscall(sys, faulter.tcb, -20, { a0: 0xa0, info: 0xa1, mrs: [0xa2, 0xa3, 0xa4, 0xa5] });
}

describe('the UnknownSyscall message', () => {
  it('carries FaultIP, SP, RA, a0..a6 and the syscall number, MRs 4.. in the handler buffer', () => {
    const { sys, faulter, handler } = handled();
    unknownSyscall(sys, faulter);
    expect(infoOf(handler.tcb)).toEqual({ label: FaultType.UnknownSyscall, length: 11, extraCaps: 0, capsUnwrapped: 0 });
    const words = [0, 1, 2, 3].map((i) => mr(handler.tcb, i));
    for (let i = 4; i < 11; i++) words.push(bufferMr(sys, handler, i));
    expect(words).toEqual([0x4000, 0x7100, 0x7200, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, -20 >>> 0]);
  });

  it('is four words long when the handler has no IPC buffer (setMR stops at the registers)', () => {
    const { sys, faulter, handler } = handled();
    spoilBuffer(handler, 'none');
    unknownSyscall(sys, faulter);
    expect(infoOf(handler.tcb)).toMatchObject({ label: FaultType.UnknownSyscall, length: 4 });
    expect([0, 1, 2, 3].map((i) => mr(handler.tcb, i))).toEqual([0x4000, 0x7100, 0x7200, 0xa0]);
    expect(bufferMr(sys, handler, 4)).toBe(0);
  });
});

describe('sending a fault', () => {
  it('blocks until the handler receives, then leaves the faulter waiting for the reply', () => {
    const { sys, faulter, handler } = handled({ waiting: false });
    faulter.tcb.pc = 0x5000;
    syscall(sys, faulter.tcb, Syscall.Call, { a0: UNRESOLVED_CPTR });
    expect([faulter.tcb.state, sys.faults]).toEqual(['blockedOnSend', []]);
    syscall(sys, handler.tcb, Syscall.Recv, { a0: EP_SLOT });
    expect([infoOf(handler.tcb).label, badgeOf(handler.tcb), mr(handler.tcb, 0), mr(handler.tcb, 1)]).toEqual([
      FaultType.CapFault,
      0x77,
      0x5000,
      UNRESOLVED_CPTR,
    ]);
    expect([faulter.tcb.state, handler.tcb.caller.cap]).toMatchObject(['blockedOnReply', { kind: 'reply', tcb: faulter.tcb }]);
  });

  it('a fault endpoint cptr that does not resolve is a double fault', () => {
    const sys = bootTestKernel();
    const faulter = createThread(sys, 'faulter', 100, UNRESOLVED_CPTR);
    resume(sys, faulter);
    syscall(sys, faulter.tcb, Syscall.Call, { a0: UNRESOLVED_CPTR });
    expect([faulter.tcb.state, faulter.tcb.fault, sys.faults.map((f) => f.fault.type)]).toEqual(['inactive', null, ['cap']]);
  });

  it('a double fault without an unhandledFault hook just stops the thread', () => {
    const sys = bootTestKernel({ hooks: { unhandledFault: undefined } });
    const faulter = createThread(sys, 'faulter');
    resume(sys, faulter);
    handleUserFault(sys.kernel, faulter.tcb, { type: 'userException', pc: 0x40, number: 2, code: 0 });
    expect(faulter.tcb.state).toBe('inactive');
  });

  it('is traced: handled with its message, or unhandled', () => {
    const events: KernelTraceEvent[] = [];
    const { sys, faulter } = handled({ hooks: { trace: (e) => events.push(e) } });
    const fault = { type: 'vm', pc: 0x2000, address: 0x1234, prefetch: false, fsr: 5, cause: 13 } as const;
    handleUserFault(sys.kernel, faulter.tcb, fault);
    expect(events.filter((e) => e.kind === 'fault' || e.kind === 'ipc')).toEqual([
      { kind: 'fault', thread: 'faulter', fault, handled: true },
      { kind: 'ipc', from: 'faulter', to: 'handler', badge: 0x77, label: FaultType.VMFault, length: 4 },
    ]);
    events.length = 0;
    const lone = createThread(sys, 'lone');
    resume(sys, lone);
    const other = { type: 'userException', pc: 0x40, number: 2, code: 0 } as const;
    handleUserFault(sys.kernel, lone.tcb, other);
    expect(events.filter((e) => e.kind === 'fault')).toEqual([{ kind: 'fault', thread: 'lone', fault: other, handled: false }]);
  });
});

describe('a fault reply sets as many registers as it has words', () => {
  it('UnknownSyscall, two words: FaultIP and SP only', () => {
    const { sys, faulter, handler } = handled();
    unknownSyscall(sys, faulter);
    syscall(sys, handler.tcb, Syscall.Reply, { label: 0, length: 2, mrs: [0x4004, 0x6000, 0x6100, 0x42] });
    const r = faulter.tcb.regs;
    expect([faulter.tcb.state, faulter.tcb.faultIp, r[Reg.sp], r[Reg.ra], r[Reg.a0]]).toEqual(['restart', 0x4004, 0x6000, 0x7200, 0xa0]);
  });

  it('UserException, one word: FaultIP only', () => {
    const { sys, faulter, handler } = handled();
    faulter.tcb.regs[Reg.sp] = 0x7100;
    handleUserFault(sys.kernel, faulter.tcb, { type: 'userException', pc: 0x3000, number: 2, code: 0 });
    syscall(sys, handler.tcb, Syscall.Reply, { label: 0, length: 1, mrs: [0x3004, 0x6000] });
    expect([faulter.tcb.faultIp, faulter.tcb.regs[Reg.sp]]).toEqual([0x3004, 0x7100]);
  });

  for (const [name, readOnly] of [
    ['a read-write', false],
    ['a read-only', true],
  ] as const) {
    it(`UnknownSyscall, ten words: a1..a6 from the replier's buffer through ${name} frame`, () => {
      const { sys, faulter, handler } = handled();
      unknownSyscall(sys, faulter);
      if (readOnly) spoilBuffer(handler, 'readOnly');
      const mrs = [0x4004, 0x6000, 0x6100, 0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6];
      syscall(sys, handler.tcb, Syscall.Reply, { label: 0, mrs });
      const r = faulter.tcb.regs;
      expect([faulter.tcb.state, faulter.tcb.faultIp, r[Reg.sp], r[Reg.ra]]).toEqual(['restart', 0x4004, 0x6000, 0x6100]);
      expect([Reg.a0, Reg.a1, Reg.a2, Reg.a3, Reg.a4, Reg.a5, Reg.a6].map((reg) => r[reg])).toEqual([0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6]);
    });
  }

  it('a reply longer than the syscall message sets nothing past a6', () => {
    const { sys, faulter, handler } = handled();
    unknownSyscall(sys, faulter);
    faulter.tcb.regs[Reg.a7] = 0x77;
    const mrs = [0x4004, 0x6000, 0x6100, 0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8];
    syscall(sys, handler.tcb, Syscall.Reply, { label: 0, mrs, info: encodeMessageInfo(0, 0, 0, mrs.length) });
    expect([faulter.tcb.regs[Reg.a6], faulter.tcb.regs[Reg.a7]]).toEqual([0xb6, 0x77]);
  });
});
