// Checks of interrupt grants: each interrupt has one handler system-wide (seL4#270, Hubris#777),
// and an interrupt named explicitly must be one of the device's own.
import { D, type DiagnosticBag } from '../../schema/diagnostics.js';
import type { SystemModel } from '../resolvePlatform.js';
import { usableDevice } from './mmio.js';

export function checkIrqs(model: SystemModel, bag: DiagnosticBag): void {
  const holders = new Map<number, string>();
  for (const c of model.components) {
    for (const d of c.devices) {
      if (!usableDevice(d)) continue;
      for (const irq of d.irqs) {
        if (!d.node.interrupts.includes(irq.irq)) {
          const interrupts = d.node.interrupts.length ? d.node.interrupts.join(', ') : 'none';
          bag.add(D.irqNotOfDevice, { irq: irq.irq, component: c.name, path: d.node.path, interrupts }, { path: `${d.path}.irq.numbers` });
          continue;
        }
        const first = holders.get(irq.irq);
        if (first === undefined) holders.set(irq.irq, c.name);
        else bag.add(D.irqGrantedTwice, { irq: irq.irq, first, second: c.name }, { path: irq.path });
      }
    }
  }
}
