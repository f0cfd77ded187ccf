// A blob QEMU writes itself (libfdt, 1 MiB file) decodes to the tree dtc reads from it, and our
// encoder lays that tree out exactly as `dtc -I dtb -O dtb` does.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFdt } from '../../../image/fdt/decodeFdt.js';
import { encodeFdt } from '../../../image/fdt/encodeFdt.js';
import { platformFromFdt } from '../../../image/platform.js';

const hasQemu = spawnSync('qemu-system-riscv32', ['--version']).status === 0;
let tempDir: string;
beforeAll(() => {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-qemu-dtb-'));
});
afterAll(() => fs.rmSync(tempDir, { recursive: true, force: true }));

describe.skipIf(!hasQemu)('a DTB dumped by qemu-system-riscv32 -machine virt', () => {
  it('keeps the tree (as dtc re-encodes it) and models the virt devices', () => {
    const dumped = path.join(tempDir, 'virt.dtb');
    execFileSync(
      'qemu-system-riscv32',
      ['-machine', `virt,dumpdtb=${dumped}`, '-cpu', 'rv32', '-smp', '1', '-m', '128', '-nographic', '-bios', 'none'],
      { stdio: 'ignore' },
    );
    const blob = new Uint8Array(fs.readFileSync(dumped));
    const totalSize = new DataView(blob.buffer).getUint32(4);
    expect(totalSize).toBeLessThan(blob.byteLength);

    const viaDtc = path.join(tempDir, 'virt-dtc.dtb');
    execFileSync('dtc', ['-q', '-I', 'dtb', '-O', 'dtb', '-o', viaDtc, dumped]);
    const tree = decodeFdt(blob);
    expect(Buffer.from(encodeFdt(tree))).toEqual(fs.readFileSync(viaDtc));

    const platform = platformFromFdt(tree);
    expect(platform.ram).toEqual([{ base: 0x8000_0000, size: 0x800_0000 }]);
    expect(platform.devices.find((d) => d.path === '/soc/serial@10000000')).toMatchObject({
      reg: [{ base: 0x1000_0000, size: 0x100 }],
      interrupts: [10],
      interruptParent: '/soc/plic@c000000',
    });
  });
});
