import { describe, expect, it } from 'vitest';
import { brokenVerdict } from '../../src/checkers/invariant-verdict.ts';

describe('brokenVerdict: what a check returned', () => {
  it('null holds; a message, or a message with a detail (as JSON), is broken; anything else is broken with a message saying what to return', () => {
    expect(brokenVerdict(null, 'i')).toBeNull();
    expect(brokenVerdict('3 dupes', 'i')).toEqual({ message: '3 dupes', detail: null });
    expect(brokenVerdict({ message: '3 dupes', detail: { ids: ['t1'], at: new Map([['a', 1n]]) } }, 'i')).toEqual({ message: '3 dupes', detail: { ids: ['t1'], at: { a: '1' } } });
    expect(brokenVerdict({ message: 'no detail' }, 'i')).toEqual({ message: 'no detail', detail: null });
    expect(brokenVerdict(undefined, 'i')!.message).toBe("invariant 'i' returned undefined: return null when it holds, else a message or { message, detail }");
    expect(brokenVerdict(false, 'i')!.message).toBe("invariant 'i' returned false: return null when it holds, else a message or { message, detail }");
    expect(brokenVerdict({ msg: 'x' }, 'i')!.message).toMatch(/^invariant 'i' returned \{"msg":"x"\}: return null/);
  });
});
