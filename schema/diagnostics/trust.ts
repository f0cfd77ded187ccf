// Trust in an image (issue 18): signing keys (KC030x), the signature trailer (KC670x) and the
// system rules the boot checks the plan against (KC730x, image/bootImage/planRules.ts).
import { diagnostic } from '../diagnosticDefinition.js';

const REBUILD = 'the image was altered after its build or was not made by kaal-compose from a valid descriptor; rebuild it';

export const trustDiagnostics = {
  keyUnusable: diagnostic(
    'KC0300',
    'error',
    "cannot use '{file}' as {what}: {reason}",
    "give a PEM file: an Ed25519 private key for --sign-key ('openssl genpkey -algorithm ed25519 -out key.pem'), its public key for --trust-key ('openssl pkey -in key.pem -pubout -out pub.pem')",
  ),

  imageSignatureMalformed: diagnostic(
    'KC6700',
    'error',
    'the signature trailer of the image is malformed: {reason}',
    'the file was cut short or altered after it was signed; copy or sign it again',
  ),
  imageUnsigned: diagnostic(
    'KC6701',
    'error',
    'the image is not signed, but only images signed by {trusted} are trusted',
    "sign it with 'kaal-compose build --sign-key key.pem', or leave out --trust-key to accept unsigned images",
  ),
  imageSignatureInvalid: diagnostic(
    'KC6702',
    'error',
    "the image's signature by key '{fingerprint}' does not verify: the image was altered after it was signed",
    'rebuild and sign it again; do not boot it',
  ),
  imageSignerUntrusted: diagnostic(
    'KC6703',
    'error',
    "the image is signed by key '{fingerprint}', which is not trusted (trusted: {trusted})",
    "pass that key's public key with --trust-key if you trust it",
  ),

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
