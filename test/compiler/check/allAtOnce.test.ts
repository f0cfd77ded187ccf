// Every problem is reported in one run, whatever family finds it, and each names both parties.
import { describe, expect, it } from 'vitest';
import { systemSchema } from '../../../schema/descriptor.js';
import { checkDescriptor } from '../../../compiler/check/index.js';
import { loadPlatform } from '../../../compiler/loadPlatform.js';
import { repoRoot } from '../../helpers/files.js';

describe('checkDescriptor', () => {
  it('reports an unknown device, an IRQ granted twice, a PPC to a lower priority and an unmapped region together', async () => {
    const { platform } = await loadPlatform('kaal-virt-rv32', repoRoot);
    const code = { sources: ['x.c'] };
    const system = systemSchema.parse({
      name: 's',
      components: [
        { name: 'a', priority: 200, code, devices: [{ device: 'serial0', mmio: { shared: true } }, { device: 'nope' }] },
        { name: 'b', priority: 100, code, devices: [{ device: 'serial0', mmio: { shared: true } }] },
      ],
      memoryRegions: [{ name: 'lonely', size: 0x1000 }],
      channels: [{ from: 'a', to: 'b', ppc: true }],
    });
    const { diagnostics } = checkDescriptor(system, platform);
    expect(diagnostics.map((d) => [d.code, d.severity, d.path])).toEqual([
      ['KC3030', 'error', 'channels.0.ppc'],
      ['KC3040', 'error', 'components.0.devices.1.device'],
      ['KC3060', 'error', 'components.1.devices.0.device'],
      ['KC3072', 'warning', 'memoryRegions.0'],
    ]);
    expect(diagnostics[0]!.message).toBe("PPC from 'a' (priority 200) to 'b' (priority 100) must go to a strictly higher priority");
    expect(diagnostics[2]!.message).toBe("IRQ 10 is granted to both 'a' and 'b'");
  });
});
