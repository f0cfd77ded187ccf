// TCB invocations (seL4 src/object/tcb.c decodeTCBInvocation and invokeTCB_*): registers,
// Configure/SetSpace/SetIPCBuffer, priorities against the authority's MCP, suspend/resume,
// notification binding and the TLS base. Labels from sel4-abi.md §4.2.
import { IPC_BUFFER_SIZE_BITS } from '../../schema/abi.js';
import { InvocationLabel, NUM_PRIORITIES, Reg, USER_CONTEXT_REGISTERS } from './abi.js';
import { cteDelete, cteInsert, deriveCap, isPageTableMapped, updateCapData } from './cnode.js';
import {
  alignmentError,
  illegalOperation,
  invalidCapability,
  rangeError,
  truncatedMessage,
} from './errors.js';
import type { InvocationArgs, InvocationResult } from './invocation.js';
import type { Kernel } from './kernel.js';
import type { Cap, CapOf, CSlot, TcbObject } from './objects.js';
import { bindNotification, unbindNotification } from './notification.js';
import { rescheduleRequired, restartThread, setPriority, suspendThread } from './scheduler.js';

const OK: InvocationResult = { error: 0, mrs: [] };

/** seL4_UserContext word `index` (the pc word is FaultIP: where the thread trapped or will restart). */
function readContextWord(tcb: TcbObject, index: number): number {
  const reg = USER_CONTEXT_REGISTERS[index]!;
  return reg < 0 ? tcb.faultIp >>> 0 : tcb.regs[reg]! >>> 0;
}

/** Sets word `index`; the pc word sets FaultIP and NextIP (setRegister(FaultIP) then setNextPC(getRestartPC)). */
function writeContextWord(tcb: TcbObject, index: number, value: number): void {
  const reg = USER_CONTEXT_REGISTERS[index]!;
  if (reg < 0) {
    tcb.pc = value >>> 0;
    tcb.faultIp = value >>> 0;
  } else if (reg !== 0) {
    tcb.regs[reg] = value | 0;
  }
}

/** seL4 checkValidIPCBuffer (RISC-V): a RAM frame, aligned to the 512-byte buffer size. */
function checkValidIpcBuffer(vaddr: number, cap: Cap): void {
  if (cap.kind !== 'frame') throw illegalOperation();
  if (cap.obj.isDevice) throw illegalOperation();
  if (vaddr % 2 ** IPC_BUFFER_SIZE_BITS !== 0) throw alignmentError();
}

/** Installs a derived copy of `cap` (from `src`) in one of the TCB's own slots. */
function installTcbSlot(kernel: Kernel, dest: CSlot, cap: Cap | null, src: CSlot | null): void {
  cteDelete(kernel, dest);
  if (cap && cap.kind !== 'null' && src) cteInsert(cap, src, dest);
}

function setSpace(
  kernel: Kernel,
  tcb: TcbObject,
  faultEp: number,
  cRootSlot: CSlot,
  cRootData: number,
  vRootSlot: CSlot,
  _vRootData: number,
): () => void {
  let cRootCap = cRootSlot.cap;
  if (cRootData !== 0) cRootCap = updateCapData(false, cRootData, cRootCap);
  cRootCap = deriveCap(cRootSlot, cRootCap);
  if (cRootCap.kind !== 'cnode') throw illegalOperation();
  const vRootCap = deriveCap(vRootSlot, vRootSlot.cap);
  if (vRootCap.kind !== 'pageTable' || !isPageTableMapped(vRootCap) || vRootCap.obj.asid === 0) throw illegalOperation();
  return () => {
    tcb.faultHandler = faultEp >>> 0;
    installTcbSlot(kernel, tcb.cspaceRoot, cRootCap, cRootSlot);
    installTcbSlot(kernel, tcb.vspaceRoot, vRootCap, vRootSlot);
  };
}

/** The buffer half of decodeSetIPCBuffer / decodeTCBConfigure: address 0 clears it, else the frame is checked. */
function setIpcBuffer(kernel: Kernel, tcb: TcbObject, vaddr: number, bufferSlot: CSlot): () => void {
  const cap = vaddr === 0 ? null : deriveCap(bufferSlot, bufferSlot.cap);
  if (cap) checkValidIpcBuffer(vaddr, cap);
  return () => {
    tcb.ipcBuffer = vaddr >>> 0;
    installTcbSlot(kernel, tcb.bufferFrame, cap, bufferSlot);
    if (tcb === kernel.current) rescheduleRequired(kernel);
  };
}

/** seL4 checkPrio: a priority above the authority's MCP is a RangeError. */
function authority(slot: CSlot | undefined): TcbObject {
  const cap = slot?.cap;
  if (!cap || cap.kind !== 'tcb') throw invalidCapability(1);
  return cap.obj;
}

/** decodeTCBInvocation. */
export function decodeTcbInvocation(kernel: Kernel, invoker: TcbObject, cap: CapOf<'tcb'>, args: InvocationArgs): InvocationResult {
  const { label, mrs, extraCaps } = args;
  const tcb = cap.obj;
  switch (label) {
    case InvocationLabel.TCBReadRegisters: {
      if (mrs.length < 2) throw truncatedMessage();
      const count = mrs[1]!;
      if (count < 1 || count > USER_CONTEXT_REGISTERS.length) throw rangeError(1, USER_CONTEXT_REGISTERS.length);
      if (tcb === invoker) throw illegalOperation();
      if ((mrs[0]! & 1) !== 0) suspendThread(kernel, tcb);
      return { error: 0, mrs: Array.from({ length: count }, (_, i) => readContextWord(tcb, i)) };
    }
    case InvocationLabel.TCBWriteRegisters: {
      if (mrs.length < 2) throw truncatedMessage();
      const count = mrs[1]!;
      if (mrs.length - 2 < count) throw truncatedMessage();
      if (tcb === invoker) throw illegalOperation();
      const n = Math.min(count, USER_CONTEXT_REGISTERS.length);
      for (let i = 0; i < n; i++) writeContextWord(tcb, i, mrs[2 + i]!);
      if ((mrs[0]! & 1) !== 0) restartThread(kernel, tcb);
      if (tcb === kernel.current) rescheduleRequired(kernel);
      return OK;
    }
    case InvocationLabel.TCBCopyRegisters: {
      if (mrs.length < 1 || extraCaps.length < 1) throw truncatedMessage();
      const source = extraCaps[0]!.cap;
      if (source.kind !== 'tcb') throw invalidCapability(1);
      copyRegisters(kernel, tcb, source.obj, mrs[0]!);
      return OK;
    }
    case InvocationLabel.TCBConfigure: {
      if (mrs.length < 4 || extraCaps.length < 3) throw truncatedMessage();
      const [faultEp, cRootData, vRootData, buffer] = mrs as [number, number, number, number];
      // decodeTCBConfigure checks the IPC buffer before the CSpace and VSpace roots.
      const applyBuffer = setIpcBuffer(kernel, tcb, buffer, extraCaps[2]!);
      const applySpace = setSpace(kernel, tcb, faultEp, extraCaps[0]!, cRootData, extraCaps[1]!, vRootData);
      applySpace();
      applyBuffer();
      return OK;
    }
    case InvocationLabel.TCBSetPriority: {
      if (mrs.length < 1 || extraCaps.length < 1) throw truncatedMessage();
      const auth = authority(extraCaps[0]);
      const prio = mrs[0]!;
      if (prio > auth.mcp) throw rangeError(0, auth.mcp);
      setPriority(kernel, tcb, prio);
      return OK;
    }
    case InvocationLabel.TCBSetMCPriority: {
      if (mrs.length < 1 || extraCaps.length < 1) throw truncatedMessage();
      const auth = authority(extraCaps[0]);
      if (mrs[0]! > auth.mcp) throw rangeError(0, auth.mcp);
      tcb.mcp = mrs[0]!;
      return OK;
    }
    case InvocationLabel.TCBSetSchedParams: {
      if (mrs.length < 2 || extraCaps.length < 1) throw truncatedMessage();
      const auth = authority(extraCaps[0]);
      const [mcp, prio] = mrs as [number, number];
      if (mcp > auth.mcp) throw rangeError(0, auth.mcp);
      if (prio > auth.mcp) throw rangeError(0, auth.mcp);
      tcb.mcp = mcp;
      setPriority(kernel, tcb, prio);
      return OK;
    }
    case InvocationLabel.TCBSetIPCBuffer: {
      // The frame cap is required even to clear the buffer (address 0).
      if (mrs.length < 1 || extraCaps.length < 1) throw truncatedMessage();
      setIpcBuffer(kernel, tcb, mrs[0]!, extraCaps[0]!)();
      return OK;
    }
    case InvocationLabel.TCBSetSpace: {
      if (mrs.length < 3 || extraCaps.length < 2) throw truncatedMessage();
      setSpace(kernel, tcb, mrs[0]!, extraCaps[0]!, mrs[1]!, extraCaps[1]!, mrs[2]!)();
      return OK;
    }
    case InvocationLabel.TCBSuspend:
      suspendThread(kernel, tcb);
      return OK;
    case InvocationLabel.TCBResume:
      restartThread(kernel, tcb);
      return OK;
    case InvocationLabel.TCBBindNotification: {
      if (extraCaps.length < 1) throw truncatedMessage();
      if (tcb.boundNotification) throw illegalOperation();
      const ntfnCap = extraCaps[0]!.cap;
      if (ntfnCap.kind !== 'notification' || !ntfnCap.rights.read) throw illegalOperation();
      if (ntfnCap.obj.queue.length > 0 || ntfnCap.obj.boundTcb) throw illegalOperation();
      bindNotification(tcb, ntfnCap.obj);
      return OK;
    }
    case InvocationLabel.TCBUnbindNotification:
      if (!tcb.boundNotification) throw illegalOperation();
      unbindNotification(tcb);
      return OK;
    case InvocationLabel.TCBSetTLSBase:
      if (mrs.length < 1) throw truncatedMessage();
      tcb.tlsBase = mrs[0]!;
      tcb.regs[Reg.tp] = mrs[0]! | 0;
      return OK;
    case InvocationLabel.TCBSetFlags:
      // No FPU and no flags on this kernel: nothing to clear or set; the reply carries the flags (0).
      if (mrs.length < 2) throw truncatedMessage();
      return { error: 0, mrs: [0] };
    default:
      throw illegalOperation();
  }
}

/** seL4_TCB_CopyRegisters flag bits (tcb.c CopyRegistersFlags). */
const CopyRegistersFlag = { suspendSource: 1 << 0, resumeTarget: 1 << 1, transferFrame: 1 << 2, transferInteger: 1 << 3 } as const;
/** seL4_UserContext words 0..15 are frameRegisters (FaultIP, ra, sp, gp, s0..s11), 16..31 gpRegisters. */
const FRAME_REGISTER_COUNT = 16;

/** seL4 invokeTCB_CopyRegisters: suspend the source, resume the target, then copy what the flags ask. */
function copyRegisters(kernel: Kernel, dest: TcbObject, source: TcbObject, flags: number): void {
  if ((flags & CopyRegistersFlag.suspendSource) !== 0) suspendThread(kernel, source);
  if ((flags & CopyRegistersFlag.resumeTarget) !== 0) restartThread(kernel, dest);
  if ((flags & CopyRegistersFlag.transferFrame) !== 0) {
    for (let i = 0; i < FRAME_REGISTER_COUNT; i++) writeContextWord(dest, i, readContextWord(source, i));
  }
  if ((flags & CopyRegistersFlag.transferInteger) !== 0) {
    for (let i = FRAME_REGISTER_COUNT; i < USER_CONTEXT_REGISTERS.length; i++) writeContextWord(dest, i, readContextWord(source, i));
  }
  if (dest === kernel.current) rescheduleRequired(kernel);
}

/** Priorities a thread may hold. */
export const MAX_PRIORITY = NUM_PRIORITIES - 1;
