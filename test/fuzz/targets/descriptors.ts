// Fuzz target: descriptor validation (compiler/validate.ts `validateFile`) on JSON variants of the
// example systems and the diagnostic fixtures: random deletions, wrong types, out-of-range numbers,
// duplicated names, fault-handler and PPC cycles. Every variant must give diagnostics, never throw.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validateFile } from '../../../compiler/validate.js';
import { nodeHost } from '../../../compiler/host.js';
import type { FuzzTarget } from '../support/harness.js';
import type { Prng } from '../support/prng.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface DescriptorSeed {
  readonly name: string;
  readonly value: Json;
}

export interface DescriptorContext {
  readonly seeds: readonly DescriptorSeed[];
  /** Where variants are written (with the platform sources some fixtures name). */
  readonly dir: string;
  counter: number;
  /** Valid and invalid variants, and how often each code was reported. */
  readonly coverage: Record<string, number>;
}

/** Every container and leaf of `value`, as paths of keys and indices. */
function pathsOf(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const key of Object.keys(value)) pathsOf(value[key]!, [...prefix, key], out);
  return out;
}

function parentOf(root: Json, at: readonly (string | number)[]): { parent: Json; key: string | number } | null {
  if (at.length === 0) return null;
  let parent = root;
  for (const key of at.slice(0, -1)) parent = (parent as Record<string | number, Json>)[key]!;
  return { parent, key: at[at.length - 1]! };
}

const WRONG_VALUES: readonly Json[] = [null, true, 0, -1, 1.5, '', 'x', [], {}, [1, 2], { name: 3 }, 'a'.repeat(5000)];
const OUT_OF_RANGE: readonly number[] = [-1, 256, 4096, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 53), 1e300, 0.5, 0x8000_0001, 0xffff_ffff];

function componentsOf(root: Json): { [key: string]: Json }[] {
  const components = (root as { components?: unknown }).components;
  return Array.isArray(components) ? (components.filter((c) => c !== null && typeof c === 'object' && !Array.isArray(c)) as { [key: string]: Json }[]) : [];
}

/** One mutation of a descriptor (or any JSON document, e.g. a plan), in place; returns what it did. */
export function mutateJson(root: Json, rng: Prng, skip: (path: readonly (string | number)[]) => boolean = () => false): string {
  const paths = pathsOf(root).filter((p) => !skip(p));
  if (paths.length === 0) return 'nothing';
  const at = rng.pick(paths);
  const place = parentOf(root, at);
  const container = place?.parent as Record<string | number, Json> | Json[] | undefined;
  switch (rng.below(9)) {
    case 0: {
      if (!place) return 'nothing';
      if (Array.isArray(container)) container.splice(place.key as number, 1);
      else delete (container as Record<string, Json>)[place.key];
      return `deleted ${at.join('.')}`;
    }
    case 1: {
      if (!place) return 'nothing';
      (container as Record<string | number, Json>)[place.key] = structuredClone(rng.pick(WRONG_VALUES));
      return `wrong type at ${at.join('.')}`;
    }
    case 2: {
      const numeric = paths.filter((p) => p.length > 0 && typeof getAt(root, p) === 'number');
      if (!numeric.length) return 'no numbers';
      const target = rng.pick(numeric);
      const where = parentOf(root, target)!;
      (where.parent as Record<string | number, Json>)[where.key] = rng.pick(OUT_OF_RANGE);
      return `out of range at ${target.join('.')}`;
    }
    case 3: {
      // Duplicate an element of some array (a component, channel, region, device, mapping…): same name twice.
      const arrays = paths.filter((p) => Array.isArray(getAt(root, p)) && (getAt(root, p) as Json[]).length > 0);
      if (!arrays.length) return 'no arrays';
      const arrayPath = rng.pick(arrays);
      const array = getAt(root, arrayPath) as Json[];
      array.push(structuredClone(rng.pick(array)));
      return `duplicated an element of ${arrayPath.join('.') || 'root'}`;
    }
    case 4: {
      const components = componentsOf(root);
      if (components.length < 1) return 'no components';
      // A fault-handler cycle: each component handles the next one's faults, the last the first's.
      const cycle = components.slice(0, rng.between(1, components.length));
      cycle.forEach((c, i) => (c.faultHandler = cycle[(i + 1) % cycle.length]!.name ?? 'x'));
      return `fault-handler cycle of ${cycle.length}`;
    }
    case 5: {
      const components = componentsOf(root);
      if (components.length < 1) return 'no components';
      // A PPC cycle (and PPCs to equal priorities): a→b, b→a, or a→a.
      const a = rng.pick(components);
      const b = rng.pick(components);
      const channels = (((root as { channels?: Json[] }).channels ??= []) as Json[]);
      if (!Array.isArray(channels)) return 'channels not an array';
      channels.push({ name: `ab${channels.length}`, from: a.name ?? 'x', to: b.name ?? 'y', ppc: true });
      channels.push({ name: `ba${channels.length}`, from: b.name ?? 'y', to: a.name ?? 'x', ppc: true });
      return `PPC cycle ${String(a.name)} <-> ${String(b.name)}`;
    }
    case 6: {
      if (!container || Array.isArray(container) || place === null) return 'nothing';
      container[`unknown${rng.below(100)}`] = structuredClone(rng.pick(WRONG_VALUES));
      return `unknown property next to ${at.join('.')}`;
    }
    case 7: {
      const components = componentsOf(root);
      if (components.length < 2) return 'too few components';
      components[1]!.name = components[0]!.name ?? 'x';
      return 'two components with one name';
    }
    default: {
      // Deep nesting where an object is expected.
      if (!place) return 'nothing';
      let deep: Json = 1;
      for (let i = 0; i < 200; i++) deep = { a: deep };
      (container as Record<string | number, Json>)[place.key] = deep;
      return `deeply nested value at ${at.join('.')}`;
    }
  }
}

function getAt(root: Json, at: readonly (string | number)[]): Json {
  let value = root;
  for (const key of at) value = (value as Record<string | number, Json>)[key]!;
  return value;
}

/** Prepared once: the seeds and a temp dir holding the platform sources they name. */
export function descriptorsTarget(loadSeeds: () => Promise<DescriptorSeed[]>, platformFiles: readonly string[]): FuzzTarget<DescriptorContext> {
  return {
    name: 'descriptor',
    async prepare() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-fuzz-descriptor-'));
      for (const file of platformFiles) fs.copyFileSync(file, path.join(dir, path.basename(file)));
      return { seeds: await loadSeeds(), dir, counter: 0, coverage: {} };
    },
    report: ({ coverage }) =>
      Object.entries(coverage)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, n]) => `${key}×${n}`)
        .join(' '),
    dispose: (context) => fs.rmSync(context.dir, { recursive: true, force: true }),
    generate(rng, context) {
      const seed = rng.pick(context.seeds);
      const value = structuredClone(seed.value);
      const steps: string[] = [];
      for (let i = rng.between(1, 3); i > 0; i--) steps.push(mutateJson(value, rng));
      const file = `variant-${context.counter++ % 8}.system.json`;
      const text = JSON.stringify(value, null, 2);
      return {
        description: `${seed.name}: ${steps.join('; ')}`,
        async run() {
          fs.writeFileSync(path.join(context.dir, file), text);
          const result = await validateFile(file, nodeHost, context.dir);
          const count = (key: string) => (context.coverage[key] = (context.coverage[key] ?? 0) + 1);
          count(result.valid ? 'valid' : 'invalid');
          for (const code of new Set(result.diagnostics.map((d) => d.code))) count(code);
          const uncoded = result.diagnostics.filter((d) => !/^KC[0-8]\d{3}$/.test(d.code));
          if (uncoded.length) return `diagnostics without a user code: ${uncoded.map((d) => `${d.code} ${d.message}`).join('; ')}`;
          if (!result.valid && result.diagnostics.every((d) => d.severity !== 'error')) return 'invalid without an error diagnostic';
        },
      };
    },
  };
}
