/**
 * A shelf of numbers over HTTP (POST /items, GET /items) with a read cache that can go stale, for
 * the reproduction tests. Its bug bites under a condition its replay does not fix:
 * - `warm`: once the app has answered `warmAfter` requests since it started (a reset does not
 *   count them down), reads come from a cache that misses the last write. It stands for a timing
 *   window only a warm process opens (fast requests, warmed connections): the fuzz campaign starts
 *   the app once and warms it; a fresh `beamulator replay` process starts its own, cold one. It is
 *   a request count, not a wall-clock window, so the tests cannot flake on a slow machine.
 * - `always`: every read misses the last write (a deterministic bug).
 * A test can pass its own `stale` (called on each read) to decide run by run.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ShelfBug = 'warm' | 'always';

export interface ShelfApp {
  url: string;
  reset(): void;
  stop(): Promise<void>;
}

export async function startShelfApp(bug: ShelfBug, options: { warmAfter?: number; stale?: () => boolean; onReset?: () => void } = {}): Promise<ShelfApp> {
  let items: number[] = [];
  let served = 0;
  const warmAfter = options.warmAfter ?? 30;
  const stale = options.stale ?? (() => bug === 'always' || served > warmAfter);
  const server: Server = createServer((req, res) => {
    served++;
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/items') {
        items = [...items, (JSON.parse(body) as { n: number }).n];
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ n: items.at(-1) }));
      } else if (req.method === 'GET' && req.url === '/items') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stale() ? items.slice(0, -1) : items));
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    reset: () => {
      items = [];
      options.onReset?.();
    },
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
