import { describe, expect, it } from 'vitest';
import { brokenInvariant } from '../../src/checkers/invariant-verdict.ts';

describe('brokenInvariant: what a check returned', () => {
  it('null holds; a message, or a message with a detail (as JSON), is broken; anything else is broken with a message saying what to return', () => {
    expect(brokenInvariant(null, 'i')).toBeNull();
    expect(brokenInvariant('3 dupes', 'i')).toEqual({ message: '3 dupes', detail: null });
    expect(brokenInvariant({ message: '3 dupes', detail: { ids: ['t1'], at: new Map([['a', 1n]]) } }, 'i')).toEqual({ message: '3 dupes', detail: { ids: ['t1'], at: { a: '1' } } });
    expect(brokenInvariant({ message: 'no detail' }, 'i')).toEqual({ message: 'no detail', detail: null });
    expect(brokenInvariant(undefined, 'i')!.message).toBe("invariant 'i' returned undefined: return null when it holds, else a message or { message, detail }");
    expect(brokenInvariant(false, 'i')!.message).toBe("invariant 'i' returned false: return null when it holds, else a message or { message, detail }");
    expect(brokenInvariant({ msg: 'x' }, 'i')!.message).toMatch(/^invariant 'i' returned \{"msg":"x"\}: return null/);
  });
});
