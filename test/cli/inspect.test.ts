// `kaal-compose inspect` run in-process through `main`: exit codes, the text summary, the exact JSON
// keys, and a message naming the problem for missing, corrupted, truncated and unknown-version images.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../cli/main.js';
import { writeImage } from '../../image/bootImage/index.js';
import { input, edited, sectionOf, Kind } from '../image/bootImage/sampleImage.js';
import { readImage } from '../../image/bootImage/index.js';
import { exampleImage, repoRoot, rewriteImage, withPlan } from '../runtime/exampleImages.js';
import { Ajv } from 'ajv';
import type { Plan } from '../../schema/plan.generated.js';

let dir = '';
const image = writeImage(input);

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (s: string | Uint8Array) => void (stdout += String(s)) },
    stderr: { write: (s: string | Uint8Array) => void (stderr += String(s)) },
    cwd: dir,
    env: {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

function put(name: string, bytes: Uint8Array): string {
  fs.writeFileSync(path.join(dir, name), bytes);
  return name;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-inspect-'));
  put('demo.img', image);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('kaal-compose inspect --json', () => {
  it('prints formatVersion, sha256, sections, components with segments and untypeds with exit 0', async () => {
    // The sample's plan is a sketch (no root task layout, no invocations): shown, then refused as the boot would.
    const { code, stdout, stderr } = await run('inspect', 'demo.img', '--json');
    expect(stderr).toMatch(/^error\[KC7004\]: the plan in the image is malformed at 'plan\.rootTask'/);
    expect(code).toBe(1);
    const json = JSON.parse(stdout);
    expect(json.formatVersion).toBe(1);
    // sha256 is the file's, as build and sha256sum print it; the header's own hash has its own name.
    expect(json.sha256).toBe(createHash('sha256').update(image).digest('hex'));
    expect(json.headerSha256).toBe(Buffer.from(image.subarray(32, 64)).toString('hex'));
    expect(json.headerSha256).not.toBe(json.sha256);
    expect(json.sections).toHaveLength(7);
    const plan = sectionOf(image, Kind.PLAN);
    expect(json.sections[4]).toEqual({ kind: 'PLAN', offset: plan.offset, size: plan.size, alignment: 8, crc32: expect.stringMatching(/^0x[0-9a-f]{8}$/) });
    expect(json.sections[5]).toMatchObject({ kind: 'COMPONENT', name: 'ping' });
    expect(json.components.map((c: { name: string }) => c.name)).toEqual(['ping', 'pong']);
    expect(json.components[0].entry).toBe('0x110e4');
    expect(json.components[0].segments).toEqual([
      { vaddr: '0x10000', memsz: 4096, filesz: 0xe4, perms: 'r--' },
      { vaddr: '0x11000', memsz: 4096, filesz: 0xe4 + 0x7e, perms: 'r-x' },
      { vaddr: '0x12000', memsz: 8192, filesz: 0x168, perms: 'rw-' },
    ]);
    expect(json.untyped[0]).toEqual({ slot: 16, paddr: '0x100000', sizeBits: 12, device: true });
    expect(json.untyped[5]).toEqual({ slot: 21, paddr: '0x81000000', sizeBits: 24, device: false });
    expect(json.plan.components[0].slots).toHaveLength(2);
    expect(json.plan.grants[0]).toMatchObject({ component: 'ping', kind: 'mmio' });
  });

  it('has exactly the documented keys at the top level and in each entry', async () => {
    const json = JSON.parse((await run('inspect', 'demo.img', '--json')).stdout);
    expect(Object.keys(json)).toEqual(['formatVersion', 'sha256', 'headerSha256', 'totalSize', 'meta', 'signer', 'sections', 'bootInfo', 'untyped', 'bootinfo', 'rootTask', 'components', 'plan']);
    expect(Object.keys(json.bootinfo)).toEqual(['untypedStart', 'emptyStart', 'untypeds']);
    expect(Object.keys(json.rootTask)).toEqual(['name', 'kernel', 'userImage']);
    expect(Object.keys(json.sections[0])).toEqual(['kind', 'offset', 'size', 'alignment', 'crc32']);
    expect(Object.keys(json.components[0])).toEqual(['name', 'entry', 'segments', 'symbols']);
    expect(Object.keys(json.untyped[0])).toEqual(['slot', 'paddr', 'sizeBits', 'device']);
    expect(Object.keys(json.meta)).toEqual(['systemName', 'toolVersion', 'platformName', 'inputsSha256']);
  });
});

describe('inspect --json: the bootinfo the plan expects and the root task (schema/inspect.schema.json)', () => {
  it('of an example image: the boot model\'s bootinfo, entry by entry, valid against the schema', async () => {
    const hello = await exampleImage('hello');
    put('hello.img', hello);
    const { code, stdout } = await run('inspect', 'hello.img', '--json');
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'schema/inspect.schema.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(json), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const plan = JSON.parse(readImage(hello).planJson) as Plan;
    expect(json.bootinfo.untypedStart).toBe(plan.boot.bootInfo.untyped.start);
    expect(json.bootinfo.emptyStart).toBe(plan.boot.bootInfo.empty.start);
    expect(json.bootinfo.untypeds).toEqual(plan.untyped.map((u) => ({ paddr: `0x${u.paddr.toString(16)}`, sizeBits: u.sizeBits, device: u.isDevice })));
    // The bundled platform: 16 initial caps, one page table, the DTB's extra bootinfo frames and the user image's frames first.
    const b = plan.boot.bootInfo;
    expect(json.bootinfo.untypedStart).toBe(16 + (b.userImagePaging.end - b.userImagePaging.start) + (b.extraBIPages.end - b.extraBIPages.start) + plan.boot.userImage.size / 4096);
    expect(json.bootinfo.emptyStart).toBe(json.bootinfo.untypedStart + plan.untyped.length);
    expect(json.bootinfo.untypeds[0]).toEqual({ paddr: '0x0', sizeBits: 25, device: true });
    expect(json.rootTask).toMatchObject({ kernel: 'bundled', userImage: { paddr: `0x${plan.boot.userImage.paddr.toString(16)}`, size: plan.boot.userImage.size } });
    const text = (await run('inspect', 'hello.img')).stdout;
    expect(text).toContain(`bootinfo   untyped slots from ${json.bootinfo.untypedStart}, empty slots from ${json.bootinfo.emptyStart}\n`);
    expect(text).toMatch(/root task  kaal-compose root task \(roottask\/, \d+ bytes with its plan table\), for the bundled kernel;/);
  });

  it('the schema rejects a bootinfo without its untyped list or with a paddr that is not hex', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'schema/inspect.schema.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addSchema(schema);
    const validate = ajv.getSchema(`${schema.$id}#/properties/bootinfo`)!;
    expect(validate({ untypedStart: 33, emptyStart: 75, untypeds: [{ paddr: '0x0', sizeBits: 25, device: true }] })).toBe(true);
    expect(validate({ untypedStart: 33, emptyStart: 75 })).toBe(false);
    expect(validate({ untypedStart: 33, emptyStart: 75, untypeds: [{ paddr: '4096', sizeBits: 12, device: false }] })).toBe(false);
    expect(validate({ untypedStart: 33, emptyStart: 75, untypeds: [{ paddr: '0x1000', sizeBits: 3, device: false }] })).toBe(false);
  });
});

describe('kaal-compose inspect (text)', () => {
  it('shows the header, the sections, the untypeds, each component and the plan', async () => {
    const { code, stdout } = await run('inspect', 'demo.img');
    expect(code).toBe(1);
    expect(stdout).toContain(`boot image format 1, ${image.length} bytes`);
    expect(stdout).toContain('  system    demo\n');
    expect(stdout).toMatch(/ {2}COMPONENT +0x[0-9a-f]{8} +\d+ {2}0x[0-9a-f]{8} {2}pong\n/);
    expect(stdout).toContain('  slot   21  0x81000000  2^24 (16 MiB)  ram\n');
    expect(stdout).toContain('  ping  entry 0x110e4\n');
    expect(stdout).toContain('    segment    0x11000  memsz   0x1000  filesz    0x162  r-x\n');
    expect(stdout).toContain('    symbol  ipc_buffer = 0x13200 (512 bytes)\n');
    expect(stdout).toContain('      slot  10: notification badge 0x1\n');
    expect(stdout).toContain('      0x200000..0x201000 -> 0x10000000 rw mmio (1 pages)\n');
    expect(stdout).toContain('grants (2):\n  ping: mmio /soc/serial@10000000 0x10000000 size 0x1000 at 0x200000 rw\n');
    expect(stdout).toContain('  ping: irq 10 /soc/serial@10000000 on channel 3\n');
  });
});

describe('kaal-compose inspect on bad images exits 1 naming the problem', () => {
  const bootInfo = sectionOf(image, Kind.BOOTINFO);
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['a flipped byte in BOOTINFO', () => edited(image, (_, b) => (b[bootInfo.offset + 100] ^= 1), { reseal: false }),
      /^error\[KC6012\]: BOOTINFO section 1 at offset '0x[0-9a-f]+' has CRC-32/],
    ['a truncated image', () => image.subarray(0, bootInfo.offset + 10),
      new RegExp(`^error\\[KC6004\\]: boot image header says the image is '${image.length}' bytes but the file has '${bootInfo.offset + 10}'`)],
    ['a section table pointing outside the file', () => edited(image, (v) => v.setUint32(24, 0x10_0000, true), { reseal: false }),
      /^error\[KC6005\]: section table at '0x100000'\.\.'0x1000a8' \(7 entries\) does not lie between/],
    ['an unknown version', () => edited(image, (v) => v.setUint32(8, 7, true)),
      /^error\[KC6002\]: boot image format version '7' is not supported/],
    ['an ELF instead of an image', () => new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0]),
      /^error\[KC6001\]: not a kaal-compose boot image/],
  ];
  it.each(cases)('%s', async (_name, make, message) => {
    put('bad.img', make());
    const { code, stdout, stderr } = await run('inspect', 'bad.img', '--json');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).toContain('--> bad.img');
    expect(stderr).not.toContain('    at ');
  });

  it('a missing file is KC0002 with exit 1', async () => {
    const { code, stderr } = await run('inspect', 'nope.img');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error\[KC0002\]: cannot read 'nope\.img': no such file/);
  });

  it('no image argument is a usage error with exit 2', async () => {
    const { code } = await run('inspect');
    expect(code).toBe(2);
  });
});

describe('kaal-compose inspect checks the DTB and the plan as deeply as check reads them', () => {
  /** The image with its DTB bytes changed by `edit`, every checksum valid again. */
  const withDtb = (bytes: Uint8Array, edit: (dtb: DataView) => void): Uint8Array => {
    const image = readImage(bytes);
    const dtb = image.dtb.slice();
    edit(new DataView(dtb.buffer));
    return rewriteImage(image, { dtb });
  };

  it('a built image: exit 0, nothing on stderr', async () => {
    put('hello.img', await exampleImage('hello'));
    const { code, stderr, stdout } = await run('inspect', 'hello.img');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('  system    hello\n');
  });

  it('damage only inside the DTB (its struct block moved past the end, header and checksums valid): exit 1 with the FDT error', async () => {
    put('bad-dtb.img', withDtb(await exampleImage('hello'), (dtb) => dtb.setUint32(8, dtb.byteLength + 0x100)));
    const { code, stdout, stderr } = await run('inspect', 'bad-dtb.img');
    expect(stdout).toContain('  system    hello\n');
    expect(stderr).toMatch(/^error\[KC20\d\d\]/);
    expect(code).toBe(1);
    const check = await run('check', 'bad-dtb.img');
    expect(check.stderr.split('\n')[0]).toBe(stderr.split('\n')[0]);
  });

  it('damage only inside the plan (a malformed field; a rule broken): exit 1, as check', async () => {
    const hello = await exampleImage('hello');
    put('bad-plan.img', withPlan(hello, (plan) => void ((plan.components[0]!.tcb as { priority: unknown }).priority = 'high')));
    const malformed = await run('inspect', 'bad-plan.img');
    expect(malformed.stderr).toContain("error[KC7004]: the plan in the image is malformed at 'plan.components.0.tcb.priority'");
    expect(malformed.code).toBe(1);
    put('bad-rule.img', withPlan(hello, (plan) => void (plan.components[0]!.vspace.find((m) => m.perms === 'rw')!.perms = 'rwx')));
    const rule = await run('inspect', 'bad-rule.img', '--json');
    expect(rule.stderr).toContain('error[KC7304]');
    expect(rule.code).toBe(1);
    expect(JSON.parse(rule.stdout).meta.systemName).toBe('hello');
  });
});
