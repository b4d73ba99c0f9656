import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { timingSafeEqual } from 'node:crypto';
import { BeamulatorError, errorMessage } from '../util/errors.ts';
import { strictJson } from '../util/strict-json.ts';
import type { DashboardData } from './dashboard-data.ts';
import { dashboardPage } from './dashboard-page.ts';

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

const require = createRequire(import.meta.url);

/**
 * Serves the dashboard of a stored run: the page, its assets (bundled from npm: it works with no
 * network), and the data as JSON at /api/data.
 *
 * @example
 * const dashboard = await startDashboard(data, { port: 0 });
 * console.log(`open ${dashboard.url}`);
 */
export async function startDashboard(data: DashboardData, options: DashboardOptions = {}): Promise<Dashboard> {
  const host = options.host ?? '127.0.0.1';
  const assets = await loadAssets();
  const json = strictJson(JSON.stringify(data));
  const server = createServer((req, res) => {
    try {
      route(req, res);
    } catch (error) {
      send(res, 500, 'application/json', JSON.stringify({ error: errorMessage(error) }));
    }
  });
  const route = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    if (options.token !== undefined && !tokenMatches(options.token, url.searchParams.get('token') ?? bearer(req))) {
      send(res, 401, 'application/json', JSON.stringify({ error: 'a token is required: open the url the dashboard printed (it ends with ?token=...)' }));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'application/json', JSON.stringify({ error: `${req.method} is not allowed: a stored run's dashboard is read-only` }));
      return;
    }
    switch (url.pathname) {
      case '/': send(res, 200, 'text/html; charset=utf-8', dashboardPage(data.title)); return;
      case '/api/data': send(res, 200, 'application/json', json); return;
      case '/assets/uplot.js': send(res, 200, 'text/javascript', assets.js); return;
      case '/assets/uplot.css': send(res, 200, 'text/css', assets.css); return;
      case '/favicon.ico': res.writeHead(204).end(); return;
      default: send(res, 404, 'application/json', JSON.stringify({ error: `no such page: ${url.pathname}` }));
    }
  };
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

async function loadAssets(): Promise<{ js: string; css: string }> {
  const [js, css] = await Promise.all([
    readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  ]);
  return { js, css };
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
