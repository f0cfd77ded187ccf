// seL4 syscall errors as decoders raise them (src/api/syscall.c current_syscall_error) and their
// reply words (setMRs_syscall_error, src/api/faults.c setMRs_lookup_failure).
import { SeL4Error, LookupFaultType } from './abi.js';
import type { LookupFault } from './objects.js';

/**
 * Thrown by invocation decoders; caught once at the invocation boundary and turned into the
 * reply (label = error, MRs = details). Invocations are not the IPC hot path.
 */
export class SyscallError extends Error {
  constructor(
    readonly error: SeL4Error,
    /** The error's message registers, in seL4's order. */
    readonly mrs: readonly number[] = [],
  ) {
    super(`seL4 error ${error}`);
    this.name = 'SyscallError';
  }
}

export const invalidArgument = (argument: number): SyscallError => new SyscallError(SeL4Error.InvalidArgument, [argument]);
export const invalidCapability = (capIndex: number): SyscallError => new SyscallError(SeL4Error.InvalidCapability, [capIndex]);
export const illegalOperation = (): SyscallError => new SyscallError(SeL4Error.IllegalOperation);
export const rangeError = (min: number, max: number): SyscallError => new SyscallError(SeL4Error.RangeError, [min, max >>> 0]);
export const alignmentError = (): SyscallError => new SyscallError(SeL4Error.AlignmentError);
export const truncatedMessage = (): SyscallError => new SyscallError(SeL4Error.TruncatedMessage);
export const deleteFirst = (): SyscallError => new SyscallError(SeL4Error.DeleteFirst);
export const revokeFirst = (): SyscallError => new SyscallError(SeL4Error.RevokeFirst);
export const notEnoughMemory = (bytesLeft: number): SyscallError => new SyscallError(SeL4Error.NotEnoughMemory, [bytesLeft]);
export const failedLookup = (wasSource: boolean, fault: LookupFault): SyscallError =>
  new SyscallError(SeL4Error.FailedLookup, [wasSource ? 1 : 0, ...lookupFaultWords(fault)]);

/** setMRs_lookup_failure: type + 1, then the type's fields. */
export function lookupFaultWords(fault: LookupFault): number[] {
  switch (fault.type) {
    case 'invalidRoot':
      return [LookupFaultType.invalidRoot + 1];
    case 'missingCapability':
      return [LookupFaultType.missingCapability + 1, fault.bitsLeft];
    case 'depthMismatch':
      return [LookupFaultType.depthMismatch + 1, fault.bitsLeft, fault.bitsFound];
    case 'guardMismatch':
      return [LookupFaultType.guardMismatch + 1, fault.bitsLeft, fault.guardFound, fault.bitsFound];
  }
}
