// Prints a descriptor as a `*.system.ts` module (for `import-sdf` and `init`): stable key order as
// given, addresses and sizes in hex with '_' separators, as a person would write them.
import type { SystemDescriptor } from '../../schema/descriptor.js';

const HEX_KEYS = new Set(['vaddr', 'paddr', 'size', 'stackSize']);

/** Formats an address the way Microkit and our docs write them: `0x1000_0000`. */
export function formatHex(value: number): string {
  const digits = value.toString(16);
  return '0x' + digits.replace(/\B(?=(?:[0-9a-f]{4})+$)/g, '_');
}

function printValue(value: unknown, key: string | undefined, indent: string): string {
  if (typeof value === 'number') return key !== undefined && HEX_KEYS.has(key) ? formatHex(value) : String(value);
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = indent + '  ';
    return `[\n${value.map((v) => inner + printValue(v, key, inner)).join(',\n')},\n${indent}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const inner = indent + '  ';
    const body = entries.map(([k, v]) => `${inner}${/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`}: ${printValue(v, k, inner)}`);
    const oneLine = `{ ${entries.map(([k, v]) => `${k}: ${printValue(v, k, '')}`).join(', ')} }`;
    return oneLine.length <= 80 && !oneLine.includes('\n') ? oneLine : `{\n${body.join(',\n')},\n${indent}}`;
  }
  return 'undefined';
}

/** The module text of a `*.system.ts` whose default export is `descriptor`. */
export function printDescriptorModule(descriptor: SystemDescriptor, headerComment: readonly string[]): string {
  const comment = headerComment.map((line) => `// ${line}`.trimEnd()).join('\n');
  return `${comment}\nimport { defineSystem } from 'kaal-compose';\n\nexport default defineSystem(${printValue(descriptor, undefined, '')});\n`;
}
