// Checks of interrupt grants: each interrupt has one handler system-wide (seL4#270, Hubris#777),
// and an interrupt named explicitly must be one of the device's own.
import { D, type DiagnosticBag } from '../../schema/diagnostics.js';
import type { SystemModel } from '../resolvePlatform.js';
import { irqConflicts } from '../../image/systemRules.js';
import { usableDevice } from './mmio.js';

export function checkIrqs(model: SystemModel, bag: DiagnosticBag): void {
  const claims: { irq: number; component: string; path: string }[] = [];
  for (const c of model.components) {
    for (const d of c.devices) {
      if (!usableDevice(d)) continue;
      for (const irq of d.irqs) {
        if (!d.node.interrupts.includes(irq.irq)) {
          const interrupts = d.node.interrupts.length ? d.node.interrupts.join(', ') : 'none';
          bag.add(D.irqNotOfDevice, { irq: irq.irq, component: c.name, path: d.node.path, interrupts }, { path: `${d.path}.irq.numbers` });
          continue;
        }
        claims.push({ irq: irq.irq, component: c.name, path: irq.path });
      }
    }
  }
  for (const { claim, first } of irqConflicts(claims)) bag.add(D.irqGrantedTwice, { irq: claim.irq, first, second: claim.component }, { path: claim.path });
}
