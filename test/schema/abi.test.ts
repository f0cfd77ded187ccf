// The pinned ABI words (schema/abi.ts): each rights bit alone, the slot layout at channels 0 and 26,
// the badges (bit 31 stays unsigned), the CNode cap data, the placeholder ELF and invocationsOf.
import { describe, expect, it } from 'vitest';
import {
  capRightsWord,
  cnodeCapData,
  faultBadge,
  irqSlot,
  MAX_CHANNEL_ID,
  notificationBadge,
  notifySlot,
  ppcBadge,
  ppcSlot,
} from '../../schema/abi.js';
import { invocationsOf, placeholderElf, VSpaceLayout } from '../../schema/plan.js';
import type { Plan } from '../../schema/plan.generated.js';

const none = { read: false, write: false, grant: false, grantReply: false };

describe('kernel ABI words', () => {
  it('seL4_CapRights: write is bit 0, read 1, grant 2, grantReply 3, each alone', () => {
    expect(capRightsWord(none)).toBe(0);
    expect(capRightsWord({ ...none, write: true })).toBe(1);
    expect(capRightsWord({ ...none, read: true })).toBe(2);
    expect(capRightsWord({ ...none, grant: true })).toBe(4);
    expect(capRightsWord({ ...none, grantReply: true })).toBe(8);
    expect(capRightsWord({ read: true, write: true, grant: true, grantReply: true })).toBe(15);
  });

  it('slots of channel 0 and of the last channel', () => {
    expect(MAX_CHANNEL_ID).toBe(26);
    expect([notifySlot(0), notifySlot(26), ppcSlot(0), ppcSlot(26), irqSlot(0), irqSlot(26)]).toEqual([10, 36, 74, 100, 138, 164]);
  });

  it('badges: a bit per notification channel, bit 27 and the channel for PPC, bits 27 and 26 and the index for faults', () => {
    expect([notificationBadge(0), notificationBadge(26), notificationBadge(31)]).toEqual([1, 2 ** 26, 2 ** 31]);
    expect([ppcBadge(0), ppcBadge(26)]).toEqual([0x0800_0000, 0x0800_001a]);
    expect([faultBadge(0), faultBadge(3)]).toEqual([0x0c00_0000, 0x0c00_0003]);
  });

  it('seL4_CNode_CapData: guard from bit 8, guard size from bit 3', () => {
    expect(cnodeCapData(0, 20)).toBe(160);
    expect(cnodeCapData(5, 3)).toBe((5 << 8) | 24);
    expect(cnodeCapData(0x3_ffff, 31)).toBe(0x3ff_fff8);
  });

  it('the placeholder ELF: 16 KiB of text at the code base and 16 KiB of data after it', () => {
    expect(placeholderElf()).toEqual({
      entry: VSpaceLayout.codeBase,
      segments: [
        { vaddr: VSpaceLayout.codeBase, memsz: 0x4000, flags: 0b101 },
        { vaddr: VSpaceLayout.codeBase + 0x4000, memsz: 0x4000, flags: 0b110 },
      ],
      placeholder: true,
    });
  });

  it('invocationsOf keeps the invocations of one op, in order', () => {
    const plan = { invocations: [{ op: 'TCB_Resume', service: 1 }, { op: 'Page_Map', service: 2 }, { op: 'TCB_Resume', service: 3 }] } as unknown as Plan;
    expect(invocationsOf(plan, 'TCB_Resume').map((i) => i.service)).toEqual([1, 3]);
    expect(invocationsOf(plan, 'CNode_Copy')).toEqual([]);
  });
});
