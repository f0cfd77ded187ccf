// The registry as schema/diagnostics.ts assembles it from the band files: each entry under its own key
// as its name, every band's entries kept, `allDiagnostics` sorted by code, and an entry without a hint
// has no `hint` key at all. The registry is module-level code, so each test imports it afresh
// (vi.resetModules) and a mutant of it is live in the test (docs/testing.md, "Module-level code").
import { describe, expect, it, vi } from 'vitest';

async function freshRegistry() {
  vi.resetModules();
  const registry = await import('../../schema/diagnostics.js');
  const bands = [
    (await import('../../schema/diagnostics/cli.js')).cliDiagnostics,
    (await import('../../schema/diagnostics/descriptor.js')).descriptorDiagnostics,
    (await import('../../schema/diagnostics/devicetree.js')).devicetreeDiagnostics,
    (await import('../../schema/diagnostics/checks.js')).checksDiagnostics,
    (await import('../../schema/diagnostics/plan.js')).planDiagnostics,
    (await import('../../schema/diagnostics/build.js')).buildDiagnostics,
    (await import('../../schema/diagnostics/sel4.js')).sel4Diagnostics,
    (await import('../../schema/diagnostics/image.js')).imageDiagnostics,
    (await import('../../schema/diagnostics/boot.js')).bootDiagnostics,
    (await import('../../schema/diagnostics/machine.js')).machineDiagnostics,
    (await import('../../schema/diagnostics/debugger.js')).debuggerDiagnostics,
    (await import('../../schema/diagnostics/interop.js')).interopDiagnostics,
    (await import('../../schema/diagnostics/internal.js')).internalDiagnostics,
    (await import('../../schema/diagnostics/trust.js')).trustDiagnostics,
  ] as readonly Readonly<Record<string, object>>[];
  return { ...registry, bands };
}

describe('the diagnostic registry (schema/diagnostics.ts)', () => {
  it("names every entry by its key and keeps each band's entries, unchanged otherwise", async () => {
    const { D, bands } = await freshRegistry();
    const fromBands = bands.flatMap((band) => Object.entries(band));
    expect(Object.keys(D)).toEqual(fromBands.map(([key]) => key));
    for (const [key, definition] of fromBands) expect((D as Record<string, object>)[key], key).toEqual({ ...definition, name: key });
    expect(D.internalError).toEqual({
      code: 'KC9001',
      severity: 'error',
      message: 'internal error: {message}',
      hint: 'this is a bug in kaal-compose; please report it with the command and inputs that caused it',
      name: 'internalError',
    });
  });

  it('lists every entry in allDiagnostics, sorted by code (the bands are not: KC7100 is first in boot.ts)', async () => {
    const { D, allDiagnostics } = await freshRegistry();
    expect(allDiagnostics.length).toBe(Object.keys(D).length);
    const codes = allDiagnostics.map((d) => d.code);
    expect(codes.slice(0, 3)).toEqual(['KC0001', 'KC0002', 'KC0003']);
    for (let i = 1; i < codes.length; i++) expect(codes[i - 1]! < codes[i]!, `${codes[i - 1]} before ${codes[i]}`).toBe(true);
    expect(new Set(allDiagnostics)).toEqual(new Set(Object.values(D)));
  });

  it('gives an entry without a hint no hint key (and one with a hint its hint)', async () => {
    const { D } = await freshRegistry();
    expect(Object.keys(D.fileNotFound).sort()).toEqual(['code', 'message', 'name', 'severity']);
    expect(D.fileNotFound).toEqual({ code: 'KC0002', severity: 'error', message: "cannot read '{file}': {reason}", name: 'fileNotFound' });
    expect(Object.keys(D.usageError).sort()).toEqual(['code', 'hint', 'message', 'name', 'severity']);
  });
});
