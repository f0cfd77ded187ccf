// compiler/jsonSyntax.ts: the first JSON syntax error, at the character that causes it, for the
// mistakes people make by hand (and that JSON.parse on Node 20 reports without an offset).
import { describe, expect, it } from 'vitest';
import { findDuplicateJsonKeys, findJsonSyntaxError } from '../../compiler/jsonSyntax.js';

describe('findJsonSyntaxError', () => {
  it('accepts valid JSON, whatever JSON.parse accepts', () => {
    for (const text of ['{}', ' [1, -2.5e3, "a\\u00e9\\n", true, false, null] ', '\ufeff{"a": {"b": []}}', '"x"', '0']) {
      expect(findJsonSyntaxError(text), text).toBeUndefined();
    }
  });

  it('places each mistake at its character', () => {
    const cases: [string, number, string][] = [
      ['{"a": 1,}', 7, "trailing comma before '}'"],
      ['[1, 2,\n]', 5, "trailing comma before ']'"],
      ["{'a': 1}", 1, "expected a property name in double quotes, found '''"],
      ['{"a": 1 "b": 2}', 8, "expected ',' or '}', found '\"'"],
      ['{"a": tru}', 6, "unexpected 't'"],
      ['{"a": 1', 7, "expected ',' or '}', found end of file"],
      ['{"a": "x\ny"}', 8, 'control character in string'],
      ['{} x', 3, "unexpected 'x' after the value"],
      ['', 0, 'unexpected end of file'],
      ['{"a" 1}', 5, "expected ':', found '1'"],
    ];
    for (const [text, offset, reason] of cases) expect(findJsonSyntaxError(text), text).toEqual({ offset, reason });
  });
});

describe('findDuplicateJsonKeys', () => {
  it('finds each key written twice in one object, with its path and both offsets, escapes decoded', () => {
    const text = '{"a": 1, "b": {"c": [{"d": 0, "d": 1}]}, "\\u0061": 2, "a": 3}';
    expect(findDuplicateJsonKeys(text)).toEqual([
      { key: 'd', path: 'b.c.0', firstOffset: text.indexOf('"d"'), offset: text.lastIndexOf('"d"') },
      // "\u0061" is 'a': JSON.parse reads the same key.
      { key: 'a', path: '', firstOffset: 1, offset: text.indexOf('"\\u0061"') },
      { key: 'a', path: '', firstOffset: 1, offset: text.lastIndexOf('"a"') },
    ]);
  });

  it('the same key in different objects, or once per array element, is no duplicate', () => {
    expect(findDuplicateJsonKeys('{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}')).toEqual([]);
    expect(findDuplicateJsonKeys('[1, "a", {"x": 1}]')).toEqual([]);
  });
});
