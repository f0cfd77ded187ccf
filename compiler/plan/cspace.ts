// Fills each component's CNode in the pinned layout (schema/abi.ts `Slot`, docs/slot-layout.md):
// input, fault endpoint, own VSpace and TCB, a notification cap per notifying channel end, an
// endpoint cap per PPC caller end, an IRQ handler per interrupt; badges as pinned.
import { Slot, faultBadge, irqSlot, notificationBadge, notifySlot, ppcBadge, ppcSlot } from '../../schema/abi.js';
import type { CapRights, CapSlot, ComponentObjects, IrqBinding } from '../../schema/plan.js';
import type { ModelComponent } from '../resolvePlatform.js';
import { usableDevice } from '../check/mmio.js';

const rights = (read: boolean, write: boolean, grant: boolean, grantReply: boolean): CapRights => ({ read, write, grant, grantReply });
export const RIGHTS_RW = rights(true, true, false, false);
export const RIGHTS_SIGNAL = rights(false, true, false, false);
export const RIGHTS_CALL = rights(false, true, true, true);
export const RIGHTS_NONE = rights(false, false, false, false);

/** Names of a component's own objects (`ep` only for PPC servers and fault handlers). */
export function componentObjects(name: string, needsEndpoint: boolean): ComponentObjects {
  return {
    tcb: `tcb_${name}`,
    cnode: `cnode_${name}`,
    vspace: `vspace_${name}`,
    notification: `ntfn_${name}`,
    endpoint: needsEndpoint ? `ep_${name}` : null,
  };
}

export const irqHandlerName = (irq: number): string => `irq_${irq}`;

export function buildCSpace(
  c: ModelComponent,
  objects: ComponentObjects,
  objectsOf: ReadonlyMap<string, ComponentObjects>,
): { cspace: CapSlot[]; irqs: IrqBinding[] } {
  const cspace: CapSlot[] = [];
  const input = objects.endpoint ?? objects.notification;
  cspace.push({ slot: Slot.input, object: input, kind: objects.endpoint ? 'endpoint' : 'notification', rights: RIGHTS_RW, badge: 0, role: 'input' });
  const handler = c.faultHandler !== null ? objectsOf.get(c.faultHandler) : undefined;
  if (handler?.endpoint) {
    cspace.push({ slot: Slot.faultEndpoint, object: handler.endpoint, kind: 'endpoint', rights: RIGHTS_CALL, badge: faultBadge(c.index), role: 'faultEndpoint' });
  }
  cspace.push({ slot: Slot.vspace, object: objects.vspace, kind: 'vspace', rights: RIGHTS_RW, badge: 0, role: 'vspace' });
  cspace.push({ slot: Slot.tcb, object: objects.tcb, kind: 'tcb', rights: RIGHTS_RW, badge: 0, role: 'tcb' });
  for (const end of c.channelEnds) {
    const peer = objectsOf.get(end.peer);
    if (end.id === null || end.peerId === null || !peer || end.peer === c.name) continue;
    if (end.notify) {
      cspace.push({ slot: notifySlot(end.id), object: peer.notification, kind: 'notification', rights: RIGHTS_SIGNAL, badge: notificationBadge(end.peerId), role: `notify:${end.id}` });
    }
    if (end.ppc === 'caller' && peer.endpoint) {
      cspace.push({ slot: ppcSlot(end.id), object: peer.endpoint, kind: 'endpoint', rights: RIGHTS_CALL, badge: ppcBadge(end.peerId), role: `ppc:${end.id}` });
    }
  }
  const irqs: IrqBinding[] = [];
  for (const d of c.devices) {
    if (!usableDevice(d)) continue;
    for (const irq of d.irqs) {
      if (irq.channel === null || !d.node.interrupts.includes(irq.irq)) continue;
      cspace.push({ slot: irqSlot(irq.channel), object: irqHandlerName(irq.irq), kind: 'irqHandler', rights: RIGHTS_NONE, badge: 0, role: `irq:${irq.channel}` });
      irqs.push({ irq: irq.irq, channel: irq.channel, handlerSlot: irqSlot(irq.channel), notification: objects.notification, badge: notificationBadge(irq.channel), device: d.node.path, name: d.name });
    }
  }
  cspace.sort((a, b) => a.slot - b.slot);
  irqs.sort((a, b) => a.channel - b.channel);
  return { cspace, irqs };
}
