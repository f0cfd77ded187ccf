// Invocations of kernel objects (seL4 src/object/objecttype.c decodeInvocation and
// src/arch/riscv/object/objecttype.c Arch_decodeInvocation): dispatch on the cap's type; errors
// come back as seL4_Error with their MRs. Used by the syscall path and by the boot's root task.
import { InvocationLabel, SeL4Error } from './abi.js';
import { decodeCNodeInvocation, lookupSlot } from './cnode.js';
import { illegalOperation, invalidArgument, invalidCapability, SyscallError, truncatedMessage } from './errors.js';
import { decodeIrqControlInvocation, decodeIrqHandlerInvocation } from './interrupt.js';
import type { Kernel } from './kernel.js';
import { enterKernel, type Cap, type CSlot, type LookupFault, type TcbObject } from './objects.js';
import { decodeTcbInvocation } from './tcb.js';
import { decodeUntypedInvocation } from './untyped.js';
import {
  decodeAsidControlInvocation,
  decodeAsidPoolInvocation,
  decodeFrameInvocation,
  decodePageTableInvocation,
} from './vspace.js';

export interface InvocationArgs {
  readonly label: number;
  /** The message words (length = the message info's length). */
  readonly mrs: readonly number[];
  /** Slots of the extra caps, already looked up in the invoker's CSpace. */
  readonly extraCaps: readonly CSlot[];
  /** Page_Map only: the plan's cacheability (not an seL4 argument; RISC-V takes it from PMAs). */
  readonly cached?: boolean;
}

/** Success: `error` 0 and the reply words; failure: the seL4_Error and its MRs. */
export interface InvocationResult {
  readonly error: number;
  readonly mrs: readonly number[];
  /** Set when the invoked or an extra cap could not be looked up: a cap fault, not an error. */
  readonly capFault?: { readonly cptr: number; readonly lookup: LookupFault };
}

/** decodeInvocation for kernel objects (not endpoints, notifications or reply caps). */
export function decodeKernelInvocation(
  kernel: Kernel,
  thread: TcbObject,
  slot: CSlot,
  cap: Cap,
  args: InvocationArgs,
): InvocationResult {
  try {
    switch (cap.kind) {
      case 'untyped':
        return decodeUntypedInvocation(kernel, slot, cap, args);
      case 'tcb':
        return decodeTcbInvocation(kernel, thread, cap, args);
      case 'cnode':
        return decodeCNodeInvocation(kernel, thread, cap, args);
      case 'irqControl':
        return decodeIrqControlInvocation(kernel, slot, args);
      case 'irqHandler':
        return decodeIrqHandlerInvocation(kernel, cap.irq, args);
      case 'frame':
        return decodeFrameInvocation(kernel, cap, args);
      case 'pageTable':
        return decodePageTableInvocation(kernel, cap, args);
      case 'asidControl':
        return decodeAsidControlInvocation(kernel, args);
      case 'asidPool':
        return decodeAsidPoolInvocation(kernel, cap, args);
      case 'domain':
        return decodeDomainInvocation(args);
      default:
        // Null caps and IPC caps reached here cannot be invoked as kernel objects.
        throw invalidCapability(0);
    }
  } catch (error) {
    if (error instanceof SyscallError) return { error: error.error, mrs: error.mrs };
    throw error;
  }
}

/**
 * An invocation made from TypeScript by `thread` (the boot's root task, tests): cptrs are looked up
 * in its CSpace as a syscall would. A failed lookup is reported as `capFault`.
 */
export function invoke(
  kernel: Kernel,
  thread: TcbObject,
  cptr: number,
  label: number,
  mrs: readonly number[],
  extraCapCptrs: readonly number[] = [],
  extra: { readonly cached?: boolean } = {},
): InvocationResult {
  enterKernel();
  const service = lookupSlot(thread, cptr);
  if (!service.ok) return { error: SeL4Error.InvalidCapability, mrs: [0], capFault: { cptr, lookup: service.fault } };
  const extraCaps: CSlot[] = [];
  for (const c of extraCapCptrs) {
    const found = lookupSlot(thread, c);
    if (!found.ok) return { error: SeL4Error.InvalidCapability, mrs: [0], capFault: { cptr: c, lookup: found.fault } };
    extraCaps.push(found.slot);
  }
  // Message registers are 32-bit words, as the CPU path reads them from the registers and the IPC
  // buffer: a caller's -1 or 0.5 reaches the kernel as the word a root task's stub would pass.
  const words = mrs.map((w) => w >>> 0);
  const args: InvocationArgs = extra.cached === undefined ? { label, mrs: words, extraCaps } : { label, mrs: words, extraCaps, cached: extra.cached };
  const result = decodeKernelInvocation(kernel, thread, service.slot, service.slot.cap, args);
  if (kernel.hooks.trace) kernel.trace({ kind: 'invocation', thread: thread.name, label, error: result.error });
  return result;
}

/** decodeDomainInvocation: DomainSetSet(domain, tcb). One domain (CONFIG_NUM_DOMAINS = 1), so only 0. */
function decodeDomainInvocation(args: InvocationArgs): InvocationResult {
  if (args.label !== InvocationLabel.DomainSetSet) throw illegalOperation();
  if (args.mrs.length < 1 || args.extraCaps.length < 1) throw truncatedMessage();
  if (args.mrs[0] !== 0) throw invalidArgument(0);
  if (args.extraCaps[0]!.cap.kind !== 'tcb') throw invalidArgument(1);
  return { error: 0, mrs: [] };
}
