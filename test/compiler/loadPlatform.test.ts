// loadPlatform resolves the bundled platform, .dtb files and .dts files (through dtc), and turns
// every failure — missing file, missing dtc, dtc errors, unknown names, bad blobs — into a diagnostic.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledPlatformsDir, loadPlatform, readDeviceTree } from '../../compiler/loadPlatform.js';
import { DiagnosticError } from '../../schema/diagnostics.js';
import { compileWithDtc } from '../image/fdt/corpus.js';
import { corpusPath } from '../helpers/corpus.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpusDts = corpusPath('dts');

let tempDir: string;
beforeAll(() => {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaal-load-platform-'));
});
afterAll(() => fs.rmSync(tempDir, { recursive: true, force: true }));

async function diagnosticOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DiagnosticError) return error.diagnostic;
    throw error;
  }
  throw new Error('expected a DiagnosticError');
}

describe('loadPlatform', () => {
  it('finds the bundled platforms next to the package root', () => {
    expect(bundledPlatformsDir()).toBe(path.join(repoRoot, 'fixtures/platforms'));
  });

  it('loads kaal-virt-rv32 from the shipped DTB', async () => {
    const loaded = await loadPlatform('kaal-virt-rv32', tempDir);
    expect(loaded.source).toBe('kaal-virt-rv32');
    expect(Buffer.from(loaded.dtb)).toEqual(fs.readFileSync(path.join(repoRoot, 'fixtures/platforms/kaal-virt-rv32.dtb')));
    expect(loaded.platform.model).toBe('kaal-virt-rv32');
    expect(loaded.tree.root.children.map((c) => c.name)).toContain('soc');
  });

  it('decodes a blob once per process: the same content gives the same model, other content its own', async () => {
    const first = await loadPlatform('kaal-virt-rv32', tempDir);
    const copy = path.join(tempDir, 'copy.dtb');
    fs.copyFileSync(path.join(bundledPlatformsDir(), 'kaal-virt-rv32.dtb'), copy);
    const second = await loadPlatform('copy.dtb', tempDir);
    expect(second.platform).toBe(first.platform);
    expect(second.tree).toBe(first.tree);
    expect(second.source).toBe(copy);
    const other = await loadPlatform(path.join(corpusDts, 'generated/qemu-riscv-virt32.dts'), tempDir);
    expect(other.platform).not.toBe(first.platform);
    expect(other.platform.memory).toEqual([{ base: 0x80000000, size: 0x80000000 }]);
  });

  it('loads a .dtb relative to baseDir', async () => {
    const dtb = compileWithDtc(path.join(corpusDts, 'hifive.dts'), path.join(tempDir, 'hifive.dtb'));
    const loaded = await loadPlatform('hifive.dtb', tempDir);
    expect(loaded.source).toBe(path.join(tempDir, 'hifive.dtb'));
    expect(Buffer.from(loaded.dtb)).toEqual(Buffer.from(dtb));
    expect(loaded.platform.model).toBe('sifive,hifive-unleashed-a00');
  });

  it('compiles a .dts with dtc to the same blob `dtc -@` writes', async () => {
    const loaded = await loadPlatform(path.join(corpusDts, 'generated/qemu-riscv-virt32.dts'), tempDir);
    const expected = compileWithDtc(path.join(corpusDts, 'generated/qemu-riscv-virt32.dts'), path.join(tempDir, 'virt.dtb'), ['-@']);
    expect(Buffer.from(loaded.dtb)).toEqual(Buffer.from(expected));
    expect(loaded.platform.devices.some((d) => d.path === '/soc/serial@10000000')).toBe(true);
  });

  it("keeps a .dts file's labels (dtc -@), so descriptors can name devices by them", async () => {
    const loaded = await loadPlatform(path.join(corpusDts, 'rocketchip.dts'), tempDir);
    const expected = compileWithDtc(path.join(corpusDts, 'rocketchip.dts'), path.join(tempDir, 'rocketchip-symbols.dtb'), ['-@']);
    expect(Buffer.from(loaded.dtb)).toEqual(Buffer.from(expected));
    expect(loaded.platform.labels).toMatchObject({ L13: '/cpus', L5: '/cpus/cpu@0', L6: '/memory@80000000' });
  });

  it('says how to install dtc when it is missing (KC2101)', async () => {
    const d = await diagnosticOf(
      loadPlatform(path.join(corpusDts, 'spike.dts'), tempDir, { dtc: 'dtc-not-installed-kaal' }),
    );
    expect(d.code).toBe('KC2101');
    expect(d.hint).toContain('apt-get install -y device-tree-compiler');
  });

  it("reports dtc's own message and position when the source does not compile (KC2102)", async () => {
    fs.writeFileSync(path.join(tempDir, 'broken.dts'), '/dts-v1/;\n/ {\n\tfoo = <1;\n};\n');
    const d = await diagnosticOf(loadPlatform('broken.dts', tempDir));
    expect(d.code).toBe('KC2102');
    expect(d.message).toBe("dtc could not compile 'broken.dts': Error: broken.dts:3.10-11 syntax error; FATAL ERROR: Unable to parse input tree");
    expect([d.line, d.column]).toEqual([3, 10]);
  });

  it('rejects a name that is neither bundled nor a .dtb/.dts path (KC2103)', async () => {
    const d = await diagnosticOf(loadPlatform('kaal-virt-rv64', tempDir));
    expect(d.code).toBe('KC2103');
    expect(d.hint).toBe("use 'kaal-virt-rv32' or a path ending in .dtb or .dts");
  });

  it('reports a missing file (KC0002) and a malformed blob (KC2002) with the file name', async () => {
    expect(await diagnosticOf(loadPlatform('missing.dtb', tempDir))).toMatchObject({ code: 'KC0002', file: 'missing.dtb' });
    expect(await diagnosticOf(loadPlatform('missing.dts', tempDir))).toMatchObject({ code: 'KC0002' });
    fs.writeFileSync(path.join(tempDir, 'text.dtb'), 'not a device tree at all');
    expect(await diagnosticOf(loadPlatform('text.dtb', tempDir))).toMatchObject({ code: 'KC2002', file: 'text.dtb' });
  });

  it('reads a device tree without the platform model (readDeviceTree)', async () => {
    const { tree } = await readDeviceTree(path.join(corpusDts, 'spike.dts'), tempDir);
    expect(tree.version).toBe(17);
    expect(tree.root.children.some((c) => c.name === 'cpus')).toBe(true);
  });
});
