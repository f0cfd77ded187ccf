// `kaal-compose dt`: prints DTS, the platform JSON or a DTB; bad blobs and bad sources exit 1 with a
// diagnostic and no stack trace.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { compileWithDtc } from '../image/fdt/corpus.js';
import { corpusPath } from '../helpers/corpus.js';

const corpusDts = corpusPath('dts');

let tempDir: string;
let virtDtb: Uint8Array;
beforeAll(() => {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-dt-cli-'));
  virtDtb = compileWithDtc(path.join(corpusDts, 'generated/qemu-riscv-virt32.dts'), path.join(tempDir, 'virt.dtb'));
});
afterAll(() => fs.rmSync(tempDir, { recursive: true, force: true }));

async function run(...argv: string[]) {
  return runWith(false, ...argv);
}

async function runWith(stdoutIsTTY: boolean, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const chunks: Uint8Array[] = [];
  const io = {
    stdout: {
      write(chunk: string | Uint8Array) {
        if (typeof chunk === 'string') stdout += chunk;
        else chunks.push(chunk);
      },
      isTTY: stdoutIsTTY,
    },
    stderr: { write: (chunk: string | Uint8Array) => void (stderr += String(chunk)) },
    cwd: tempDir,
    env: {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr, bytes: Buffer.concat(chunks) };
}

describe('kaal-compose dt', () => {
  it('prints the bundled platform as JSON in the documented shape', async () => {
    const { code, stdout, stderr } = await run('dt', 'kaal-virt-rv32', '--format', 'json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(Object.keys(json)).toEqual(['model', 'compatible', 'memory', 'reserved', 'devices']);
    expect(json.memory).toEqual([{ base: '0x80000000', size: '0x8000000' }]);
    expect(json.devices.find((d: { path: string }) => d.path === '/soc/serial@10000000')).toEqual({
      path: '/soc/serial@10000000',
      compatible: ['ns16550a'],
      status: 'okay',
      reg: [{ base: '0x10000000', size: '0x100' }],
      interrupts: [10],
      interruptParent: '/soc/plic@c000000',
    });
    expect(stdout).toContain(
      '{"path":"/soc/serial@10000000","compatible":["ns16550a"],"status":"okay","reg":[{"base":"0x10000000","size":"0x100"}],"interrupts":[10],"interruptParent":"/soc/plic@c000000"}',
    );
  });

  it('prints DTS by default that dtc compiles back to the same blob', async () => {
    const { code, stdout } = await run('dt', 'virt.dtb');
    expect(code).toBe(0);
    expect(stdout.startsWith('/dts-v1/;\n')).toBe(true);
    fs.writeFileSync(path.join(tempDir, 'printed.dts'), stdout);
    expect(Buffer.from(compileWithDtc(path.join(tempDir, 'printed.dts'), path.join(tempDir, 'printed.dtb')))).toEqual(
      Buffer.from(virtDtb),
    );
  });

  it('takes .dts input through dtc and writes the DTB with -o', async () => {
    const source = path.join(corpusDts, 'generated/qemu-riscv-virt32.dts');
    const { code, stdout } = await run('dt', source, '--format', 'dtb', '-o', 'out.dtb');
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(fs.readFileSync(path.join(tempDir, 'out.dtb'))).toEqual(Buffer.from(virtDtb));
    expect(fs.readdirSync(tempDir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('writes raw DTB bytes to a non-terminal stdout', async () => {
    const { code, bytes } = await run('dt', 'virt.dtb', '--format', 'dtb');
    expect(code).toBe(0);
    expect(bytes).toEqual(Buffer.from(virtDtb));
  });

  it('refuses to write a DTB to a terminal (exit 2) and reports an unwritable -o (exit 1)', async () => {
    const tty = await runWith(true, 'dt', 'virt.dtb', '--format', 'dtb');
    expect(tty.code).toBe(2);
    expect(tty.stderr).toContain('error[KC0001]: refusing to write a binary DTB to a terminal; give -o <file>');
    const unwritable = await run('dt', 'virt.dtb', '-o', 'no/such/dir/out.dts');
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toContain("error[KC0004]: cannot write 'no/such/dir/out.dts'");
  });

  it('rejects a truncated blob and a blob with a bad magic with exit 1 and no stack trace', async () => {
    fs.writeFileSync(path.join(tempDir, 'truncated.dtb'), virtDtb.subarray(0, 100));
    const truncated = await run('dt', 'truncated.dtb');
    expect(truncated.code).toBe(1);
    expect(truncated.stderr).toContain("error[KC2001]: device tree blob is truncated: 'totalsize' at offset 0x4");
    expect(truncated.stderr).not.toMatch(/\n\s+at /);

    const bad = Buffer.from(virtDtb);
    bad.writeUInt32BE(0x12345678, 0);
    fs.writeFileSync(path.join(tempDir, 'magic.dtb'), bad);
    const magic = await run('dt', 'magic.dtb', '--format', 'json');
    expect(magic.code).toBe(1);
    expect(magic.stderr).toContain("error[KC2002]: not a device tree blob: magic at offset 0x0 is '0x12345678'");
    expect(magic.stdout).toBe('');
  });

  it('rejects a structure block without FDT_END with exit 1', async () => {
    const bad = Buffer.from(virtDtb);
    const structEnd = bad.readUInt32BE(8) + bad.readUInt32BE(36);
    bad.writeUInt32BE(4, structEnd - 4);
    fs.writeFileSync(path.join(tempDir, 'noend.dtb'), bad);
    const { code, stderr } = await run('dt', 'noend.dtb');
    expect(code).toBe(1);
    expect(stderr).toContain('error[KC2010]');
  });

  it('reports a .dts that dtc rejects with exit 1 and dtc\'s message', async () => {
    fs.writeFileSync(path.join(tempDir, 'broken.dts'), '/dts-v1/;\n/ { oops };\n');
    const { code, stderr } = await run('dt', 'broken.dts');
    expect(code).toBe(1);
    expect(stderr).toContain("error[KC2102]: dtc could not compile 'broken.dts'");
  });

  it('prints platform warnings on stderr and still succeeds', async () => {
    const dtb = compileWithDtc(path.join(corpusDts, 'rpi4.dts'), path.join(tempDir, 'rpi4.dtb'));
    expect(dtb.byteLength).toBeGreaterThan(0);
    const { code, stderr, stdout } = await run('dt', 'rpi4.dtb', '--format', 'json');
    expect(code).toBe(0);
    expect(stderr).toContain("warning[KC2201]: 'reg' of '/scb/ethernet@7d580000/mdio@e14' cannot be translated");
    expect(JSON.parse(stdout).reserved).toEqual([{ base: '0x0', size: '0x1000' }]);
  });
});
