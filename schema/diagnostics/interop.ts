// KC8xxx: interoperability — importing other composers' descriptions (Microkit SDF) and exporting.
import { diagnostic } from '../diagnosticDefinition.js';

export const interopDiagnostics = {
  sdfXmlError: diagnostic('KC8001', 'error', 'the system description is not well-formed XML: {reason}'),
  sdfNoSystem: diagnostic('KC8002', 'error', "the file has no '<system>' root element", 'a Microkit SDF is an XML file whose root is <system>'),
  sdfUnknownElement: diagnostic(
    'KC8003',
    'error',
    "'<{element}>' is not allowed inside '<{parent}>'",
    'see the Microkit manual for the SDF schema',
  ),
  sdfUnknownAttribute: diagnostic('KC8004', 'error', "'<{element}>' has no attribute '{attribute}'"),
  sdfMissingAttribute: diagnostic('KC8005', 'error', "'<{element}>' needs the attribute '{attribute}'"),
  sdfBadNumber: diagnostic('KC8006', 'error', "'{value}' is not a number (attribute '{attribute}' of '<{element}>')"),
  sdfBadBoolean: diagnostic('KC8007', 'error', "'{value}' is not 'true' or 'false' (attribute '{attribute}' of '<{element}>')"),
  sdfUnsupportedElement: diagnostic(
    'KC8010',
    'error',
    "'<{element}>' cannot be expressed in a kaal-compose system: {reason}",
  ),
  sdfDroppedAttribute: diagnostic(
    'KC8011',
    'warning',
    "attribute '{attribute}' of '<{element}>' is not kept: {reason}",
  ),
  sdfPhysAddrNotOnPlatform: diagnostic(
    'KC8012',
    'error',
    "memory region '{region}' at {paddr} (size {size}) is neither RAM nor a device of platform '{platform}'",
    'the SDF was written for another board; map the device by its device-tree node instead',
  ),
  sdfIrqNotOnPlatform: diagnostic(
    'KC8013',
    'error',
    "IRQ {irq} of protection domain '{pd}' belongs to no device of platform '{platform}'",
    'the SDF was written for another board; grant the device whose interrupt this is',
  ),
  sdfChannelNotifyOneWay: diagnostic(
    'KC8014',
    'warning',
    "channel between '{a}' and '{b}' notifies only one way; kaal-compose channels notify both ways",
  ),
  sdfChannelEnds: diagnostic('KC8015', 'error', "a '<channel>' needs exactly two '<end>' elements, found {count}"),
  sdfRegionPartlyDevice: diagnostic(
    'KC8016',
    'error',
    "memory region '{region}' at {paddr} covers device '{device}' only partly or several devices",
    'split the region so that each maps one device window',
  ),
  sdfBothEndsPpc: diagnostic('KC8017', 'error', "both ends of the channel between '{a}' and '{b}' have pp=\"true\""),
  sdfChannelIdTooLarge: diagnostic(
    'KC8100',
    'error',
    "channel id {id} of '{pd}' is above {max}, the largest channel id of a kaal-compose component",
    'a channel is one bit of a 28-bit notification badge here (docs/slot-layout.md), Microkit allows up to 62; renumber the ids of this protection domain from 0',
  ),
} as const;
