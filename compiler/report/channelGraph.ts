// The channel graph of the HTML report as inline SVG (issue 8), laid out here without Graphviz:
// devices and shared regions on the top row, components below them ordered by priority (highest
// first, so PPC arrows point left), channels as arcs under the components. Deterministic.
import type { GraphView } from '../export/graph.js';
import { MAP_COLOURS, componentColour, escapeHtml, textWidth } from './html.js';

interface Box {
  readonly id: string;
  readonly lines: readonly string[];
  readonly fill: string;
  readonly width: number;
  x: number;
  y: number;
}

const BOX_HEIGHT = 40;
const GAP = 36;
const MARGIN = 24;
const RESOURCE_Y = 20;
const COMPONENT_Y = 190;
const FONT = 12;

function box(id: string, lines: readonly string[], fill: string): Box {
  const width = Math.max(110, ...lines.map((l) => textWidth(l, FONT) + 20));
  return { id, lines, fill, width, x: 0, y: 0 };
}

/** Places `boxes` left to right at `y`, centred in `width`. */
function placeRow(boxes: Box[], y: number, width: number): void {
  const rowWidth = boxes.reduce((sum, b) => sum + b.width, 0) + GAP * Math.max(0, boxes.length - 1);
  let x = Math.round((width - rowWidth) / 2);
  for (const b of boxes) {
    b.x = x;
    b.y = y;
    x += b.width + GAP;
  }
}

function rowWidth(boxes: readonly Box[]): number {
  return boxes.reduce((sum, b) => sum + b.width, 0) + GAP * Math.max(0, boxes.length - 1);
}

function drawBox(b: Box, cls: string): string {
  const texts = b.lines.map((line, i) => {
    const y = b.y + (b.lines.length === 1 ? 25 : 17 + i * 15);
    return `<text x="${b.x + b.width / 2}" y="${y}" text-anchor="middle"${i > 0 ? ' class="sub"' : ''}>${escapeHtml(line)}</text>`;
  });
  return [`<g class="${cls}" id="${escapeHtml(b.id)}"><rect x="${b.x}" y="${b.y}" width="${b.width}" height="${BOX_HEIGHT}" rx="6" fill="${b.fill}"/>`, ...texts, '</g>'].join('');
}

/** A label on a white plate so it stays readable over lines. */
function plate(x: number, y: number, label: string): string {
  const width = textWidth(label, 11) + 8;
  return `<rect x="${Math.round(x - width / 2)}" y="${y - 11}" width="${width}" height="15" rx="3" class="plate"/><text x="${Math.round(x)}" y="${y}" text-anchor="middle" class="el">${escapeHtml(label)}</text>`;
}

/** The graph as an inline SVG element. */
export function channelGraphSvg(graph: GraphView): string {
  const components = [...graph.components]
    .sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name))
    .map((c) => box(c.id, [c.name, `priority ${c.priority}`], componentColour(graph.components.indexOf(c))));
  const resources = [
    ...graph.devices.map((d) => box(d.id, [d.path.split('/').pop() ?? d.path, 'device'], MAP_COLOURS.device)),
    ...graph.regions.map((r) => box(r.id, [r.name, `shared region, ${r.size}`], MAP_COLOURS.shared)),
  ];
  const width = Math.max(640, rowWidth(components), rowWidth(resources)) + 2 * MARGIN;
  placeRow(resources, RESOURCE_Y, width);
  placeRow(components, COMPONENT_Y, width);
  const byId = new Map([...components, ...resources].map((b) => [b.id, b]));

  // Edges from a resource to each component using it, attached spread over the component's top edge.
  const resourceEdges: { from: Box; to: Box; label: string }[] = [];
  for (const d of graph.devices) {
    const perComponent = new Map<string, string[]>();
    for (const g of d.grants) perComponent.set(g.component, [...(perComponent.get(g.component) ?? []), g.label]);
    for (const [component, labels] of [...perComponent].sort((a, b) => a[0].localeCompare(b[0]))) {
      resourceEdges.push({ from: byId.get(d.id)!, to: byId.get(component)!, label: labels.join(', ') });
    }
  }
  for (const r of graph.regions) {
    for (const u of r.users) resourceEdges.push({ from: byId.get(r.id)!, to: byId.get(u.component)!, label: u.perms });
  }
  const incoming = new Map<Box, number>();
  const slots = new Map<Box, Box[]>();
  for (const e of resourceEdges) slots.set(e.to, [...(slots.get(e.to) ?? []), e.from]);
  for (const [to, froms] of slots) froms.sort((a, b) => a.x - b.x), slots.set(to, froms);
  const edgeParts: string[] = [];
  const labelParts: string[] = [];
  const outgoing = new Map<Box, number>();
  const outCount = new Map<Box, number>();
  for (const e of resourceEdges) outCount.set(e.from, (outCount.get(e.from) ?? 0) + 1);
  const orderedEdges = [...resourceEdges].sort((a, b) => a.from.x - b.from.x || a.to.x - b.to.x);
  for (const e of orderedEdges) {
    const froms = slots.get(e.to)!;
    const index = froms.indexOf(e.from, incoming.get(e.to) ?? 0);
    incoming.set(e.to, index + 1);
    const toX = e.to.x + ((index + 1) * e.to.width) / (froms.length + 1);
    const outIndex = outgoing.get(e.from) ?? 0;
    outgoing.set(e.from, outIndex + 1);
    const fromX = e.from.x + ((outIndex + 1) * e.from.width) / (outCount.get(e.from)! + 1);
    const fromY = e.from.y + BOX_HEIGHT;
    const toY = e.to.y;
    edgeParts.push(`<path d="M${Math.round(fromX)} ${fromY} L${Math.round(toX)} ${toY - 2}" class="re" marker-end="url(#kc-arrow)"/>`);
    // Labels near the resource end, where edges from different resources are still apart.
    labelParts.push(plate(fromX + (toX - fromX) * 0.3, Math.round(fromY + (toY - fromY) * 0.3) + 4, e.label));
  }

  // Channels: arcs below the component row, deeper for farther ends and for each further channel
  // of a pair. Each component's channel ends are spread over its bottom edge, nearest peer innermost.
  const rank = new Map(components.map((c, i) => [c.id, i]));
  const drawn = graph.channels.filter((ch) => byId.has(ch.from) && byId.has(ch.to));
  const ends = new Map<string, { channel: number; peer: string }[]>();
  drawn.forEach((ch, i) => {
    ends.set(ch.from, [...(ends.get(ch.from) ?? []), { channel: i, peer: ch.to }]);
    ends.set(ch.to, [...(ends.get(ch.to) ?? []), { channel: i, peer: ch.from }]);
  });
  const endX = (component: string, channel: number): number => {
    const b = byId.get(component)!;
    const list = [...ends.get(component)!].sort((p, q) => rank.get(p.peer)! - rank.get(q.peer)! || p.channel - q.channel);
    const index = list.findIndex((e) => e.channel === channel);
    return Math.round(b.x + ((index + 1) * b.width) / (list.length + 1));
  };
  const pairCount = new Map<string, number>();
  let lowest = COMPONENT_Y + BOX_HEIGHT;
  drawn.forEach((ch, i) => {
    const pair = [ch.from, ch.to].sort().join('|');
    const nth = pairCount.get(pair) ?? 0;
    pairCount.set(pair, nth + 1);
    const distance = Math.abs(rank.get(ch.from)! - rank.get(ch.to)!);
    const depth = 50 + 40 * distance + 34 * nth;
    const y = COMPONENT_Y + BOX_HEIGHT;
    const x1 = endX(ch.from, i);
    const x2 = endX(ch.to, i);
    const cls = ch.ppc ? 'ppc' : 'ntf';
    // PPC: caller → server; a notification-only channel signals both ways.
    const markers = ch.ppc ? 'marker-end="url(#kc-arrow)"' : 'marker-start="url(#kc-arrow-back)" marker-end="url(#kc-arrow)"';
    edgeParts.push(`<path d="M${x1} ${y + 2} C${x1} ${y + depth} ${x2} ${y + depth} ${x2} ${y + 4}" class="${cls}" ${markers}/>`);
    const bottom = Math.round(y + 0.75 * depth);
    labelParts.push(plate((x1 + x2) / 2, bottom + 4, `${ch.name} (${ch.label})`));
    lowest = Math.max(lowest, bottom + 12);
  });

  const legendY = lowest + 28;
  const legend = [
    `<path d="M${MARGIN} ${legendY - 4} h40" class="ppc" marker-end="url(#kc-arrow)"/><text x="${MARGIN + 48}" y="${legendY}" class="el">protected procedure call (caller → server)</text>`,
    `<path d="M${MARGIN + 330} ${legendY - 4} h40" class="ntf" marker-start="url(#kc-arrow-back)" marker-end="url(#kc-arrow)"/><text x="${MARGIN + 378}" y="${legendY}" class="el">notification</text>`,
    `<path d="M${MARGIN + 480} ${legendY - 4} h40" class="re" marker-end="url(#kc-arrow)"/><text x="${MARGIN + 528}" y="${legendY}" class="el">device or region grant</text>`,
  ];
  const height = legendY + 14;
  const empty = components.length === 0 ? [`<text x="${MARGIN}" y="${COMPONENT_Y}" class="el">no components</text>`] : [];
  return [
    `<svg class="graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="channel graph">`,
    '<defs><marker id="kc-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0 L10 5 L0 10 z" fill="#343a40"/></marker>' +
      '<marker id="kc-arrow-back" viewBox="0 0 10 10" refX="1" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M10 0 L0 5 L10 10 z" fill="#343a40"/></marker></defs>',
    ...edgeParts,
    ...resources.map((r) => drawBox(r, 'node res')),
    ...components.map((c) => drawBox(c, 'node comp')),
    ...labelParts,
    ...empty,
    ...legend,
    '</svg>',
  ].join('\n');
}
