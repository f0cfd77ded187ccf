// planShapeProblem (runtime/boot/planShape.ts) on the example's plan, edited one field at a time: each
// kind of field (32-bit word, string, boolean, null or absent where allowed, one of a set, object,
// list, invocation op) at its bound and one past it, the wording of each problem, and the object and
// component references the boot looks up by name.
import { beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../../image/bootImage/index.js';
import { planShapeProblem } from '../../../runtime/boot/planShape.js';
import type { Plan } from '../../../schema/plan.generated.js';
import { exampleImage } from '../exampleImages.js';

let original: Plan;
beforeAll(async () => {
  original = readImage(await exampleImage('hello')).plan as unknown as Plan;
});

/** The problem with a copy of the example's plan after `edit`, or undefined. */
function problem(edit: (plan: Record<string, any>) => void): { path: string; problem: string } | undefined {
  const plan = structuredClone(original) as unknown as Record<string, any>;
  edit(plan);
  return planShapeProblem(plan);
}

const retype = (plan: Record<string, any>): Record<string, any> => plan.invocations.find((i: { op: string }) => i.op === 'Untyped_Retype');
const retypePath = (): string => `plan.invocations.${original.invocations.findIndex((i) => i.op === 'Untyped_Retype')}`;

describe('planShapeProblem', () => {
  it('finds nothing wrong with a built plan', () => {
    expect(planShapeProblem(structuredClone(original))).toBeUndefined();
  });

  it('a word is an integer from 0 to 2^32 - 1', () => {
    const at = `${retypePath()}.numObjects`;
    expect(problem((p) => void (retype(p).numObjects = 0))).toBeUndefined();
    expect(problem((p) => void (retype(p).numObjects = 0xffff_ffff))).toBeUndefined();
    expect(problem((p) => void (retype(p).numObjects = 2 ** 32))).toEqual({ path: at, problem: '4294967296 is not a 32-bit unsigned integer' });
    expect(problem((p) => void (retype(p).numObjects = -1))).toEqual({ path: at, problem: '-1 is not a 32-bit unsigned integer' });
    expect(problem((p) => void (retype(p).numObjects = 1.5))).toEqual({ path: at, problem: '1.5 is not a 32-bit unsigned integer' });
    expect(problem((p) => void (retype(p).numObjects = '1'))).toEqual({ path: at, problem: "'1' is not a 32-bit unsigned integer" });
  });

  it('shows a missing field, null, a list, an object, and a long string cut at 40 characters', () => {
    const at = `${retypePath()}.object`;
    expect(problem((p) => void delete retype(p).object)).toEqual({ path: at, problem: 'missing is not a string' });
    expect(problem((p) => void (retype(p).object = null))).toEqual({ path: at, problem: 'null is not a string' });
    expect(problem((p) => void (retype(p).object = []))).toEqual({ path: at, problem: 'a list is not a string' });
    expect(problem((p) => void (retype(p).object = {}))).toEqual({ path: at, problem: 'an object is not a string' });
    expect(problem((p) => void (retype(p).object = 7))).toEqual({ path: at, problem: '7 is not a string' });
    const words = `${retypePath()}.label`;
    // 40 characters are shown whole (38 between the quotes); 41 are cut to 37 and '...'
    expect(problem((p) => void (retype(p).label = 'x'.repeat(38)))).toEqual({ path: words, problem: `'${'x'.repeat(38)}' is not a 32-bit unsigned integer` });
    expect(problem((p) => void (retype(p).label = 'x'.repeat(39)))).toEqual({ path: words, problem: `'${'x'.repeat(36)}... is not a 32-bit unsigned integer` });
  });

  it('a boolean is true or false; null is allowed only where the plan allows it, absence only where optional', () => {
    expect(problem((p) => void (p.untyped[0].isDevice = 0))).toEqual({ path: 'plan.untyped.0.isDevice', problem: '0 is not a boolean' });
    expect(problem((p) => void (p.untyped[0].isDevice = true))).toBeUndefined();
    expect(problem((p) => void (p.objects[0].owner = null))).toBeUndefined();
    expect(problem((p) => void (p.objects[0].owner = 'someone'))).toBeUndefined();
    expect(problem((p) => void (p.objects[0].owner = 3))).toEqual({ path: 'plan.objects.0.owner', problem: '3 is not a string' });
    expect(problem((p) => void (p.objects[0].name = null))).toEqual({ path: 'plan.objects.0.name', problem: 'null is not a string' });
    expect(problem((p) => void delete p.grants[0].shared)).toBeUndefined();
    expect(problem((p) => void (p.grants[0].shared = true))).toBeUndefined();
    expect(problem((p) => void (p.grants[0].shared = 'yes'))).toEqual({ path: 'plan.grants.0.shared', problem: "'yes' is not a boolean" });
    expect(problem((p) => void (p.grants[0].irq = null))).toBeUndefined();
    expect(problem((p) => void (p.grants[0].irq = -1))).toEqual({ path: 'plan.grants.0.irq', problem: '-1 is not a 32-bit unsigned integer' });
  });

  it('a choice names its values', () => {
    expect(problem((p) => void (p.boot.kernelConfig.kernel = 'other'))).toEqual({
      path: 'plan.boot.kernelConfig.kernel',
      problem: "'other' is not one of 'bundled', 'sel4'",
    });
    expect(problem((p) => void (p.boot.kernelConfig.kernel = 'sel4'))).toBeUndefined();
    expect(problem((p) => void (p.boot.kernelConfig.kernel = 1))).toEqual({ path: 'plan.boot.kernelConfig.kernel', problem: "1 is not one of 'bundled', 'sel4'" });
  });

  it('the device top may be 2^32 exactly (the whole space), not one more', () => {
    expect(problem((p) => void (p.boot.kernelConfig.paddrUserDeviceTop = 2 ** 32))).toBeUndefined();
    expect(problem((p) => void (p.boot.kernelConfig.paddrUserDeviceTop = 0xffff_ffff))).toBeUndefined();
    expect(problem((p) => void (p.boot.kernelConfig.paddrUserDeviceTop = 2 ** 32 + 1))).toEqual({
      path: 'plan.boot.kernelConfig.paddrUserDeviceTop',
      problem: '4294967297 is not a 32-bit unsigned integer',
    });
  });

  it('an object must be an object, a list a list; the first wrong element is named', () => {
    expect(planShapeProblem(null)).toEqual({ path: 'plan', problem: 'null is not an object' });
    expect(planShapeProblem([])).toEqual({ path: 'plan', problem: 'a list is not an object' });
    expect(planShapeProblem(5)).toEqual({ path: 'plan', problem: '5 is not an object' });
    expect(problem((p) => void (p.boot.dtb = [1]))).toEqual({ path: 'plan.boot.dtb', problem: 'a list is not an object' });
    expect(problem((p) => void (p.boot.dtb = null))).toEqual({ path: 'plan.boot.dtb', problem: 'null is not an object' });
    expect(problem((p) => void (p.untyped = 'u'))).toEqual({ path: 'plan.untyped', problem: "'u' is not a list" });
    expect(problem((p) => void (p.untyped = { length: 0 }))).toEqual({ path: 'plan.untyped', problem: 'an object is not a list' });
    const last = original.untyped.length - 1;
    expect(problem((p) => void (p.untyped[last].slot = -1))).toEqual({ path: `plan.untyped.${last}.slot`, problem: '-1 is not a 32-bit unsigned integer' });
    expect(problem((p) => void ((p.untyped[1].slot = -1), (p.untyped[last].slot = -2)))).toEqual({ path: 'plan.untyped.1.slot', problem: '-1 is not a 32-bit unsigned integer' });
    // the fields of an object in order: the first wrong one
    expect(problem((p) => void ((p.untyped[0].paddr = -1), (p.untyped[0].slot = -2)))).toEqual({ path: 'plan.untyped.0.paddr', problem: '-1 is not a 32-bit unsigned integer' });
    // the last field of an object, and of the whole plan, is checked too
    const lastInvocation = original.invocations.length - 1;
    expect(problem((p) => void (p.invocations[lastInvocation].service = -1))).toEqual({
      path: `plan.invocations.${lastInvocation}.service`,
      problem: '-1 is not a 32-bit unsigned integer',
    });
  });

  it('an invocation needs a known op; the message lists the 14 ops', () => {
    const ops = 'Untyped_Retype, ASIDControl_MakePool, ASIDPool_Assign, CNode_Mint, CNode_Copy, IRQControl_Get, IRQHandler_SetNotification, PageTable_Map, Page_Map, TCB_Configure, TCB_SetPriority, TCB_WriteRegisters, TCB_BindNotification, TCB_Resume';
    expect(problem((p) => void delete p.invocations[0].op)).toEqual({ path: 'plan.invocations.0.op', problem: `missing is not a known invocation (14 ops: ${ops})` });
    expect(problem((p) => void (p.invocations[0].op = 'toString'))).toEqual({ path: 'plan.invocations.0.op', problem: `'toString' is not a known invocation (14 ops: ${ops})` });
    expect(problem((p) => void (p.invocations[0] = null))).toEqual({ path: 'plan.invocations.0', problem: 'null is not an object' });
    expect(problem((p) => void (p.invocations[0] = 'Untyped_Retype'))).toEqual({ path: 'plan.invocations.0', problem: "'Untyped_Retype' is not an object" });
    // an op's own fields are checked: a Page_Map's `cached` is a boolean
    const pageMap = original.invocations.findIndex((i) => i.op === 'Page_Map');
    expect(problem((p) => void (p.invocations[pageMap].cached = 1))).toEqual({ path: `plan.invocations.${pageMap}.cached`, problem: '1 is not a boolean' });
  });

  it("each object a component names, and each grant's component, must be in the plan", () => {
    for (const role of ['tcb', 'cnode', 'vspace', 'notification'] as const) {
      expect(problem((p) => void (p.components[0].objects[role] = 'nowhere'))).toEqual({
        path: `plan.components.0.objects.${role}`,
        problem: "'nowhere' is not an object of the plan",
      });
    }
    expect(problem((p) => void (p.components[0].objects.endpoint = null))).toBeUndefined();
    expect(problem((p) => void (p.components[0].objects.endpoint = 'nowhere'))).toEqual({
      path: 'plan.components.0.objects.endpoint',
      problem: "'nowhere' is not an object of the plan",
    });
    const lastComponent = original.components.length - 1;
    expect(problem((p) => void (p.components[lastComponent].objects.tcb = 'nowhere'))?.path).toBe(`plan.components.${lastComponent}.objects.tcb`);
    const lastGrant = original.grants.length - 1;
    expect(problem((p) => void (p.grants[lastGrant].component = 'nobody'))).toEqual({
      path: `plan.grants.${lastGrant}.component`,
      problem: "'nobody' is not a component of the plan",
    });
  });
});
