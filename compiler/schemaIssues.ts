// Turns zod issues from `systemSchema.safeParse` into registry diagnostics (KC1003–KC1011): one code
// per kind of mistake, messages that name the property and quote the value. Positions come later
// (compiler/positions.ts) from each result's `path` and `target`.
import type * as z from 'zod';
import { D, createDiagnostic, type Diagnostic } from '../schema/diagnostics.js';
import { addressSchema, systemSchema } from '../schema/descriptor.js';
import { nearestName } from '../schema/nearestName.js';

/** Which node of the descriptor a diagnostic points at once its path is found in the source. */
export type IssueTarget = 'value' | 'key' | 'object';

export interface PathedDiagnostic {
  readonly diagnostic: Diagnostic;
  /** Path into the descriptor value, as zod reports it. */
  readonly path: readonly (string | number)[];
  readonly target: IssueTarget;
}

type Issue = z.core.$ZodIssue;
type Segment = string | number;

// Patterns of schema/descriptor.ts that get their own codes, recognised by their source text.
const NAME_PATTERN_SOURCE = '/^[A-Za-z_][A-Za-z0-9_-]*$/';
const ADDRESS_PATTERN_SOURCE = '/^(0x[0-9a-fA-F_]+|[0-9_]+)$/';
const PERMS_PATTERN_SOURCE = '/^r?w?x?$/';
const ADDRESS_LIMIT_HINT = '34-bit';

/** Maps every issue to one diagnostic (an unknown-keys issue to one per key), in zod's order. */
export function diagnosticsFromIssues(issues: readonly Issue[], input: unknown, file: string): PathedDiagnostic[] {
  const out: PathedDiagnostic[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((s): s is Segment => typeof s !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeysAt(path);
      for (const key of issue.keys) {
        const keyPath = [...path, key];
        out.push({
          diagnostic: createDiagnostic(
            D.unknownProperty,
            {
              property: key,
              suggestion: suggest(key, allowed),
              allowed: allowed.length ? allowed.map((k) => `'${k}'`).join(', ') : 'none',
            },
            { file, path: dotted(keyPath) },
          ),
          path: keyPath,
          target: 'key',
        });
      }
      continue;
    }
    out.push(describeIssue(issue, path, valueAt(input, path), file));
  }
  return out;
}

function describeIssue(issue: Issue, path: Segment[], value: unknown, file: string): PathedDiagnostic {
  const location = { file, path: dotted(path) };
  const property = propertyName(path);
  const at = (diagnostic: Diagnostic, target: IssueTarget = 'value'): PathedDiagnostic => ({ diagnostic, path, target });
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined && typeof path[path.length - 1] === 'string') {
        return at(createDiagnostic(D.missingProperty, { property }, location), 'object');
      }
      return at(createDiagnostic(D.wrongType, { property, expected: article(issue.expected), received: describeValue(value) }, location));
    case 'invalid_union': {
      // A required address or size left out (or misspelled: `sise`) is missing, not a bad address.
      if (value === undefined && typeof path[path.length - 1] === 'string') {
        return at(createDiagnostic(D.missingProperty, { property }, location), 'object');
      }
      if (unionMentions(issue, ADDRESS_PATTERN_SOURCE) || isAddressAt(path)) return at(createDiagnostic(D.badAddress, { value: show(value) }, location));
      const expected = unionExpectedTypes(issue);
      if (expected) return at(createDiagnostic(D.wrongType, { property, expected, received: describeValue(value) }, location));
      return at(createDiagnostic(D.schemaViolation, { message: `'${property}' does not match any allowed form` }, location));
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = small ? issue.minimum : issue.maximum;
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
        const addressLike = !small && issue.message.includes(ADDRESS_LIMIT_HINT);
        const limit = addressLike ? hex(Number(bound)) : String(bound);
        const constraint = `${small ? 'at least' : 'at most'} ${limit}${issue.inclusive === false ? ' (exclusive)' : ''}`;
        return at(
          createDiagnostic(
            D.outOfRange,
            { property, constraint, value: typeof value === 'number' && addressLike ? hex(value) : show(value) },
            location,
          ),
        );
      }
      const unit = issue.origin === 'string' ? 'character' : 'item';
      const n = Number(bound);
      const requirement =
        small && n === 1
          ? issue.origin === 'string'
            ? 'must not be empty'
            : `needs at least one ${unit}`
          : `${small ? 'needs at least' : 'may have at most'} ${n} ${unit}${n === 1 ? '' : 's'}`;
      return at(createDiagnostic(D.wrongLength, { property, requirement }, location));
    }
    case 'invalid_format':
      if (issue.format === 'regex' && issue.pattern === NAME_PATTERN_SOURCE) {
        return at(createDiagnostic(D.badName, { value: show(value), what: nameKind(issue.message, path) }, location));
      }
      if (issue.format === 'regex' && issue.pattern === ADDRESS_PATTERN_SOURCE) {
        return at(createDiagnostic(D.badAddress, { value: show(value) }, location));
      }
      if (issue.format === 'regex' && issue.pattern === PERMS_PATTERN_SOURCE) {
        return at(createDiagnostic(D.badPermissions, { value: show(value) }, location));
      }
      return at(createDiagnostic(D.schemaViolation, { message: `'${show(value)}' is not a valid '${property}': ${issue.message}` }, location));
    case 'invalid_key':
      return at(createDiagnostic(D.badName, { value: show(invalidKey(value)), what: `'${property}' key` }, location));
    case 'invalid_value':
      return at(
        createDiagnostic(
          D.schemaViolation,
          { message: `'${property}' must be one of ${issue.values.map((v) => `'${String(v)}'`).join(', ')}, got '${show(value)}'` },
          location,
        ),
      );
    case 'custom':
      if (issue.message.includes('must not be empty')) return at(createDiagnostic(D.badPermissions, { value: show(value) }, location));
      return at(createDiagnostic(D.schemaViolation, { message: issue.message }, location));
    default:
      return at(createDiagnostic(D.schemaViolation, { message: `'${property}': ${issue.message}` }, location));
  }
}

/** "; did you mean 'priority'?" for a near miss (a prefix either way, or at most two edits), else "". */
function suggest(key: string, allowed: readonly string[]): string {
  const near = nearestName(key, allowed);
  return near ? `; did you mean '${near}'?` : '';
}

/** `components.0.priority`: the path as the json report and SARIF show it. */
export function dotted(path: readonly Segment[]): string {
  return path.join('.');
}

/** The property a message names: the last key, with any indices after it (`sources[1]`). */
function propertyName(path: readonly Segment[]): string {
  let i = path.length - 1;
  let suffix = '';
  while (i >= 0 && typeof path[i] === 'number') suffix = `[${path[i--]}]` + suffix;
  return (i >= 0 ? String(path[i]) : 'the system') + suffix;
}

function valueAt(input: unknown, path: readonly Segment[]): unknown {
  let value = input;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function hex(n: number): string {
  const digits = n.toString(16);
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 4) groups.unshift(digits.slice(Math.max(0, end - 4), end));
  return '0x' + groups.join('_');
}

function article(expected: string): string {
  if (expected === 'int') return 'an integer';
  if (expected === 'record') return 'an object';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `a string ('${value}')`;
  if (typeof value === 'number' && !Number.isFinite(value)) return `'${value}'`;
  if (typeof value === 'number' && !Number.isInteger(value)) return `a fraction ('${value}')`;
  return `${article(typeof value)} ('${String(value)}')`;
}

function unionMentions(issue: Issue, pattern: string): boolean {
  if (issue.code !== 'invalid_union') return false;
  return issue.errors.some((branch) => branch.some((i) => (i.code === 'invalid_format' && i.pattern === pattern) || unionMentions(i, pattern)));
}

/** "a boolean or an object" when every branch failed on the value's type alone. */
function unionExpectedTypes(issue: Issue): string | undefined {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return undefined;
  const expected: string[] = [];
  for (const branch of issue.errors) {
    const first = branch[0];
    if (branch.length !== 1 || !first || first.code !== 'invalid_type' || first.path.length !== 0) return undefined;
    const text = article(first.expected);
    if (!expected.includes(text)) expected.push(text);
  }
  return expected.join(' or ');
}

function nameKind(message: string, path: readonly Segment[]): string {
  const match = /^an? (.+?) name starts/.exec(message);
  return match ? match[1]! : propertyName(path);
}

function invalidKey(value: unknown): string {
  return value && typeof value === 'object' ? Object.keys(value).join(', ') : show(value);
}

/** The property names the schema allows at `path` (for unknown-property hints), sorted. */
export function allowedKeysAt(path: readonly Segment[]): string[] {
  const def = defOf(unwrap(schemaAt(path)));
  return def?.type === 'object' ? Object.keys(def.shape as object).sort() : [];
}

/** True when the value at `path` is an address or size (`addressSchema`, maybe optional or defaulted). */
function isAddressAt(path: readonly Segment[]): boolean {
  let schema = schemaAt(path);
  for (let def = defOf(schema); def && (def.type === 'optional' || def.type === 'default'); def = defOf(schema)) schema = def.innerType;
  // `.meta()` clones the schema, so compare the union inside the pipe, which the clones share.
  return schema !== undefined && defOf(schema)?.in === defOf(addressSchema)?.in;
}

/** The schema that checks the value at `path`, or undefined when the path leaves the schema. */
function schemaAt(path: readonly Segment[]): unknown {
  let schema: unknown = systemSchema;
  for (const segment of path) {
    schema = unwrap(schema);
    const def = defOf(schema);
    if (def?.type === 'object' && typeof segment === 'string') schema = (def.shape as Record<string, unknown>)[segment];
    else if (def?.type === 'array' && typeof segment === 'number') schema = def.element;
    else if (def?.type === 'record') schema = def.valueType;
    else return undefined;
  }
  return schema;
}

interface LooseDef {
  type: string;
  [key: string]: unknown;
}

function defOf(schema: unknown): LooseDef | undefined {
  return (schema as { _zod?: { def?: LooseDef } } | undefined)?._zod?.def;
}

/** Looks through optional/default/pipe wrappers and, for unions, at the first object option. */
function unwrap(schema: unknown): unknown {
  for (;;) {
    const def = defOf(schema);
    if (!def) return schema;
    if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') schema = def.innerType;
    else if (def.type === 'pipe') schema = def.in;
    else if (def.type === 'union') {
      const options = def.options as unknown[];
      schema = options.find((o) => ['object', 'array'].includes(defOf(unwrap(o))?.type ?? '')) ?? options[0];
    } else return schema;
  }
}
