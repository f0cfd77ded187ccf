// KC1xxx: loading a descriptor and checking it against the zod schema (schema/descriptor.ts).
// Each zod issue kind maps to its own code (compiler/validate.ts); codes are stable, never renumbered.
import { diagnostic } from '../diagnosticDefinition.js';

export const descriptorDiagnostics = {
  descriptorLoadFailed: diagnostic(
    'KC1001',
    'error',
    "cannot load the descriptor: {reason}",
    'fix the error at this position; the descriptor module must import without throwing',
  ),
  descriptorNotObject: diagnostic(
    'KC1002',
    'error',
    'the default export of the descriptor is {actual}, not a system object',
    "end the file with 'export default defineSystem(…)', passing the system object",
  ),
  unknownProperty: diagnostic(
    'KC1003',
    'error',
    "unknown property '{property}'{suggestion}",
    'the properties allowed here are {allowed}',
  ),
  wrongType: diagnostic('KC1004', 'error', "'{property}' must be {expected}, not {received}"),
  missingProperty: diagnostic(
    'KC1005',
    'error',
    "missing required property '{property}'",
    "add '{property}' to this object",
  ),
  outOfRange: diagnostic('KC1006', 'error', "'{property}' must be {constraint}, got '{value}'"),
  badName: diagnostic(
    'KC1007',
    'error',
    "'{value}' is not a valid {what} name",
    "a name starts with a letter or '_' and has only letters, digits, '_' and '-' (at most 64)",
  ),
  badAddress: diagnostic(
    'KC1008',
    'error',
    "'{value}' is not an address or size",
    "write a number such as 0x1000_0000 (TypeScript) or a string such as '0x1000_0000' (JSON)",
  ),
  wrongLength: diagnostic('KC1009', 'error', "'{property}' {requirement}"),
  badPermissions: diagnostic(
    'KC1010',
    'error',
    "'{value}' is not a permission set",
    "use letters from 'rwx' in that order, such as 'r', 'rw' or 'rx'",
  ),
  schemaViolation: diagnostic('KC1011', 'error', '{message}'),
  jsonSyntaxError: diagnostic('KC1012', 'error', 'invalid JSON: {reason}'),
  descriptorLoadTimedOut: diagnostic(
    'KC1100',
    'error',
    'the descriptor did not finish loading within {seconds} s: {why}',
    "a descriptor only builds its object; raise the limit with '--load-timeout <seconds>' if it must compute for longer",
  ),
  jsonDuplicateKey: diagnostic(
    'KC1110',
    'error',
    "key '{key}' is written twice in {where} (first at {line}:{column}); JSON keeps only the last",
    'remove one of them',
  ),
} as const;
