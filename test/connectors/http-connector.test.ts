import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpConnector } from '../../src/connectors/http-connector.ts';
import { ConnectorError } from '../../src/connectors/connector-error.ts';
import type { HttpExchange } from '../../src/connectors/http-client.ts';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

interface TestServer {
  server: Server;
  url: string;
  connections: () => number;
  /** Resolves when every socket the server accepted so far has closed. */
  socketsClosed: () => Promise<void>;
}

const servers: Server[] = [];
const connectors: HttpConnector[] = [];

async function startServer(handler: Handler): Promise<TestServer> {
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  const closing: Promise<void>[] = [];
  server.on('connection', (socket) => {
    connections++;
    closing.push(new Promise((resolve) => socket.once('close', () => resolve())));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, connections: () => connections, socketsClosed: () => Promise.all(closing).then(() => undefined) };
}

/** Echoes method, url, headers and body back as JSON. */
const echo: Handler = (req, body, res) => {
  res.setHeader('content-type', 'application/json');
  res.setHeader('X-Echo', 'yes');
  res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
};

function connector(baseUrl: string, options: { timeoutMs?: number; defaultHeaders?: Record<string, string> } = {}): HttpConnector {
  const c = new HttpConnector({ baseUrl, ...options });
  connectors.push(c);
  return c;
}

function recording(c: HttpConnector) {
  const exchanges: HttpExchange[] = [];
  return { http: c.client((exchange) => exchanges.push(exchange)), exchanges };
}

/** A port nothing listens on: bind one, then close it. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

afterEach(async () => {
  await Promise.all(connectors.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map(closeServer));
});

describe('HttpConnector', () => {
  it('round-trips JSON with GET and POST and records both exchanges', async () => {
    const srv = await startServer(echo);
    const { http, exchanges } = recording(connector(srv.url));

    const got = await http.get('/todos');
    expect(got.status).toBe(200);
    expect(got.ok).toBe(true);
    expect(got.json()).toMatchObject({ method: 'GET', url: '/todos', body: '' });

    const posted = await http.post('/todos', { json: { title: 'milk', done: false } });
    const echoed = posted.json<{ method: string; headers: Record<string, string>; body: string }>();
    expect(echoed.method).toBe('POST');
    expect(echoed.headers['content-type']).toBe('application/json');
    expect(JSON.parse(echoed.body)).toEqual({ title: 'milk', done: false });

    expect(exchanges).toHaveLength(2);
    const [first, second] = exchanges;
    expect(first).toMatchObject({ protocol: 'http', method: 'GET', url: `${srv.url}/todos`, requestBody: null, status: 200, error: null });
    expect(second).toMatchObject({
      method: 'POST',
      url: `${srv.url}/todos`,
      requestHeaders: { 'content-type': 'application/json' },
      requestBody: '{"title":"milk","done":false}',
      status: 200,
      responseBody: posted.body,
    });
    expect(typeof second?.wallStartUs).toBe('number');
    expect(second?.durationMs).toBeGreaterThanOrEqual(0);
    expect(second!.wallStartUs).toBeGreaterThanOrEqual(first!.wallStartUs);
  });

  it('supports put, patch, delete and raw string bodies', async () => {
    const srv = await startServer(echo);
    const { http, exchanges } = recording(connector(srv.url));
    expect((await http.put('/a', { body: 'raw text' })).json()).toMatchObject({ method: 'PUT', body: 'raw text' });
    expect((await http.patch('/a', { json: [1, 2] })).json()).toMatchObject({ method: 'PATCH', body: '[1,2]' });
    expect((await http.delete('/a')).json()).toMatchObject({ method: 'DELETE' });
    expect((await http.request('OPTIONS', '/a')).json()).toMatchObject({ method: 'OPTIONS' });
    expect(exchanges.map((e) => [e.method, e.requestBody])).toEqual([['PUT', 'raw text'], ['PATCH', '[1,2]'], ['DELETE', null], ['OPTIONS', null]]);
    await expect(http.post('/a', { json: 1, body: '1' })).rejects.toThrow(/either `json` or `body`/);
    await expect(http.post('/a', { json: () => 1 })).rejects.toThrow(/not JSON-serializable/);
    expect(exchanges).toHaveLength(4); // bad input is rejected before anything is sent or recorded
  });

  it('appends query strings, encoded, skipping undefined, and records the full url', async () => {
    const srv = await startServer(echo);
    const { http, exchanges } = recording(connector(srv.url));
    const res = await http.get('/search', { query: { q: 'a b&c', page: 2, exact: true, skip: undefined } });
    expect(res.json()).toMatchObject({ url: '/search?q=a%20b%26c&page=2&exact=true' });
    const more = await http.get('/search?x=1', { query: { y: 'z' } });
    expect(more.json()).toMatchObject({ url: '/search?x=1&y=z' });
    expect(exchanges[0]?.url).toBe(`${srv.url}/search?q=a%20b%26c&page=2&exact=true`);
  });

  it('keeps the baseUrl path prefix and accepts paths without a leading slash', async () => {
    const srv = await startServer(echo);
    const { http, exchanges } = recording(connector(`${srv.url}/api/`));
    expect((await http.get('/todos')).json()).toMatchObject({ url: '/api/todos' });
    expect((await http.get('todos/1')).json()).toMatchObject({ url: '/api/todos/1' });
    expect(exchanges.map((e) => e.url)).toEqual([`${srv.url}/api/todos`, `${srv.url}/api/todos/1`]);
  });

  it('records headers lowercased, merges default headers, joins multi-values', async () => {
    const srv = await startServer((req, _body, res) => {
      res.setHeader('X-Custom-Thing', 'A');
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.end(JSON.stringify(req.headers));
    });
    const { http, exchanges } = recording(connector(srv.url, { defaultHeaders: { Authorization: 'Bearer t', 'X-Client': 'default' } }));
    const res = await http.get('/h', { headers: { 'X-Client': 'mine', 'X-Request-ID': 'r1' } });
    const seen = res.json<Record<string, string>>();
    expect(seen).toMatchObject({ authorization: 'Bearer t', 'x-client': 'mine', 'x-request-id': 'r1' });

    const [exchange] = exchanges;
    expect(exchange?.requestHeaders).toEqual({ authorization: 'Bearer t', 'x-client': 'mine', 'x-request-id': 'r1' });
    expect(exchange?.responseHeaders['x-custom-thing']).toBe('A');
    expect(exchange?.responseHeaders['set-cookie']).toBe('a=1, b=2');
    expect(Object.keys(exchange!.responseHeaders).every((k) => k === k.toLowerCase())).toBe(true);
    expect(res.headers['set-cookie']).toBe('a=1, b=2');

    // A caller content-type wins over the json default.
    await http.post('/h', { json: {}, headers: { 'Content-Type': 'application/vnd.api+json' } });
    expect(exchanges[1]?.requestHeaders['content-type']).toBe('application/vnd.api+json');
  });

  it('returns 404 and 500 as responses, recorded, not thrown', async () => {
    const srv = await startServer((req, _body, res) => {
      res.statusCode = req.url === '/missing' ? 404 : 500;
      if (req.url !== '/missing') res.setHeader('content-type', 'text/html');
      res.end(req.url === '/missing' ? '{"error":"not found"}' : '<html>Internal Server Error</html>');
    });
    const { http, exchanges } = recording(connector(srv.url));
    const missing = await http.get('/missing');
    expect(missing).toMatchObject({ status: 404, ok: false });
    expect(missing.json()).toEqual({ error: 'not found' });
    const broken = await http.get('/boom');
    expect(broken.status).toBe(500);
    expect(broken.body).toBe('<html>Internal Server Error</html>');
    // Not JSON is the target's failure (outcome error), named by status, content-type and the body's start.
    expect(() => broken.json()).toThrow(expect.objectContaining({
      name: 'ConnectorError', kind: 'protocol',
      message: expect.stringMatching(/^response to GET http:\S+\/boom is not JSON \(status 500, text\/html\): "<html>Internal Server Error<\/html>"$/),
    }));
    expect(exchanges.map((e) => [e.status, e.error])).toEqual([[404, null], [500, null]]);
  });

  it('json() error cuts the body to 200 characters', async () => {
    const srv = await startServer((_req, _body, res) => res.end('x'.repeat(1000)));
    const { http } = recording(connector(srv.url));
    const res = await http.get('/');
    let message = '';
    try {
      res.json();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('status 200');
    expect(message).toContain(`"${'x'.repeat(200)}"…`);
    expect(message).not.toContain('x'.repeat(201));
  });

  it('connection refused -> ConnectorError unreachable, exchange recorded with the error', async () => {
    const port = await freePort();
    const { http, exchanges } = recording(connector(`http://127.0.0.1:${port}`));
    const error = await http.post('/todos', { json: { a: 1 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).kind).toBe('unreachable');
    expect((error as ConnectorError).message).toBe(`cannot reach http://127.0.0.1:${port}/todos: connection refused (ECONNREFUSED)`);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({
      method: 'POST', url: `http://127.0.0.1:${port}/todos`, requestBody: '{"a":1}',
      status: null, responseHeaders: {}, responseBody: null, error: (error as Error).message,
    });
  });

  it('a server that never answers -> ConnectorError timeout', async () => {
    const srv = await startServer(() => {
      /* never responds */
    });
    const { http, exchanges } = recording(connector(srv.url, { timeoutMs: 200 }));
    const error = await http.get('/slow').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).kind).toBe('timeout');
    expect((error as ConnectorError).message).toBe(`no answer from ${srv.url}/slow within 200ms`);
    expect(exchanges[0]).toMatchObject({ status: null, error: (error as Error).message });
    expect(exchanges[0]!.durationMs).toBeGreaterThanOrEqual(150);
    expect(exchanges[0]!.durationMs).toBeLessThan(900); // an exact timer, not undici's ~1s-resolution one

    // per-request override
    const again = await http.get('/slow', { timeoutMs: 100 }).catch((e: unknown) => e);
    expect((again as ConnectorError).message).toBe(`no answer from ${srv.url}/slow within 100ms`);
  });

  it('a body that stalls -> ConnectorError timeout', async () => {
    const srv = await startServer((_req, _body, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    const { http, exchanges } = recording(connector(srv.url, { timeoutMs: 200 }));
    const error = await http.get('/stall').catch((e: unknown) => e);
    expect((error as ConnectorError).kind).toBe('timeout');
    expect((error as ConnectorError).message).toBe(`no answer from ${srv.url}/stall within 200ms (response body incomplete)`);
    expect(exchanges[0]).toMatchObject({ status: null, responseBody: null });
  });

  it('timeouts above 1s use undici header/body timeouts', async () => {
    const srv = await startServer((req, _body, res) => {
      if (req.url === '/stall') {
        res.writeHead(200, { 'content-length': '100' });
        res.write('partial');
      }
    });
    const { http, exchanges } = recording(connector(srv.url, { timeoutMs: 1001 }));
    const [silent, stalled] = await Promise.all([http.get('/silent').catch((e: unknown) => e), http.get('/stall').catch((e: unknown) => e)]);
    expect(silent).toBeInstanceOf(ConnectorError);
    expect((silent as ConnectorError).kind).toBe('timeout');
    expect((silent as ConnectorError).message).toBe(`no answer from ${srv.url}/silent within 1001ms`);
    expect((stalled as ConnectorError).kind).toBe('timeout');
    expect((stalled as ConnectorError).message).toBe(`no answer from ${srv.url}/stall within 1001ms (response body stalled)`);
    expect(exchanges.map((e) => e.status)).toEqual([null, null]);
  });

  it('an aborted signal cancels the request in flight, before and after the response headers; the exchange keeps the abort', async () => {
    const srv = await startServer((req, _body, res) => {
      if (req.url === '/half') {
        res.writeHead(200, { 'content-length': '100' });
        res.write('partial');
      }
    });
    const c = connector(srv.url);
    for (const path of ['/silent', '/half']) {
      const exchanges: HttpExchange[] = [];
      const controller = new AbortController();
      const pending = c.client((exchange) => exchanges.push(exchange), controller.signal).get(path).catch((e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 100));
      controller.abort();
      const error = await pending;
      expect(error).toMatchObject({ name: 'AbortError' });
      expect(exchanges).toEqual([expect.objectContaining({ status: null, responseBody: null, error: 'AbortError: This operation was aborted' })]);
    }
    // An already aborted signal: nothing is sent.
    const error = await c.client(() => {}, AbortSignal.abort()).get('/never').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AbortError' });
  });

  it('reads a large body that arrives in many chunks as UTF-8, a byte order mark skipped', async () => {
    const text = 'ünïcödé ✓ '.repeat(20_000);
    const srv = await startServer((_req, _body, res) => {
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
      // Split inside multi-byte characters too.
      for (let at = 0; at < bytes.length; at += 1001) res.write(bytes.subarray(at, at + 1001));
      res.end();
    });
    const { http, exchanges } = recording(connector(srv.url));
    const res = await http.get('/big');
    expect(res.body).toBe(text);
    expect(exchanges[0]!.responseBody).toBe(text);
  });

  it('a socket closed by the server -> ConnectorError unreachable', async () => {
    const srv = await startServer((req) => req.socket.destroy());
    const { http, exchanges } = recording(connector(srv.url));
    const error = await http.get('/drop').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).kind).toBe('unreachable');
    expect((error as ConnectorError).message).toMatch(new RegExp(`^cannot reach ${srv.url}/drop: \\S.*\\(\\w+\\)$`));
    expect(exchanges[0]?.error).toBe((error as Error).message);
  });

  it('DNS failure -> ConnectorError unreachable', async () => {
    const { http } = recording(connector('http://does-not-exist.invalid'));
    const error = await http.get('/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).kind).toBe('unreachable');
    expect((error as ConnectorError).message).toMatch(/^cannot reach http:\/\/does-not-exist\.invalid\/x: .*\((ENOTFOUND|EAI_AGAIN|EAI_FAIL)\)$/);
  });

  it('reuses keep-alive connections across sequential requests and clients', async () => {
    const srv = await startServer((_req, _body, res) => res.end('ok'));
    const c = connector(srv.url);
    for (let i = 0; i < 50; i++) {
      const { http } = recording(c); // a fresh client per "action", same pool
      expect((await http.get(`/n/${i}`)).body).toBe('ok');
    }
    expect(srv.connections()).toBeGreaterThanOrEqual(1);
    expect(srv.connections()).toBeLessThanOrEqual(2);
  });

  it('reports concurrent exchanges of one client in start order', async () => {
    // The server holds /slow until the client has /fast's answer: the exchanges finish in the other order.
    let releaseSlow!: () => void;
    const slowHeld = new Promise<void>((resolve) => (releaseSlow = resolve));
    const srv = await startServer((req, _body, res) => {
      if (req.url === '/slow') void slowHeld.then(() => res.end(req.url));
      else res.end(req.url);
    });
    const { http, exchanges } = recording(connector(srv.url));
    const slowAnswer = http.get('/slow');
    const fast = await http.get('/fast');
    releaseSlow();
    const slow = await slowAnswer;
    expect([slow.body, fast.body]).toEqual(['/slow', '/fast']);
    expect(exchanges.map((e) => e.url)).toEqual([`${srv.url}/slow`, `${srv.url}/fast`]);
  });

  it('sends absolute URLs to other origins', async () => {
    const main = await startServer((_req, _body, res) => res.end('main'));
    const other = await startServer(echo);
    const { http, exchanges } = recording(connector(main.url));
    expect((await http.get('/')).body).toBe('main');
    const res = await http.get(`${other.url}/elsewhere?x=1`, { query: { y: 2 } });
    expect(res.json()).toMatchObject({ url: '/elsewhere?x=1&y=2' });
    expect((await http.get(`${main.url}/same-origin`)).body).toBe('main');
    expect(exchanges.map((e) => e.url)).toEqual([`${main.url}/`, `${other.url}/elsewhere?x=1&y=2`, `${main.url}/same-origin`]);
    expect(main.connections()).toBe(1); // same-origin absolute URL reused the pool
  });

  it('close() releases every socket: servers close without force', async () => {
    const main = await startServer((_req, _body, res) => res.end('main'));
    const other = await startServer((_req, _body, res) => res.end('other'));
    const c = new HttpConnector({ baseUrl: main.url });
    const { http } = recording(c);
    await http.get('/');
    await http.get(`${other.url}/`);
    expect(main.connections() + other.connections()).toBe(2);
    await c.close();
    await c.close(); // idempotent
    // The client side closed its sockets: the servers see every connection end, without being asked to.
    await Promise.all([main.socketsClosed(), other.socketsClosed()]);
    const closed = (s: Server) => new Promise<void>((resolve, reject) => s.close((e) => (e ? reject(e) : resolve())));
    await Promise.all([closed(main.server), closed(other.server)]);

    const error = await http.get('/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).message).toMatch(/connector is closed/);
  });

  it('rejects an invalid baseUrl', () => {
    expect(() => new HttpConnector({ baseUrl: 'localhost:3000' })).toThrow(/cannot use target 'localhost:3000': only http: and https: urls are supported, not localhost:/);
    expect(() => new HttpConnector({ baseUrl: 'ftp://x' })).toThrow(expect.objectContaining({ code: 'BEAM_USAGE', message: expect.stringMatching(/not ftp:/) }));
    expect(() => new HttpConnector({ baseUrl: 'http://x/?a=1' })).toThrow(/no query or fragment/);
  });
});
