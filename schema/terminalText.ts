// Text from an image, a device tree or a descriptor made safe for a terminal: every control and
// bidirectional-formatting character becomes a visible escape, so a name cannot move the cursor,
// recolour the screen, ring the bell, set the window title or reorder what follows it (the "Trojan
// Source" bidi attack, CVE-2021-42574). Every text renderer calls `escapeTerminalText` on what it
// did not write itself; JSON output goes through `escapeJsonText`.

/**
 * C0 controls (NUL, BEL, BS, ESC, …, tab and newline too: a name must not start a line of its
 * own), DEL, C1 controls (0x80–0x9f, CSI among them), the bidi marks and embeddings/overrides/
 * isolates (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and the line/paragraph
 * separators U+2028/U+2029.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/** The same without C0: `JSON.stringify` escapes those inside strings, and a raw newline is layout. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

const NAMED: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** `\x1b`, `\x07`, `\u202e`: the escape that shows a character without sending it. */
function escapeOne(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control and bidi-formatting character written as a JavaScript-style escape
 * (`\x1b[31m` stays visible as those six characters). Backslashes are left as they are: the
 * output is for reading, not for parsing back. The text of one line: a newline in it is escaped.
 */
export function escapeTerminalText(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/**
 * JSON text with the characters `JSON.stringify` leaves raw (C1 controls, DEL, bidi formatting,
 * U+2028/U+2029) written as `\uXXXX`: the same JSON value, safe to print on a terminal.
 */
export function escapeJsonText(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
