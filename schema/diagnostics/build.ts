// KC5xxx: component build (headers, linker scripts, clang/lld).
import { diagnostic } from '../diagnosticDefinition.js';

export const buildDiagnostics = {
  compileFailed: diagnostic(
    'KC5001',
    'error',
    "component '{component}': clang failed on '{file}':\n{output}",
    'fix the C source; the generated header and linker script can be inspected with --emit <dir>',
  ),
  linkFailed: diagnostic(
    'KC5002',
    'error',
    "component '{component}': ld.lld failed:\n{output}",
    "every component must define 'init'; the generated linker script can be inspected with --emit <dir>",
  ),
  sourceNotFound: diagnostic(
    'KC5003',
    'error',
    "component '{component}': cannot read source '{file}': {reason}",
    "source paths are relative to the descriptor's directory",
  ),
  elfNotReadable: diagnostic(
    'KC5004',
    'error',
    "component '{component}': cannot read ELF '{file}': {reason}",
    "build it from its 'sources' with --rebuild, or fix the 'elf' path (relative to the descriptor)",
  ),
  headerNameClash: diagnostic(
    'KC5005',
    'error',
    "component '{component}': {first} and {second} both become the header constant '{macro}'",
    'rename one of them (names are upper-cased and non-alphanumerics become _)',
  ),
  layoutMoved: diagnostic(
    'KC5006',
    'error',
    "component '{component}': {what} moved from {before} to {after} once the ELFs were known, but the generated header had fixed it",
    'this is a bug in the planner (MMIO, region and channel layout must not depend on code size); please report it',
  ),
  compilerWarning: diagnostic('KC5007', 'warning', "component '{component}': clang warns about '{file}':\n{output}"),
  toolFailed: diagnostic(
    'KC5008',
    'error',
    "'{tool}' could not be run: {reason}",
    "check that '{tool}' works: run '{tool} --version'",
  ),
  prebuiltElfStale: diagnostic(
    'KC5009',
    'warning',
    "component '{component}': prebuilt ELF '{file}' was compiled against another kaal_system.h (header '{built}', now '{current}')",
    "its MMIO, region or channel constants may be out of date: rebuild it with 'kaal-compose build --rebuild'",
  ),
} as const;
