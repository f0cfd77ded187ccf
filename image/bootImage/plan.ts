// The PLAN section: the plan as UTF-8 JSON, `JSON.stringify(plan)` (keys in the order the planner
// produced them, no whitespace). Its schema is schema/plan.schema.json; the image reader checks
// only that it is a JSON object with a numeric `formatVersion`.
import type { Decoded } from './bootInfo.js';
import { decodeUtf8 } from './meta.js';

export type PlanObject = Readonly<Record<string, unknown>> & { readonly formatVersion: number };

/** Why a parsed plan does not have the minimal shape, or undefined. */
export function planProblem(plan: unknown): string | undefined {
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan)) return 'the plan is not a JSON object';
  const version = (plan as Record<string, unknown>).formatVersion;
  if (typeof version !== 'number' || !Number.isInteger(version)) return "the plan has no integer 'formatVersion'";
  return undefined;
}

export function encodePlan(plan: object): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(plan));
}

export function decodePlan(bytes: Uint8Array): Decoded<{ json: string; plan: PlanObject }> {
  const json = decodeUtf8(bytes);
  if (json === undefined) return { problem: 'the plan is not valid UTF-8' };
  let plan: unknown;
  try {
    plan = JSON.parse(json);
  } catch (error) {
    return { problem: `the plan is not valid JSON (${(error as Error).message})` };
  }
  const problem = planProblem(plan);
  return problem === undefined ? { value: { json, plan: plan as PlanObject } } : { problem };
}
