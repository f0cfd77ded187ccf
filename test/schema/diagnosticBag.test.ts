// DiagnosticBag and the report order (schema/diagnosticBag.ts): each key of the order (file, line,
// column, span start, code, message) decides on its own when the keys before it are equal, absent
// keys sort first, and hasErrors counts errors only.
import { describe, expect, it } from 'vitest';
import { compareDiagnostics, DiagnosticBag, hasErrors } from '../../schema/diagnosticBag.js';
import type { Diagnostic } from '../../schema/diagnosticDefinition.js';
import { D } from '../../schema/diagnostics.js';

const d = (fields: Partial<Diagnostic>): Diagnostic => ({ code: 'KC1000', name: 'x', severity: 'error', message: 'm', ...fields });

describe('compareDiagnostics', () => {
  it('orders by each key in turn, absent before present, and finds equal diagnostics equal', () => {
    const pairs: [Diagnostic, Diagnostic][] = [
      [d({}), d({ file: 'a' })],
      [d({ file: 'a', line: 9 }), d({ file: 'b', line: 1 })],
      [d({ line: 1 }), d({ line: 2 })],
      [d({}), d({ line: 1 })],
      [d({ line: 2, column: 9 }), d({ line: 3, column: 1 })],
      [d({ line: 2, column: 1 }), d({ line: 2, column: 2 })],
      [d({ column: 5 }), d({ column: 6 })],
      [d({}), d({ column: 1 })],
      [d({ column: 1, span: { start: 9, length: 1 } }), d({ column: 2, span: { start: 1, length: 1 } })],
      [d({ span: { start: 1, length: 1 } }), d({ span: { start: 2, length: 1 } })],
      [d({}), d({ span: { start: 1, length: 1 } })],
      [d({ span: { start: 1, length: 1 }, code: 'KC9' }), d({ span: { start: 2, length: 1 }, code: 'KC1' })],
      [d({ code: 'KC1001' }), d({ code: 'KC1002' })],
      [d({ code: 'KC1001', message: 'z' }), d({ code: 'KC1002', message: 'a' })],
      [d({ message: 'a' }), d({ message: 'b' })],
    ];
    for (const [first, second] of pairs) {
      expect(compareDiagnostics(first, second), JSON.stringify([first, second])).toBeLessThan(0);
      expect(compareDiagnostics(second, first), JSON.stringify([second, first])).toBeGreaterThan(0);
    }
    expect(compareDiagnostics(d({ file: 'a', line: 1, column: 2 }), d({ file: 'a', line: 1, column: 2 }))).toBe(0);
  });
});

describe('DiagnosticBag', () => {
  it('collects what is added and pushed, sorts it for the report, and counts errors only', () => {
    const bag = new DiagnosticBag();
    expect([bag.size, bag.hasErrors()]).toEqual([0, false]);
    const warning = d({ severity: 'warning', file: 'b' });
    bag.push(warning);
    expect([bag.size, bag.hasErrors()]).toEqual([1, false]);
    const added = bag.add(D.unknownProperty, { property: 'x', suggestion: '', allowed: 'y' }, { file: 'a' });
    expect([added.code, added.file, bag.size, bag.hasErrors()]).toEqual(['KC1003', 'a', 2, true]);
    expect(bag.sorted()).toEqual([added, warning]);
    expect(bag.sorted()).toEqual([added, warning]);
    bag.push(d({ file: 'c' }), d({ file: '0' }));
    expect(bag.sorted().map((x) => x.file)).toEqual(['0', 'a', 'b', 'c']);
    expect(hasErrors([warning])).toBe(false);
    expect(hasErrors([warning, added])).toBe(true);
    expect(hasErrors([])).toBe(false);
  });
});
