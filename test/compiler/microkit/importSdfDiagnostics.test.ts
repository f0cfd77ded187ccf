// One small SDF per import diagnostic (KC80xx): each yields exactly its code, at the line of the
// element or attribute it is about.
import { beforeAll, describe, expect, it } from 'vitest';
import { importSdf } from '../../../compiler/microkit/importSdf.js';
import { loadPlatform } from '../../../compiler/loadPlatform.js';
import { LineIndex } from '../../../schema/diagnostics.js';
import type { Platform } from '../../../image/platformModel.js';
import { repoRoot } from '../../helpers/files.js';

const pd = (body = '', attrs = '') => `  <protection_domain name="a"${attrs}>\n    <program_image path="a.elf" />\n${body}  </protection_domain>\n`;
const system = (inner: string) => `<system>\n${inner}</system>\n`;

/** code → [SDF text, expected 1-based line]. */
const cases: Record<string, [string, number]> = {
  KC8001: ['<system>\n  <protection_domain name="a">\n</system>', 3],
  KC8002: ['<protection_domain name="a" />\n', 1],
  KC8003: [system(pd('    <bogus />\n')), 4],
  KC8004: [system(pd('', ' colour="blue"')), 2],
  KC8005: [system('  <memory_region size="0x1000" />\n'), 2],
  KC8006: [system(pd('', ' priority="high"')), 2],
  KC8007: [system(pd('', ' smc="maybe"')), 2],
  KC8010: [system(pd('    <virtual_machine name="vm" />\n')), 4],
  KC8011: [system(pd('', ' budget="100"')), 2],
  KC8012: [system('  <memory_region name="dev" size="0x1000" phys_addr="0xfe00_0000" />\n'), 2],
  KC8013: [system(pd('    <irq irq="99" id="1" />\n')), 4],
  KC8014: [system(pd() + '  <protection_domain name="b"><program_image path="b.elf" /></protection_domain>\n  <channel>\n    <end pd="a" id="1" notify="false" />\n    <end pd="b" id="1" />\n  </channel>\n'), 6],
  KC8015: [system(pd() + '  <channel>\n    <end pd="a" id="1" />\n  </channel>\n'), 5],
  KC8016: [system('  <memory_region name="two" size="0x20_0000" phys_addr="0x1000" />\n'), 2],
  KC8017: [system(pd() + '  <protection_domain name="b"><program_image path="b.elf" /></protection_domain>\n  <channel>\n    <end pd="a" id="1" pp="true" />\n    <end pd="b" id="1" pp="true" />\n  </channel>\n'), 6],
  KC8100: [system(pd() + '  <protection_domain name="b"><program_image path="b.elf" /></protection_domain>\n  <channel>\n    <end pd="a" id="1" />\n    <end pd="b" id="27" />\n  </channel>\n'), 8],
};

const twoEnds = (idA: number, idB: number) =>
  system(pd() + `  <protection_domain name="b"><program_image path="b.elf" /></protection_domain>\n  <channel>\n    <end pd="a" id="${idA}" />\n    <end pd="b" id="${idB}" />\n  </channel>\n`);

describe('import-sdf diagnostics', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = (await loadPlatform('kaal-virt-rv32', repoRoot)).platform;
  });

  it('channel and IRQ ids up to 26 import; 27 is KC8100 naming the protection domain (Microkit allows 62)', () => {
    expect(importSdf(twoEnds(26, 0), 'ok.system', platform, 'kaal-virt-rv32').diagnostics).toEqual([]);
    const refused = importSdf(twoEnds(27, 61), 'big.system', platform, 'kaal-virt-rv32').diagnostics;
    expect(refused.map((d) => d.message)).toEqual([
      "channel id 27 of 'a' is above 26, the largest channel id of a kaal-compose component",
      "channel id 61 of 'b' is above 26, the largest channel id of a kaal-compose component",
    ]);
    const irq = (id: number) => system(pd(`    <irq irq="10" id="${id}" />\n`));
    expect(importSdf(irq(26), 'irq.system', platform, 'kaal-virt-rv32').diagnostics).toEqual([]);
    expect(importSdf(irq(27), 'irq.system', platform, 'kaal-virt-rv32').diagnostics.map((d) => d.code)).toEqual(['KC8100']);
  });

  it('a setvar_vaddr on a device mapping is reported (KC8011), not dropped silently', () => {
    const text = system('  <memory_region name="uart" size="0x1000" phys_addr="0x1000_0000" />\n' + pd('    <map mr="uart" vaddr="0x2000000" perms="rw" cached="false" setvar_vaddr="uart_base" />\n'));
    const { diagnostics } = importSdf(text, 'setvar.system', platform, 'kaal-virt-rv32');
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['KC8011', "attribute 'setvar_vaddr' of '<map>' is not kept: a device window's address is the generated constant 'KAAL_MMIO_<NAME>_VADDR'"],
    ]);
  });

  it("the dropped trigger names the board's interrupt controller by role, not the PLIC", () => {
    const { diagnostics } = importSdf(system(pd('    <irq irq="10" id="1" trigger="edge" />\n')), 'trigger.system', platform, 'kaal-virt-rv32');
    expect(diagnostics.map((d) => d.message)).toEqual(["attribute 'trigger' of '<irq>' is not kept: the trigger mode is the interrupt controller's, from the device tree"]);
  });

  for (const [code, [text, line]] of Object.entries(cases)) {
    it(`${code} at line ${line}`, () => {
      const { diagnostics } = importSdf(text, 'case.system', platform, 'kaal-virt-rv32');
      expect(diagnostics.map((d) => d.code)).toEqual([code]);
      const index = new LineIndex(text);
      expect(index.position(diagnostics[0]!.span!.start).line).toBe(line);
    });
  }
});
