// Prints a decoded device tree as DTS source (`/dts-v1/;`) for people to read, such that
// `dtc -I dts -O dtb` compiles it back to the same blob: properties and children in blob order,
// values typed the way dtc 1.6.1 guesses them (treesource.c `guess_value_type`), phandles as raw
// numbers, labels restored from `__symbols__` when the blob has it.
import { childPath, stringsOf, type FdtNode, type FdtTree } from './fdtTree.js';

/** Characters dtc accepts in node and property names (dtc-lexer.l `PROPNODECHAR`). */
const NAME_CHARS = /^[a-zA-Z0-9,._+*#?@-]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Renders `tree` as DTS text. */
export function printDts(tree: FdtTree): string {
  const labels = labelsByPath(tree.root);
  const lines: string[] = ['/dts-v1/;', ''];
  for (const r of tree.reservations) lines.push(`/memreserve/ 0x${r.address.toString(16)} 0x${r.size.toString(16)};`);
  if (tree.reservations.length > 0) lines.push('');
  printNode(tree.root, '/', 0, labels, lines);
  return lines.join('\n') + '\n';
}

function printNode(node: FdtNode, path: string, depth: number, labels: Map<string, string[]>, lines: string[]): void {
  const indent = '\t'.repeat(depth);
  const prefix = (labels.get(path) ?? []).map((l) => `${l}: `).join('');
  lines.push(`${indent}${prefix}${depth === 0 ? '/' : node.name} {`);
  for (const property of node.properties) {
    const value = formatValue(property.value);
    lines.push(`${indent}\t${property.name}${value === '' ? '' : ` = ${value}`};`);
  }
  for (const child of node.children) {
    lines.push('');
    printNode(child, childPath(path, child.name), depth + 1, labels, lines);
  }
  lines.push(`${indent}};`);
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

/** `''` for an empty value; otherwise strings, `<cells>` or `[bytes]` as dtc would guess. */
export function formatValue(value: Uint8Array): string {
  const length = value.byteLength;
  if (length === 0) return '';
  let nul = 0;
  let notString = 0;
  for (const byte of value) {
    if (byte === 0) nul++;
    if (!isStringByte(byte)) notString++;
  }
  if (value[length - 1] === 0 && notString === 0 && nul <= length - nul) {
    return stringsOf(value).map(quote).join(', ');
  }
  if (length % 4 === 0) {
    const view = new DataView(value.buffer, value.byteOffset, length);
    const cells: string[] = [];
    for (let offset = 0; offset < length; offset += 4) cells.push(`0x${view.getUint32(offset).toString(16)}`);
    return `<${cells.join(' ')}>`;
  }
  return `[${Array.from(value, (b) => b.toString(16).padStart(2, '0')).join(' ')}]`;
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

/** True when every node and property name can be written in DTS as is. */
export function hasPrintableNames(node: FdtNode): boolean {
  return (
    NAME_CHARS.test(node.name) &&
    node.properties.every((p) => NAME_CHARS.test(p.name)) &&
    node.children.every(hasPrintableNames)
  );
}
