// KC2xxx: device trees (FDT, DTS) and the platform model.
// KC20xx: the FDT blob itself (Devicetree Specification v0.4, chapter 5); KC21xx: dtc and platform
// files; KC22xx: the platform model (warnings: the tree is usable, one part of it is not).
import { diagnostic } from '../diagnosticDefinition.js';

export const devicetreeDiagnostics = {
  fdtTruncated: diagnostic(
    'KC2001',
    'error',
    "device tree blob is truncated: '{field}' at offset {offset} needs {needed} bytes but the blob has {size}",
  ),
  fdtBadMagic: diagnostic(
    'KC2002',
    'error',
    "not a device tree blob: magic at offset 0x0 is '{magic}', expected '0xd00dfeed'",
    'give a .dtb produced by dtc or QEMU, or a .dts source',
  ),
  fdtUnsupportedVersion: diagnostic(
    'KC2003',
    'error',
    "device tree blob version {version} (last compatible version {lastCompatible}) is not supported",
    'versions 16 and 17 are read; recompile the source with a current dtc',
  ),
  fdtBlockOutOfRange: diagnostic(
    'KC2004',
    'error',
    "device tree header field '{field}' at offset {offset} is {value}: the {block} would end at {end}, past the end of the blob ({size})",
  ),
  fdtMisaligned: diagnostic(
    'KC2005',
    'error',
    "device tree header field '{field}' at offset {offset} is {value}, not aligned to {alignment} bytes",
  ),
  fdtUnterminatedName: diagnostic(
    'KC2006',
    'error',
    "node name at offset {offset} is not terminated before the end of the structure block ({end})",
  ),
  fdtUnterminatedString: diagnostic(
    'KC2007',
    'error',
    "property name at strings-block offset {nameOffset} (property at offset {offset}) is not terminated before the end of the strings block",
  ),
  fdtNameOffsetOutOfRange: diagnostic(
    'KC2008',
    'error',
    "property at offset {offset} has name offset {nameOffset}, outside the strings block of {size} bytes",
  ),
  fdtUnknownToken: diagnostic('KC2009', 'error', "unknown structure block token '{token}' at offset {offset}"),
  fdtMissingEnd: diagnostic(
    'KC2010',
    'error',
    'structure block ends at offset {offset} without an FDT_END token',
  ),
  fdtNestingMismatch: diagnostic('KC2011', 'error', "structure block token '{token}' at offset {offset} {problem}"),
  fdtPropertyOutOfRange: diagnostic(
    'KC2012',
    'error',
    "property at offset {offset} has length {length}: its value would end at {end}, past the end of the structure block ({limit})",
  ),
  fdtReservationUnterminated: diagnostic(
    'KC2013',
    'error',
    'memory reservation block at offset {offset} has no terminating zero entry before {end}',
  ),
  fdtEncodeInvalid: diagnostic('KC2014', 'error', "cannot encode the device tree: {problem}"),

  dtcMissing: diagnostic(
    'KC2101',
    'error',
    "'dtc' is needed to compile '{file}' but was not found",
    "install it with 'apt-get install -y device-tree-compiler' (Debian/Ubuntu), or give a .dtb",
  ),
  dtcFailed: diagnostic('KC2102', 'error', "dtc could not compile '{file}': {message}"),
  platformUnknown: diagnostic(
    'KC2103',
    'error',
    "platform '{spec}' is neither a bundled platform nor a .dtb or .dts file",
    "use '{bundled}' or a path ending in .dtb or .dts",
  ),

  regNotTranslatable: diagnostic(
    'KC2201',
    'warning',
    "'reg' of '{path}' cannot be translated to CPU addresses: {reason}",
  ),
  interruptParentMissing: diagnostic(
    'KC2202',
    'warning',
    "interrupts of '{path}' cannot be resolved: {reason}",
  ),
  interruptMapUnresolved: diagnostic(
    'KC2203',
    'warning',
    "interrupts of '{path}' go through the interrupt nexus '{nexus}' ('interrupt-map'), which is not resolved",
  ),
  propertyBadLength: diagnostic(
    'KC2204',
    'warning',
    "'{property}' of '{path}' has {length} bytes, not a whole number of {unit}-byte entries",
  ),
  addressTooLarge: diagnostic(
    'KC2205',
    'warning',
    "address range '{base}' + '{size}' of '{path}' does not fit below 2^53 and is left out",
  ),
} as const;
