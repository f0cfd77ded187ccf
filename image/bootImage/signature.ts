// The optional signature trailer of a boot image (docs/image-format.md "Signature"): an Ed25519
// signature (RFC 8032, through node:crypto) over the image's SHA-256, after the image's last byte.
// The image itself is unchanged (its header's total size does not count the trailer), so an
// unsigned image stays byte-identical and reproducible; Ed25519 is deterministic, so a signed one is
// too. `readImage` verifies a trailer against the key it carries; `trustProblem` checks that key
// against the keys the user trusts.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { createDiagnostic, D, fail, type Diagnostic, type DiagnosticLocation } from '../../schema/diagnostics.js';
import { Header, SHA256_SIZE } from './format.js';

/** `KAALSIG1`. */
export const SIGNATURE_MAGIC = new TextEncoder().encode('KAALSIG1');
/** Magic 8, trailer size 4, algorithm 4, public key 32, signature 64. */
export const SIGNATURE_TRAILER_SIZE = 112;
/** The only algorithm of format 1: Ed25519 (pure, no pre-hash). */
export const SIGNATURE_ED25519 = 1;
/** Signed: this context string, then the 32-byte image SHA-256 (domain separation from other uses of the key). */
const SIGNING_CONTEXT = new TextEncoder().encode('kaal-compose boot image v1\0');

export const SignatureField = { magic: 0, size: 8, algorithm: 12, publicKey: 16, signature: 48 } as const;

/** Who signed an image. */
export interface ImageSignature {
  /** `SHA256:` and the unpadded base64 of the SHA-256 of the raw 32-byte public key (OpenSSH's style). */
  readonly fingerprint: string;
  readonly publicKey: Uint8Array;
}

const rawPublicKey = (key: KeyObject): Uint8Array => new Uint8Array(Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url'));

/** The fingerprint of a raw Ed25519 public key. */
export function fingerprintOf(rawKey: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(rawKey).digest('base64').replace(/=+$/, '')}`;
}

/** The fingerprint of a key object (public, or the public half of a private key). */
export function keyFingerprint(key: KeyObject): string {
  return fingerprintOf(rawPublicKey(key.type === 'private' ? createPublicKey(key) : key));
}

const message = (sha256: Uint8Array): Uint8Array => {
  const out = new Uint8Array(SIGNING_CONTEXT.length + SHA256_SIZE);
  out.set(SIGNING_CONTEXT);
  out.set(sha256, SIGNING_CONTEXT.length);
  return out;
};

/** A whole image (as `writeImage` returns it) with the trailer signing it by `key` (an Ed25519 private key). */
export function signImage(image: Uint8Array, key: KeyObject): Uint8Array {
  const trailer = new Uint8Array(SIGNATURE_TRAILER_SIZE);
  const view = new DataView(trailer.buffer);
  trailer.set(SIGNATURE_MAGIC, SignatureField.magic);
  view.setUint32(SignatureField.size, SIGNATURE_TRAILER_SIZE, true);
  view.setUint32(SignatureField.algorithm, SIGNATURE_ED25519, true);
  trailer.set(rawPublicKey(createPublicKey(key)), SignatureField.publicKey);
  trailer.set(sign(null, message(image.subarray(Header.sha256, Header.sha256 + SHA256_SIZE)), key), SignatureField.signature);
  const out = new Uint8Array(image.length + SIGNATURE_TRAILER_SIZE);
  out.set(image);
  out.set(trailer, image.length);
  return out;
}

/**
 * Splits `bytes` into the image (the first `totalSize` bytes, as its header says) and a trailer,
 * when bytes follow the image and begin with the signature magic; otherwise the bytes are the image
 * (and the reader's size check reports any mismatch).
 */
export function splitSignature(bytes: Uint8Array): { readonly image: Uint8Array; readonly trailer?: Uint8Array } {
  if (bytes.length < Header.totalSize + 4) return { image: bytes };
  const totalSize = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(Header.totalSize, true);
  if (totalSize >= bytes.length || bytes.length - totalSize < SIGNATURE_MAGIC.length) return { image: bytes };
  const trailer = bytes.subarray(totalSize);
  if (!SIGNATURE_MAGIC.every((b, i) => trailer[i] === b)) return { image: bytes };
  return { image: bytes.subarray(0, totalSize), trailer };
}

/** Checks a trailer against the image's SHA-256 (already verified): KC6700 malformed, KC6702 a bad signature. */
export function readSignature(trailer: Uint8Array, sha256: Uint8Array, where: DiagnosticLocation): ImageSignature {
  const malformed = (reason: string) => fail(D.imageSignatureMalformed, { reason }, where);
  if (trailer.length !== SIGNATURE_TRAILER_SIZE) throw malformed(`it is ${trailer.length} bytes, not ${SIGNATURE_TRAILER_SIZE}`);
  const view = new DataView(trailer.buffer, trailer.byteOffset, trailer.byteLength);
  const size = view.getUint32(SignatureField.size, true);
  if (size !== SIGNATURE_TRAILER_SIZE) throw malformed(`its size field is ${size}, not ${SIGNATURE_TRAILER_SIZE}`);
  const algorithm = view.getUint32(SignatureField.algorithm, true);
  if (algorithm !== SIGNATURE_ED25519) throw malformed(`algorithm ${algorithm} is not ${SIGNATURE_ED25519} (Ed25519)`);
  const publicKey = trailer.slice(SignatureField.publicKey, SignatureField.signature);
  const fingerprint = fingerprintOf(publicKey);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') }, format: 'jwk' });
  } catch {
    throw malformed('its public key is not an Ed25519 key');
  }
  let valid = false;
  try {
    valid = verify(null, message(sha256), key, trailer.subarray(SignatureField.signature));
  } catch {
    valid = false;
  }
  if (!valid) throw fail(D.imageSignatureInvalid, { fingerprint }, where);
  return { fingerprint, publicKey };
}

/** KC6701 for an unsigned image, KC6703 for a signer not among `trusted`; undefined when trusted. */
export function trustProblem(signature: ImageSignature | undefined, trusted: readonly KeyObject[], where: DiagnosticLocation = {}): Diagnostic | undefined {
  const fingerprints = trusted.map(keyFingerprint);
  const names = fingerprints.map((f) => `'${f}'`).join(', ');
  if (!signature) return createDiagnostic(D.imageUnsigned, { trusted: names }, where);
  if (!fingerprints.includes(signature.fingerprint)) return createDiagnostic(D.imageSignerUntrusted, { fingerprint: signature.fingerprint, trusted: names }, where);
  return undefined;
}

/**
 * An Ed25519 key from PEM text: `private` for --sign-key, `public` for --trust-key (a private key
 * file is accepted there too: its public half is trusted). Throws KC0300 naming the file.
 */
export function parseKey(pem: string, kind: 'private' | 'public', file: string): KeyObject {
  const what = kind === 'private' ? 'a signing key' : 'a trusted key';
  let key: KeyObject;
  try {
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
  } catch {
    throw fail(D.keyUnusable, { file, what, reason: `it is not a PEM ${kind === 'private' ? 'private' : 'public or private'} key` }, { file });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw fail(D.keyUnusable, { file, what, reason: `it is a${key.asymmetricKeyType === 'rsa' ? 'n' : ''} ${String(key.asymmetricKeyType)} key, not Ed25519` }, { file });
  }
  return key;
}
