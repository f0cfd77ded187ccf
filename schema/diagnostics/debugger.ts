// KC74xx: the gdb remote stub of `run --gdb` and `machine --gdb`.
import { diagnostic } from '../diagnosticDefinition.js';

export const debuggerDiagnostics = {
  gdbCannotListen: diagnostic(
    'KC7401',
    'error',
    "cannot listen for gdb on '{address}': {reason}",
    "give another port (--gdb 127.0.0.1:0 picks a free one), or stop what holds this one",
  ),
  gdbBadAddress: diagnostic(
    'KC7402',
    'error',
    "'{value}' is not a gdb address",
    'write [host:]port, e.g. --gdb 1234 or --gdb 127.0.0.1:1234 (the host defaults to 127.0.0.1)',
  ),
  gdbKilled: diagnostic(
    'KC7403',
    'warning',
    'the debugger ended the run after {instructions} instructions',
    "gdb's 'kill' stops the system; 'detach' lets it run on",
  ),
} as const;
