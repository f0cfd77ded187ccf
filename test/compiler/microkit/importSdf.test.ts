// import-sdf over the whole Microkit example corpus: the files that fit RISC-V become descriptors
// that validate; the others are refused with the diagnostic that says why (the outcome of each file
// is recorded here explicitly).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, useFiles } from '../../helpers/files.js';
import { runCli } from '../../helpers/cli.js';
import { convertSdfFile } from '../../../compiler/microkit/convertSdfFile.js';
import { importSdf } from '../../../compiler/microkit/importSdf.js';
import { loadPlatform } from '../../../compiler/loadPlatform.js';
import { validateFiles } from '../../../compiler/validate.js';
import { nodeHost } from '../../../compiler/host.js';
import { corpusPath } from '../../helpers/corpus.js';

const sdfDir = corpusPath('microkit-sdf');

/** Every corpus file with the error codes it must produce (empty: converts and validates). */
const expectedErrors: Readonly<Record<string, readonly string[]>> = {
  'arm_smc.system': ['KC8010'],
  'bootinfo.system': ['KC8010'],
  'cap_sharing.system': ['KC8010'],
  'domains.system': ['KC8010', 'KC8010', 'KC8010'],
  'ethernet.system': [...Array(13).fill('KC8012'), 'KC8013', 'KC8013', 'KC8013', 'KC8010', 'KC8010', 'KC8010', 'KC8010'],
  'hello.system': [],
  'hierarchy.system': [],
  'mr_prefill.system': ['KC8010'],
  'passive_server.system': [],
  'rust.system': [],
  'setvar.system': ['KC8012', 'KC8010', 'KC8010', 'KC8010', 'KC8010'],
  'timer.system': ['KC8012', 'KC8013'],
  'x86_64_iommu_dma_test.system': ['KC8012', 'KC8010', 'KC8010'],
  'x86_64_ioport.system': ['KC8010'],
};

describe('import-sdf over the Microkit corpus', () => {
  const files = useFiles();

  it('covers every file of the corpus', () => {
    const corpus = fs.readdirSync(sdfDir).filter((f) => f.endsWith('.system')).sort();
    expect(corpus).toEqual(Object.keys(expectedErrors).sort());
  });

  for (const [name, errors] of Object.entries(expectedErrors)) {
    it(`${name}: ${errors.length ? `refused with ${[...new Set(errors)].join(', ')}` : 'converts to a descriptor that validates'}`, async () => {
      const dir = files({});
      const out = path.join(dir, name.replace(/\.system$/, '.system.ts'));
      const result = await convertSdfFile({ file: path.join(sdfDir, name), cwd: dir, outFile: out });
      const errorCodes = result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
      expect(errorCodes.sort()).toEqual([...errors].sort());
      // Every diagnostic points into the SDF text.
      for (const d of result.diagnostics) expect(d.span, d.message).toBeDefined();
      expect(result.written).toBe(errors.length === 0);
      expect(fs.existsSync(out)).toBe(errors.length === 0);
      if (errors.length === 0) {
        const validation = await validateFiles([out], nodeHost, { cwd: dir });
        // The program images the SDF names are built by the user's Microkit build, not in the corpus (KC5004).
        const problems = validation.files.flatMap((f) => f.diagnostics).filter((d) => d.severity === 'error' && d.code !== 'KC5004');
        expect(problems.map((d) => `${d.code} ${d.message}`)).toEqual([]);
      }
    });
  }
});

describe('importSdf conversion rules', () => {
  it('turns a child protection domain into a component whose fault handler is its parent', async () => {
    const { platform } = await loadPlatform('kaal-virt-rv32', repoRoot);
    const text = fs.readFileSync(path.join(sdfDir, 'hierarchy.system'), 'utf8');
    const { descriptor } = importSdf(text, 'hierarchy.system', platform, 'kaal-virt-rv32');
    const byName = new Map(descriptor.components.map((c) => [c.name, c]));
    expect([...byName.keys()]).toEqual(['restarter', 'crasher', 'hello']);
    expect(byName.get('crasher')!.faultHandler).toBe('restarter');
    expect(byName.get('hello')!.faultHandler).toBe('restarter');
    expect(byName.get('restarter')!.faultHandler).toBeUndefined();
    expect(byName.get('crasher')!.priority).toBe(253);
  });

  it('maps a fixed-address region on a platform device to an MMIO grant of that device, and its IRQ', async () => {
    const { platform } = await loadPlatform('kaal-virt-rv32', repoRoot);
    const sdf = `<?xml version="1.0"?>
<system>
  <memory_region name="uart" size="0x1000" phys_addr="0x1000_0000" />
  <protection_domain name="driver" priority="200">
    <program_image path="driver.elf" />
    <map mr="uart" vaddr="0x2_000_000" perms="wr" cached="false" />
    <irq irq="10" id="3" />
  </protection_domain>
</system>`;
    const { descriptor, diagnostics } = importSdf(sdf, 'uart.system', platform, 'kaal-virt-rv32');
    expect(diagnostics).toEqual([]);
    expect(descriptor.memoryRegions).toBeUndefined();
    expect(descriptor.components[0]!.devices).toEqual([
      {
        device: '/soc/serial@10000000',
        mmio: { vaddr: 0x200_0000, perms: 'rw', cached: false },
        irq: { channel: 3, numbers: [10] },
      },
    ]);
  });

  it('makes the PPC caller the from end of a channel', async () => {
    const { platform } = await loadPlatform('kaal-virt-rv32', repoRoot);
    const sdf = `<system>
  <protection_domain name="server" priority="2"><program_image path="s.elf" /></protection_domain>
  <protection_domain name="client" priority="1"><program_image path="c.elf" /></protection_domain>
  <channel><end pd="server" id="4" /><end pd="client" id="7" pp="true" /></channel>
</system>`;
    const { descriptor, diagnostics } = importSdf(sdf, 'ppc.system', platform, 'kaal-virt-rv32');
    expect(diagnostics).toEqual([]);
    expect(descriptor.channels).toEqual([{ from: 'client', to: 'server', notify: true, ppc: true, fromId: 7, toId: 4 }]);
  });

  it('reports malformed XML at its position', async () => {
    const { platform } = await loadPlatform('kaal-virt-rv32', repoRoot);
    const { diagnostics } = importSdf('<system>\n  <protection_domain name="a">\n</system>', 'bad.system', platform, 'kaal-virt-rv32');
    expect(diagnostics.map((d) => d.code)).toEqual(['KC8001']);
  });
});

describe('kaal-compose import-sdf', () => {
  const files = useFiles();

  it('prints the descriptor of a convertible file and exits 0', async () => {
    const run = await runCli(['import-sdf', path.join(sdfDir, 'hello.system')], { cwd: files({}) });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("import { defineSystem } from 'kaal-compose';");
    expect(run.stdout).toContain("name: 'hello'");
  });

  it('names the problem with its line in the SDF, writes nothing, and exits 1', async () => {
    const dir = files({});
    const run = await runCli(['import-sdf', path.join(sdfDir, 'timer.system'), '-o', 'timer.system.ts'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[KC8012]');
    expect(run.stderr).toMatch(/timer\.system:8:\d+/);
    expect(fs.existsSync(path.join(dir, 'timer.system.ts'))).toBe(false);
  });
});
