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

  it("a device map's setvar_vaddr and a device IRQ's setvar_id name the grant (its header constants), nothing is dropped", () => {
    const text = system('  <memory_region name="uart" size="0x1000" phys_addr="0x1000_0000" />\n' + pd('    <map mr="uart" vaddr="0x2000000" perms="rw" cached="false" setvar_vaddr="uart_base" />\n    <irq irq="10" id="1" setvar_id="uart_base" />\n'));
    const { diagnostics, descriptor } = importSdf(text, 'setvar.system', platform, 'kaal-virt-rv32');
    expect(diagnostics).toEqual([]);
    expect(descriptor.components[0]!.devices).toEqual([
      { device: '/soc/serial@10000000', name: 'uart_base', mmio: { vaddr: 0x200_0000, perms: 'rw', cached: false }, irq: { channel: 1, numbers: [10] } },
    ]);
    const irqOnly = importSdf(system(pd('    <irq irq="10" id="2" setvar_id="rx_irq" />\n')), 'irq.system', platform, 'kaal-virt-rv32');
    expect(irqOnly.descriptor.components[0]!.devices).toEqual([{ device: '/soc/serial@10000000', name: 'rx_irq', mmio: false, irq: { channel: 2, numbers: [10] } }]);
  });

  it('a second, different name for one grant, and a setvar that is no header name, are KC8011 at the attribute', () => {
    const text = system('  <memory_region name="uart" size="0x1000" phys_addr="0x1000_0000" />\n' + pd('    <map mr="uart" vaddr="0x2000000" perms="rw" cached="false" setvar_vaddr="uart_base" />\n    <irq irq="10" id="1" setvar_id="other" />\n    <map mr="uart" vaddr="0x3000000" perms="r" setvar_vaddr="9lives" />\n'));
    const { diagnostics } = importSdf(text, 'setvar.system', platform, 'kaal-virt-rv32');
    const line = (d: (typeof diagnostics)[number]) => new LineIndex(text).position(d.span!.start).line;
    expect(diagnostics.map((d) => [d.code, line(d), d.message])).toEqual([
      ['KC8011', 6, "attribute 'setvar_id' of '<irq>' is not kept: the grant of '/soc/serial@10000000' is already named 'uart_base'"],
      ['KC8011', 7, "attribute 'setvar_vaddr' of '<map>' is not kept: '9lives' is not a name for a generated header constant"],
    ]);
  });

  it("a channel end's setvar_id names the channel; two different names keep the first (KC8011 at the second)", () => {
    const ends = (a: string, b: string) =>
      system(pd() + `  <protection_domain name="b"><program_image path="b.elf" /></protection_domain>\n  <channel>\n    <end pd="a" id="1"${a} />\n    <end pd="b" id="2"${b} />\n  </channel>\n`);
    const named = importSdf(ends(' setvar_id="serial"', ' setvar_id="serial"'), 'ch.system', platform, 'kaal-virt-rv32');
    expect(named.diagnostics).toEqual([]);
    expect(named.descriptor.channels).toEqual([{ name: 'serial', from: 'a', to: 'b', notify: true, ppc: false, fromId: 1, toId: 2 }]);
    expect(importSdf(ends('', ' setvar_id="from_b"'), 'ch.system', platform, 'kaal-virt-rv32').descriptor.channels![0]!.name).toBe('from_b');
    expect(importSdf(ends('', ''), 'ch.system', platform, 'kaal-virt-rv32').descriptor.channels![0]!.name).toBeUndefined();
    const clashing = ends(' setvar_id="one"', ' setvar_id="two"');
    const clash = importSdf(clashing, 'ch.system', platform, 'kaal-virt-rv32');
    expect(clash.descriptor.channels![0]!.name).toBe('one');
    expect(clash.diagnostics.map((d) => [d.code, new LineIndex(clashing).position(d.span!.start).line, d.message])).toEqual([
      ['KC8011', 8, "attribute 'setvar_id' of '<end>' is not kept: the channel is named 'one' by its other end"],
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
