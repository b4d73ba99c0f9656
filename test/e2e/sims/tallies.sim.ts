// Actors that keep their own tallies on a small HTTP service: each actor's counter is its own
// (keyed by its name), so an actor's actions do not depend on which other actors run beside it.
// That makes it the target for checking that a sharded run equals the whole run actor by actor.
import { createServer } from 'node:http';
import { defineActions, defineBehavior, defineSimulation, STOP } from 'beamulator';

const actions = defineActions({
  add: async (args: { who: string; by: number }, { http }) => (await http.post(`/tally/${encodeURIComponent(args.who)}`, { json: { by: args.by } })).json() as Promise<{ total: number }>,
});

const counter = defineBehavior({
  name: 'Counter',
  initialState: (input) => ({ who: input.name }),
  act: async (ctx) => {
    if (ctx.turn > 5) return STOP;
    await ctx.execute(actions.add, { who: ctx.state.who, by: ctx.rng.int(1, 9) });
    return `${ctx.rng.int(1, 5)}m`;
  },
});

const auditor = defineBehavior({
  name: 'Auditor',
  initialState: (input) => ({ who: input.name }),
  act: async (ctx) => {
    if (ctx.turn > 3) return STOP;
    await ctx.execute(actions.add, { who: ctx.state.who, by: 100 });
    return '7m';
  },
});

export default defineSimulation({
  name: 'tallies',
  duration: '1h',
  actions,
  population: [{ behavior: counter, count: 7, start: { jitter: '5m' } }, { behavior: auditor, count: 3 }],
  target: {
    start: async () => {
      const totals = new Map<string, number>();
      const server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk) => (body += chunk));
        req.on('end', () => {
          const who = decodeURIComponent(req.url!.slice('/tally/'.length));
          const total = (totals.get(who) ?? 0) + (JSON.parse(body) as { by: number }).by;
          totals.set(who, total);
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ total }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      return { url: `http://127.0.0.1:${port}`, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
    },
  },
});
