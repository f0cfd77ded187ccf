// Trust in an image (issue 18): signing keys (KC030x), the signature trailer (KC670x) and the
// system rules the boot checks the plan against (KC730x, image/bootImage/planRules.ts).
import { diagnostic } from '../diagnosticDefinition.js';

const REBUILD = 'the image was altered after its build or was not made by kaal-compose from a valid descriptor; rebuild it';

export const trustDiagnostics = {
  planMmioShared: diagnostic(
    'KC7300',
    'error',
    "the plan gives '{first}' and '{second}' the registers '{start}'..'{end}' of '{device}'; MMIO is exclusive unless both grants are shared",
    REBUILD,
  ),
  planIrqShared: diagnostic('KC7301', 'error', "the plan gives IRQ {irq} to '{first}' and to '{second}'; an interrupt has one handler", REBUILD),
  planPpcNotHigher: diagnostic(
    'KC7302',
    'error',
    "the plan lets '{from}' (priority {fromPriority}) call '{to}' (priority {toPriority}) through CSpace slot {slot}; a protected procedure call goes only to a strictly higher priority",
    REBUILD,
  ),
  planPpcCycle: diagnostic('KC7303', 'error', 'the plan has a cycle of protected procedure calls: {cycle}', REBUILD),
  planWritableExecutable: diagnostic(
    'KC7304',
    'error',
    "the plan maps {what} at '{vaddr}' in '{component}' '{perms}': {rule}",
    REBUILD,
  ),
  planKernelDevice: diagnostic(
    'KC7305',
    'error',
    "the plan grants '{component}' the {role} '{device}', which the kernel drives itself",
    REBUILD,
  ),
  planGrantOffDevice: diagnostic(
    'KC7306',
    'error',
    "the plan's {kind} grant of '{component}' on '{device}' does not fit the device tree in the image: {detail}",
    REBUILD,
  ),
  planFrameOutsideGrant: diagnostic(
    'KC7307',
    'error',
    "the plan maps frame '{frame}' at '{vaddr}' in '{component}', outside what it is granted: {detail}",
    REBUILD,
  ),
  planForeignCapability: diagnostic(
    'KC7308',
    'error',
    "the plan gives '{component}' in CSpace slot {slot} {what} of '{owner}'",
    REBUILD,
  ),
  planEntryDiffers: diagnostic(
    'KC7309',
    'error',
    "the plan starts '{component}' at '{planned}', but its code section's entry point is '{entry}'",
    REBUILD,
  ),
} as const;
