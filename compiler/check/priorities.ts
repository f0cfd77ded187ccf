// Checks of protected procedure calls: only to a strictly higher priority (seL4 Microkit's rule, so
// a server always preempts its callers), and never in a cycle (reported once instead of per edge).
import { D, type DiagnosticBag } from '../../schema/diagnostics.js';
import type { ModelChannel, SystemModel } from '../resolvePlatform.js';

export function checkPriorities(model: SystemModel, bag: DiagnosticBag): void {
  const priority = new Map<string, number>();
  for (const c of model.components) if (!priority.has(c.name)) priority.set(c.name, c.priority);
  const edges = model.channels.filter((ch) => ch.ppc && ch.from !== ch.to && priority.has(ch.from) && priority.has(ch.to));
  const inCycle = cycleComponents(edges);
  const reportedCycles = new Set<number>();
  for (const ch of edges) {
    const fromScc = inCycle.get(ch.from);
    if (fromScc !== undefined && fromScc === inCycle.get(ch.to)) {
      if (reportedCycles.has(fromScc)) continue;
      reportedCycles.add(fromScc);
      bag.add(D.ppcCycle, { cycle: describeCycle(edges, ch, inCycle) }, { path: ch.path });
      continue;
    }
    const fromPriority = priority.get(ch.from)!;
    const toPriority = priority.get(ch.to)!;
    if (fromPriority >= toPriority) bag.add(D.ppcToLowerPriority, { from: ch.from, to: ch.to, fromPriority, toPriority }, { path: `${ch.path}.ppc` });
  }
}

/** Tarjan's strongly connected components; returns component → SCC number for SCCs with a cycle. */
function cycleComponents(edges: readonly ModelChannel[]): Map<string, number> {
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
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
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
  };
  for (const e of edges) if (!index.has(e.from)) visit(e.from);
  return result;
}

/** `'a' → 'b' → 'a'`, following PPC edges inside the SCC from the first edge found. */
function describeCycle(edges: readonly ModelChannel[], first: ModelChannel, scc: Map<string, number>): string {
  const id = scc.get(first.from)!;
  const path = [first.from];
  let current = first.to;
  while (current !== first.from && path.length <= edges.length) {
    path.push(current);
    const edge = edges.find((e) => e.from === current && scc.get(e.to) === id && (!path.includes(e.to) || e.to === first.from));
    if (!edge) break;
    current = edge.to;
  }
  return [...path, first.from].map((n) => `'${n}'`).join(' → ');
}
