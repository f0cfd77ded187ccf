// The kernel invariant checker: holds on real systems, and finds dangling caps, overlaps, stray PTEs
// and broken derivation links when the state is corrupted by hand.
import { describe, it, expect } from 'vitest';
import { ObjectType } from '../../../schema/abi.js';
import { InvocationLabel } from '../../../runtime/kernel/abi.js';
import { checkInvariants } from '../../../runtime/kernel/invariants.js';
import { PTE_V, PTE_R, PTE_U, PTE_A } from '../../../runtime/kernel/vspace.js';
import { bootTestKernel, createThread, RAM_BASE, retype, rootInvoke, ROOT_CNODE } from './fixture.js';

describe('kernel invariant checker', () => {
  it('holds on a system built through invocations', () => {
    const sys = bootTestKernel();
    createThread(sys, 'a');
    createThread(sys, 'b');
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('checks a CNode of 2^17 slots (more than a spread of arguments can take) without throwing', () => {
    const sys = bootTestKernel();
    const slot = retype(sys, ObjectType.CNode, 17);
    expect(sys.kernel.rootCNode.slots[slot]!.cap.kind).toBe('cnode');
    expect(checkInvariants(sys.kernel)).toEqual([]);
  });

  it('finds a ready bitmap out of step with the ready queues, both ways', () => {
    const sys = bootTestKernel();
    sys.kernel.readyBitmap[7] |= 1 << 3; // priority 227, nobody queued
    expect(checkInvariants(sys.kernel)).toEqual(['ready bitmap bit 227 is set with 0 threads queued']);
    sys.kernel.readyBitmap[7] = 0;
    sys.kernel.readyQueues[40]!.push(sys.kernel.rootTcb);
    expect(checkInvariants(sys.kernel)).toContain('ready bitmap bit 40 is clear with 1 threads queued');
  });

  it('finds a cap to a freed object', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    const cap = sys.kernel.rootCNode.slots[ep]!.cap;
    if (cap.kind !== 'endpoint') throw new Error('no endpoint');
    cap.obj.live = false;
    expect(checkInvariants(sys.kernel)).toContain(`a endpoint cap points to freed endpoint@0x${RAM_BASE.toString(16)}`);
  });

  it('finds overlapping objects and objects beyond the watermark', () => {
    const sys = bootTestKernel();
    retype(sys, ObjectType.Endpoint, 0, 2);
    sys.kernel.bootUntypeds[0]!.freeIndex = 16;
    const problems = checkInvariants(sys.kernel);
    expect(problems).toContain(`endpoint@0x${(RAM_BASE + 16).toString(16)} is outside the used part of its untyped untyped@0x${RAM_BASE.toString(16)}`);
  });

  it('finds a page-table entry no frame cap accounts for', () => {
    const sys = bootTestKernel();
    const t = createThread(sys, 'a');
    const root = t.tcb.vspaceRoot.cap;
    if (root.kind !== 'pageTable') throw new Error('no vspace');
    sys.memory.writeU32(root.obj.paddr + 4 * 100, (((RAM_BASE >>> 12) << 10) | PTE_V | PTE_R | PTE_U | PTE_A) >>> 0);
    expect(checkInvariants(sys.kernel).some((p) => p.includes('maps 0x19000000 → 0x80000000 without a frame cap'))).toBe(true);
  });

  it('finds one-sided derivation links and wrong cap counts', () => {
    const sys = bootTestKernel();
    const ep = retype(sys, ObjectType.Endpoint);
    rootInvoke(sys, ROOT_CNODE, InvocationLabel.CNodeCopy, [300, 32, ep, 32, 15], [ROOT_CNODE]);
    sys.kernel.rootCNode.slots[ep]!.children.clear();
    const cap = sys.kernel.rootCNode.slots[ep]!.cap;
    if (cap.kind === 'endpoint') cap.obj.capCount = 5;
    const problems = checkInvariants(sys.kernel);
    expect(problems).toContain('derivation link of a endpoint cap is one-sided');
    expect(problems.some((p) => p.includes('has 2 caps but counts 5'))).toBe(true);
  });
});
