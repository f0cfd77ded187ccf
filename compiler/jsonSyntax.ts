// Finds where a JSON text (RFC 8259) first goes wrong. V8's `JSON.parse` messages give no offset
// for some errors ("Unexpected token '}', … is not valid JSON"), and TypeScript's JSON parser
// accepts trailing commas and single quotes, so neither can place KC1012; this scanner can. It also
// finds the keys an object has twice, which `JSON.parse` resolves silently to the last (KC1110).

export interface JsonSyntaxError {
  /** 0-based string offset of the first offending character (the text's length at an early end). */
  readonly offset: number;
  readonly reason: string;
}

/** A key written twice in one object. */
export interface JsonDuplicateKey {
  /** The key as JSON.parse reads it (escapes decoded). */
  readonly key: string;
  /** The object's path from the root (`components.0`), '' for the root object. */
  readonly path: string;
  /** 0-based offsets of the opening quote of the first and of this later occurrence. */
  readonly firstOffset: number;
  readonly offset: number;
}

/** Returns the first syntax error of `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  return scanJson(text).error;
}

/** Every key written more than once in one object of a valid JSON text, in text order. */
export function findDuplicateJsonKeys(text: string): JsonDuplicateKey[] {
  return scanJson(text).duplicates;
}

function scanJson(text: string): { error?: JsonSyntaxError; duplicates: JsonDuplicateKey[] } {
  const duplicates: JsonDuplicateKey[] = [];
  const path: (string | number)[] = [];
  let i = 0;
  const fail = (reason: string): never => {
    throw { offset: i, reason } satisfies JsonSyntaxError;
  };
  const describe = () => (i >= text.length ? 'end of file' : `'${text[i]}'`);
  const skipSpace = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const expect = (c: string) => {
    if (text[i] !== c) fail(`expected '${c}', found ${describe()}`);
    i++;
  };
  const string = () => {
    expect('"');
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) return void i++;
      if (c < 0x20) fail('control character in string');
      if (c === 0x5c) {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('bad \\u escape');
          i += 5;
        } else if (i < text.length && '"\\/bfnrt'.includes(text[i]!)) i++;
        else fail(`bad escape ${describe()}`);
      } else i++;
    }
  };
  const value = (): void => {
    skipSpace();
    const c = text[i];
    if (c === '{') {
      i++;
      skipSpace();
      if (text[i] === '}') return void i++;
      const seen = new Map<string, number>();
      for (;;) {
        skipSpace();
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${describe()}`);
        const keyStart = i;
        string();
        const key = JSON.parse(text.slice(keyStart, i)) as string;
        const first = seen.get(key);
        if (first === undefined) seen.set(key, keyStart);
        else duplicates.push({ key, path: path.join('.'), firstOffset: first, offset: keyStart });
        skipSpace();
        expect(':');
        path.push(key);
        value();
        path.pop();
        skipSpace();
        if (text[i] === ',') {
          const comma = i++;
          skipSpace();
          if (text[i] === '}') {
            i = comma;
            fail("trailing comma before '}'");
          }
          continue;
        }
        if (text[i] === '}') return void i++;
        fail(`expected ',' or '}', found ${describe()}`);
      }
    }
    if (c === '[') {
      i++;
      skipSpace();
      if (text[i] === ']') return void i++;
      for (let index = 0; ; index++) {
        path.push(index);
        value();
        path.pop();
        skipSpace();
        if (text[i] === ',') {
          const comma = i++;
          skipSpace();
          if (text[i] === ']') {
            i = comma;
            fail("trailing comma before ']'");
          }
          continue;
        }
        if (text[i] === ']') return void i++;
        fail(`expected ',' or ']', found ${describe()}`);
      }
    }
    if (c === '"') return string();
    const literal = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!literal) fail(`unexpected ${describe()}`);
    i += literal![0].length;
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    value();
    skipSpace();
    if (i < text.length) fail(`unexpected ${describe()} after the value`);
    return { duplicates };
  } catch (error) {
    if (error && typeof error === 'object' && 'offset' in error) return { error: error as JsonSyntaxError, duplicates };
    throw error;
  }
}
