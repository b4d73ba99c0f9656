import { describe, expect, it } from 'vitest';
import { strictJson } from '../../src/util/strict-json.ts';

const loneEscape = /(?<!\\)(?:\\\\)*\\ud[89a-f][0-9a-f]{2}/;

describe('strictJson', () => {
  it('turns lone-surrogate escapes into visible text, and leaves pairs, other escapes and escaped backslashes alone', () => {
    const value = { lone: 'a\ud800b', low: '\udc00', pair: '😀', text: 'a\\ud800', nul: '\u0000', nested: ['\udfff'] };
    const text = strictJson(JSON.stringify(value, null, 2));
    expect(text).not.toMatch(loneEscape);
    expect(JSON.parse(text)).toEqual({ lone: 'a\\ud800b', low: '\\udc00', pair: '😀', text: 'a\\ud800', nul: '\u0000', nested: ['\\udfff'] });
    expect(strictJson('{"a":1}')).toBe('{"a":1}');
  });
});
