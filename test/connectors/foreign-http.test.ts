import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { actionScope } from '../../src/connectors/action-scope.ts';
import type { ActionScope } from '../../src/connectors/action-scope.ts';
import type { ExchangeSource } from '../../src/connectors/exchange-source.ts';
import { ForeignHttp, ForeignReplayError } from '../../src/connectors/foreign-http.ts';
import type { ForeignMismatch } from '../../src/connectors/foreign-http.ts';
import type { HttpExchange } from '../../src/connectors/http-client.ts';
import type { ExchangeRecord } from '../../src/store/records.ts';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

interface TestServer {
  url: string;
  requests: () => number;
  close: () => Promise<void>;
}

const servers: Server[] = [];
const applied: ForeignHttp[] = [];

afterEach(async () => {
  for (const foreign of applied.splice(0)) foreign.dispose();
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  })));
});

async function startServer(handler: Handler): Promise<TestServer> {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Answers JSON `{ method, url, body, n }` with status 201 for POST, 200 otherwise; `n` counts requests. */
async function echoServer(): Promise<TestServer> {
  let n = 0;
  return startServer((req, body, res) => {
    res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json', 'x-answer': String(n) });
    res.end(JSON.stringify({ method: req.method, url: req.url, body, n: n++ }));
  });
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface NodeResponse { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

function nodeRequest(url: string, options: { method?: string; body?: string; headers?: Record<string, string>; agent?: http.Agent } = {}): Promise<NodeResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: options.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

interface FakeScope extends ActionScope {
  recorded: { n: number; exchange: HttpExchange }[];
  /** Resolves once `ready()` holds; checked again after every record() call. */
  until: (ready: () => boolean) => Promise<void>;
  /** Resolves once every exchange this scope numbered has been recorded. */
  allRecorded: () => Promise<void>;
}

/** A scope like the engine's: counts exchanges, keeps what is recorded (in the order record() is called). */
function fakeScope(actionSeq: number): FakeScope {
  let next = 0;
  const recorded: { n: number; exchange: HttpExchange }[] = [];
  const waiters: { ready: () => boolean; resolve: () => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      if (!waiter.ready()) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  const until = (ready: () => boolean) => new Promise<void>((resolve) => {
    waiters.push({ ready, resolve });
    check();
  });
  return {
    actionSeq, recorded, until,
    nextExchange: () => next++,
    record: (n, exchange) => {
      recorded.push({ n, exchange });
      check();
    },
    allRecorded: () => until(() => recorded.length >= next),
  };
}

/**
 * Waits until every exchange the scope numbered has been recorded (bodies are read after the
 * client got its response), then checks how many there are.
 */
async function recordedCount(scope: FakeScope, count: number): Promise<void> {
  await scope.allRecorded();
  expect(scope.recorded.length).toBe(count);
}

function byN(scope: { recorded: { n: number; exchange: HttpExchange }[] }): HttpExchange[] {
  return [...scope.recorded].sort((a, b) => a.n - b.n).map((r) => r.exchange);
}

function apply(foreign: ForeignHttp): ForeignHttp {
  applied.push(foreign);
  foreign.apply();
  return foreign;
}

/** An in-memory source; urls of `server` are stored by path, like the engine stores the target's exchanges. */
function sourceOf(recordings: { actionSeq: number; exchanges: HttpExchange[] }[], targetOrigin?: string): ExchangeSource & { finds: number } {
  const rows = new Map<string, ExchangeRecord>();
  for (const { actionSeq, exchanges } of recordings) {
    exchanges.forEach((exchange, n) => {
      const url = targetOrigin && exchange.url.startsWith(targetOrigin + '/') ? exchange.url.slice(targetOrigin.length) : exchange.url;
      rows.set(`${actionSeq}/${n}`, { ...exchange, url, runId: 'run-1', actionSeq, n });
    });
  }
  const source = {
    finds: 0,
    find(actionSeq: number, n: number) {
      source.finds++;
      return rows.get(`${actionSeq}/${n}`);
    },
  };
  return source;
}

function exchange(partial: Partial<HttpExchange> & Pick<HttpExchange, 'method' | 'url'>): HttpExchange {
  return {
    protocol: 'http', requestHeaders: {}, requestBody: null, status: 200, responseHeaders: { 'content-type': 'text/plain' },
    responseBody: '', error: null, wallStartUs: 0, durationMs: 1, ...partial,
  };
}

describe('ForeignHttp record mode', () => {
  it('records fetch GET/POST and node:http GET/POST made inside a scope', async () => {
    const server = await echoServer();
    const foreign = apply(ForeignHttp.record());
    expect(foreign.mode).toBe('record');
    const scope = fakeScope(12);
    await actionScope.run(scope, async () => {
      const a = await fetch(`${server.url}/todos?x=1`, { headers: { 'X-User': 'u1' } });
      expect(await a.json()).toMatchObject({ method: 'GET', url: '/todos?x=1' });
      const b = await fetch(`${server.url}/todos`, { method: 'POST', body: JSON.stringify({ title: 'milk' }), headers: { 'content-type': 'application/json' } });
      expect(b.status).toBe(201);
      const c = await nodeRequest(`${server.url}/items/1`, { headers: { 'X-Trace': 't-1' } });
      expect(c.status).toBe(200);
      const d = await nodeRequest(`${server.url}/items`, { method: 'POST', body: 'plain body', headers: { 'Content-Type': 'text/plain' } });
      expect(JSON.parse(d.body.toString())).toMatchObject({ method: 'POST', body: 'plain body' });
    });
    await recordedCount(scope, 4);
    const [a, b, c, d] = byN(scope);
    expect(a).toMatchObject({
      protocol: 'http', method: 'GET', url: `${server.url}/todos?x=1`, requestBody: null, status: 200, error: null,
      responseBody: JSON.stringify({ method: 'GET', url: '/todos?x=1', body: '', n: 0 }),
    });
    expect(a!.requestHeaders['x-user']).toBe('u1');
    expect(a!.responseHeaders).toMatchObject({ 'content-type': 'application/json', 'x-answer': '0' });
    expect(b).toMatchObject({ method: 'POST', url: `${server.url}/todos`, requestBody: '{"title":"milk"}', status: 201 });
    expect(b!.requestHeaders['content-type']).toBe('application/json');
    expect(JSON.parse(b!.responseBody!)).toMatchObject({ body: '{"title":"milk"}', n: 1 });
    expect(c).toMatchObject({ method: 'GET', url: `${server.url}/items/1`, requestBody: null, status: 200 });
    expect(c!.requestHeaders['x-trace']).toBe('t-1');
    expect(c!.responseHeaders['x-answer']).toBe('2');
    expect(d).toMatchObject({ method: 'POST', url: `${server.url}/items`, requestBody: 'plain body', status: 201 });
    expect(d!.requestHeaders['content-type']).toBe('text/plain');
    for (const ex of [a, b, c, d]) {
      expect(Object.keys(ex!.requestHeaders).every((name) => name === name.toLowerCase())).toBe(true);
      expect(Object.keys(ex!.responseHeaders).every((name) => name === name.toLowerCase())).toBe(true);
      expect(ex!.requestHeaders).not.toHaveProperty('x-interceptors-internal-request-id');
      expect(ex!.durationMs).toBeGreaterThan(0);
      expect(Number.isFinite(ex!.wallStartUs)).toBe(true);
    }
    expect(a!.wallStartUs).toBeLessThan(d!.wallStartUs);
  });

  it('numbers exchanges in the order the requests start, not the order they finish', async () => {
    const held = new Map<string, ServerResponse>();
    let allArrived!: () => void;
    const arrived = new Promise<void>((resolve) => (allArrived = resolve));
    const server = await startServer((req, _body, res) => {
      held.set(req.url!, res);
      if (held.size === 3) allArrived();
    });
    apply(ForeignHttp.record());
    const scope = fakeScope(3);
    const requests = actionScope.run(scope, () => Promise.all([
      fetch(`${server.url}/slow`).then((r) => r.text()),
      nodeRequest(`${server.url}/medium`),
      fetch(`${server.url}/fast`).then((r) => r.text()),
    ]));
    // The server answers in the opposite order, each answer once the one before it is recorded.
    await arrived;
    for (const [i, url] of ['/fast', '/medium', '/slow'].entries()) {
      held.get(url)!.end(url);
      await scope.until(() => scope.recorded.length > i);
    }
    await requests;
    await recordedCount(scope, 3);
    // record() calls arrive as responses finish...
    expect(scope.recorded.map((r) => new URL(r.exchange.url).pathname)).toEqual(['/fast', '/medium', '/slow']);
    // ...each under the n it got when it started (fetch starts synchronously, node:http on the next tick)
    expect(byN(scope).map((ex) => new URL(ex.url).pathname)).toEqual(['/slow', '/fast', '/medium']);
  });

  it('leaves requests outside any scope alone and records each scope under its own action', async () => {
    const server = await echoServer();
    apply(ForeignHttp.record());
    const outside = await fetch(`${server.url}/outside`);
    expect(outside.status).toBe(200);
    expect((await nodeRequest(`${server.url}/outside-node`)).status).toBe(200);
    const one = fakeScope(1);
    const two = fakeScope(2);
    await Promise.all([
      actionScope.run(one, () => fetch(`${server.url}/one`).then((r) => r.text())),
      actionScope.run(two, () => nodeRequest(`${server.url}/two`)),
    ]);
    // Every exchange each scope numbered is recorded: an outside request taken for one of them would be numbered too.
    await recordedCount(one, 1);
    await recordedCount(two, 1);
    expect(one.recorded.map((r) => [r.n, new URL(r.exchange.url).pathname])).toEqual([[0, '/one']]);
    expect(two.recorded.map((r) => [r.n, new URL(r.exchange.url).pathname])).toEqual([[0, '/two']]);
    expect(server.requests()).toBe(4);
  });

  it('records network failures with status null and the error, for fetch and node:http', async () => {
    const port = await closedPort();
    apply(ForeignHttp.record());
    const scope = fakeScope(5);
    await actionScope.run(scope, async () => {
      await expect(fetch(`http://127.0.0.1:${port}/down`)).rejects.toThrow('fetch failed');
      await expect(nodeRequest(`http://127.0.0.1:${port}/down-node`)).rejects.toThrow('ECONNREFUSED');
    });
    await recordedCount(scope, 2);
    const [viaFetch, viaNode] = byN(scope);
    expect(viaFetch).toMatchObject({ status: null, responseBody: null, responseHeaders: {}, url: `http://127.0.0.1:${port}/down` });
    expect(viaFetch!.error).toMatch(/^fetch failed: connect ECONNREFUSED/);
    expect(viaNode).toMatchObject({ status: null, responseBody: null, error: `connect ECONNREFUSED 127.0.0.1:${port}` });
  });

  it('records an aborted node:http request once, as a failure', async () => {
    let received!: () => void;
    const arrived = new Promise<void>((resolve) => (received = resolve));
    const server = await startServer(() => received()); // never answers
    apply(ForeignHttp.record());
    const scope = fakeScope(9);
    await actionScope.run(scope, () => new Promise<void>((resolve) => {
      const req = http.get(`${server.url}/hang`);
      req.on('error', () => resolve());
      void arrived.then(() => req.destroy(new Error('gave up')));
    }));
    await recordedCount(scope, 1);
    expect(scope.recorded[0]!.exchange).toMatchObject({ status: null, url: `${server.url}/hang` });
    expect(scope.recorded[0]!.exchange.error).toMatch(/gave up|aborted/);
  });

  it('records gzip bodies decoded, for node:http (raw bytes) as for fetch (decoded by undici)', async () => {
    const server = await startServer((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      res.end(zlib.gzipSync('compressed hello'));
    });
    apply(ForeignHttp.record());
    const scope = fakeScope(1);
    await actionScope.run(scope, async () => {
      expect(await (await fetch(`${server.url}/gz`)).text()).toBe('compressed hello');
      expect(zlib.gunzipSync((await nodeRequest(`${server.url}/gz`)).body).toString()).toBe('compressed hello');
    });
    await recordedCount(scope, 2);
    expect(byN(scope).map((ex) => [ex.responseBody, ex.responseHeaders['content-encoding']])).toEqual([['compressed hello', 'gzip'], ['compressed hello', 'gzip']]);
  });
});

describe('ForeignHttp serve mode (offline replay)', () => {
  /** Records `run(scope)` against a live server, then stops the server. */
  async function recordThenStop(server: TestServer, actionSeq: number, run: () => Promise<unknown>): Promise<HttpExchange[]> {
    const recorder = apply(ForeignHttp.record());
    const scope = fakeScope(actionSeq);
    await actionScope.run(scope, run);
    await scope.allRecorded();
    recorder.dispose();
    await server.close();
    return byN(scope);
  }

  it('answers fetch and node:http from the recording with the server stopped', async () => {
    const server = await echoServer();
    const recorded = await recordThenStop(server, 4, async () => {
      await fetch(`${server.url}/todos?x=1`).then((r) => r.text());
      await fetch(`${server.url}/todos`, { method: 'POST', body: 'milk' }).then((r) => r.text());
      await nodeRequest(`${server.url}/todos/1`);
      await nodeRequest(`${server.url}/todos`, { method: 'POST', body: 'eggs' });
    });
    await expect(fetch(`${server.url}/todos`)).rejects.toThrow('fetch failed'); // really stopped
    const source = sourceOf([{ actionSeq: 4, exchanges: recorded }], server.url);
    const mismatches: ForeignMismatch[] = [];
    const foreign = apply(ForeignHttp.serve(source, { onMismatch: (m) => mismatches.push(m) }));
    expect(foreign.mode).toBe('serve');
    await actionScope.run(fakeScope(4), async () => {
      const a = await fetch(`${server.url}/todos?x=1`);
      expect(a.status).toBe(200);
      expect(a.headers.get('x-answer')).toBe('0');
      expect(await a.json()).toEqual({ method: 'GET', url: '/todos?x=1', body: '', n: 0 });
      const b = await fetch(`${server.url}/todos`, { method: 'POST', body: 'milk' });
      expect(b.status).toBe(201);
      expect(await b.json()).toEqual({ method: 'POST', url: '/todos', body: 'milk', n: 1 });
      const c = await nodeRequest(`${server.url}/todos/1`);
      expect(c.status).toBe(200);
      expect(c.headers['x-answer']).toBe('2');
      expect(c.headers['content-length']).toBe(String(c.body.length));
      expect(JSON.parse(c.body.toString())).toEqual({ method: 'GET', url: '/todos/1', body: '', n: 2 });
      const d = await nodeRequest(`${server.url}/todos`, { method: 'POST', body: 'eggs' });
      expect(d.status).toBe(201);
      expect(JSON.parse(d.body.toString())).toEqual({ method: 'POST', url: '/todos', body: 'eggs', n: 3 });
    });
    expect(mismatches).toEqual([]);
    expect(source.finds).toBe(4);
  });

  it('gives repeated identical requests their own recorded answers, in order', async () => {
    let hits = 0;
    const server = await startServer((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`hit ${hits++}`);
    });
    const recorded = await recordThenStop(server, 8, async () => {
      for (let i = 0; i < 3; i++) await fetch(`${server.url}/counter`).then((r) => r.text());
      for (let i = 0; i < 2; i++) await nodeRequest(`${server.url}/counter`);
    });
    expect(recorded.map((ex) => ex.responseBody)).toEqual(['hit 0', 'hit 1', 'hit 2', 'hit 3', 'hit 4']);
    apply(ForeignHttp.serve(sourceOf([{ actionSeq: 8, exchanges: recorded }], server.url)));
    const answers: string[] = [];
    await actionScope.run(fakeScope(8), async () => {
      for (let i = 0; i < 3; i++) answers.push(await (await fetch(`${server.url}/counter`)).text());
      for (let i = 0; i < 2; i++) answers.push((await nodeRequest(`${server.url}/counter`)).body.toString());
    });
    expect(answers).toEqual(['hit 0', 'hit 1', 'hit 2', 'hit 3', 'hit 4']);
  });

  it('matches by (action seq, n): another action gets its own recording', async () => {
    const source = sourceOf([
      { actionSeq: 1, exchanges: [exchange({ method: 'GET', url: '/who', responseBody: 'action one' })] },
      { actionSeq: 2, exchanges: [exchange({ method: 'GET', url: '/who', responseBody: 'action two' })] },
    ]);
    apply(ForeignHttp.serve(source));
    const two = await actionScope.run(fakeScope(2), () => fetch('http://127.0.0.1:9/who').then((r) => r.text()));
    const one = await actionScope.run(fakeScope(1), () => nodeRequest('http://127.0.0.1:9/who'));
    expect([one.body.toString(), two]).toEqual(['action one', 'action two']);
  });

  it('serves node:https and https fetch requests too (absolute urls of other origins)', async () => {
    const source = sourceOf([{
      actionSeq: 2,
      exchanges: [
        exchange({ method: 'GET', url: 'https://api.example.test/v1/me', responseHeaders: { 'content-type': 'application/json' }, responseBody: '{"id":"me"}' }),
        exchange({ method: 'GET', url: 'https://api.example.test/v1/me', responseHeaders: { 'content-type': 'application/json' }, responseBody: '{"id":"me again"}' }),
      ],
    }]);
    apply(ForeignHttp.serve(source));
    await actionScope.run(fakeScope(2), async () => {
      const viaHttps = await new Promise<string>((resolve, reject) => {
        https.get('https://api.example.test/v1/me', (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => { body += chunk.toString(); });
          res.on('end', () => resolve(body));
        }).on('error', reject);
      });
      expect(viaHttps).toBe('{"id":"me"}');
      expect(await (await fetch('https://api.example.test/v1/me')).json()).toEqual({ id: 'me again' });
    });
  });

  it('fails a request without a recording like a network error, with a clear message', async () => {
    apply(ForeignHttp.serve(sourceOf([{ actionSeq: 6, exchanges: [exchange({ method: 'GET', url: '/only' })] }])));
    await actionScope.run(fakeScope(6), async () => {
      await fetch('http://127.0.0.1:9/only');
      const viaFetch = await fetch('http://127.0.0.1:9/more').then(() => null, (error: unknown) => error);
      expect(viaFetch).toBeInstanceOf(ForeignReplayError);
      expect(viaFetch).toBeInstanceOf(TypeError);
      expect((viaFetch as ForeignReplayError).message).toBe('no recorded exchange #1 for action seq 6 (offline replay): GET http://127.0.0.1:9/more');
      expect(viaFetch).toMatchObject({ reason: 'no-recording', actionSeq: 6, n: 1, code: 'ERR_BEAMULATOR_REPLAY' });
      await expect(nodeRequest('http://127.0.0.1:9/more')).rejects.toThrow('no recorded exchange #2 for action seq 6 (offline replay)');
    });
  });

  it('fails requests outside any action', async () => {
    apply(ForeignHttp.serve(sourceOf([])));
    await expect(fetch('http://127.0.0.1:9/x')).rejects.toThrow('offline replay: request outside an action (GET http://127.0.0.1:9/x)');
    await expect(nodeRequest('http://127.0.0.1:9/y', { method: 'DELETE' })).rejects.toMatchObject({ reason: 'outside-action', message: 'offline replay: request outside an action (DELETE http://127.0.0.1:9/y)' });
  });

  it('serves a recorded failure back as a network error carrying the original code', async () => {
    const failed = exchange({ method: 'GET', url: 'http://api.example.test/x', status: null, responseHeaders: {}, responseBody: null, error: 'connect ECONNREFUSED 10.0.0.1:443' });
    apply(ForeignHttp.serve(sourceOf([{ actionSeq: 1, exchanges: [failed, failed] }])));
    await actionScope.run(fakeScope(1), async () => {
      await expect(fetch('http://api.example.test/x')).rejects.toMatchObject({
        reason: 'recorded-failure', code: 'ECONNREFUSED',
        message: 'recorded network error replayed (exchange #0 of action seq 1): connect ECONNREFUSED 10.0.0.1:443',
      });
      await expect(nodeRequest('http://api.example.test/x')).rejects.toMatchObject({ reason: 'recorded-failure', code: 'ECONNREFUSED' });
    });
  });

  it('on a method/url mismatch reports it and, by default, fails the request naming both', async () => {
    const source = sourceOf([{
      actionSeq: 3,
      exchanges: [
        exchange({ method: 'GET', url: '/todos?page=1', responseBody: 'page one' }),
        exchange({ method: 'POST', url: 'http://other.test/hook', status: 202, responseBody: 'accepted' }),
        exchange({ method: 'GET', url: '/todos?page=2', responseBody: 'page two' }),
      ],
    }]);
    const mismatches: ForeignMismatch[] = [];
    apply(ForeignHttp.serve(source, { onMismatch: (m) => mismatches.push(m) }));
    await actionScope.run(fakeScope(3), async () => {
      expect(await (await fetch('http://127.0.0.1:9/todos?page=1')).text()).toBe('page one');
      await expect(nodeRequest('http://other.test/hook', { method: 'PUT', body: 'x' })).rejects.toMatchObject({
        reason: 'mismatch', n: 1,
        message: 'offline replay diverged at exchange #1 of action seq 3: recorded POST http://other.test/hook, the action sent PUT http://other.test/hook',
      });
      await expect(fetch('http://127.0.0.1:9/todos?page=3')).rejects.toThrow(
        'offline replay diverged at exchange #2 of action seq 3: recorded GET /todos?page=2, the action sent GET /todos?page=3');
    });
    expect(mismatches).toEqual([
      // The PUT also sent a body where the recorded POST had none.
      { actionSeq: 3, n: 1, expected: { method: 'POST', url: 'http://other.test/hook', body: null }, actual: { method: 'PUT', url: 'http://other.test/hook', body: 'x' } },
      { actionSeq: 3, n: 2, expected: { method: 'GET', url: '/todos?page=2' }, actual: { method: 'GET', url: '/todos?page=3' } },
    ]);
  });

  it('compares request bodies (a recorded [redacted] matches anything) and records what it served into the replay', async () => {
    const source = sourceOf([{
      actionSeq: 5,
      exchanges: [
        exchange({ method: 'POST', url: '/login', requestBody: '{"user":"ann","password":"[redacted]"}', responseBody: 'welcome' }),
        exchange({ method: 'POST', url: '/todos', requestBody: '{"title":"milk"}', status: 201, responseBody: 'created' }),
      ],
    }]);
    const mismatches: ForeignMismatch[] = [];
    apply(ForeignHttp.serve(source, { onMismatch: (m) => mismatches.push(m) }));
    const scope = fakeScope(5);
    await actionScope.run(scope, async () => {
      const login = await fetch('http://127.0.0.1:9/login', { method: 'POST', body: '{"user":"ann","password":"hunter2"}', headers: { 'content-type': 'application/json' } });
      expect(await login.text()).toBe('welcome');
      await expect(nodeRequest('http://127.0.0.1:9/todos', { method: 'POST', body: '{"title":"bread"}' })).rejects.toMatchObject({
        reason: 'mismatch', n: 1, message: 'offline replay diverged at exchange #1 of action seq 5: recorded POST /todos with another body',
      });
    });
    expect(mismatches).toEqual([
      { actionSeq: 5, n: 1, expected: { method: 'POST', url: '/todos', body: '{"title":"milk"}' }, actual: { method: 'POST', url: '/todos', body: '{"title":"bread"}' } },
    ]);
    // Both requests are recorded as the replay's exchanges: the served answer, and the refusal.
    const served = byN(scope);
    expect(served.map((e) => [e.method, e.url, e.requestBody, e.status, e.responseBody])).toEqual([
      ['POST', 'http://127.0.0.1:9/login', '{"user":"ann","password":"hunter2"}', 200, 'welcome'],
      ['POST', 'http://127.0.0.1:9/todos', '{"title":"bread"}', null, null],
    ]);
    expect(served[1]!.error).toBe('offline replay diverged at exchange #1 of action seq 5: recorded POST /todos with another body');
  });

  it("with mismatch: 'serve' reports the mismatch and answers with the recording anyway", async () => {
    const source = sourceOf([{ actionSeq: 1, exchanges: [exchange({ method: 'GET', url: '/feed?ts=100', responseBody: 'feed' })] }]);
    const mismatches: ForeignMismatch[] = [];
    apply(ForeignHttp.serve(source, { onMismatch: (m) => mismatches.push(m), mismatch: 'serve' }));
    const body = await actionScope.run(fakeScope(1), () => fetch('http://127.0.0.1:9/feed?ts=200').then((r) => r.text()));
    expect(body).toBe('feed');
    expect(mismatches).toEqual([{ actionSeq: 1, n: 0, expected: { method: 'GET', url: '/feed?ts=100' }, actual: { method: 'GET', url: '/feed?ts=200' } }]);
  });

  it('a throwing onMismatch fails the request with that error (never a made-up 500)', async () => {
    const source = sourceOf([{ actionSeq: 1, exchanges: [exchange({ method: 'GET', url: '/a' })] }]);
    apply(ForeignHttp.serve(source, { onMismatch: () => { throw new Error('divergence!'); } }));
    await actionScope.run(fakeScope(1), async () => {
      await expect(fetch('http://127.0.0.1:9/b')).rejects.toThrow('divergence!');
    });
  });

  it('re-encodes recorded gzip bodies and handles bodiless statuses and multi-value set-cookie', async () => {
    const source = sourceOf([{
      actionSeq: 1,
      exchanges: [
        exchange({ method: 'GET', url: '/gz', responseHeaders: { 'content-encoding': 'gzip', 'content-type': 'text/plain', 'transfer-encoding': 'chunked', connection: 'keep-alive' }, responseBody: 'zipped text' }),
        exchange({ method: 'GET', url: '/gz', responseHeaders: { 'content-encoding': 'gzip' }, responseBody: 'zipped text' }),
        exchange({ method: 'DELETE', url: '/todos/1', status: 204, responseHeaders: {}, responseBody: '' }),
        exchange({ method: 'GET', url: '/login', responseHeaders: { 'set-cookie': 'a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Path=/, b=2' }, responseBody: 'ok' }),
      ],
    }]);
    apply(ForeignHttp.serve(source));
    await actionScope.run(fakeScope(1), async () => {
      expect(await (await fetch('http://127.0.0.1:9/gz')).text()).toBe('zipped text');
      const viaNode = await nodeRequest('http://127.0.0.1:9/gz');
      expect(viaNode.headers['content-encoding']).toBe('gzip');
      expect(viaNode.headers['transfer-encoding']).toBeUndefined();
      expect(zlib.gunzipSync(viaNode.body).toString()).toBe('zipped text');
      expect((await nodeRequest('http://127.0.0.1:9/todos/1', { method: 'DELETE' })).status).toBe(204);
      const login = await nodeRequest('http://127.0.0.1:9/login');
      expect(login.headers['set-cookie']).toEqual(['a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Path=/', 'b=2']);
    });
  });
});

describe('ForeignHttp lifecycle', () => {
  it('refuses a second apply, of the same or another instance, with a clear error', () => {
    const first = apply(ForeignHttp.record());
    expect(() => first.apply()).toThrow('ForeignHttp (record mode) is already applied; call dispose() before applying it again');
    const second = ForeignHttp.serve(sourceOf([]));
    expect(() => second.apply()).toThrow('another ForeignHttp (record mode) is already applied in this process; dispose() it before applying this one (serve mode)');
    expect(second.applied).toBe(false);
    first.dispose();
    apply(second);
    expect(second.applied).toBe(true);
  });

  it('dispose restores real networking, is idempotent, and allows applying again', async () => {
    const server = await echoServer();
    const realFetch = globalThis.fetch;
    const realRequest = http.request;
    const realGet = http.get;
    const foreign = apply(ForeignHttp.serve(sourceOf([])));
    expect(globalThis.fetch).not.toBe(realFetch);
    await expect(fetch(`${server.url}/x`)).rejects.toThrow('offline replay');
    foreign.dispose();
    foreign.dispose();
    expect(foreign.applied).toBe(false);
    expect(globalThis.fetch).toBe(realFetch);
    expect(http.request).toBe(realRequest);
    expect(http.get).toBe(realGet);
    const scope = fakeScope(1);
    await actionScope.run(scope, async () => {
      expect((await fetch(`${server.url}/x`)).status).toBe(200);
      expect((await nodeRequest(`${server.url}/y`)).status).toBe(200);
    });
    expect(scope.recorded).toEqual([]);
    expect(server.requests()).toBe(2);

    const recorder = apply(ForeignHttp.record()); // the record mode's fetch wrapper is undone too
    recorder.dispose();
    expect(globalThis.fetch).toBe(realFetch);
    using again = ForeignHttp.serve(sourceOf([]));
    again.apply();
    await expect(fetch(`${server.url}/z`)).rejects.toThrow('offline replay');
  });

  it('rejects serve() without a source', () => {
    expect(() => ForeignHttp.serve(undefined as unknown as ExchangeSource)).toThrow('ForeignHttp.serve needs an ExchangeSource');
  });
});
