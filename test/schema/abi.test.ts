// The pinned ABI words (schema/abi.ts): each rights bit alone, the slot layout at channels 0 and 26,
// the badges (bit 31 stays unsigned), the CNode cap data, the placeholder ELF and invocationsOf.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { invocationsOf, placeholderElf, VSpaceLayout } from '../../schema/plan.js';
import type { Plan } from '../../schema/plan.generated.js';

// The slot and badge helpers are module-level arrow functions: imported afresh in each test, so a
// mutant of them is live (docs/testing.md, "Module-level code").
let abi: typeof import('../../schema/abi.js');
beforeEach(async () => {
  vi.resetModules();
  abi = await import('../../schema/abi.js');
});

const none = { read: false, write: false, grant: false, grantReply: false };

describe('kernel ABI words', () => {
  it('seL4_CapRights: write is bit 0, read 1, grant 2, grantReply 3, each alone', () => {
    expect(abi.capRightsWord(none)).toBe(0);
    expect(abi.capRightsWord({ ...none, write: true })).toBe(1);
    expect(abi.capRightsWord({ ...none, read: true })).toBe(2);
    expect(abi.capRightsWord({ ...none, grant: true })).toBe(4);
    expect(abi.capRightsWord({ ...none, grantReply: true })).toBe(8);
    expect(abi.capRightsWord({ read: true, write: true, grant: true, grantReply: true })).toBe(15);
  });

  it('slots of channel 0 and of the last channel; the CNode guard makes a cptr 32 bits', () => {
    expect([abi.CNODE_RADIX_BITS, abi.CNODE_GUARD_BITS]).toEqual([8, 24]);
    expect(abi.MAX_CHANNEL_ID).toBe(26);
    expect([abi.notifySlot(0), abi.notifySlot(26), abi.ppcSlot(0), abi.ppcSlot(26), abi.irqSlot(0), abi.irqSlot(26)]).toEqual([10, 36, 74, 100, 138, 164]);
  });

  it('badges: a bit per notification channel, bit 27 and the channel for PPC, bits 27 and 26 and the index for faults', () => {
    expect([abi.notificationBadge(0), abi.notificationBadge(26), abi.notificationBadge(31)]).toEqual([1, 2 ** 26, 2 ** 31]);
    expect([abi.ppcBadge(0), abi.ppcBadge(26)]).toEqual([0x0800_0000, 0x0800_001a]);
    expect([abi.faultBadge(0), abi.faultBadge(3)]).toEqual([0x0c00_0000, 0x0c00_0003]);
  });

  it('seL4_CNode_CapData: guard from bit 8, guard size from bit 3', () => {
    expect(abi.cnodeCapData(0, 20)).toBe(160);
    expect(abi.cnodeCapData(5, 3)).toBe((5 << 8) | 24);
    expect(abi.cnodeCapData(0x3_ffff, 31)).toBe(0x3ff_fff8);
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
