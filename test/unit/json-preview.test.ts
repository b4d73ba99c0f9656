import { describe, expect, it } from 'vitest';
import { formatActionLine } from '../../src/format/action-line.ts';
import { previewJson } from '../../src/format/json-preview.ts';
import type { ActionRecord } from '../../src/store/records.ts';
import { Redactor } from '../../src/store/redact.ts';

const account = { id: 1, owner: 'ann', plan: 'gold', note: 'a long note about the account '.repeat(3), tags: ['a', 'b', 'c'], balance: -1 };

describe('previewJson', () => {
  it('is the JSON text when it fits', () => {
    expect(previewJson(account, 500)).toBe(JSON.stringify(account));
    expect(previewJson([1, 'two', null, { x: true }], 40)).toBe('[1,"two",null,{"x":true}]');
    expect(previewJson(undefined, 10)).toBe('');
  });

  it('clips long values before it leaves out a field, so the last field of any answer shows', () => {
    // The first fields get what the later ones' short places leave.
    expect(previewJson(account, 100)).toBe('{"id":1,"owner":"ann","plan":"gold","note":"a long note about th…","tags":["a",…+2],"balance":-1}');
    expect(previewJson(account, 90)).toBe('{"id":1,"owner":"ann","plan":"gold","note":"a long not…","tags":["a",…+2],"balance":-1}');
    expect(previewJson({ user: { username: 'Kian89-0', password: '[redacted]' }, title: 'Inflammatio sumo pax.' }, 70))
      .toBe('{"user":{"username":"Kian89-0",…+1},"title":"Inflammatio sumo pax."}');
  });

  it('counts what does not fit: fields of an object, items of an array after the first', () => {
    expect(previewJson(account, 40)).toBe('{"id":1,"owner":"ann","plan":"gold",…+3}');
    const todos = [1, 2, 3].map((n) => ({ id: `t${n}`, title: 'Inflammatio sumo pax.', completed: false, team: 'red', createdBy: 'Kian89-0' }));
    expect(previewJson(todos, 90)).toBe('[{"id":"t1","title":"Inflammatio sumo pax.","completed":false,"team":"red",…+1},…+2]');
    expect(previewJson(Array.from({ length: 1000 }, (_, i) => i), 30)).toBe('[0,1,2,3,4,5,6,7,8,9,10,…+989]');
  });

  it('never exceeds its width, and cuts strings within their quotes without splitting a character', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const values: unknown[] = [account, [account, account], { deep: { deeper: { deepest: 'x'.repeat(50) } } }, 'y'.repeat(300), cyclic, 123456789012345];
    for (let width = 1; width <= 160; width++) {
      for (const value of values) expect(previewJson(value, width).length, `${width}: ${previewJson(value, width)}`).toBeLessThanOrEqual(width);
    }
    expect(previewJson('😀'.repeat(20), 12)).toBe('"😀😀😀😀…"');
    expect(previewJson('a"b\\c\n'.repeat(10), 16)).toBe('"a\\"b\\\\c\\na…"');
  });

  it('writes what JSON.stringify would (toJSON, absent undefined and functions), and bigints as numbers', () => {
    expect(previewJson({ at: new Date(0), gone: undefined, fn: () => 1, list: [undefined], big: 10n }, 100))
      .toBe('{"at":"1970-01-01T00:00:00.000Z","list":[null],"big":10}');
  });
});

describe('formatActionLine', () => {
  const action: ActionRecord = {
    runId: 'r', seq: 12, actorId: 0, action: 'login', args: { user: 'ann', password: 'p', cardNumber: 'c' }, outcome: 'ok',
    result: { token: 't', balance: 3 }, error: null, simTime: 3_900_000, step: 0, wallStartUs: 0, wallEndUs: 0, latencyMs: 0,
  };

  it('redacts with the built-in rules, or with the ones it is given', () => {
    expect(formatActionLine(action, { actor: 'Customer 1' }))
      .toBe('#12  1:05:00  Customer 1       login({"user":"ann","password":"[redacted]","cardNumber":"c"}) ok {"token":"[redacted]","balance":3}');
    expect(formatActionLine(action, { actor: null, redactor: new Redactor({ extra: ['card*'] }) }))
      .toBe('#12  1:05:00  login({"user":"ann","password":"[redacted]","cardNumber":"[redacted]"}) ok {"token":"[redacted]","balance":3}');
  });

  it('marks probes and concurrent actions, and shows an error instead of a result', () => {
    const failed = { ...action, outcome: 'error' as const, error: 'HTTP 500', result: null };
    expect(formatActionLine(failed, { actor: 'Customer 1', probeOf: 'no-negative-balance', concurrent: [13, 14] }))
      .toBe('#12  1:05:00  Customer 1       [with #13, #14] [probe of no-negative-balance] login({"user":"ann","password":"[redacted]","cardNumber":"c"}) error HTTP 500');
  });
});
