// The GDB remote serial protocol's framing (gdb manual, "Remote Protocol" → "Overview"): packets are
// `$data#xx` with a modulo-256 checksum in two hex digits, `}` escapes `#$}*` in binary data, the
// receiver acknowledges with `+` (or asks for a resend with `-`) until no-ack mode, and a lone 0x03
// byte outside a packet is an interrupt request (Ctrl-C). Pure: bytes in, events out.

/** What the byte stream from gdb carried. */
export type RspEvent =
  | { readonly kind: 'packet'; readonly data: Uint8Array }
  | { readonly kind: 'interrupt' }
  | { readonly kind: 'ack' }
  | { readonly kind: 'nack' }
  /** A packet whose checksum did not match (answer with `-`). */
  | { readonly kind: 'bad' };

const DOLLAR = 0x24;
const HASH = 0x23;
const ESCAPE = 0x7d;
const STAR = 0x2a;
const INTERRUPT = 0x03;

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum = (sum + b) & 0xff;
  return sum;
}

const hexDigit = (b: number): number =>
  b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x61 && b <= 0x66 ? b - 0x57 : b >= 0x41 && b <= 0x46 ? b - 0x37 : -1;

/** Splits the byte stream from gdb into packets, acks and interrupts; keeps a partial packet. */
export class RspReader {
  private buffer: number[] = [];
  private inPacket = false;
  /** Checksum digits still to read after `#` (2, 1), or 0 while in the payload. */
  private checksumLeft = 0;
  private checksumValue = 0;

  /** Feeds bytes; returns the complete events they finish, in order. */
  feed(bytes: Uint8Array): RspEvent[] {
    const events: RspEvent[] = [];
    for (const b of bytes) {
      if (!this.inPacket) {
        if (b === DOLLAR) {
          this.inPacket = true;
          this.buffer = [];
          this.checksumLeft = 0;
        } else if (b === INTERRUPT) events.push({ kind: 'interrupt' });
        else if (b === 0x2b) events.push({ kind: 'ack' });
        else if (b === 0x2d) events.push({ kind: 'nack' });
        continue;
      }
      if (this.checksumLeft > 0) {
        const digit = hexDigit(b);
        this.checksumValue = (this.checksumValue << 4) | (digit < 0 ? 0 : digit);
        if (--this.checksumLeft === 0) {
          this.inPacket = false;
          const raw = Uint8Array.from(this.buffer);
          events.push(digit >= 0 && checksum(raw) === this.checksumValue ? { kind: 'packet', data: unescapeBinary(raw) } : { kind: 'bad' });
        }
      } else if (b === HASH) {
        this.checksumLeft = 2;
        this.checksumValue = 0;
      } else {
        this.buffer.push(b);
      }
    }
    return events;
  }
}

/** Undoes `}` escaping (`}` then the byte XOR 0x20); run-length `*` is never sent by gdb. */
function unescapeBinary(raw: Uint8Array): Uint8Array {
  if (!raw.includes(ESCAPE)) return raw;
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === ESCAPE && i + 1 < raw.length) out.push(raw[++i]! ^ 0x20);
    else out.push(raw[i]!);
  }
  return Uint8Array.from(out);
}

/** Frames a reply: escapes `#$}*` and appends the checksum. */
export function framePacket(data: string | Uint8Array): Uint8Array {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  const body: number[] = [];
  for (const b of bytes) {
    if (b === DOLLAR || b === HASH || b === ESCAPE || b === STAR) body.push(ESCAPE, b ^ 0x20);
    else body.push(b);
  }
  const payload = Uint8Array.from(body);
  const sum = checksum(payload).toString(16).padStart(2, '0');
  return Uint8Array.from([DOLLAR, ...payload, HASH, sum.charCodeAt(0), sum.charCodeAt(1)]);
}

/** Bytes as lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Hex text to bytes, or null when it is not an even run of hex digits. */
export function fromHex(text: string): Uint8Array | null {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return null;
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

/** A 32-bit register value as gdb's target byte order (little-endian) hex. */
export function wordToHex(value: number): string {
  const v = value >>> 0;
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Eight hex digits, little-endian, as a 32-bit value; null when malformed. */
export function hexToWord(text: string): number | null {
  const bytes = fromHex(text);
  if (bytes === null || bytes.length !== 4) return null;
  return (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
}
