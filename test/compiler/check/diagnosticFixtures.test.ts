// fixtures/invalid/: one descriptor per KC3xxx/KC4xxx code, each yielding exactly that code at
// the descriptor path given here (and, for checks, at a real line and column of the file).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateFiles } from '../../../compiler/validate.js';
import { nodeHost } from '../../../compiler/host.js';
import { planDescriptor } from '../../../compiler/planDescriptor.js';
import { checksDiagnostics } from '../../../schema/diagnostics/checks.js';
import { planDiagnostics } from '../../../schema/diagnostics/plan.js';
import { repoRoot } from '../../helpers/files.js';

/** Where the fixtures live, beside the KC0/KC1 ones (test/compiler/invalidFixtures.test.ts). */
const dir = 'fixtures/invalid';

/** code → descriptor path of its one diagnostic. */
const expected: Record<string, string> = {
  KC3001: 'components.1.name',
  KC3002: 'memoryRegions.1.name',
  KC3003: 'channels.1',
  KC3004: 'channels.0.to',
  KC3005: 'components.0.memory.0.region',
  KC3006: 'components.0.faultHandler',
  KC3007: 'components.0.faultHandler',
  KC3008: 'components.0.devices.1',
  KC3009: 'components.0.memory.1',
  KC3020: 'channels.0',
  KC3021: 'channels.1.fromId',
  KC3022: 'channels.27.from',
  KC3023: 'channels.0',
  KC3030: 'channels.0.ppc',
  KC3031: 'channels.0',
  KC3040: 'components.0.devices.0.device',
  KC3041: 'components.0.devices.0.device',
  KC3042: 'components.0.devices.0.device',
  KC3043: 'components.0.devices.0.mmio',
  KC3044: 'components.0.devices.0.irq',
  KC3045: 'components.0.devices.0.mmio.ranges.0',
  KC3046: 'components.0.devices.0.mmio.ranges.0',
  KC3047: 'components.0.devices.0.device',
  KC3048: 'components.1.devices.0.device',
  KC3049: 'components.0.devices.0.device',
  KC3050: 'components.0.devices.0.mmio.perms',
  KC3051: 'components.0.devices.0.mmio.perms',
  KC3052: 'components.0.devices.0.mmio.cached',
  KC3053: 'components.1.devices.0.device',
  KC3054: 'components.0.devices.0.device',
  KC3055: 'memoryRegions.1.paddr',
  KC3056: 'components.0.devices.1',
  KC3060: 'components.1.devices.0.device',
  KC3061: 'components.0.devices.0.irq.numbers',
  KC3070: 'memoryRegions.0.size',
  KC3071: 'memoryRegions.0.paddr',
  KC3072: 'memoryRegions.0',
  KC3073: 'components.0.stackSize',
  KC3074: 'components.0.stackSize',
  KC3075: 'components.0.memory.0.vaddr',
  KC3076: 'components.0.memory.0.vaddr',
  KC3077: 'components.0.memory.1.vaddr',
  KC3078: 'memoryRegions.0.size',
  KC3079: 'components.0.memory.0.perms',
  KC3100: 'components.0.devices.0',
  KC3101: 'components.0.memory.0.vaddr',
  KC3102: 'components.0.devices.0.mmio.ranges.0',
  KC3103: 'components.0.devices.0.mmio.ranges.1',
  KC3110: 'components.0.devices.0.device',
  KC3111: 'memoryRegions.0.paddr',
  KC3112: 'components.0.devices.0.device',
  KC4001: 'memoryRegions.0.paddr',
  KC4002: 'memoryRegions.0.paddr',
  KC4003: 'memoryRegions.0',
  KC4005: 'components',
  KC4006: 'components.0.memory.0.vaddr',
  KC4007: 'components.0.code',
  KC4008: 'components.0.devices.0.device',
};

/** Codes shown by a unit test instead (test/compiler/plan/plan.test.ts): 2^27 root slots cannot be a fixture. */
const unitTested = ['KC4004', 'KC4100'];

const fixtures = fs.readdirSync(path.join(repoRoot, dir)).filter((f) => /^KC[34]\d{3}-.*\.system\.ts$/.test(f)).sort();
const fixtureOf = (code: string) => fixtures.find((f) => f.startsWith(`${code}-`));

describe('fixtures/invalid', () => {
  it('every KC3/KC4 code has exactly one fixture or a unit test, and there are at least 40', () => {
    const codes = [...Object.values(checksDiagnostics), ...Object.values(planDiagnostics)].map((d) => d.code).sort();
    expect(codes.length).toBeGreaterThanOrEqual(40);
    expect([...Object.keys(expected), ...unitTested].sort()).toEqual(codes);
    expect(fixtures.map((f) => f.slice(0, 6))).toEqual(Object.keys(expected).sort());
  });

  for (const [code, diagnosticPath] of Object.entries(expected).filter(([c]) => c.startsWith('KC3'))) {
    it(`${code}: validate reports exactly ${code} at '${diagnosticPath}'`, async () => {
      const result = await validateFiles([`${dir}/${fixtureOf(code)}`], nodeHost, { cwd: repoRoot });
      // A warning leaves validate to plan the system: KC0100 notes the components without an ELF yet.
      // The device tree's own warnings (KC22xx, at its file) are asserted below.
      const found = result.files[0]!.diagnostics.filter((d) => d.severity !== 'note' && !d.code.startsWith('KC22'));
      expect(found.map((d) => [d.code, d.path])).toEqual([[code, diagnosticPath]]);
      expect(found[0]!.line).toBeGreaterThan(1);
      expect(found[0]!.column).toBeGreaterThanOrEqual(1);
    });
  }

  for (const [code, diagnosticPath] of Object.entries(expected).filter(([c]) => c.startsWith('KC4'))) {
    it(`${code}: checks pass and planning reports exactly ${code} at '${diagnosticPath}'`, async () => {
      const planned = await planDescriptor(`${dir}/${fixtureOf(code)}`, nodeHost, { cwd: repoRoot });
      expect(planned.plan).toBeNull();
      expect(planned.diagnostics.map((d) => [d.code, d.path])).toEqual([[code, diagnosticPath]]);
      expect(planned.diagnostics[0]!.line).toBeGreaterThan(1);
    });
  }

  it('validate and plan show the warnings of the device tree (KC2204) at its file, as dt does (issue 15)', async () => {
    const file = `${dir}/${fixtureOf('KC3112')}`;
    const tree = (diagnostics: readonly { code: string; file?: string; message: string }[]) =>
      diagnostics.filter((d) => d.code.startsWith('KC22')).map((d) => [d.code, d.file, d.message]);
    const kc2204 = ['KC2204', `${dir}/bad-reg-board.dts`, "'reg' of '/soc/serial@10000000' has 28 bytes, not a whole number of 16-byte entries"];
    expect(tree((await validateFiles([file], nodeHost, { cwd: repoRoot })).files[0]!.diagnostics)).toEqual([kc2204]);
    expect(tree((await planDescriptor(file, nodeHost, { cwd: repoRoot })).diagnostics)).toEqual([kc2204]);
  });
});
