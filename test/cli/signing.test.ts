// Signed images (issue 18): `build --sign-key` appends an Ed25519 signature over the image's hash
// (the image itself byte-identical to an unsigned build, and reproducible); `check`, `run` and
// `inspect` with `--trust-key` (repeatable) refuse an unsigned image, an untrusted signer or a bad
// signature with a diagnostic naming the fingerprint; `inspect` shows the signer.
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyFingerprint, readImage, signImage } from '../../image/bootImage/index.js';
import { SIGNATURE_TRAILER_SIZE, SignatureField } from '../../image/bootImage/signature.js';
import { runCli } from '../helpers/cli.js';
import { copyExample, type ExampleCopy } from '../reliability/exampleCopy.js';
import { withPlan } from '../runtime/exampleImages.js';

const FINGERPRINT = /SHA256:[A-Za-z0-9+/]{43}/;

describe('signed images', () => {
  let example: ExampleCopy;
  let fingerprint = '';
  let otherFingerprint = '';
  const at = (name: string) => path.join(example.dir, name);
  const bytes = (name: string) => new Uint8Array(fs.readFileSync(at(name)));
  const cli = (...argv: string[]) => runCli(argv, { cwd: example.dir });

  beforeAll(async () => {
    example = copyExample('hello');
    for (const name of ['key', 'other']) {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      fs.writeFileSync(at(`${name}.pem`), privateKey.export({ format: 'pem', type: 'pkcs8' }));
      fs.writeFileSync(at(`${name}.pub.pem`), publicKey.export({ format: 'pem', type: 'spki' }));
      if (name === 'key') fingerprint = keyFingerprint(publicKey);
      else otherFingerprint = keyFingerprint(publicKey);
    }
    const { publicKey: rsa } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    fs.writeFileSync(at('rsa.pub.pem'), rsa.export({ format: 'pem', type: 'spki' }));
    const signed = await cli('build', '-o', 'signed.img', '--sign-key', 'key.pem');
    expect(signed.stderr).toBe('');
    expect(signed.stdout).toContain(`signed by ${fingerprint}\n`);
    expect((await cli('build', '-o', 'unsigned.img')).code).toBe(0);
  }, 180_000);
  afterAll(() => example.cleanup());

  it('the signed file is the unsigned image, byte for byte, plus a 112-byte trailer; signing again gives the same bytes', async () => {
    const signed = bytes('signed.img');
    const unsigned = bytes('unsigned.img');
    expect(fingerprint).toMatch(FINGERPRINT);
    expect(signed.length).toBe(unsigned.length + SIGNATURE_TRAILER_SIZE);
    expect(signed.subarray(0, unsigned.length)).toEqual(unsigned);
    expect(new TextDecoder().decode(signed.subarray(unsigned.length, unsigned.length + 8))).toBe('KAALSIG1');
    expect((await cli('build', '-o', 'again.img', '--sign-key', 'key.pem')).code).toBe(0);
    expect(bytes('again.img')).toEqual(signed);
    expect(readImage(signed).signature?.fingerprint).toBe(fingerprint);
    expect(readImage(unsigned).signature).toBeUndefined();
  }, 180_000);

  it('inspect shows the signer (text and JSON), and "no" for an unsigned image', async () => {
    const text = await cli('inspect', 'signed.img');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`  signed    by ${fingerprint} (signature valid)\n`);
    expect(JSON.parse((await cli('inspect', 'signed.img', '--json')).stdout).signer).toBe(fingerprint);
    expect((await cli('inspect', 'unsigned.img')).stdout).toContain('  signed    no\n');
    expect(JSON.parse((await cli('inspect', 'unsigned.img', '--json')).stdout).signer).toBeNull();
  });

  it('check, run and inspect accept an image signed by a trusted key (one of several --trust-key)', async () => {
    const check = await cli('check', 'signed.img', '--trust-key', 'other.pub.pem', '--trust-key', 'key.pub.pem');
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    const run = await cli('run', 'signed.img', '--trust-key', 'key.pub.pem');
    expect(run.stdout).toContain('hello, world');
    expect(run.code).toBe(0);
    expect((await cli('inspect', 'signed.img', '--trust-key', 'key.pub.pem')).code).toBe(0);
    // A private key file names its public half.
    expect((await cli('check', 'signed.img', '--trust-key', 'key.pem')).code).toBe(0);
  });

  it.each(['check', 'run', 'inspect'])('%s --trust-key refuses an unsigned image with KC6701 naming the trusted fingerprint', async (command) => {
    const r = await cli(command, 'unsigned.img', '--trust-key', 'key.pub.pem');
    expect(r.stderr).toContain(`error[KC6701]: the image is not signed, but only images signed by '${fingerprint}' are trusted`);
    expect(r.code).toBe(1);
    if (command !== 'inspect') expect(r.stdout).toBe('');
  });

  it('inspect --trust-key refuses an ELF (a --target sel4 output carries no signature) with KC6701', async () => {
    fs.copyFileSync(path.join(example.dir, 'hello.elf'), at('sel4.elf'));
    const r = await cli('inspect', 'sel4.elf', '--trust-key', 'key.pub.pem');
    expect(r.stderr).toContain(`error[KC6701]: the image is not signed, but only images signed by '${fingerprint}' are trusted`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  });

  it.each(['check', 'run', 'inspect'])('%s --trust-key refuses a signer it does not trust with KC6703 naming both fingerprints', async (command) => {
    const r = await cli(command, 'signed.img', '--trust-key', 'other.pub.pem');
    expect(r.stderr).toContain(`error[KC6703]: the image is signed by key '${fingerprint}', which is not trusted (trusted: '${otherFingerprint}')`);
    expect(r.code).toBe(1);
  });

  it('a bad signature is KC6702 naming the fingerprint, with or without --trust-key', async () => {
    const signed = bytes('signed.img');
    const flipped = signed.slice();
    flipped[signed.length - SIGNATURE_TRAILER_SIZE + SignatureField.signature + 5]! ^= 1;
    fs.writeFileSync(at('flipped.img'), flipped);
    // The image changed and re-sealed after signing, the old trailer appended.
    const unsigned = bytes('unsigned.img');
    const altered = withPlan(unsigned, (plan) => void (plan.components[0]!.tcb.priority = 99));
    fs.writeFileSync(at('altered.img'), Buffer.concat([altered, signed.subarray(unsigned.length)]));
    for (const file of ['flipped.img', 'altered.img']) {
      for (const argv of [['check', file], ['run', file], ['inspect', file], ['check', file, '--trust-key', 'key.pub.pem']]) {
        const r = await cli(...argv);
        expect(r.stderr).toContain(`error[KC6702]: the image's signature by key '${fingerprint}' does not verify: the image was altered after it was signed`);
        expect(r.code).toBe(1);
      }
    }
  });

  it('a malformed trailer is KC6700', async () => {
    const signed = bytes('signed.img');
    fs.writeFileSync(at('short.img'), signed.subarray(0, signed.length - 10));
    expect((await cli('inspect', 'short.img')).stderr).toContain('error[KC6700]: the signature trailer of the image is malformed: it is 102 bytes, not 112');
    const algorithm = signed.slice();
    new DataView(algorithm.buffer).setUint32(signed.length - SIGNATURE_TRAILER_SIZE + SignatureField.algorithm, 2, true);
    fs.writeFileSync(at('algorithm.img'), algorithm);
    expect((await cli('check', 'algorithm.img')).stderr).toContain('malformed: algorithm 2 is not 1 (Ed25519)');
  });

  it('keys that are not Ed25519 PEM keys are KC0300, a missing one KC0002, without a stack trace', async () => {
    fs.writeFileSync(at('junk.pem'), 'not a key\n');
    const junk = await cli('build', '-o', 'x.img', '--sign-key', 'junk.pem');
    expect(junk.stderr).toContain("error[KC0300]: cannot use 'junk.pem' as a signing key: it is not a PEM private key");
    expect(junk.code).toBe(1);
    expect(fs.existsSync(at('x.img'))).toBe(false);
    const rsa = await cli('check', 'signed.img', '--trust-key', 'rsa.pub.pem');
    expect(rsa.stderr).toContain("error[KC0300]: cannot use 'rsa.pub.pem' as a trusted key: it is an rsa key, not Ed25519");
    expect(rsa.code).toBe(1);
    const publicAsSigning = await cli('build', '-o', 'x.img', '--sign-key', 'key.pub.pem');
    expect(publicAsSigning.stderr).toContain('KC0300');
    const missing = await cli('run', 'signed.img', '--trust-key', 'nope.pem');
    expect(missing.stderr).toContain("error[KC0002]: cannot read 'nope.pem'");
    for (const r of [junk, rsa, publicAsSigning, missing]) expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('signImage is deterministic and leaves the image it signs unchanged', () => {
    const unsigned = bytes('unsigned.img');
    const copy = unsigned.slice();
    const { privateKey } = generateKeyPairSync('ed25519');
    expect(signImage(unsigned, privateKey)).toEqual(signImage(unsigned, privateKey));
    expect(unsigned).toEqual(copy);
  });
});
