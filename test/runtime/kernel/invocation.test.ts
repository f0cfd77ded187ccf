// The invocation path as seL4 src/api/syscall.c handleInvocation takes it: the invoked cap, then
// every extra cap (lookupExtraCaps) is looked up before anything is sent, signalled or decoded;
// Call on a reply cap is answered with an empty success.
import { describe, it, expect } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { InvocationLabel, IpcBufferOffset, SeL4Error, Syscall } from '../../../runtime/kernel/abi.js';
import { invalidArgument, SyscallError } from '../../../runtime/kernel/errors.js';
import { badgeOf, bootTestKernel, createThread, grant, infoOf, mr, resume, retype, syscall, type TestThread, type TestSystem } from './fixture.js';

const EP_SLOT = 1;
const NTFN_SLOT = 5;
const SPARE_SLOT = 7;
/** Outside the 256-slot CNode (guard mismatch). */
const UNRESOLVED_CPTR = 0x100;

function setExtraCaps(sys: TestSystem, t: TestThread, cptrs: readonly number[]): void {
  cptrs.forEach((c, i) => sys.memory.writeU32(t.bufferPaddr + IpcBufferOffset.capsOrBadges + 4 * i, c));
}

function endpointPair() {
  const sys = bootTestKernel();
  const ep = retype(sys, ObjectType.Endpoint);
  const a = createThread(sys, 'sender');
  const b = createThread(sys, 'receiver');
  grant(sys, a, EP_SLOT, ep, 15);
  grant(sys, a, SPARE_SLOT, ep, 15);
  grant(sys, b, EP_SLOT, ep, 15);
  resume(sys, a);
  resume(sys, b);
  syscall(sys, b.tcb, Syscall.Recv, { a0: EP_SLOT });
  return { sys, a, b };
}

describe('extra caps that do not resolve (lookupExtraCaps before the invocation)', () => {
  for (const [name, no] of [
    ['Call', Syscall.Call],
    ['Send', Syscall.Send],
  ] as const) {
    it(`${name} on an endpoint raises a cap fault for the extra cptr and sends nothing`, () => {
      const { sys, a, b } = endpointPair();
      setExtraCaps(sys, a, [SPARE_SLOT, UNRESOLVED_CPTR]);
      a.tcb.pc = 0x3000;
      syscall(sys, a.tcb, no, { a0: EP_SLOT, label: 9, extraCaps: 2, mrs: [1] });
      expect(b.tcb.state).toBe('blockedOnReceive');
      expect(a.tcb.state).toBe('inactive');
      expect(sys.faults).toEqual([
        {
          thread: 'sender',
          fault: {
            type: 'cap',
            pc: 0x3000,
            address: UNRESOLVED_CPTR,
            inRecvPhase: false,
            lookup: { type: 'guardMismatch', bitsLeft: 32, guardFound: 0, bitsFound: 24 },
          },
        },
      ]);
    });
  }

  it('NBSend on an endpoint does nothing: no message, no fault, the sender runs on', () => {
    const { sys, a, b } = endpointPair();
    setExtraCaps(sys, a, [UNRESOLVED_CPTR]);
    syscall(sys, a.tcb, Syscall.NBSend, { a0: EP_SLOT, extraCaps: 1, mrs: [1] });
    expect([a.tcb.state, b.tcb.state, sys.faults]).toEqual(['running', 'blockedOnReceive', []]);
  });

  it('Send on a notification raises the cap fault and does not signal', () => {
    const sys = bootTestKernel();
    const ntfn = retype(sys, ObjectType.Notification);
    const a = createThread(sys, 'sender');
    const b = createThread(sys, 'waiter');
    grant(sys, a, NTFN_SLOT, ntfn, 15, 4);
    grant(sys, b, NTFN_SLOT, ntfn, 15);
    resume(sys, a);
    resume(sys, b);
    syscall(sys, b.tcb, Syscall.Recv, { a0: NTFN_SLOT });
    setExtraCaps(sys, a, [UNRESOLVED_CPTR]);
    syscall(sys, a.tcb, Syscall.Send, { a0: NTFN_SLOT, extraCaps: 1 });
    expect(b.tcb.state).toBe('blockedOnNotification');
    expect(sys.faults.map((f) => [f.thread, f.fault.type])).toEqual([['sender', 'cap']]);
  });

  it('NBSend on a notification with an unresolved extra cap does not signal', () => {
    const sys = bootTestKernel();
    const ntfn = retype(sys, ObjectType.Notification);
    const a = createThread(sys, 'sender');
    grant(sys, a, NTFN_SLOT, ntfn, 15, 4);
    resume(sys, a);
    setExtraCaps(sys, a, [UNRESOLVED_CPTR]);
    syscall(sys, a.tcb, Syscall.NBSend, { a0: NTFN_SLOT, extraCaps: 1 });
    const obj = sys.kernel.rootCNode.slots[ntfn]!.cap;
    expect(obj.kind === 'notification' && obj.obj.state).toBe('idle');
    expect(sys.faults).toEqual([]);
  });

  it('a kernel object invocation with an unresolved extra cap is a cap fault, not an error reply', () => {
    const sys = bootTestKernel();
    const a = createThread(sys, 'caller');
    const tcb = retype(sys, ObjectType.Tcb);
    grant(sys, a, SPARE_SLOT, tcb, 15);
    resume(sys, a);
    setExtraCaps(sys, a, [UNRESOLVED_CPTR]);
    syscall(sys, a.tcb, Syscall.Call, { a0: SPARE_SLOT, label: 0, extraCaps: 1 });
    expect(sys.faults.map((f) => f.fault.type)).toEqual(['cap']);
  });

  it('without an IPC buffer the extra caps are not looked up: the message goes through', () => {
    const { sys, a, b } = endpointPair();
    setExtraCaps(sys, a, [UNRESOLVED_CPTR]);
    a.tcb.bufferFrame.cap = { kind: 'null' };
    syscall(sys, a.tcb, Syscall.Send, { a0: EP_SLOT, label: 3, extraCaps: 1, mrs: [42] });
    expect([b.tcb.state, mr(b.tcb, 0), infoOf(b.tcb).extraCaps, sys.faults]).toEqual(['running', 42, 0, []]);
  });
});

describe('Call on a reply cap', () => {
  it('answers the caller and replies an empty success to the invoker (replyFromKernel_success_empty)', () => {
    const { sys, a, b } = endpointPair();
    const OWN_CNODE = 8;
    const SAVED_REPLY = 9;
    grant(sys, b, OWN_CNODE, b.cnodeSlot);
    syscall(sys, a.tcb, Syscall.Call, { a0: EP_SLOT, mrs: [1] });
    expect(a.tcb.state).toBe('blockedOnReply');
    syscall(sys, b.tcb, Syscall.Call, { a0: OWN_CNODE, label: InvocationLabel.CNodeSaveCaller, mrs: [SAVED_REPLY, 8] });
    expect(infoOf(b.tcb).label).toBe(0);
    syscall(sys, b.tcb, Syscall.Call, { a0: SAVED_REPLY, label: 5, mrs: [77] });
    expect([a.tcb.state, infoOf(a.tcb).label, mr(a.tcb, 0)]).toEqual(['running', 5, 77]);
    expect([b.tcb.state, infoOf(b.tcb), badgeOf(b.tcb)]).toEqual(['running', { label: 0, length: 0, extraCaps: 0, capsUnwrapped: 0 }, 0]);
  });
});

describe('SyscallError', () => {
  it('names itself and its seL4 error, with the error\'s message words', () => {
    const error = invalidArgument(3);
    expect(error).toBeInstanceOf(SyscallError);
    expect(error.name).toBe('SyscallError');
    expect(error.message).toBe(`seL4 error ${SeL4Error.InvalidArgument}`);
    expect([error.error, ...error.mrs]).toEqual([SeL4Error.InvalidArgument, 3]);
  });
});
