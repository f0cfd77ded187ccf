// The system rules, once: exclusive MMIO unless shared, one holder per IRQ, protected procedure
// calls only to a strictly higher priority and never in a cycle, W^X, no device the kernel drives
// itself, no MMIO page exposing another device. compiler/check applies them to a descriptor's model
// (with its own messages and positions) and the boot applies them to the plan an image carries
// (image/bootImage/planRules.ts), so a re-sealed image cannot grant what no descriptor could.
import type { PlatformDevice } from './platformModel.js';

const KERNEL_TIMER_COMPATIBLE = ['riscv,clint0', 'sifive,clint0', 'riscv,aclint-mtimer', 'riscv,aclint-mswi'];

/** 'interrupt controller' / 'timer' when the kernel drives this node itself, else null. */
export function kernelRole(device: PlatformDevice): string | null {
  if (device.isInterruptController) return 'interrupt controller';
  if (device.compatible.some((c) => KERNEL_TIMER_COMPATIBLE.includes(c))) return 'timer';
  return null;
}

/** Half-open ranges [a, a + as) and [b, b + bs) share a byte. */
export const overlaps = (a: number, as: number, b: number, bs: number): boolean => a < b + bs && b < a + as;

/** W^X: a page is never both writable and executable. */
export const writableAndExecutable = (perms: string): boolean => perms.includes('w') && perms.includes('x');

/**
 * The first device other than `device` (and its ancestors, whose `reg` may span their children)
 * with registers in the window [base, base + size): a page mapped for `device` would expose them.
 */
export function deviceSharingWindow(devices: readonly PlatformDevice[], device: PlatformDevice, base: number, size: number): PlatformDevice | undefined {
  return devices.find((o) => o.path !== device.path && o.reg.some((g) => overlaps(g.base, g.size, base, size)) && !device.path.startsWith(`${o.path}/`));
}

/** An MMIO window one component holds: [base, end). */
export interface HeldWindow {
  readonly base: number;
  readonly end: number;
  readonly component: string;
  readonly shared: boolean;
}

/**
 * Every pair of windows of different components that overlap while not both shared, as
 * [earlier, later] in the order of a sweep by base (then end). A shared window meeting only shared
 * ones needs no pairwise look, so many components sharing one device stay linear.
 */
export function mmioConflicts<W extends HeldWindow>(input: readonly W[]): [W, W][] {
  const windows = [...input].sort((a, b) => a.base - b.base || a.end - b.end);
  const conflicts: [W, W][] = [];
  let open: W[] = [];
  let minEnd = Infinity;
  let exclusiveOpen = 0;
  for (const w of windows) {
    if (minEnd <= w.base) {
      open = open.filter((o) => o.end > w.base);
      minEnd = open.reduce((m, o) => Math.min(m, o.end), Infinity);
      exclusiveOpen = open.filter((o) => !o.shared).length;
    }
    if (!w.shared || exclusiveOpen > 0) {
      for (const o of open) if (o.component !== w.component && !(o.shared && w.shared)) conflicts.push([o, w]);
    }
    open.push(w);
    minEnd = Math.min(minEnd, w.end);
    if (!w.shared) exclusiveOpen++;
  }
  return conflicts;
}

/** One component's claim on an interrupt. */
export interface IrqClaim {
  readonly irq: number;
  readonly component: string;
}

/** Each claim on an interrupt that an earlier claim already holds, with that first holder. */
export function irqConflicts<C extends IrqClaim>(claims: readonly C[]): { claim: C; first: string }[] {
  const holders = new Map<number, string>();
  const out: { claim: C; first: string }[] = [];
  for (const claim of claims) {
    const first = holders.get(claim.irq);
    if (first === undefined) holders.set(claim.irq, claim.component);
    else out.push({ claim, first });
  }
  return out;
}

/** A protected procedure call edge: `from` may call `to`. */
export interface PpcEdge {
  readonly from: string;
  readonly to: string;
}

export type PpcProblem<E extends PpcEdge> =
  | { readonly kind: 'cycle'; readonly edge: E; readonly cycle: readonly string[] }
  | { readonly kind: 'notHigher'; readonly edge: E; readonly fromPriority: number; readonly toPriority: number };

/**
 * PPCs go only to a strictly higher priority (seL4 Microkit's rule, so a server always preempts
 * its callers) and never in a cycle (reported once per cycle, as the names around it, first name
 * repeated at the end). Edges between one component and itself, or naming an unknown one, are
 * skipped (other rules report them).
 */
export function ppcProblems<E extends PpcEdge>(priority: ReadonlyMap<string, number>, allEdges: readonly E[]): PpcProblem<E>[] {
  const edges = allEdges.filter((e) => e.from !== e.to && priority.has(e.from) && priority.has(e.to));
  const inCycle = cycleComponents(edges);
  const reportedCycles = new Set<number>();
  const out: PpcProblem<E>[] = [];
  for (const edge of edges) {
    const fromScc = inCycle.get(edge.from);
    if (fromScc !== undefined && fromScc === inCycle.get(edge.to)) {
      if (reportedCycles.has(fromScc)) continue;
      reportedCycles.add(fromScc);
      out.push({ kind: 'cycle', edge, cycle: describeCycle(edges, edge, inCycle) });
      continue;
    }
    const fromPriority = priority.get(edge.from)!;
    const toPriority = priority.get(edge.to)!;
    if (fromPriority >= toPriority) out.push({ kind: 'notHigher', edge, fromPriority, toPriority });
  }
  return out;
}

/**
 * Tarjan's strongly connected components; returns component → SCC number for SCCs with a cycle.
 * Iterative (an explicit stack of [vertex, next successor]), so a PPC chain of 20 000 components
 * does not overflow the call stack.
 */
function cycleComponents(edges: readonly PpcEdge[]): Map<string, number> {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, []);
    next.get(e.from)!.push(e.to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const result = new Map<string, number>();
  let counter = 0;
  let scc = 0;
  const enter = (v: string, work: [string, number][]) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    work.push([v, 0]);
  };
  const visit = (root: string): void => {
    const work: [string, number][] = [];
    enter(root, work);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [v, i] = frame;
      const successors = next.get(v) ?? [];
      if (i < successors.length) {
        frame[1] = i + 1;
        const w = successors[i]!;
        if (!index.has(w)) enter(w, work);
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent[0], Math.min(low.get(parent[0])!, low.get(v)!));
      if (low.get(v) === index.get(v)) {
        const members: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          members.push(w);
        } while (w !== v);
        if (members.length > 1) for (const m of members) result.set(m, scc);
        scc++;
      }
    }
  };
  for (const e of edges) if (!index.has(e.from)) visit(e.from);
  return result;
}

/** The names around a cycle, following PPC edges inside the SCC from the first edge found. */
function describeCycle(edges: readonly PpcEdge[], first: PpcEdge, scc: Map<string, number>): string[] {
  const id = scc.get(first.from)!;
  const path = [first.from];
  let current = first.to;
  while (current !== first.from && path.length <= edges.length) {
    path.push(current);
    const edge = edges.find((e) => e.from === current && scc.get(e.to) === id && (!path.includes(e.to) || e.to === first.from));
    if (!edge) break;
    current = edge.to;
  }
  return [...path, first.from];
}
