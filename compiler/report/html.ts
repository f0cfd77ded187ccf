// Small text helpers for the HTML report (issue 8): escaping for HTML and SVG text, addresses in
// hex with '_' separators (as Microkit accepts them), byte sizes in binary units, component colours.

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside HTML/SVG elements and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** `0x8040_2000`: eight hex digits for 32-bit addresses, '_' every four from the right. */
export function hexAddress(value: number): string {
  const digits = value.toString(16).padStart(8, '0');
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 4) groups.unshift(digits.slice(Math.max(0, end - 4), end));
  return `0x${groups.join('_')}`;
}

/** `0x1000`: a plain hex number (badges, sizes in exact form). */
export function hexNumber(value: number): string {
  return `0x${value.toString(16)}`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** `4 KiB`, `1.5 MiB`, `512 MiB`: binary units, at most one decimal. */
export function byteSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(1).replace(/\.0$/, '');
  return `${shown} ${UNITS[unit]}`;
}

/**
 * One colour per component, by its position in the descriptor, so the same component has the same
 * colour in every picture and table of a report. Chosen to stay legible under black text.
 */
const COMPONENT_COLOURS = ['#8ecae6', '#b5e48c', '#ffd6a5', '#cdb4db', '#ffadad', '#a0c4ff', '#caffbf', '#fdffb6', '#bdb2ff', '#ffc6ff'] as const;

export function componentColour(index: number): string {
  return COMPONENT_COLOURS[index % COMPONENT_COLOURS.length]!;
}

/** Colours of the things in the memory map that belong to no component. */
export const MAP_COLOURS = {
  device: '#f4a261',
  deviceIdle: '#fde8d7',
  shared: '#90be6d',
  reserved: '#6c757d',
  filler: '#dee2e6',
  free: '#ffffff',
  root: '#adb5bd',
} as const;

/** Rough width of `text` in pixels at `fontSize` in a sans-serif face (no font metrics offline). */
export function textWidth(text: string, fontSize: number): number {
  return Math.ceil(text.length * fontSize * 0.6);
}
