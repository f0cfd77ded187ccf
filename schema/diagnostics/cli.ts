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
  unsupportedDescriptorType: diagnostic(
    'KC0006',
    'error',
    "'{file}' is not a system descriptor",
    'descriptors end in .ts, .mts, .js, .mjs or .json (by convention *.system.ts)',
  ),
  severalDescriptors: diagnostic(
    'KC0007',
    'error',
    "more than one system descriptor in '{dir}': {files}",
    'name the one to use',
  ),
  initDirectoryNotEmpty: diagnostic(
    'KC0008',
    'error',
    "cannot create a project in '{dir}': it is not empty (it has '{entry}')",
    "name a new or empty directory, e.g. 'kaal-compose init my-system'",
  ),
  inputTooLarge: diagnostic(
    'KC0009',
    'error',
    "'{file}' is {size} bytes, more than the {limit}-byte limit for {kind}",
    "if it is meant to be this large, raise the limit with '--max-input-size {size}'",
  ),
  elfChecksSkipped: diagnostic(
    'KC0100',
    'note',
    "no ELF yet for {components}: planned with the placeholder layout; the checks that need the ELF (segments inside user space, mappings over segments, a stale prebuilt header) run in 'build'",
  ),
} as const;
