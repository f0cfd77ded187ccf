// Checks of protected procedure calls: only to a strictly higher priority (seL4 Microkit's rule, so
// a server always preempts its callers), and never in a cycle (reported once instead of per edge);
// the rule itself is image/systemRules.ts' ppcProblems, which the boot applies to plans too.
import { D, type DiagnosticBag } from '../../schema/diagnostics.js';
import { ppcProblems } from '../../image/systemRules.js';
import type { SystemModel } from '../resolvePlatform.js';

export function checkPriorities(model: SystemModel, bag: DiagnosticBag): void {
  const priority = new Map<string, number>();
  for (const c of model.components) if (!priority.has(c.name)) priority.set(c.name, c.priority);
  for (const problem of ppcProblems(priority, model.channels.filter((ch) => ch.ppc))) {
    const ch = problem.edge;
    if (problem.kind === 'cycle') bag.add(D.ppcCycle, { cycle: problem.cycle.map((n) => `'${n}'`).join(' → ') }, { path: ch.path });
    else bag.add(D.ppcToLowerPriority, { from: ch.from, to: ch.to, fromPriority: problem.fromPriority, toPriority: problem.toPriority }, { path: `${ch.path}.ppc` });
  }
}
