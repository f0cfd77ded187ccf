// The report's channel graph: a deterministic layout of components by priority, devices and regions
// above, channels as arcs with PPC arrows from caller to server.
import { describe, it, expect } from 'vitest';
import { channelGraphSvg } from '../../../compiler/report/channelGraph.js';
import type { GraphView } from '../../../compiler/export/graph.js';

const graph: GraphView = {
  name: 'sample',
  components: [
    { id: 'c_client', name: 'client', priority: 100 },
    { id: 'c_server', name: 'server', priority: 200 },
    { id: 'c_logger', name: 'logger', priority: 150 },
  ],
  channels: [
    { from: 'c_client', to: 'c_server', name: 'rpc', notify: false, ppc: true, label: 'ppc' },
    { from: 'c_server', to: 'c_logger', name: 'log', notify: true, ppc: false, label: 'notify' },
  ],
  regions: [{ id: 'r_buf', name: 'buf', size: '0x1000', users: [{ component: 'c_client', perms: 'rw' }, { component: 'c_server', perms: 'r' }] }],
  devices: [{ id: 'd__soc_serial_10000000', path: '/soc/serial@10000000', grants: [{ component: 'c_server', label: 'mmio rw' }, { component: 'c_server', label: 'irq 10' }] }],
};

/** The x of a node's box. */
function boxX(svg: string, id: string): number {
  const match = new RegExp(`id="${id}"><rect x="(\\d+)"`).exec(svg);
  if (!match) throw new Error(`no node ${id}`);
  return Number(match[1]);
}

describe('channelGraphSvg', () => {
  const svg = channelGraphSvg(graph);

  it('orders components by priority, highest on the left', () => {
    expect(boxX(svg, 'c_server')).toBeLessThan(boxX(svg, 'c_logger'));
    expect(boxX(svg, 'c_logger')).toBeLessThan(boxX(svg, 'c_client'));
  });

  it('draws a PPC with one arrow (to the server) and a notification with arrows at both ends', () => {
    expect(svg.match(/class="ppc" marker-end="url\(#kc-arrow\)"\/>/g)).toHaveLength(2); // the channel and the legend
    expect(svg.match(/class="ntf" marker-start="url\(#kc-arrow-back\)" marker-end="url\(#kc-arrow\)"\/>/g)).toHaveLength(2);
    expect(svg).toContain('>rpc (ppc)</text>');
    expect(svg).toContain('>log (notify)</text>');
  });

  it('labels each grant edge, joining a component\'s grants of one device', () => {
    expect(svg).toContain('>mmio rw, irq 10</text>');
    expect(svg.match(/class="re" marker-end/g)).toHaveLength(3 + 1); // serial→server, buf→client, buf→server, legend
  });

  it('is the same for the same graph and has no scripts or links', () => {
    expect(channelGraphSvg(graph)).toBe(svg);
    expect(svg).not.toMatch(/<script|https?:|href=/);
  });
});
