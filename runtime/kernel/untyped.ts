// Untyped memory and retype (seL4 src/object/untyped.c decodeUntypedInvocation/invokeUntyped_Retype,
// src/object/objecttype.c createObject): objects are carved at the watermark aligned to their size;
// an untyped with no children is reset to empty first; device untyped yields only frames and untyped.
import {
  ENDPOINT_SIZE_BITS,
  MAX_UNTYPED_BITS,
  MEGA_PAGE_BITS,
  MIN_UNTYPED_BITS,
  NOTIFICATION_SIZE_BITS,
  PAGE_BITS,
  PAGE_TABLE_BITS,
  SLOT_BITS,
  TCB_SIZE_BITS,
} from '../../schema/abi.js';
import { ALL_RIGHTS, InvocationLabel, ObjectType, RETYPE_FAN_OUT_LIMIT } from './abi.js';
import { cteInsert, ensureEmptySlot, lookupTargetSlot } from './cnode.js';
import {
  failedLookup,
  illegalOperation,
  invalidArgument,
  notEnoughMemory,
  rangeError,
  truncatedMessage,
} from './errors.js';
import type { InvocationArgs, InvocationResult } from './invocation.js';
import { createCNodeObject, createTcbObject, type Kernel } from './kernel.js';
import type { Cap, CSlot, KernelObject, UntypedObject } from './objects.js';

const OBJECT_TYPE_COUNT = 8;

/** seL4 getObjectSize (log2 bytes) for an RV32 non-MCS build; `tcbBits` from the configuration. */
export function objectSizeBits(type: number, userSize: number, tcbBits = TCB_SIZE_BITS): number {
  switch (type) {
    case ObjectType.Untyped:
      return userSize;
    case ObjectType.Tcb:
      return tcbBits;
    case ObjectType.Endpoint:
      return ENDPOINT_SIZE_BITS;
    case ObjectType.Notification:
      return NOTIFICATION_SIZE_BITS;
    case ObjectType.CNode:
      return userSize + SLOT_BITS;
    case ObjectType.Page4K:
      return PAGE_BITS;
    case ObjectType.MegaPage:
      return MEGA_PAGE_BITS;
    default:
      return PAGE_TABLE_BITS;
  }
}

const isFrameType = (type: number): boolean => type === ObjectType.Page4K || type === ObjectType.MegaPage;

/** Creates a boot-time untyped (bootinfo untypedList entry). */
export function createUntypedObject(paddr: number, sizeBits: number, isDevice: boolean, parent: UntypedObject | null): UntypedObject {
  return { type: 'untyped', paddr, sizeBits, untyped: parent, capCount: 0, live: true, isDevice, freeIndex: 0, children: new Set() };
}

/** decodeUntypedInvocation: `seL4_Untyped_Retype(type, size_bits, root, node_index, node_depth, node_offset, num_objects)`. */
export function decodeUntypedInvocation(
  kernel: Kernel,
  slot: CSlot,
  cap: Extract<Cap, { kind: 'untyped' }>,
  args: InvocationArgs,
): InvocationResult {
  const { label, mrs, extraCaps } = args;
  if (label !== InvocationLabel.UntypedRetype) throw illegalOperation();
  if (mrs.length < 6 || extraCaps.length < 1) throw truncatedMessage();
  const [newType, userObjSize, nodeIndex, nodeDepth, nodeOffset, nodeWindow] = mrs as [number, number, number, number, number, number];
  if (newType >= OBJECT_TYPE_COUNT) throw invalidArgument(0);
  const objectSize = objectSizeBits(newType, userObjSize, kernel.tcbBits);
  if (userObjSize >= 32 || objectSize > MAX_UNTYPED_BITS) throw rangeError(0, MAX_UNTYPED_BITS);
  if (newType === ObjectType.CNode && userObjSize === 0) throw invalidArgument(1);
  if (newType === ObjectType.Untyped && userObjSize < MIN_UNTYPED_BITS) throw invalidArgument(1);

  const root = extraCaps[0]!.cap;
  const nodeCap = nodeDepth === 0 ? root : lookupTargetSlot(root, nodeIndex, nodeDepth).cap;
  if (nodeCap.kind !== 'cnode') throw failedLookup(false, { type: 'missingCapability', bitsLeft: nodeDepth });
  const nodeSize = 2 ** nodeCap.obj.radixBits;
  if (nodeOffset > nodeSize - 1) throw rangeError(0, nodeSize - 1);
  if (nodeWindow < 1 || nodeWindow > RETYPE_FAN_OUT_LIMIT) throw rangeError(1, RETYPE_FAN_OUT_LIMIT);
  if (nodeWindow > nodeSize - nodeOffset) throw rangeError(1, nodeSize - nodeOffset);
  const destSlots = nodeCap.obj.slots.slice(nodeOffset, nodeOffset + nodeWindow);
  for (const dest of destSlots) ensureEmptySlot(dest);

  const untyped = cap.obj;
  // An untyped whose derived caps are all gone starts again from its base (seL4 resetUntypedCap).
  const reset = slot.children.size === 0;
  const freeIndex = reset ? 0 : untyped.freeIndex;
  const freeBytes = 2 ** untyped.sizeBits - freeIndex;
  if (Math.floor(freeBytes / 2 ** objectSize) < nodeWindow) throw notEnoughMemory(freeBytes);
  if (untyped.isDevice && !isFrameType(newType) && newType !== ObjectType.Untyped) throw invalidArgument(1);

  const objectBytes = 2 ** objectSize;
  const alignedStart = Math.ceil((untyped.paddr + freeIndex) / objectBytes) * objectBytes;
  untyped.freeIndex = alignedStart - untyped.paddr + nodeWindow * objectBytes;
  for (let i = 0; i < nodeWindow; i++) {
    const paddr = alignedStart + i * objectBytes;
    const newCap = createObject(kernel, newType, paddr, userObjSize, untyped);
    cteInsert(newCap, slot, destSlots[i]!);
  }
  return { error: 0, mrs: [] };
}

/** seL4 createObject: the object and its first (original) cap. Frames and tables are zeroed in RAM. */
function createObject(kernel: Kernel, type: number, paddr: number, userSize: number, parent: UntypedObject): Cap {
  let obj: KernelObject;
  let cap: Cap;
  switch (type) {
    case ObjectType.Untyped: {
      const u = createUntypedObject(paddr, userSize, parent.isDevice, parent);
      obj = u;
      cap = { kind: 'untyped', obj: u };
      break;
    }
    case ObjectType.Tcb: {
      const t = createTcbObject(paddr, parent, `tcb@0x${paddr.toString(16)}`, kernel.timeSlice, kernel.tcbBits);
      obj = t;
      cap = { kind: 'tcb', obj: t };
      break;
    }
    case ObjectType.Endpoint: {
      const e: Extract<KernelObject, { type: 'endpoint' }> = {
        type: 'endpoint',
        paddr,
        sizeBits: ENDPOINT_SIZE_BITS,
        untyped: parent,
        capCount: 0,
        live: true,
        queue: [],
        state: 'idle',
      };
      obj = e;
      cap = { kind: 'endpoint', obj: e, badge: 0, rights: ALL_RIGHTS };
      break;
    }
    case ObjectType.Notification: {
      const n: Extract<KernelObject, { type: 'notification' }> = {
        type: 'notification',
        paddr,
        sizeBits: NOTIFICATION_SIZE_BITS,
        untyped: parent,
        capCount: 0,
        live: true,
        state: 'idle',
        word: 0,
        queue: [],
        boundTcb: null,
      };
      obj = n;
      cap = { kind: 'notification', obj: n, badge: 0, rights: ALL_RIGHTS };
      break;
    }
    case ObjectType.CNode: {
      const c = createCNodeObject(paddr, userSize, parent);
      obj = c;
      cap = { kind: 'cnode', obj: c, guard: 0, guardSize: 0 };
      break;
    }
    case ObjectType.Page4K:
    case ObjectType.MegaPage: {
      const sizeBits = type === ObjectType.Page4K ? PAGE_BITS : MEGA_PAGE_BITS;
      if (!parent.isDevice && kernel.memory.contains(paddr, 2 ** sizeBits)) kernel.memory.fill(paddr, 2 ** sizeBits, 0);
      const f: Extract<KernelObject, { type: 'frame' }> = {
        type: 'frame',
        paddr,
        sizeBits,
        untyped: parent,
        capCount: 0,
        live: true,
        isDevice: parent.isDevice,
      };
      obj = f;
      cap = { kind: 'frame', obj: f, read: true, write: true, mapping: null };
      break;
    }
    default: {
      if (kernel.memory.contains(paddr, 2 ** PAGE_TABLE_BITS)) kernel.memory.fill(paddr, 2 ** PAGE_TABLE_BITS, 0);
      const p: Extract<KernelObject, { type: 'pageTable' }> = {
        type: 'pageTable',
        paddr,
        sizeBits: PAGE_TABLE_BITS,
        untyped: parent,
        capCount: 0,
        live: true,
        asid: 0,
      };
      obj = p;
      cap = { kind: 'pageTable', obj: p, mapping: null };
    }
  }
  parent.children.add(obj);
  kernel.register(obj);
  return cap;
}

