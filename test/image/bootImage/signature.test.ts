// The signature trailer (docs/image-format.md "Signature") at the unit level, with OpenSSL as the
// peer: keys made by `openssl genpkey`, the trailer's signature verified by `openssl pkeyutl`
// over the context string and the image's SHA-256; every KC6700 reason, KC6701–KC6703, KC0300
// for each kind of unusable key file, and where splitSignature finds (or does not find) a trailer.
import { execFileSync } from 'node:child_process';
import { createPublicKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage, writeImage } from '../../../image/bootImage/index.js';
import {
  keyFingerprint,
  parseKey,
  readSignature,
  signImage,
  splitSignature,
  trustProblem,
  SIGNATURE_TRAILER_SIZE,
  SignatureField,
} from '../../../image/bootImage/signature.js';
import { DiagnosticError } from '../../../schema/diagnostics.js';
import { diagnosticOf, input } from './sampleImage.js';

let temp: string;
const pem: Record<string, string> = {};
beforeAll(() => {
  temp = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-signature-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: temp, stdio: ['ignore', 'pipe', 'pipe'] });
  openssl('genpkey', '-algorithm', 'ed25519', '-out', 'key.pem');
  openssl('pkey', '-in', 'key.pem', '-pubout', '-out', 'pub.pem');
  openssl('genpkey', '-algorithm', 'ed25519', '-out', 'other.pem');
  openssl('genpkey', '-algorithm', 'rsa', '-pkeyopt', 'rsa_keygen_bits:1024', '-out', 'rsa.pem');
  openssl('genpkey', '-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ec.pem');
  for (const name of ['key', 'pub', 'other', 'rsa', 'ec']) pem[name] = fs.readFileSync(path.join(temp, `${name}.pem`), 'utf8');
});
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

const SHA256_AT = 32;
const CONTEXT = 'kaal-compose boot image v1\0';

function signed(): { image: Uint8Array; bytes: Uint8Array; key: KeyObject } {
  const image = writeImage(input);
  const key = parseKey(pem.key!, 'private', 'key.pem');
  return { image, bytes: signImage(image, key), key };
}

function malformed(trailer: Uint8Array, sha256: Uint8Array): { code: string; message: string } {
  return diagnosticOf(() => readSignature(trailer, sha256, {}));
}

describe('signImage and readImage', () => {
  it('appends a 112-byte trailer that OpenSSL verifies over the context string and the image SHA-256', () => {
    const { image, bytes, key } = signed();
    expect(bytes.length).toBe(image.length + SIGNATURE_TRAILER_SIZE);
    expect(Buffer.from(bytes.subarray(0, image.length))).toEqual(Buffer.from(image));
    const trailer = bytes.subarray(image.length);
    expect(Buffer.from(trailer.subarray(0, 8)).toString('latin1')).toBe('KAALSIG1');
    const view = new DataView(trailer.buffer, trailer.byteOffset);
    expect([view.getUint32(8, true), view.getUint32(12, true)]).toEqual([112, 1]);
    fs.writeFileSync(path.join(temp, 'message.bin'), Buffer.concat([Buffer.from(CONTEXT, 'latin1'), image.subarray(SHA256_AT, SHA256_AT + 32)]));
    fs.writeFileSync(path.join(temp, 'sig.bin'), trailer.subarray(SignatureField.signature));
    const verified = execFileSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', 'pub.pem', '-rawin', '-in', 'message.bin', '-sigfile', 'sig.bin'], { cwd: temp });
    expect(verified.toString()).toContain('Signature Verified Successfully');
    const read = readImage(bytes);
    expect(read.signature?.fingerprint).toBe(keyFingerprint(key));
    expect(read.signature?.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(Buffer.from(read.signature!.publicKey)).toEqual(Buffer.from(trailer.subarray(16, 48)));
    expect(readImage(image).signature).toBeUndefined();
  });

  it('gives a public key and its private key one fingerprint, and another key another', () => {
    const privateKey = parseKey(pem.key!, 'private', 'key.pem');
    expect(keyFingerprint(parseKey(pem.pub!, 'public', 'pub.pem'))).toBe(keyFingerprint(privateKey));
    expect(keyFingerprint(createPublicKey(privateKey))).toBe(keyFingerprint(privateKey));
    expect(keyFingerprint(parseKey(pem.other!, 'private', 'other.pem'))).not.toBe(keyFingerprint(privateKey));
  });
});

describe('splitSignature', () => {
  it('finds a trailer only where totalsize ends before the bytes and the magic follows', () => {
    const { image, bytes } = signed();
    const split = splitSignature(bytes);
    expect(split.image.length).toBe(image.length);
    expect(split.trailer?.length).toBe(SIGNATURE_TRAILER_SIZE);
    // Fewer than 32 bytes: no header to read totalsize from.
    expect(splitSignature(bytes.subarray(0, 31))).toEqual({ image: bytes.subarray(0, 31) });
    // The image alone, and the image with 7 bytes of the magic after it.
    expect(splitSignature(image).trailer).toBeUndefined();
    const seven = bytes.subarray(0, image.length + 7);
    expect(splitSignature(seven)).toEqual({ image: seven });
    // Exactly the magic after the image: a trailer, malformed by its length.
    const eight = bytes.subarray(0, image.length + 8);
    expect(splitSignature(eight).trailer?.length).toBe(8);
    expect(diagnosticOf(() => readImage(eight))).toEqual({
      code: 'KC6700',
      message: 'the signature trailer of the image is malformed: it is 8 bytes, not 112',
    });
    // Other bytes after the image: no trailer, and the reader's size check names them.
    const other = bytes.slice();
    other[image.length + 7] = 0x30;
    expect(splitSignature(other).trailer).toBeUndefined();
    expect(diagnosticOf(() => readImage(other)).code).toBe('KC6004');
  });
});

describe('readSignature', () => {
  it('names each malformed field (KC6700)', () => {
    const { image, bytes } = signed();
    const sha = image.subarray(SHA256_AT, SHA256_AT + 32);
    const trailer = () => bytes.slice(image.length);
    const prefix = 'the signature trailer of the image is malformed: ';
    const longer = new Uint8Array(113);
    longer.set(trailer());
    expect(malformed(longer, sha)).toEqual({ code: 'KC6700', message: `${prefix}it is 113 bytes, not 112` });
    expect(malformed(trailer().subarray(0, 111), sha)).toEqual({ code: 'KC6700', message: `${prefix}it is 111 bytes, not 112` });
    const size = trailer();
    new DataView(size.buffer).setUint32(8, 111, true);
    expect(malformed(size, sha)).toEqual({ code: 'KC6700', message: `${prefix}its size field is 111, not 112` });
    const algorithm = trailer();
    new DataView(algorithm.buffer).setUint32(12, 2, true);
    expect(malformed(algorithm, sha)).toEqual({ code: 'KC6700', message: `${prefix}algorithm 2 is not 1 (Ed25519)` });
  });

  it('refuses a signature that does not verify, naming the key (KC6702)', () => {
    const { image, bytes, key } = signed();
    const sha = image.subarray(SHA256_AT, SHA256_AT + 32);
    const expected = { code: 'KC6702', message: `the image's signature by key '${keyFingerprint(key)}' does not verify: the image was altered after it was signed` };
    const flipped = bytes.slice(image.length);
    flipped[SignatureField.signature + 5]! ^= 1;
    expect(malformed(flipped, sha)).toEqual(expected);
    const otherSha = sha.slice();
    otherSha[0]! ^= 1;
    expect(malformed(bytes.slice(image.length), otherSha)).toEqual(expected);
    expect(readSignature(bytes.slice(image.length), sha, {}).fingerprint).toBe(keyFingerprint(key));
    const short = bytes.slice(image.length);
    short.fill(0, SignatureField.signature);
    expect(malformed(short, sha).code).toBe('KC6702');
  });
});

describe('trustProblem and parseKey', () => {
  it('says unsigned (KC6701), untrusted (KC6703) or nothing, listing the trusted keys', () => {
    const { bytes, key } = signed();
    const signature = readImage(bytes).signature;
    const other = parseKey(pem.other!, 'private', 'other.pem');
    const trusted = `'${keyFingerprint(other)}', '${keyFingerprint(key)}'`;
    expect(trustProblem(undefined, [other, key], { file: 'a.img' })).toMatchObject({
      code: 'KC6701',
      message: `the image is not signed, but only images signed by ${trusted} are trusted`,
      file: 'a.img',
    });
    expect(trustProblem(signature, [other])).toMatchObject({
      code: 'KC6703',
      message: `the image is signed by key '${signature!.fingerprint}', which is not trusted (trusted: '${keyFingerprint(other)}')`,
    });
    expect(trustProblem(signature, [other, key])).toBeUndefined();
  });

  it('refuses what is not an Ed25519 key of the kind asked for (KC0300)', () => {
    const problem = (text: string, kind: 'private' | 'public') => {
      try {
        parseKey(text, kind, 'k.pem');
      } catch (error) {
        if (error instanceof DiagnosticError) return [error.diagnostic.code, error.diagnostic.message, error.diagnostic.file];
        throw error;
      }
      return 'accepted';
    };
    expect(problem('not a key', 'private')).toEqual(['KC0300', "cannot use 'k.pem' as a signing key: it is not a PEM private key", 'k.pem']);
    expect(problem('not a key', 'public')).toEqual(['KC0300', "cannot use 'k.pem' as a trusted key: it is not a PEM public or private key", 'k.pem']);
    expect(problem(pem.pub!, 'private')).toEqual(['KC0300', "cannot use 'k.pem' as a signing key: it is not a PEM private key", 'k.pem']);
    expect(problem(pem.rsa!, 'private')).toEqual(['KC0300', "cannot use 'k.pem' as a signing key: it is an rsa key, not Ed25519", 'k.pem']);
    expect(problem(pem.ec!, 'public')).toEqual(['KC0300', "cannot use 'k.pem' as a trusted key: it is a ec key, not Ed25519", 'k.pem']);
    expect(problem(pem.key!, 'public')).toBe('accepted');
  });
});
