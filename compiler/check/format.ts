// Shared formatting for check and plan messages: hex addresses with `_` separators, as Microkit
// accepts and STYLE.md §10 asks ("addresses in hex with `_` separators").

/** `0x1000_0000`; groups of four digits from the right. */
export function hex(value: number): string {
  const digits = value.toString(16);
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 4) groups.unshift(digits.slice(Math.max(0, end - 4), end));
  return `0x${groups.join('_')}`;
}


export const pageDown = (address: number): number => address - (address % 0x1000);
export const pageUp = (address: number): number => Math.ceil(address / 0x1000) * 0x1000;

export { overlaps } from '../../image/systemRules.js';
