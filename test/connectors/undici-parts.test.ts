import { describe, expect, it } from 'vitest';
import * as undici from 'undici';
import { headerNameToString, UndiciAgent, UndiciPool, undiciErrors } from '../../src/connectors/undici-parts.ts';

// The connector requires undici's Pool, Agent, errors and header helper from their own modules
// (cheaper to load than the index): they must be the very ones the index exports, so an undici
// upgrade that moves them fails here, not in a run.
describe('undici parts', () => {
  it('are the classes and helpers undici exports', () => {
    expect(UndiciPool).toBe(undici.Pool);
    expect(UndiciAgent).toBe(undici.Agent);
    expect(undiciErrors).toBe(undici.errors);
    expect(headerNameToString).toBe(undici.util.headerNameToString);
    expect(headerNameToString('Content-Type')).toBe('content-type');
  });
});
