/**
 * The smallest race: `POST /incr` reads the counter, waits 10 turns of the event loop, and writes
 * it back plus one, so two increments in flight together both answer the same value. Each
 * Counter's turn increments or reads (drawn: 0 = increment), then waits 1-3 minutes (drawn).
 * The fuzz invariant fails when two increments answered the same value. Its behavior-level
 * minimum: 2 actors, 2 actions (one increment each, in one overlapping step).
 * The server logs which actor's request it received, in order (`arrivals`), for tests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { defineActions, defineBehavior, defineFuzzTarget, defineSimulation, fail } from 'beamulator';

export const COUNTER_RACE_MINIMUM = 2;

const actions = defineActions({
  incr: async (args: { who: number }, { http: client }) => {
    const res = await client.post(`/incr?who=${args.who}`);
    if (res.status !== 200) fail(`incr: HTTP ${res.status}`);
    return res.json<{ value: number }>();
  },
  read: async (args: { who: number }, { http: client }) => (await client.get(`/counter?who=${args.who}`)).json<{ value: number }>(),
});

const counter = defineBehavior({
  name: 'Counter',
  initialState: {},
  async act(ctx) {
    const choice = ctx.rng.weighted([['incr', 1], ['read', 1]] as const);
    await ctx.execute(choice === 'incr' ? actions.incr : actions.read, { who: ctx.actorId });
    return ctx.rng.int(1, 3) * 60_000;
  },
});

/** Arrivals at the server, as `<actorId> <path>`: shared with the test (the target runs in its process). */
export const arrivals: string[] = [];

async function startServer(): Promise<{ url: string; stop: () => Promise<void>; reset: () => void }> {
  let value = 0;
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    arrivals.push(`${url.searchParams.get('who')} ${url.pathname}`);
    const answer = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname !== '/incr') return answer({ value });
    const read = value;
    for (let i = 0; i < 10; i++) await nextTurn();
    value = read + 1;
    answer({ value });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    reset: () => {
      value = 0;
      arrivals.length = 0;
    },
  };
}

export const simulation = defineSimulation({
  name: 'counter-race',
  actions,
  behaviors: [counter],
  population: [{ behavior: counter, count: 2 }],
  target: { start: () => startServer() },
});

export default defineFuzzTarget({
  name: 'counter-race', simulation, maxActors: 3, maxTurns: 4, overlap: true, maxSpan: 2, maxLatency: '10m', duration: '1h',
  invariants: [{
    name: 'no lost increment',
    check: (run) => {
      const values = run.actions.filter((a) => a.action === 'incr' && a.outcome === 'ok').map((a) => (a.result as { value: number }).value);
      const twice = values.find((v, i) => values.indexOf(v) !== i);
      return twice === undefined ? null : { message: `two increments answered ${twice}`, detail: { values } };
    },
  }],
});
