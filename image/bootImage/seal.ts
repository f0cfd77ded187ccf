// The boot image's integrity fields: each section's CRC-32 in the section table and the SHA-256 of
// the whole image computed with the header's hash field zeroed (docs/image-format.md).
import { createHash } from 'node:crypto';
import { crc32 } from '../crc32.js';
import { HEADER_SIZE, Header, SECTION_ENTRY_SIZE, SHA256_SIZE, SectionField } from './format.js';

/** SHA-256 of `bytes` with header bytes 32..63 (the hash field) taken as zero. */
export function imageSha256(bytes: Uint8Array): Uint8Array {
  const hash = createHash('sha256');
  hash.update(bytes.subarray(0, Header.sha256));
  hash.update(new Uint8Array(SHA256_SIZE));
  hash.update(bytes.subarray(HEADER_SIZE));
  return new Uint8Array(hash.digest());
}

/**
 * Recomputes every section's CRC-32 and then the image SHA-256, in place. The writer's last step;
 * tests use it to get a corrupted image past the checksums to the deeper checks. Expects a section
 * table that lies inside `bytes`.
 */
export function sealImage(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(Header.sectionCount, true);
  const table = view.getUint32(Header.sectionTableOffset, true);
  for (let i = 0; i < count; i++) {
    const entry = table + i * SECTION_ENTRY_SIZE;
    const offset = view.getUint32(entry + SectionField.offset, true);
    const size = view.getUint32(entry + SectionField.size, true);
    view.setUint32(entry + SectionField.crc32, crc32(bytes.subarray(offset, offset + size)), true);
  }
  bytes.set(imageSha256(bytes), Header.sha256);
  return bytes;
}
