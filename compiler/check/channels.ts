// Checks of channels: two different ends, something to carry, and channel ids unique per component
// across channel ends and IRQs (they share the component's notification word; docs/slot-layout.md).
import { D, type DiagnosticBag } from '../../schema/diagnostics.js';
import type { SystemModel } from '../resolvePlatform.js';

export function checkChannels(model: SystemModel, bag: DiagnosticBag): void {
  for (const channel of model.channels) {
    if (channel.from === channel.to) bag.add(D.channelToItself, { channel: channel.name, component: channel.from }, { path: channel.path });
    else if (!channel.notify && !channel.ppc) {
      bag.add(D.channelWithoutCapability, { channel: channel.name, from: channel.from, to: channel.to }, { path: channel.path });
    }
  }
  for (const c of model.components) {
    const users = new Map<number, string>();
    const claim = (id: number | null, who: string, path: string) => {
      if (id === null) return;
      const first = users.get(id);
      if (first === undefined) users.set(id, who);
      else bag.add(D.channelIdInUse, { id, component: c.name, first, second: who }, { path });
    };
    // IRQs first, so that a channel end clashing with an IRQ is reported at its `fromId`/`toId`:
    // the id the user chose for the channel, not the IRQ's (issue 15).
    for (const d of c.devices) for (const irq of d.irqs) {
      claim(irq.channel, `IRQ ${irq.irq} of '${d.node?.path ?? d.ref}'`, irq.explicitChannel ? `${irq.path}.channel` : irq.path);
    }
    for (const end of c.channelEnds) {
      // A channel to itself has both ends here; KC3020 reports it.
      const channel = model.channels[end.channel]!;
      if (channel.from === channel.to) continue;
      claim(end.id, `channel '${end.name}'`, explicitIdPath(end.path));
    }
  }
}

/** `channels.0.from` → `channels.0.fromId`: the id is what conflicts (the locator falls back to the channel). */
function explicitIdPath(endPath: string): string {
  return `${endPath}Id`;
}
