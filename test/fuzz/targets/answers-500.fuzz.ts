/**
 * A target that answers 500 to everything, and a Reader whose behavior trusts the answer: every
 * turn crashes (`list.value!.items` of a failed action), every actor crashes until it gives up.
 * `beamulator run` exits 6 on that; a fuzz campaign fails on it too (unless crashes are allowed).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineActions, defineBehavior, defineFuzzTarget, defineSimulation, fail } from 'beamulator';

const actions = defineActions({
  list: async (_args: Record<string, never>, { http: client }) => {
    const res = await client.get('/items');
    if (res.status !== 200) fail(`list: HTTP ${res.status}`);
    return res.json<{ items: string[] }>();
  },
});

const reader = defineBehavior({
  name: 'Reader',
  initialState: { seen: 0 },
  async act(ctx) {
    const list = await ctx.execute(actions.list, {});
    ctx.state.seen += list.value!.items.length;
    return '1m';
  },
});

const simulation = defineSimulation({
  name: 'answers-500', actions, behaviors: [reader], population: [{ behavior: reader, count: 1 }],
  restart: { delay: '1s', maxConsecutive: 3 },
  target: {
    start: async () => {
      const server = http.createServer((_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('oops'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
        reset: () => {},
      };
    },
  },
});

export default defineFuzzTarget({
  name: 'answers-500', simulation, maxActors: 2, maxTurns: 3, duration: '1h',
  // Sees the events too: the restarts that follow each crash.
  invariants: [{
    name: 'at most 3 restarts',
    check: (run) => {
      const restarts = run.events.filter((e) => e.kind === 'restart').length;
      return restarts <= 3 ? null : { message: `${restarts} restarts`, detail: { restarts } };
    },
  }],
});
