// KC7xxx: boot, grant verification and the run (KC70xx-KC77xx; KC78xx is machine.ts).
import { diagnostic } from '../diagnosticDefinition.js';

export const bootDiagnostics = {
  bootKernelRefused: diagnostic(
    'KC7100',
    'error',
    'the kernel stops its boot: {reason}',
    'rebuild the image for this platform and kernel configuration (docs/boot.md)',
  ),
  bootInfoMismatch: diagnostic(
    'KC7001',
    'error',
    'the image does not fit the platform: {detail}',
    'rebuild the image for the platform whose device tree it carries',
  ),
  bootPlanUnreadable: diagnostic(
    'KC7002',
    'error',
    'the plan in the image cannot be booted: {detail}',
    'rebuild the image with this version of kaal-compose',
  ),
  bootUntypedMismatch: diagnostic(
    'KC7003',
    'error',
    "the plan's untyped {index} ({planned}) is not bootinfo's untyped {index} ({actual})",
    'the plan and the bootinfo must come from the same build',
  ),
  bootPlanMalformed: diagnostic(
    'KC7004',
    'error',
    "the plan in the image is malformed at '{path}': {problem}",
    'the image was not written by kaal-compose or was altered after its build; rebuild it',
  ),
  bootBeyondEmulatedRam: diagnostic(
    'KC7005',
    'error',
    "the plan puts '{object}' at '{paddr}'..'{end}', beyond the emulated RAM '{ramBase}'..'{ramEnd}'",
    "raise the emulated RAM with '--max-ram {needed}' (run, check) or createMachine's ramLimit",
  ),
  bootInvocationFailed: diagnostic(
    'KC7010',
    'error',
    "boot invocation {index} '{op}' for '{object}' failed: {error}",
    'the plan does not realize on the kernel; rebuild the image',
  ),
  bootComponentMissing: diagnostic(
    'KC7011',
    'error',
    "component '{component}' of the plan has no code in the image",
    'rebuild the image',
  ),
  bootSegmentUnmapped: diagnostic(
    'KC7012',
    'error',
    "component '{component}': its segment page at '{vaddr}' is not mapped to a RAM frame in its VSpace",
    'the plan must map every ELF segment page; rebuild the image',
  ),
  grantMissing: diagnostic(
    'KC7020',
    'error',
    "component '{component}': {kind} grant '{grant}' is not realized: {detail}",
    'the kernel state after boot must hold every grant of the plan',
  ),
  grantDiffers: diagnostic(
    'KC7021',
    'error',
    "component '{component}': {kind} grant '{grant}' is realized differently: planned {planned}, found {found}",
    'the kernel state after boot must match the plan exactly',
  ),
  grantExtra: diagnostic(
    'KC7022',
    'error',
    "component '{component}' can reach {what}, which the plan does not grant it",
    'nothing beyond the plan may be reachable: remove the extra mapping, capability or IRQ binding',
  ),
  capabilityDiffers: diagnostic(
    'KC7023',
    'error',
    "component '{component}': CSpace slot {slot} holds {found}, the plan says {planned}",
    'the kernel state after boot must match the plan exactly',
  ),
  mappingDiffers: diagnostic(
    'KC7024',
    'error',
    "component '{component}': VSpace at '{vaddr}' maps {found}, the plan says {planned}",
    'the kernel state after boot must match the plan exactly',
  ),
  threadDiffers: diagnostic(
    'KC7025',
    'error',
    "component '{component}': its thread has {field} {found}, the plan says {planned}",
    'the kernel state after boot must match the plan exactly',
  ),
  kernelInvariantBroken: diagnostic(
    'KC7030',
    'error',
    'kernel invariant broken after boot: {problem}',
    'this is a bug in kaal-compose, please report it',
  ),
  runLimitReached: diagnostic(
    'KC7040',
    'error',
    'the system did not power off within {limit} instructions',
    'raise --max-instructions, or have a component power off through the test device',
  ),
  runDeadlock: diagnostic(
    'KC7041',
    'error',
    'deadlock after {instructions} instructions: no thread can run and no interrupt can arrive; {waits}',
    'a component waits for a message or interrupt nobody will send',
  ),
  runComponentFaulted: diagnostic(
    'KC7042',
    'warning',
    "component '{component}' stopped by a {fault} at pc '{pc}'{detail}",
    'it had no fault handler; the other components ran on',
  ),
  runPowerOffFail: diagnostic(
    'KC7043',
    'error',
    'the system powered off with failure code {code}',
  ),
  runBadOption: diagnostic('KC7044', 'error', "option '{option}' is '{value}': {reason}"),
  // The root task (KC7110-KC7129): what it carries, and how its run on the CPU ended.
  bootRootTaskMissing: diagnostic('KC7110', 'error', 'the image carries no root task', 'build the image again with this kaal-compose (docs/boot.md)'),
  bootRootTaskTableDiffers: diagnostic(
    'KC7111',
    'error',
    "the root task's plan table is not the plan's: {detail}",
    'the root task executes its table and the boot proves the plan: both must come from the same build',
  ),
  bootRootTaskImage: diagnostic('KC7112', 'error', "the root task does not fit the plan's user image: {detail}", 'rebuild the image'),
  bootRootTaskStopped: diagnostic('KC7113', 'error', "the root task stopped the boot: '{line}'", 'docs/boot.md lists what the root task checks'),
  bootRootTaskFaulted: diagnostic('KC7114', 'error', "the root task took a {fault} at pc '{pc}'{detail}", 'the root task only faults on a table it cannot execute; rebuild the image'),
  bootRootTaskLimit: diagnostic('KC7115', 'error', 'the root task had not finished after {limit} instructions', 'rebuild the image'),
  bootSegmentContent: diagnostic(
    'KC7116',
    'error',
    "component '{component}': its segment page at '{vaddr}' does not hold the image's bytes after the root task loaded it",
    'the root task loads every segment page from its table; rebuild the image',
  ),
} as const;
