// schema/diagnostics.ts: the registry's codes are unique, well-formed and in the band of their file,
// and messages follow STYLE.md §3 (lower-case start, no final period); fail()'s DiagnosticError and
// the identity functions of schema/define.ts.
import { describe, expect, it } from 'vitest';
import { allDiagnostics, D, createDiagnostic, DiagnosticError, fail, formatTemplate } from '../../schema/diagnostics.js';
import { defineComponent, defineSystem } from '../../schema/define.js';

describe('diagnostic registry', () => {
  it('every code is KC and four digits and appears once', () => {
    const seen = new Map<string, string>();
    for (const d of allDiagnostics) {
      expect(d.code, d.name).toMatch(/^KC\d{4}$/);
      expect(seen.get(d.code), `${d.code} is used by both '${seen.get(d.code)}' and '${d.name}'`).toBeUndefined();
      seen.set(d.code, d.name);
    }
  });

  it('every name is camelCase and every severity is error, warning or note', () => {
    for (const d of allDiagnostics) {
      expect(d.name).toMatch(/^[a-z][A-Za-z0-9]*$/);
      expect(['error', 'warning', 'note']).toContain(d.severity);
    }
  });

  it('messages start in lower case (or with an acronym, a placeholder or a quote) and end without a period', () => {
    for (const d of allDiagnostics) {
      expect(d.message, d.code).toMatch(/^([a-z{'"`.\-\d]|[A-Z][A-Z0-9_]+\b)/);
      expect(d.message, d.code).not.toMatch(/\.$/);
    }
  });

  it('fills placeholders in message and hint', () => {
    const d = createDiagnostic(
      D.unknownProperty,
      { property: 'prio', suggestion: "; did you mean 'priority'?", allowed: "'priority'" },
      { file: 'a.ts', path: 'components.0.prio' },
    );
    expect(d).toEqual({
      code: 'KC1003',
      name: 'unknownProperty',
      severity: 'error',
      message: "unknown property 'prio'; did you mean 'priority'?",
      hint: "the properties allowed here are 'priority'",
      file: 'a.ts',
      path: 'components.0.prio',
    });
    expect(formatTemplate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });

  it('fail() makes a DiagnosticError whose message is the code and the filled message', () => {
    const error = fail(D.fileNotFound, { file: 'a.ts', reason: 'gone' }, { file: 'a.ts' });
    expect(error).toBeInstanceOf(DiagnosticError);
    expect([error.name, error.message]).toEqual(['DiagnosticError', "KC0002: cannot read 'a.ts': gone"]);
    expect(error.diagnostic).toMatchObject({ code: 'KC0002', file: 'a.ts' });
  });
});

describe('defineSystem / defineComponent', () => {
  it('return what they are given, unchanged', () => {
    const component = { name: 'a', code: { elf: 'a.elf' } };
    const system = { name: 's', components: [component] };
    expect(defineComponent(component)).toBe(component);
    expect(defineSystem(system)).toBe(system);
  });
});
