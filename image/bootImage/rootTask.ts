// The ROOTTASK section holds the root task ELF with its plan table (image/rootTask.ts) as the
// builder wrote it: the bytes the runtime loads into the initial thread's user image.
import { DiagnosticError } from '../../schema/diagnostics.js';
import { readElf } from '../elf.js';
import { planTableOf } from '../rootTask.js';

/** Why `bytes` is not a root task ELF carrying a plan table, or undefined. */
export function rootTaskProblem(bytes: Uint8Array): string | undefined {
  try {
    return planTableOf(readElf(bytes, 'root task')) ? undefined : 'the ELF carries no plan table';
  } catch (error) {
    if (error instanceof DiagnosticError) return error.diagnostic.message;
    throw error;
  }
}
