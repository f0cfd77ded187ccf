// schema/nearestName.ts: the edit distance on its edges (empty strings, one edit of each kind) and
// "did you mean" exactly at its bounds: a prefix of three letters but not two, two edits but not
// three, case-insensitive, the first candidate that qualifies.
import { describe, expect, it } from 'vitest';
import { editDistance, nearestName } from '../../schema/nearestName.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions, one each', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('abc', 'abxc')).toBe(1);
    expect(editDistance('abxc', 'abc')).toBe(1);
    expect(editDistance('abc', 'axc')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('sitting', 'kitten')).toBe(3);
    expect(editDistance('flaw', 'lawn')).toBe(2);
    expect(editDistance('ab', 'ba')).toBe(2);
  });
});

describe('nearestName', () => {
  const properties = ['priority', 'stackSize', 'faultHandler'];

  it('takes a prefix either way from three letters on, never at two', () => {
    expect(nearestName('pri', properties)).toBe('priority');
    expect(nearestName('priorityx', ['priority'])).toBe('priority');
    expect(nearestName('stack', properties)).toBe('stackSize');
    // 'pr' is a prefix too, but only two letters, and six edits away.
    expect(nearestName('pr', properties)).toBeUndefined();
    // The bound is on the name typed: 'pr' is four edits from 'prxyzw' and too short a prefix…
    expect(nearestName('pr', ['prxyzw'])).toBeUndefined();
    // …'prx' is three edits away, found only as a prefix.
    expect(nearestName('prx', ['prxyzw'])).toBe('prxyzw');
    // A candidate that is a prefix of a longer name counts whatever its own length.
    expect(nearestName('prxyzw', ['pr'])).toBe('pr');
  });

  it('takes a name two edits away, not three', () => {
    expect(nearestName('prioryty', properties)).toBe('priority');
    expect(nearestName('prxorxty', properties)).toBe('priority');
    expect(nearestName('prxoxxty', properties)).toBeUndefined();
    // Short names: within two edits even without a prefix.
    expect(nearestName('ab', ['cd'])).toBe('cd');
    expect(nearestName('ab', ['cde'])).toBeUndefined();
  });

  it('ignores case on both sides', () => {
    expect(nearestName('STACKSIZE', properties)).toBe('stackSize');
    expect(nearestName('Pri', properties)).toBe('priority');
    expect(nearestName('faulthandlr', ['FaultHandler'])).toBe('FaultHandler');
  });

  it('gives the first candidate that qualifies, undefined when none does', () => {
    expect(nearestName('size', ['sise', 'size'])).toBe('sise');
    expect(nearestName('size', ['zzzzzz', 'size'])).toBe('size');
    expect(nearestName('memory', properties)).toBeUndefined();
    expect(nearestName('memory', [])).toBeUndefined();
  });
});
