// The shape the boot requires of an image's PLAN section before the kernel sees it: every field the
// boot, the root task and the grant proof read, typed as in schema/plan.schema.json, every number a
// 32-bit word (the domain of the registers a root task passes), every object reference resolved.
import type { Plan } from '../../schema/plan.generated.js';

/** The first place the plan breaks the shape: a dotted path (`plan.invocations.3.op`) and why. */
export interface PlanShapeProblem {
  readonly path: string;
  readonly problem: string;
}

type Check = (value: unknown, path: string) => PlanShapeProblem | undefined;

const show = (value: unknown): string => {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? `'${value}'` : String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
};
const wrong = (path: string, value: unknown, want: string): PlanShapeProblem => ({ path, problem: `${show(value)} is not ${want}` });

const word: Check = (v, p) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff ? undefined : wrong(p, v, 'a 32-bit unsigned integer');
const text: Check = (v, p) => (typeof v === 'string' ? undefined : wrong(p, v, 'a string'));
const flag: Check = (v, p) => (typeof v === 'boolean' ? undefined : wrong(p, v, 'a boolean'));
const orNull = (check: Check): Check => (v, p) => (v === null ? undefined : check(v, p));
const optional = (check: Check): Check => (v, p) => (v === undefined ? undefined : check(v, p));
const oneOf = (...values: readonly string[]): Check => (v, p) =>
  typeof v === 'string' && values.includes(v) ? undefined : wrong(p, v, `one of ${values.map((x) => `'${x}'`).join(', ')}`);

function record(fields: Readonly<Record<string, Check>>): Check {
  return (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return wrong(p, v, 'an object');
    for (const [key, check] of Object.entries(fields)) {
      const found = check((v as Record<string, unknown>)[key], `${p}.${key}`);
      if (found) return found;
    }
    return undefined;
  };
}

function list(item: Check): Check {
  return (v, p) => {
    if (!Array.isArray(v)) return wrong(p, v, 'a list');
    for (let i = 0; i < v.length; i++) {
      const found = item(v[i], `${p}.${i}`);
      if (found) return found;
    }
    return undefined;
  };
}

/** Per invocation op, its fields besides `op` (schema/plan.schema.json, `definitions`; all required). */
export const INVOCATION_FIELDS: Readonly<Record<string, Readonly<Record<string, Check>>>> = {
  Untyped_Retype: { label: word, service: word, type: word, sizeBits: word, root: word, nodeIndex: word, nodeDepth: word, nodeOffset: word, numObjects: word, object: text },
  ASIDControl_MakePool: { label: word, service: word, untyped: word, root: word, index: word, depth: word },
  ASIDPool_Assign: { label: word, service: word, vspace: word },
  CNode_Mint: { label: word, service: word, destIndex: word, destDepth: word, srcRoot: word, srcIndex: word, srcDepth: word, rights: word, badge: word, component: orNull(text) },
  CNode_Copy: { label: word, service: word, destIndex: word, destDepth: word, srcRoot: word, srcIndex: word, srcDepth: word, rights: word, component: orNull(text) },
  IRQControl_Get: { label: word, service: word, irq: word, root: word, index: word, depth: word },
  IRQHandler_SetNotification: { label: word, service: word, notification: word },
  PageTable_Map: { label: word, service: word, vspace: word, vaddr: word, attr: word },
  Page_Map: { label: word, service: word, vspace: word, vaddr: word, rights: word, attr: word, cached: flag },
  TCB_Configure: { label: word, service: word, faultEp: word, cspaceRoot: word, cspaceRootData: word, vspaceRoot: word, vspaceRootData: word, buffer: word, bufferFrame: word },
  TCB_SetPriority: { label: word, service: word, authority: word, priority: word },
  TCB_WriteRegisters: { label: word, service: word, resumeTarget: flag, pc: word, sp: word },
  TCB_BindNotification: { label: word, service: word, notification: word },
  TCB_Resume: { label: word, service: word },
};
const OPS = Object.keys(INVOCATION_FIELDS);
const invocationChecks = new Map(Object.entries(INVOCATION_FIELDS).map(([op, fields]) => [op, record(fields)]));

const invocation: Check = (v, p) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return wrong(p, v, 'an object');
  const op = (v as Record<string, unknown>)['op'];
  const check = typeof op === 'string' ? invocationChecks.get(op) : undefined;
  if (!check) return { path: `${p}.op`, problem: `${show(op)} is not a known invocation (${OPS.length} ops: ${OPS.join(', ')})` };
  return check(v, p);
};

const rights = record({ read: flag, write: flag, grant: flag, grantReply: flag });

const region = record({ start: word, end: word });
const boot = record({
  kernelConfig: record({
    kernel: oneOf('bundled', 'sel4'),
    fpu: flag,
    rootCNodeSizeBits: word,
    maxBootInfoUntypeds: word,
    debugBuild: flag,
    printing: flag,
    numPriorities: word,
    paddrUserDeviceTop: (v, p) => (v === 2 ** 32 ? undefined : word(v, p)),
    kernelDevices: list(record({ paddr: word, userAvailable: flag })),
    kernelImage: record({ start: word, end: word, bootEnd: word }),
  }),
  dtb: record({ paddr: word, size: word }),
  userImage: record({ paddr: word, size: word, vaddr: word, entry: word }),
  bootInfo: record({ untyped: region, empty: region, userImageFrames: region, userImagePaging: region, extraBIPages: region, ipcBuffer: word, bootInfoVaddr: word }),
});

const planShape = record({
  rootTask: record({ cnodeSizeBits: word }),
  boot,
  untyped: list(record({ paddr: word, sizeBits: word, isDevice: flag, slot: word })),
  objects: list(record({ name: text, kind: oneOf('untyped', 'tcb', 'endpoint', 'notification', 'cnode', 'frame', 'pageTable', 'vspace', 'asidPool'), rootSlot: word, paddr: word, owner: orNull(text), purpose: text })),
  components: list(
    record({
      name: text,
      tcb: record({ priority: word, entry: word, stackTop: word, ipcBuffer: word, faultEndpointSlot: word }),
      objects: record({ tcb: text, cnode: text, vspace: text, notification: text, endpoint: orNull(text) }),
      cspace: list(record({ slot: word, object: text, kind: oneOf('tcb', 'endpoint', 'notification', 'cnode', 'vspace', 'irqHandler'), rights, badge: word })),
      vspace: list(record({ vaddr: word, size: word, paddr: word, frame: text, source: text, perms: oneOf('r', 'rw', 'rx', 'rwx', 'x', 'wx'), cached: flag, purpose: oneOf('elf', 'stack', 'ipcBuffer', 'mmio', 'region') })),
      irqs: list(record({ irq: word, handlerSlot: word, notification: text, badge: word })),
    }),
  ),
  grants: list(
    record({ component: text, kind: oneOf('mmio', 'irq'), device: text, paddr: word, size: word, vaddr: word, perms: text, cached: flag, shared: optional(flag), irq: orNull(word) }),
  ),
  invocations: list(invocation),
});

/** Names a plan's components refer to must be objects of the plan (the boot looks them up by name). */
function referenceProblem(plan: Plan): PlanShapeProblem | undefined {
  const names = new Set(plan.objects.map((o) => o.name));
  for (let i = 0; i < plan.components.length; i++) {
    const objects = plan.components[i]!.objects;
    for (const role of ['tcb', 'cnode', 'vspace', 'notification', 'endpoint'] as const) {
      const name = objects[role];
      if (name !== null && !names.has(name)) {
        return { path: `plan.components.${i}.objects.${role}`, problem: `'${name}' is not an object of the plan` };
      }
    }
  }
  const components = new Set(plan.components.map((c) => c.name));
  for (let i = 0; i < plan.grants.length; i++) {
    const component = plan.grants[i]!.component;
    if (!components.has(component)) return { path: `plan.grants.${i}.component`, problem: `'${component}' is not a component of the plan` };
  }
  return undefined;
}

/** The first way `plan` (parsed JSON, not yet trusted) fails the boot's shape, or undefined. */
export function planShapeProblem(plan: unknown): PlanShapeProblem | undefined {
  return planShape(plan, 'plan') ?? referenceProblem(plan as Plan);
}
