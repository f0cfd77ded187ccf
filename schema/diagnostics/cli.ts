// KC0xxx: command line, files and environment.
import { diagnostic } from '../diagnosticDefinition.js';

export const cliDiagnostics = {
  usageError: diagnostic('KC0001', 'error', '{message}', "run 'kaal-compose --help' for the commands and their options"),
  fileNotFound: diagnostic('KC0002', 'error', "cannot read '{file}': {reason}"),
  noDescriptorFound: diagnostic(
    'KC0003',
    'error',
    'no system descriptor matches {patterns}',
    'name a file, or put a *.system.ts in the current directory',
  ),
  cannotWriteOutput: diagnostic('KC0004', 'error', "cannot write '{file}': {reason}"),
  toolMissing: diagnostic(
    'KC0005',
    'error',
    "'{tool}' is needed to {purpose} but was not found",
    "install it with 'apt-get install -y {package}' (Debian/Ubuntu)",
  ),
} as const;
