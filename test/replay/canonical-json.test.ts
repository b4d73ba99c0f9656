import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, locateJsonError, sha256Of } from '../../src/replay/canonical-json.ts';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('canonicalJson', () => {
  it('sorts keys, drops whitespace, writes what JSON.stringify writes', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x', { d: 1, c: 2 }], é: 1.5e300 })).toBe('{"a":[true,null,"x",{"c":2,"d":1}],"b":1,"é":1.5e+300}');
    expect(canonicalJson({ a: undefined, b: Number.NaN, c: [undefined, Infinity] })).toBe('{"b":null,"c":[null,null]}');
    expect(canonicalJson('line\n"q"')).toBe(JSON.stringify('line\n"q"'));
  });

  it('reads a parsed "__proto__" key as data', () => {
    const parsed = JSON.parse('{"__proto__": {"x": 1}, "a": 2}');
    expect(canonicalJson(parsed)).toBe('{"__proto__":{"x":1},"a":2}');
  });

  it('does not change when the text is re-indented or its keys reordered', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const again = JSON.parse(JSON.stringify(value, null, 2));
      expect(canonicalJson(again)).toBe(canonicalJson(value));
      expect(sha256Of(again)).toBe(sha256Of(value));
    }));
  });
});

describe('locateJsonError', () => {
  it('finds where the text stops being JSON, with line and column', () => {
    expect(locateJsonError('{"a": [1, 2')).toMatchObject({ offset: 11, line: 1, column: 12, atEnd: true, problem: 'unexpected end of input' });
    expect(locateJsonError('{\n  "a": 1x}')).toMatchObject({ line: 2, column: 9, atEnd: false, problem: "expected ',' or '}', found 'x'" });
    expect(locateJsonError('abc')).toMatchObject({ offset: 0, problem: "unexpected character 'a'" });
    expect(locateJsonError('{"a": "x')?.problem).toBe('unterminated string: unexpected end of input');
    expect(locateJsonError('{"a": 1} x')?.problem).toBe('unexpected text after the end of the JSON value');
    expect(locateJsonError('{"a": 01}')?.problem).toBe("expected ',' or '}', found '1'");
    expect(locateJsonError('{"a": "\\q"}')?.problem).toBe('invalid escape \\q in a string');
    expect(locateJsonError('[1, tru]')?.problem).toBe("unexpected character ']'");
    expect(locateJsonError(' {"a": [1, {"b": null}], "c": -1.5e-3} ')).toBeNull();
  });

  it('agrees with JSON.parse on every prefix of real JSON texts', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.nat(), fc.boolean(), (value, cut, pretty) => {
      const text = JSON.stringify(value, null, pretty ? 2 : undefined);
      const prefix = text.slice(0, cut % (text.length + 1));
      expect(locateJsonError(prefix) === null).toBe(parses(prefix));
    }), { numRuns: 500 });
  });

  it('agrees with JSON.parse on mangled texts', () => {
    const junk = fc.constantFrom(',', ']', '}', '"', ':', 'x', '\\', '\n', '-', '0', 'e', '.');
    fc.assert(fc.property(fc.jsonValue(), fc.nat(), junk, (value, at, char) => {
      const text = JSON.stringify(value);
      const i = at % (text.length + 1);
      const mangled = text.slice(0, i) + char + text.slice(i);
      expect(locateJsonError(mangled) === null).toBe(parses(mangled));
    }), { numRuns: 500 });
  });
});
