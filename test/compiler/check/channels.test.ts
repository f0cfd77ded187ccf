// Channel ids: a channel end and an IRQ of one component share the notification word, so an id
// used by both is KC3021, reported at the channel's own id.
import { describe, expect, it } from 'vitest';
import { systemSchema, type SystemDescriptor } from '../../../schema/descriptor.js';
import { checkDescriptor } from '../../../compiler/check/index.js';
import { loadPlatform } from '../../../compiler/loadPlatform.js';
import { repoRoot } from '../../helpers/files.js';

const diagnosticsOf = async (descriptor: SystemDescriptor) => {
  const { platform } = await loadPlatform('kaal-virt-rv32', repoRoot);
  return checkDescriptor(systemSchema.parse(descriptor), platform).diagnostics;
};

describe('channel ids', () => {
  it("a fromId equal to an IRQ's channel is reported at the fromId, naming both (issue 15)", async () => {
    const diagnostics = await diagnosticsOf({
      name: 's',
      components: [
        { name: 'a', code: { sources: ['a.c'] }, devices: [{ device: '/soc/serial@10000000', irq: { channel: 3 } }] },
        { name: 'b', code: { sources: ['b.c'] } },
      ],
      channels: [{ from: 'a', to: 'b', fromId: 3 }],
    });
    expect(diagnostics.map((d) => [d.code, d.path, d.message])).toEqual([
      ['KC3021', 'channels.0.fromId', "channel id 3 of 'a' is used twice: by IRQ 10 of '/soc/serial@10000000' and by channel 'a_b'"],
    ]);
  });

  it("a toId equal to the IRQ's channel of the server is reported at the toId", async () => {
    const diagnostics = await diagnosticsOf({
      name: 's',
      components: [
        { name: 'a', code: { sources: ['a.c'] } },
        { name: 'b', code: { sources: ['b.c'] }, devices: [{ device: '/soc/serial@10000000', irq: { channel: 0 } }] },
      ],
      channels: [{ from: 'a', to: 'b', toId: 0 }],
    });
    expect(diagnostics.map((d) => [d.code, d.path])).toEqual([['KC3021', 'channels.0.toId']]);
  });

  it('two IRQs on one id are reported at the second IRQ', async () => {
    const diagnostics = await diagnosticsOf({
      name: 's',
      components: [{
        name: 'a',
        code: { sources: ['a.c'] },
        devices: [{ device: '/soc/serial@10000000', irq: { channel: 5 } }, { device: '/soc/rtc@101000', irq: { channel: 5 } }],
      }],
    });
    expect(diagnostics.map((d) => [d.code, d.path])).toEqual([['KC3021', 'components.0.devices.1.irq.channel']]);
  });
});
