import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { BeamulatorError, errorMessage, isBeamulatorError } from '../util/errors.ts';
import { strictJson } from '../util/strict-json.ts';
import type { DashboardData } from './dashboard-data.ts';
import { dashboardPage } from './dashboard-page.ts';
import type { LiveFeed, LiveMessage } from './live-feed.ts';

export interface DashboardOptions {
  /** Interface to listen on (default 127.0.0.1: only this machine). */
  host?: string;
  /** Port (default 0: any free one). */
  port?: number;
  /** Required on every request (`?token=` or `Authorization: Bearer`) when set; the CLI sets one when bound beyond loopback. */
  token?: string;
}

export interface Dashboard {
  url: string;
  close(): Promise<void>;
}

/** Who called a control: the dashboard page (with its client id) or another program through the JSON endpoints. */
export interface ControlCaller {
  source: string;
  clientId: string | null;
}

/**
 * The operations the live dashboard offers, by name (`POST /api/control/<name>` with a JSON object
 * body). A handler throws a BeamulatorError for bad input, having changed nothing.
 */
export type ControlHandlers = Record<string, (args: Record<string, unknown>, caller: ControlCaller) => unknown>;

const require = createRequire(import.meta.url);
/** A control body is a small JSON object: anything bigger is refused before it is read whole. */
const maxBodyBytes = 1 << 20;
/** A client that stops reading gets no more batches until it has caught up (it gets a fresh hello then). */
const maxBufferedBytes = 8 << 20;

/**
 * Serves the dashboard of a stored run: the page, its assets (bundled from npm: it works with no
 * network), and the data as JSON at /api/data.
 *
 * @example
 * const dashboard = await startDashboard(data, { port: 0 });
 * console.log(`open ${dashboard.url}`);
 */
export async function startDashboard(data: DashboardData, options: DashboardOptions = {}): Promise<Dashboard> {
  const json = strictJson(JSON.stringify(data));
  return serve(options, data.title, {
    get: (path, res) => (path === '/api/data' ? (send(res, 200, 'application/json', json), true) : false),
    post: (req, res) => send(res, 405, 'application/json', errorJson(`${req.method} is not allowed: a stored run's dashboard is read-only`)),
  });
}

/**
 * Serves the live dashboard of a running run: the same page, fed over a WebSocket (`/api/live`)
 * by `feed`'s batches, and the run's controls as JSON endpoints (`POST /api/control/<op>`).
 *
 * @example
 * const feed = new LiveFeed({ title: 'run', redactor });
 * const dashboard = await startLiveDashboard(feed, { pause: () => control.pause() });
 */
export async function startLiveDashboard(feed: LiveFeed, controls: ControlHandlers, options: DashboardOptions = {}): Promise<Dashboard> {
  feed.controlOps = Object.keys(controls);
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  sockets.on('connection', (socket: WebSocket) => {
    let behind = false;
    const sendMessage = (message: LiveMessage) => {
      if (socket.bufferedAmount > maxBufferedBytes) {
        behind = true;
        return;
      }
      socket.send(strictJson(JSON.stringify(behind ? feed.hello() : message)));
      behind = false;
    };
    sendMessage(feed.hello());
    const unsubscribe = feed.subscribe(sendMessage);
    socket.on('close', unsubscribe);
    socket.on('error', unsubscribe);
  });
  const dashboard = await serve(options, feed.title, {
    get: (path, res, url) => {
      if (path === '/api/data') send(res, 200, 'application/json', strictJson(JSON.stringify(feed.hello())));
      else if (path === '/api/actor') {
        const actor = feed.actor(Number(url.searchParams.get('id')));
        if (actor) send(res, 200, 'application/json', strictJson(JSON.stringify(actor)));
        else send(res, 404, 'application/json', errorJson(`no actor ${url.searchParams.get('id')} in this run`));
      } else return false;
      return true;
    },
    post: (req, res, path) => void control(req, res, path, controls, (value) => feed.redact(value)),
    upgrade: (req, socket, head, path) => {
      if (path !== '/api/live') return false;
      sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
      return true;
    },
  });
  return {
    url: dashboard.url,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      await dashboard.close();
    },
  };
}

interface Routes {
  /** Answers a GET of `path` beyond the page and its assets; false: not found. */
  get(path: string, res: ServerResponse, url: URL): boolean;
  post(req: IncomingMessage, res: ServerResponse, path: string): void;
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer, path: string): boolean;
}

/** The HTTP server both dashboards share: the token, the page and its assets, and the answers to everything else. */
async function serve(options: DashboardOptions, title: string, routes: Routes): Promise<Dashboard> {
  const host = options.host ?? '127.0.0.1';
  const assets = await loadAssets();
  const allowed = (req: IncomingMessage, url: URL) => options.token === undefined || tokenMatches(options.token, url.searchParams.get('token') ?? bearer(req));
  const route = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    if (!allowed(req, url)) {
      send(res, 401, 'application/json', errorJson('a token is required: open the url the dashboard printed (it ends with ?token=...)'));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      routes.post(req, res, url.pathname);
      return;
    }
    switch (url.pathname) {
      case '/': send(res, 200, 'text/html; charset=utf-8', dashboardPage(title)); return;
      case '/assets/uplot.js': send(res, 200, 'text/javascript', assets.js); return;
      case '/assets/uplot.css': send(res, 200, 'text/css', assets.css); return;
      case '/favicon.ico': res.writeHead(204).end(); return;
      default: if (!routes.get(url.pathname, res, url)) send(res, 404, 'application/json', errorJson(`no such page: ${url.pathname}`));
    }
  };
  const server = createServer((req, res) => {
    try {
      route(req, res);
    } catch (error) {
      send(res, 500, 'application/json', errorJson(errorMessage(error)));
    }
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    // A page on another site must not read the feed through the user's browser (cross-site WebSocket hijacking).
    const refused = !allowed(req, url) ? '401 Unauthorized' : !sameOrigin(req) ? '403 Forbidden' : null;
    if (refused || !routes.upgrade?.(req, socket, head, url.pathname)) {
      socket.end(`HTTP/1.1 ${refused ?? '404 Not Found'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new BeamulatorError('BEAM_USAGE',
      `cannot serve the dashboard on ${host}:${options.port ?? 0}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : errorMessage(error)}`,
      'Pick another with --port, or 0 for any free one')));
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as { port: number };
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/${options.token !== undefined ? `?token=${options.token}` : ''}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** `POST /api/control/<op>`: a JSON object in, `{ ok: true, result }` or `{ error }` out; a refused call changed nothing. */
async function control(req: IncomingMessage, res: ServerResponse, path: string, controls: ControlHandlers, redact: (value: unknown) => unknown): Promise<void> {
  const op = path.startsWith('/api/control/') ? path.slice('/api/control/'.length) : null;
  if (req.method !== 'POST' || op === null) {
    send(res, 405, 'application/json', errorJson(`${req.method} ${path} is not allowed: controls are POST /api/control/<op>`));
    return;
  }
  const handler = Object.hasOwn(controls, op) ? controls[op] : undefined;
  if (!handler) {
    send(res, 404, 'application/json', errorJson(`no such control: '${op}'. The run offers: ${Object.keys(controls).join(', ') || 'none'}`));
    return;
  }
  // A form or a text/plain body can be posted by any web page without asking; JSON cannot (the browser asks first, and is refused).
  if (!(req.headers['content-type'] ?? '').startsWith('application/json') || !sameOrigin(req)) {
    send(res, 415, 'application/json', errorJson('a control call must send its arguments as a JSON object with content-type: application/json, from the dashboard\'s own origin'));
    return;
  }
  let args: unknown;
  try {
    args = JSON.parse(await readBody(req));
  } catch (error) {
    send(res, 400, 'application/json', errorJson(`cannot read the call to '${op}': ${isBeamulatorError(error) ? error.message : `the body is not JSON (${errorMessage(error)})`}`));
    return;
  }
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    send(res, 400, 'application/json', errorJson(`cannot read the call to '${op}': the body must be a JSON object of arguments, e.g. {}`));
    return;
  }
  const clientId = req.headers['x-client-id'];
  try {
    const result = await handler(args as Record<string, unknown>, { source: 'dashboard', clientId: typeof clientId === 'string' ? clientId.slice(0, 64) : null });
    // An actor's state or config can hold a password: shown as the store shows it.
    send(res, 200, 'application/json', strictJson(JSON.stringify({ ok: true, result: redact(result ?? null) })));
  } catch (error) {
    send(res, isBeamulatorError(error) ? 400 : 500, 'application/json', errorJson(errorMessage(error)));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new BeamulatorError('BEAM_USAGE', `the body is over ${maxBodyBytes} bytes`, 'Send a small JSON object'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** No Origin (a program, not a browser), or the dashboard's own. */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

async function loadAssets(): Promise<{ js: string; css: string }> {
  const [js, css] = await Promise.all([
    readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  ]);
  return { js, css };
}

function errorJson(message: string): string {
  return strictJson(JSON.stringify({ error: message }));
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : null;
}

function tokenMatches(expected: string, given: string | null): boolean {
  if (given === null || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
