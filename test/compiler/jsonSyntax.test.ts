// compiler/jsonSyntax.ts: the first JSON syntax error, at the character that causes it, for the
// mistakes people make by hand (and that JSON.parse on Node 20 reports without an offset).
import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError } from '../../compiler/jsonSyntax.js';

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
