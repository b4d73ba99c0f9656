import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/duckdb-store.ts';
import { urlMatchesRecording } from '../../src/store/json-equal.ts';
import { REDACTED, Redactor, defaultRedactedHeaders, redact, redactHeaders, redactUrl } from '../../src/store/redact.ts';
import { action, actor, beginTestRun, complaint, event, exchange, tempDir } from './helpers.ts';

describe('redact', () => {
  it('replaces secret fields at any depth, in objects and arrays', () => {
    const value = {
      user: 'ann',
      password: 'hunter2',
      profile: { apiKey: 'k1', api_key: 'k2', 'api-key': 'k3', APIKEY: 'k4', nick: 'a' },
      sessions: [{ token: 't', id: 1 }, { refreshToken: 'r', passwd: 'p' }],
      secrets: { nested: true },
      count: 3,
    };
    expect(redact(value)).toEqual({
      user: 'ann',
      password: REDACTED,
      profile: { apiKey: REDACTED, api_key: REDACTED, 'api-key': REDACTED, APIKEY: REDACTED, nick: 'a' },
      sessions: [{ token: REDACTED, id: 1 }, { refreshToken: REDACTED, passwd: REDACTED }],
      secrets: REDACTED,
      count: 3,
    });
  });

  it('never mutates its input, and shares what it did not change', () => {
    const value = { a: { password: 'x' }, b: { keep: [1, 2] }, list: [{ token: 'y' }, 'plain'] };
    const before = structuredClone(value);
    const out = redact(value);
    expect(value).toEqual(before);
    expect(out).not.toBe(value);
    expect(out.b).toBe(value.b); // untouched branch shared
    expect(out.list).not.toBe(value.list);
    expect(out.list[1]).toBe('plain');
  });

  it('returns the same value when there is nothing to redact', () => {
    const value = { title: 'buy milk', tags: ['home'], n: null };
    expect(redact(value)).toBe(value);
    expect(redact('password')).toBe('password'); // a value, not a field name
    expect(redact(null)).toBeNull();
    expect(redact([1, 'x'])).toEqual([1, 'x']);
  });

  it('redacts credential headers and secret-named headers, case-insensitively, without mutating', () => {
    const headers = {
      Authorization: 'Bearer abc', cookie: 'sid=1', 'Set-Cookie': 'sid=2', 'proxy-authorization': 'Basic x',
      'x-api-key': 'k', 'X-Auth-Token': 't', accept: 'application/json',
    };
    const before = { ...headers };
    expect(redactHeaders(headers)).toEqual({
      Authorization: REDACTED, cookie: REDACTED, 'Set-Cookie': REDACTED, 'proxy-authorization': REDACTED,
      'x-api-key': REDACTED, 'X-Auth-Token': REDACTED, accept: 'application/json',
    });
    expect(headers).toEqual(before);
    const clean = { accept: '*/*' };
    expect(redactHeaders(clean)).toBe(clean);
  });

  it('takes configurable rules', () => {
    const options = { headers: [...defaultRedactedHeaders, 'X-Tenant'], fields: /^ssn$|card/gi };
    expect(redactHeaders({ 'x-tenant': 'acme', authorization: 'a', 'x-token': 't' }, options))
      .toEqual({ 'x-tenant': REDACTED, authorization: REDACTED, 'x-token': 't' });
    // A global regex must not alternate between matches (lastIndex).
    expect(redact({ ssn: 1, ssn2: 2, creditCard: 3, password: 'kept' }, options)).toEqual({ ssn: REDACTED, ssn2: 2, creditCard: REDACTED, password: 'kept' });
    expect(redact({ card: 1 }, options)).toEqual({ card: REDACTED });
  });

  it('redacts JSON and urlencoded bodies, and leaves other bodies alone', () => {
    const r = new Redactor();
    expect(JSON.parse(r.body('{"user":"ann","password":"x","deep":[{"token":"t"}]}')!)).toEqual({ user: 'ann', password: REDACTED, deep: [{ token: REDACTED }] });
    const clean = '{ "title": "buy milk" }';
    expect(r.body(clean)).toBe(clean); // formatting kept when nothing changed
    expect(r.body('{"password": oops')).toBe('{"password": oops'); // not JSON: as is
    expect(r.body('password=x')).toBe('password=x'); // no content type: as is
    expect(r.body('user=ann&password=x', 'application/x-www-form-urlencoded')).toBe(`user=ann&password=${encodeURIComponent(REDACTED)}`);
    expect(r.body(null)).toBeNull();
    expect(r.body('')).toBe('');
    // Escaped keys are found too ("pass\u0077ord" is "password").
    expect(JSON.parse(r.body('{"pass\\u0077ord":"x"}')!)).toEqual({ password: REDACTED });
  });

  it('redacts what JSON.stringify would store, toJSON included', () => {
    const r = new Redactor();
    const custom = { toJSON: () => ({ password: 'x', ok: 1 }) };
    expect(JSON.parse(r.json({ wrapped: custom }, (v) => JSON.stringify(v))!)).toEqual({ wrapped: { password: REDACTED, ok: 1 } });
  });

  it('adds extra names on top of the built-in rules: whole names (case-insensitive, * for anything) and regexes', () => {
    const r = new Redactor({ extra: ['session', 'x-internal-*', /^card/i, /pin$/g] });
    expect(r.value({ session: 's', sessionId: 'kept', SESSION: 's', cardNumber: '4111', discard: 'kept', password: 'p', pin: 1, spin: 2, pinned: 3 }))
      .toEqual({ session: REDACTED, sessionId: 'kept', SESSION: REDACTED, cardNumber: REDACTED, discard: 'kept', password: REDACTED, pin: REDACTED, spin: REDACTED, pinned: 3 });
    expect(r.headers({ 'X-Internal-Trace': 'a', 'x-internal': 'kept', Authorization: 'b', Session: 'c', accept: '*/*' }))
      .toEqual({ 'X-Internal-Trace': REDACTED, 'x-internal': 'kept', Authorization: REDACTED, Session: REDACTED, accept: '*/*' });
    expect(r.body('name=ann&session=s1', 'application/x-www-form-urlencoded')).toBe(`name=ann&session=${encodeURIComponent(REDACTED)}`);
    // Bodies: the text prefilter still finds names an anchored regex or a glob matches.
    expect(JSON.parse(r.body('{"a":{"cardHolder":"ann"},"list":[{"x-internal-id":1}]}')!)).toEqual({ a: { cardHolder: REDACTED }, list: [{ 'x-internal-id': REDACTED }] });
    const clean = '{ "title": "buy milk" }';
    expect(r.body(clean)).toBe(clean);
    // Regex characters in a string pattern are literal.
    expect(new Redactor({ extra: ['a.b'] }).value({ 'a.b': 1, axb: 2 })).toEqual({ 'a.b': REDACTED, axb: 2 });
  });

  it("redacts a record's user-data fields (what the store redacts), keeps the rest, and shares an unchanged record", () => {
    const redactor = new Redactor({ extra: [/^card/i] });
    const record = { seq: 3, token: 'engine-field', args: { password: 'p', cardNo: 'c' }, result: { ok: true }, detail: { apiKey: 'k' }, rngState: { password: 'kept' } };
    expect(redactor.record(record)).toEqual({ ...record, args: { password: REDACTED, cardNo: REDACTED }, detail: { apiKey: REDACTED } });
    expect(record.args.password).toBe('p');
    const clean = { seq: 1, args: { user: 'ann' }, config: { team: 'red' }, initialState: null, params: { level: 2 } };
    expect(redactor.record(clean)).toBe(clean);
    expect(redactor.record({ config: { cardHolder: 'ann' }, initialState: { token: 't' }, params: { apiToken: 'x' } }))
      .toEqual({ config: { cardHolder: REDACTED }, initialState: { token: REDACTED }, params: { apiToken: REDACTED } });
  });

  it('redacts secret query parameters and user-info passwords in urls, keeping the rest of the text', () => {
    const r = new Redactor({ extra: ['session'] });
    expect(r.url('/a?access_token=t1&API_KEY=k1&page=2#top')).toBe(`/a?access_token=${REDACTED}&API_KEY=${REDACTED}&page=2#top`);
    expect(r.url('https://ann:pw1@h.example/x?q=a%20b&Session=s')).toBe(`https://ann:${REDACTED}@h.example/x?q=a%20b&Session=${REDACTED}`);
    // A name as the server decodes it; a parameter without a value has nothing to hide.
    expect(r.url('/x?api%5Fkey=k&client+secret=c&password')).toBe(`/x?api%5Fkey=${REDACTED}&client+secret=${REDACTED}&password`);
    for (const same of ['/plain', '/x?page=2&view=full', 'https://h.example/reset/tok-in-path', `/x?token=${REDACTED}`]) expect(r.url(same)).toBe(same);
    expect(redactUrl('/x?session=s')).toBe('/x?session=s'); // a config pattern is not a built-in rule
  });

  it('redacts free text (error messages): urls in it, and name=value, name: value and "name":"value" pairs with secret names', () => {
    const r = new Redactor({ extra: [/^card/i] });
    const cases: Array<[string, string]> = [
      ['response to GET http://h:1/x?api_key=K1&page=2 is not JSON (status 200, text/html): "<p>token=K2</p>"',
        'response to GET http://h:1/x?api_key=[redacted]&page=2 is not JSON (status 200, text/html): "<p>token=[redacted]</p>"'],
      ['cannot reach https://ann:K3@h/ok: refused', 'cannot reach https://ann:[redacted]@h/ok: refused'],
      ['login failed: password=K4, user=ann', 'login failed: password=[redacted], user=ann'],
      ['bad body: {"token":"K5","user":"ann"}', 'bad body: {"token":"[redacted]","user":"ann"}'],
      ['not JSON: "{\\"password\\":\\"K6\\",\\"x\\":1}"', 'not JSON: "{\\"password\\":\\"[redacted]\\",\\"x\\":1}"'],
      ['card: K7 declined', 'card: [redacted] declined'],
      ['GET /pay?card_number=K8 failed', 'GET /pay?card_number=[redacted] failed'],
    ];
    for (const [text, redacted] of cases) expect(r.text(text)).toBe(redacted);
    // Nothing to hide: the same string, also when it is already redacted.
    for (const text of ['a user named ann, page=2', 'api_key=[redacted] and "token":"[redacted]"']) expect(r.text(text)).toBe(text);
  });

  it('a recorded url with [redacted] parts matches any value there, and nothing else', () => {
    const recorded = `/a?access_token=${REDACTED}&page=2`;
    expect(urlMatchesRecording(recorded, '/a?access_token=t-123&page=2')).toBe(true);
    expect(urlMatchesRecording(recorded, '/a?access_token=&page=2')).toBe(true);
    expect(urlMatchesRecording(recorded, '/a?access_token=t-123&page=3')).toBe(false);
    expect(urlMatchesRecording(recorded, '/a?access_token=t&x=1&page=2')).toBe(false);
    expect(urlMatchesRecording('/a.b?q=1', '/axb?q=1')).toBe(false); // the rest is literal text
    expect(urlMatchesRecording(`https://ann:${REDACTED}@h/x`, 'https://ann:pw@h/x')).toBe(true);
  });

  it('extends its rules with more names (with), the same redactor when there are none', () => {
    const r = new Redactor({ extra: ['session'] });
    expect(r.with(undefined)).toBe(r);
    expect(r.with([])).toBe(r);
    const more = r.with([/^pin$/]);
    expect(more.value({ session: 's', pin: 1, password: 'p', note: 'n' })).toEqual({ session: REDACTED, pin: REDACTED, password: REDACTED, note: 'n' });
    expect(r.value({ pin: 1 })).toEqual({ pin: 1 });
  });

  it('honours anchored field regexes (no text prefilter shortcut)', () => {
    const r = new Redactor({ fields: /^pin$/ });
    expect(JSON.parse(r.jsonText('{"pin":"1234","pinned":true}'))).toEqual({ pin: REDACTED, pinned: true });
  });
});

describe('the writer redacts before writing', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('in run config, actor config/state, action args/result, complaint and event detail, exchanges', async () => {
    const store = await openStore(join(dir, 'runs.duckdb'));
    try {
      const config = { targetUrl: 'http://x', auth: { password: 'p' } };
      const w = await beginTestRun(store, { config });
      const args = { user: 'ann', password: 'hunter2' };
      const ex = exchange(w.runId, 0, 0, {
        requestHeaders: { Authorization: 'Bearer secret-token', 'content-type': 'application/json' },
        requestBody: '{"user":"ann","password":"hunter2"}',
        responseHeaders: { 'set-cookie': 'sid=abc', 'content-type': 'application/x-www-form-urlencoded' },
        responseBody: 'session_token=abc&user=ann',
      });
      const originals = structuredClone({ config, args, ex });
      w.addActor(actor(w.runId, 0, { config: { apiKey: 'k' }, initialState: { creds: { secret: 's' } }, rngState: { token: 'kept for replay' } }));
      w.addAction(action(w.runId, 0, { args, result: { id: 1, accessToken: 'at' } }));
      w.addAction(action(w.runId, 1, { outcome: 'error', error: 'response to GET http://x/me?token=hunter2 is not JSON: "password=hunter2"' }));
      w.addComplaint(complaint(w.runId, 0, { detail: { request: { password: 'p' } } }));
      w.addEvent(event(w.runId, 0, { detail: { passwd: 'x' } }));
      w.addExchange(ex);
      await w.finish({ status: 'completed', simDurationMs: 1, stopReason: 'duration', error: null });

      expect({ config, args, ex }).toEqual(originals); // caller's objects untouched
      expect((await store.getRun(w.runId))!.config).toEqual({ targetUrl: 'http://x', auth: { password: REDACTED } });
      const [a] = await store.actors(w.runId);
      expect([a!.config, a!.initialState, a!.rngState]).toEqual([{ apiKey: REDACTED }, { creds: { secret: REDACTED } }, { token: 'kept for replay' }]);
      const [act, failed] = await store.actions(w.runId);
      expect([act!.args, act!.result]).toEqual([{ user: 'ann', password: REDACTED }, { id: 1, accessToken: REDACTED }]);
      expect(failed!.error).toBe('response to GET http://x/me?token=[redacted] is not JSON: "password=[redacted]"');
      expect((await store.complaints(w.runId))[0]!.detail).toEqual({ request: { password: REDACTED } });
      expect((await store.events(w.runId))[0]!.detail).toEqual({ passwd: REDACTED });
      const [x] = await store.exchanges(w.runId);
      expect(x!.requestHeaders).toEqual({ Authorization: REDACTED, 'content-type': 'application/json' });
      expect(JSON.parse(x!.requestBody!)).toEqual({ user: 'ann', password: REDACTED });
      expect(x!.responseHeaders['set-cookie']).toBe(REDACTED);
      expect(new URLSearchParams(x!.responseBody!).get('session_token')).toBe(REDACTED);
      // Nothing secret anywhere in the file's rows.
      const dump = JSON.stringify(await store.sql(`SELECT * FROM actions UNION ALL BY NAME SELECT * FROM exchanges`), (_k, v: unknown) => typeof v === 'bigint' ? Number(v) : v);
      expect(dump).not.toMatch(/hunter2|secret-token|sid=abc/);
    } finally {
      await store.close();
    }
  });

  it('with extra names from the store options, in everything it writes', async () => {
    const store = await openStore(join(dir, 'extra.duckdb'), { redact: { extra: ['session', /^card/i] } });
    try {
      const w = await beginTestRun(store);
      w.addActor(actor(w.runId, 0, { config: { cardNumber: '4111', team: 'red' }, initialState: { session: 's1' } }));
      w.addAction(action(w.runId, 0, { args: { session: 's1', name: 'ann' }, result: { CardToken: 'c' } }));
      w.addExchange(exchange(w.runId, 0, 0, { requestHeaders: { session: 's1', accept: '*/*' }, requestBody: '{"cardNumber":"4111"}' }));
      await w.flush();
      expect((await store.actions(w.runId))[0]).toMatchObject({ args: { session: REDACTED, name: 'ann' }, result: { CardToken: REDACTED } });
      expect((await store.actors(w.runId))[0]).toMatchObject({ config: { cardNumber: REDACTED, team: 'red' }, initialState: { session: REDACTED } });
      const x = (await store.exchanges(w.runId))[0]!;
      expect(x.requestHeaders).toEqual({ session: REDACTED, accept: '*/*' });
      expect(JSON.parse(x.requestBody!)).toEqual({ cardNumber: REDACTED });
    } finally {
      await store.close();
    }
  });

  it("in exchange urls, a replay's comparison, and with a run's own names (a simulation's redact) on top of the store's", async () => {
    const store = await openStore(join(dir, 'per-run.duckdb'), { redact: { extra: ['session'] } });
    try {
      const w = await beginTestRun(store, { redact: ['pin'], config: { pin: 1, session: 's' } });
      w.addAction(action(w.runId, 0, { args: { pin: 1234, session: 's1', name: 'ann' } }));
      w.addExchange(exchange(w.runId, 0, 0, { url: '/login?pin=1234&access_token=t&page=1' }));
      const comparison = { divergences: 1, first: { kind: 'extra', args: { password: 'p', pin: 1 } } };
      await w.finish({ status: 'completed', simDurationMs: 1, stopReason: 'duration', error: null, comparison });
      const run = (await store.getRun(w.runId))!;
      expect(run.config).toEqual({ pin: REDACTED, session: REDACTED });
      expect(run.comparison).toEqual({ divergences: 1, first: { kind: 'extra', args: { password: REDACTED, pin: REDACTED } } });
      expect((await store.actions(w.runId))[0]!.args).toEqual({ pin: REDACTED, session: REDACTED, name: 'ann' });
      expect((await store.exchanges(w.runId))[0]!.url).toBe(`/login?pin=${REDACTED}&access_token=${REDACTED}&page=1`);
      // The run's names are its own: the next run of the store does not inherit them.
      const other = await beginTestRun(store);
      other.addAction(action(other.runId, 0, { args: { pin: 1234 } }));
      await other.flush();
      expect((await store.actions(other.runId))[0]!.args).toEqual({ pin: 1234 });
    } finally {
      await store.close();
    }
  });

  it('can be turned off or configured per store', async () => {
    const store = await openStore(join(dir, 'runs.duckdb'), { redact: false });
    const custom = await openStore(':memory:', { redact: { fields: /^pin$/ } });
    try {
      const w = await beginTestRun(store);
      w.addAction(action(w.runId, 0, { args: { password: 'p' } }));
      await w.flush();
      expect((await store.actions(w.runId))[0]!.args).toEqual({ password: 'p' });
      const c = await beginTestRun(custom);
      c.addAction(action(c.runId, 0, { args: { password: 'p', pin: 1 } }));
      await c.flush();
      expect((await custom.actions(c.runId))[0]!.args).toEqual({ password: 'p', pin: REDACTED });
    } finally {
      await store.close();
      await custom.close();
    }
  });
});
