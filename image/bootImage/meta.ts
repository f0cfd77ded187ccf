// The META section: the inputs' SHA-256, then the system name, tool version and platform name as
// length-prefixed UTF-8 strings, each padded with zeros to 4 bytes (docs/image-format.md).
import type { ImageMeta } from './types.js';
import type { Decoded } from './bootInfo.js';
import { SHA256_SIZE, alignUp } from './format.js';

const STRING_FIELDS = ['systemName', 'toolVersion', 'platformName'] as const;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 or says why it is not. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export function hexOf(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Why META values cannot be written, or undefined. */
export function metaProblem(meta: ImageMeta): string | undefined {
  if (!/^[0-9a-f]{64}$/.test(meta.inputsSha256)) return `inputsSha256 '${meta.inputsSha256}' is not 64 lower-case hex digits`;
  if (meta.systemName.length === 0) return 'the system name is empty';
  return undefined;
}

export function encodeMeta(meta: ImageMeta): Uint8Array {
  const strings = STRING_FIELDS.map((field) => utf8.encode(meta[field]));
  const size = strings.reduce((total, s) => total + 4 + alignUp(s.length, 4), SHA256_SIZE);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes.set(Buffer.from(meta.inputsSha256, 'hex'), 0);
  let at = SHA256_SIZE;
  for (const s of strings) {
    view.setUint32(at, s.length, true);
    bytes.set(s, at + 4);
    at += 4 + alignUp(s.length, 4);
  }
  return bytes;
}

export function decodeMeta(bytes: Uint8Array): Decoded<ImageMeta> {
  if (bytes.length < SHA256_SIZE) return { problem: `${bytes.length} bytes is shorter than the 32-byte inputs hash` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values: Record<string, string> = { inputsSha256: hexOf(bytes.subarray(0, SHA256_SIZE)) };
  let at = SHA256_SIZE;
  for (const field of STRING_FIELDS) {
    if (at + 4 > bytes.length) return { problem: `the ${field} length at byte ${at} is past the section end ${bytes.length}` };
    const length = view.getUint32(at, true);
    const end = at + 4 + alignUp(length, 4);
    if (end > bytes.length) {
      return { problem: `the ${field} (${length} bytes at byte ${at + 4}) runs past the section end ${bytes.length}` };
    }
    const text = decodeUtf8(bytes.subarray(at + 4, at + 4 + length));
    if (text === undefined) return { problem: `the ${field} is not valid UTF-8` };
    if (bytes.subarray(at + 4 + length, end).some((b) => b !== 0)) return { problem: `the ${field} padding is not zero` };
    values[field] = text;
    at = end;
  }
  if (at !== bytes.length) return { problem: `${bytes.length - at} bytes follow the platform name` };
  const meta: ImageMeta = {
    systemName: values.systemName!,
    toolVersion: values.toolVersion!,
    platformName: values.platformName!,
    inputsSha256: values.inputsSha256!,
  };
  const problem = metaProblem(meta);
  return problem === undefined ? { value: meta } : { problem };
}
