/**
 * A replay calls the target as the run did: `target.connections` (and headers) hold in every
 * mode. Log mode once made its own HTTP connector and left `connections` at the default 64.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineActions, defineBehavior, defineSimulation, openStore, runSimulation } from 'beamulator';
import { readRunBundle } from '../../src/replay/replay-file.ts';
import { replayRun } from '../../src/replay/replay-run.ts';

let server: http.Server;
let url: string;
/** Sockets opened to the server since the last `count.sockets = 0`. */
const count = { sockets: 0 };

beforeAll(async () => {
  server = http.createServer((req, res) => res.end(JSON.stringify({ path: req.url, team: req.headers['x-team'] ?? null })));
  server.on('connection', () => count.sockets++);
  server.keepAliveTimeout = 60_000; // a slow machine must not see an idle socket closed and reopened
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

// Three requests at once: a connector allowed more than one connection opens one per request.
const actions = defineActions({
  fanOut: async (_args: Record<string, never>, { http: client }) =>
    (await Promise.all(['/a', '/b', '/c'].map((p) => client.get(p)))).map((r) => r.json()),
});
const fanner = defineBehavior({
  name: 'Fanner',
  initialState: {},
  async act(ctx) {
    await ctx.execute(actions.fanOut, {});
    return ctx.turn >= 3 ? ctx.stop() : '1m';
  },
});

describe('replay and the target options', () => {
  it('keeps target.connections and target.headers in rerun and log mode', async () => {
    const sim = () => defineSimulation({
      name: 'fan-out', actions, population: [{ behavior: fanner, count: 1 }],
      target: { url, connections: 1, headers: { 'x-team': 'red' } },
    });
    const store = await openStore(':memory:');
    try {
      count.sockets = 0;
      const run = await runSimulation(sim(), { seed: 1, db: store });
      expect(run.summary.byOutcome.ok).toBe(3);
      expect(count.sockets).toBe(1);
      const source = await readRunBundle(store, run.runId);
      expect(source.actions[0]!.result).toEqual([{ path: '/a', team: 'red' }, { path: '/b', team: 'red' }, { path: '/c', team: 'red' }]);
      for (const mode of ['rerun', 'log'] as const) {
        count.sockets = 0;
        const report = await replayRun(source, { mode, simulation: sim(), db: false });
        expect(report, mode).toMatchObject({ identical: true, compared: 3 });
        expect(count.sockets, mode).toBe(1);
      }
    } finally {
      await store.close();
    }
  });
});
