// Prints a decoded device tree as DTS source (`/dts-v1/;`) for people to read, such that
// `dtc -I dts -O dtb` compiles it back to the same blob: properties and children in blob order,
// values typed the way dtc 1.6.1 guesses them (treesource.c `guess_value_type`). When the blob has
// `__symbols__` (dtc -@), labels are restored and `interrupt-parent`/`interrupts-extended` name their
// controllers as `&label`; other phandles stay raw numbers, which dtc keeps as written.
import { escapeTerminalText } from '../../schema/terminalText.js';
import { cellsOf, childPath, stringsOf, u32Property, type FdtNode, type FdtTree } from './fdtTree.js';

const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A node with an explicit `phandle` and a label: references to it can be printed as `&label`. */
interface Referable {
  readonly label: string;
  readonly interruptCells: number | undefined;
}

interface PrintContext {
  readonly labels: Map<string, string[]>;
  readonly byPhandle: Map<number, Referable>;
  readonly lines: string[];
}

/** Renders `tree` as DTS text. */
export function printDts(tree: FdtTree): string {
  const labels = labelsByPath(tree.root);
  const byPhandle = new Map<number, Referable>();
  if (labels.size > 0) collectReferable(tree.root, '/', labels, byPhandle);
  const lines: string[] = ['/dts-v1/;', ''];
  for (const r of tree.reservations) lines.push(`/memreserve/ 0x${r.address.toString(16)} 0x${r.size.toString(16)};`);
  if (tree.reservations.length > 0) lines.push('');
  printNode(tree.root, '/', 0, { labels, byPhandle, lines });
  // dtc takes no label before the root's `/`: the root's labels follow it, one `label: &{/} { };` each.
  for (const label of labels.get('/') ?? []) lines.push('', `${label}: &{/} { };`);
  return lines.join('\n') + '\n';
}

function collectReferable(node: FdtNode, path: string, labels: Map<string, string[]>, out: Map<number, Referable>): void {
  const label = labels.get(path)?.[0];
  const phandle = u32Property(node, 'phandle');
  if (label !== undefined && phandle !== undefined && !out.has(phandle)) {
    out.set(phandle, { label, interruptCells: u32Property(node, '#interrupt-cells') });
  }
  for (const child of node.children) collectReferable(child, childPath(path, child.name), labels, out);
}

function printNode(node: FdtNode, path: string, depth: number, context: PrintContext): void {
  const indent = '\t'.repeat(depth);
  const prefix = depth === 0 ? '' : (context.labels.get(path) ?? []).map((l) => `${l}: `).join('');
  // Names are raw bytes of the blob (values are quoted with C escapes): escaped for the terminal.
  context.lines.push(`${indent}${prefix}${depth === 0 ? '/' : escapeTerminalText(node.name)} {`);
  for (const property of node.properties) {
    const value = formatReference(property.name, property.value, context.byPhandle) ?? formatValue(property.value, property.name);
    context.lines.push(`${indent}\t${escapeTerminalText(property.name)}${value === '' ? '' : ` = ${value}`};`);
  }
  for (const child of node.children) {
    context.lines.push('');
    printNode(child, childPath(path, child.name), depth + 1, context);
  }
  context.lines.push(`${indent}};`);
}

/**
 * `<&plic>` for `interrupt-parent`, `<&intc 11>, <&intc 9>` for `interrupts-extended`, when every
 * phandle names a labelled node (and its `#interrupt-cells` splits the specifiers exactly);
 * undefined otherwise, and the value is printed as plain cells.
 */
function formatReference(name: string, value: Uint8Array, byPhandle: Map<number, Referable>): string | undefined {
  if (byPhandle.size === 0 || value.byteLength === 0 || value.byteLength % 4 !== 0) return undefined;
  const cells = cellsOf(value);
  if (name === 'interrupt-parent') {
    const target = cells.length === 1 ? byPhandle.get(cells[0]!) : undefined;
    return target === undefined ? undefined : `<&${target.label}>`;
  }
  if (name !== 'interrupts-extended') return undefined;
  const groups: string[] = [];
  for (let i = 0; i < cells.length; ) {
    const target = byPhandle.get(cells[i]!);
    const count = target?.interruptCells;
    if (target === undefined || count === undefined || i + 1 + count > cells.length) return undefined;
    const specifier = cells.slice(i + 1, i + 1 + count).map((c) => ` 0x${c.toString(16)}`).join('');
    groups.push(`<&${target.label}${specifier}>`);
    i += 1 + count;
  }
  return groups.join(', ');
}

/** Path → labels, from `/__symbols__` (label = path) when the blob was compiled with `dtc -@`. */
function labelsByPath(root: FdtNode): Map<string, string[]> {
  const result = new Map<string, string[]>();
  const symbols = root.children.find((c) => c.name === '__symbols__');
  if (symbols === undefined) return result;
  for (const property of symbols.properties) {
    const target = stringsOf(property.value)[0];
    if (target === undefined || !target.startsWith('/') || !LABEL.test(property.name)) continue;
    const list = result.get(target) ?? [];
    list.push(property.name);
    result.set(target, list);
  }
  return result;
}

/** dtc's `isstring`: printable ASCII, NUL, or one of the C escapes. */
function isStringByte(byte: number): boolean {
  return (byte >= 0x20 && byte < 0x7f) || byte === 0 || (byte >= 0x07 && byte <= 0x0d);
}

/**
 * Properties whose type the Devicetree specification (v0.4, chapters 2.3 and 3) or a binding every
 * tree of the corpus uses fixes: printed as that type whatever their bytes look like. dtc guesses
 * from the bytes only, so `clock-frequency = <0x384000>` (00 38 40 00) comes out `"\08@"` and
 * `bootargs = ""` as `[00]`.
 */
const STRING_PROPERTIES: ReadonlySet<string> = new Set([
  'compatible', 'model', 'status', 'name', 'device_type', 'bootargs', 'stdout-path', 'stdin-path',
  'linux,stdout-path', 'enable-method', 'mmu-type', 'riscv,isa', 'riscv,isa-base', 'riscv,isa-extensions',
  'label', 'clock-output-names', 'phy-mode', 'phy-connection-type', 'dr_mode', 'method', 'entry-method',
]);
const CELL_PROPERTIES: ReadonlySet<string> = new Set([
  'reg', 'ranges', 'dma-ranges', 'phandle', 'linux,phandle', 'virtual-reg', 'interrupts', 'interrupt-parent',
  'interrupts-extended', 'interrupt-map', 'interrupt-map-mask', 'clocks', 'resets', 'power-domains',
  'reg-shift', 'reg-io-width', 'current-speed', 'cpu', 'next-level-cache', 'riscv,ndev', 'msi-parent',
  'cache-size', 'cache-sets', 'cache-block-size', 'cache-line-size', 'cache-level', 'i-cache-size',
  'i-cache-sets', 'i-cache-block-size', 'i-cache-line-size', 'd-cache-size', 'd-cache-sets',
  'd-cache-block-size', 'd-cache-line-size', 'tlb-split', 'd-tlb-size', 'd-tlb-sets', 'i-tlb-size', 'i-tlb-sets',
]);

/** 'string', 'cells' or undefined (guess from the bytes) for a property named `name`. */
export function propertyType(name: string): 'string' | 'cells' | undefined {
  if (STRING_PROPERTIES.has(name) || name.endsWith('-names')) return 'string';
  if (CELL_PROPERTIES.has(name) || name.startsWith('#') || name.endsWith('-frequency') || name.endsWith('-cells')) return 'cells';
  return undefined;
}

/**
 * `''` for an empty value; otherwise strings, `<cells>` or `[bytes]`: the type the property's name
 * fixes (`propertyType`) when the bytes fit it, else as dtc would guess.
 */
export function formatValue(value: Uint8Array, name = ''): string {
  const length = value.byteLength;
  if (length === 0) return '';
  let nul = 0;
  let notString = 0;
  for (const byte of value) {
    if (byte === 0) nul++;
    if (!isStringByte(byte)) notString++;
  }
  const known = propertyType(name);
  const stringsFit = value[length - 1] === 0 && notString === 0;
  if (known === 'string' && stringsFit) return stringsOf(value).map(quote).join(', ');
  if (known === 'cells' && length % 4 === 0) return formatCells(value);
  if (stringsFit && nul <= length - nul) {
    return stringsOf(value).map(quote).join(', ');
  }
  if (length % 4 === 0) return formatCells(value);
  return `[${Array.from(value, (b) => b.toString(16).padStart(2, '0')).join(' ')}]`;
}

function formatCells(value: Uint8Array): string {
  return `<${cellsOf(value).map((c) => `0x${c.toString(16)}`).join(' ')}>`;
}

const ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\v',
  '\f': '\\f',
  '\r': '\\r',
  '"': '\\"',
  '\\': '\\\\',
};

function quote(text: string): string {
  return `"${text.replace(/[\x07\b\t\n\v\f\r"\\]/g, (c) => ESCAPES[c]!)}"`;
}
