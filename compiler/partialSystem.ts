// What the semantic checks can see of a descriptor the schema rejected (issue 15: a typo'd
// `prority` must not hide the other mistakes): a copy of the input with each schema issue taken
// out — an unknown property deleted, a bad optional property dropped (its default applies), and
// otherwise the array element that holds it removed — parsed again until the schema accepts it.
// Diagnostics of the checks on that copy are mapped back to the paths of the original.
import { systemSchema, type ValidatedSystem } from '../schema/descriptor.js';

type Segment = string | number;
type Issue = { readonly code: string; readonly path: readonly PropertyKey[]; readonly keys?: readonly string[] };

export interface PartialSystem {
  readonly system: ValidatedSystem;
  /** The original path of a dotted path into `system` (array elements removed shift indices). */
  readonly originalPath: (path: string) => string;
  /** Paths (original) that had a schema issue: a check reporting at or below one repeats it. */
  readonly brokenPaths: readonly string[];
  /** Names of removed elements: a check naming one would be about something the user never got. */
  readonly removedNames: readonly string[];
}

/** Rounds of repair; each one removes at least one issue, and few descriptors have many. */
const MAX_ROUNDS = 20;

/** undefined when nothing usable is left (the top-level object itself is broken, or the input is not plain data). */
export function partialSystem(input: unknown, issues: readonly Issue[]): PartialSystem | undefined {
  const copy = plainCopy(input);
  if (copy === undefined) return undefined;
  const removals: { readonly array: string; readonly index: number }[] = [];
  const dropped = new Set<string>();
  const brokenPaths: string[] = [];
  const removedNames: string[] = [];
  const toOriginal = (segments: readonly Segment[]): string => {
    const out = [...segments];
    for (let r = removals.length - 1; r >= 0; r--) {
      const { array, index } = removals[r]!;
      const depth = array === '' ? 0 : array.split('.').length;
      if (out.slice(0, depth).join('.') !== array) continue;
      const at = out[depth];
      if (typeof at === 'number' && at >= index) out[depth] = at + 1;
    }
    return out.join('.');
  };
  let current = issues;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    for (const issue of current) {
      const segments = issue.path.filter((s): s is Segment => typeof s === 'string' || typeof s === 'number');
      if (issue.code === 'unrecognized_keys' && issue.keys) {
        const holder = at(copy, segments);
        for (const key of issue.keys) {
          brokenPaths.push(toOriginal([...segments, key]));
          if (isRecord(holder)) delete holder[key];
        }
        continue;
      }
      brokenPaths.push(toOriginal(segments));
      const key = segments.join('.');
      const parent = at(copy, segments.slice(0, -1));
      const last = segments[segments.length - 1];
      // First try without the property (optional ones have defaults); if it is still wanted, the element goes.
      if (typeof last === 'string' && isRecord(parent) && last in parent && !dropped.has(key)) {
        dropped.add(key);
        delete parent[last];
        continue;
      }
      if (!removeElement(copy, segments, removals, removedNames)) return undefined;
    }
    const result = systemSchema.safeParse(copy, { jitless: true });
    if (result.success) return { system: result.data, originalPath: (p) => toOriginal(splitPath(p)), brokenPaths, removedNames };
    current = result.error.issues as readonly Issue[];
  }
  return undefined;
}

/** Removes the innermost array element on `segments` (recording it); false when there is none. */
function removeElement(root: unknown, segments: readonly Segment[], removals: { array: string; index: number }[], removedNames: string[]): boolean {
  for (let i = segments.length - 1; i >= 0; i--) {
    const index = segments[i];
    if (typeof index !== 'number') continue;
    const array = at(root, segments.slice(0, i));
    if (!Array.isArray(array) || index >= array.length) continue;
    const element = array[index];
    if (isRecord(element) && typeof element.name === 'string') removedNames.push(element.name);
    array.splice(index, 1);
    removals.push({ array: segments.slice(0, i).join('.'), index });
    return true;
  }
  return false;
}

function at(root: unknown, segments: readonly Segment[]): unknown {
  let value = root;
  for (const s of segments) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[s as string];
  }
  return value;
}

function splitPath(p: string): Segment[] {
  return p === '' ? [] : p.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A copy of plain data (objects, arrays, primitives); undefined for cycles, getters that throw, and the like. */
function plainCopy(value: unknown, seen = new Set<unknown>()): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'function' || typeof value === 'symbol' ? null : value;
  if (seen.has(value)) throw new CycleFound();
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => plainCopy(v, seen));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = plainCopy((value as Record<string, unknown>)[key], seen);
    return out;
  } catch (error) {
    if (seen.size === 1) return undefined;
    throw error;
  } finally {
    seen.delete(value);
  }
}

class CycleFound extends Error {}
