/**
 * A race whose failure is seen by an end-of-run probe. Each Hitter's turn is one `GET /hit`; the
 * server answers actor 0's hits slowly (20 ms) and the others' at once, and remembers how many
 * hits were ever in flight together. The simulation's end invariant probes `GET /peak` and is
 * broken when two hits overlapped (its message carries the counts, which vary).
 *
 * In the recording, actor 0's hit finishes last in wall time; offline, recorded answers come back
 * in the order the requests started, so actor 1's does. Probes that ran "as the last actor to
 * finish" ran as different actors in the two, and the offline replay diverged.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineActions, defineBehavior, defineFuzzTarget, defineSimulation, fail } from 'beamulator';

const actions = defineActions({
  hit: async (args: { who: number }, { http: client }) => {
    const res = await client.get(`/hit?who=${args.who}`);
    if (res.status !== 200) fail(`hit: HTTP ${res.status}`);
    return res.json<{ who: number; hits: number }>();
  },
  peak: async (_args: Record<string, never>, { http: client }) => (await client.get('/peak')).json<{ peak: number; hits: number }>(),
});

const hitter = defineBehavior({
  name: 'Hitter',
  initialState: {},
  async act(ctx) {
    await ctx.execute(actions.hit, { who: ctx.actorId });
    return '1m';
  },
});

async function startServer(): Promise<{ url: string; stop: () => Promise<void>; reset: () => void }> {
  let inFlight = 0;
  let peak = 0;
  let hits = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const answer = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/peak') return answer({ peak, hits });
    inFlight++;
    peak = Math.max(peak, inFlight);
    const who = Number(url.searchParams.get('who'));
    setTimeout(() => {
      inFlight--;
      answer({ who, hits: ++hits });
    }, who === 0 ? 20 : 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    reset: () => {
      inFlight = 0;
      peak = 0;
      hits = 0;
    },
  };
}

const simulation = defineSimulation({
  name: 'overlap-probe',
  actions,
  behaviors: [hitter],
  population: [{ behavior: hitter, count: 2 }],
  target: { start: () => startServer() },
  invariants: [{
    // A probe after each turn: in an overlapping step, the turns end in wall-clock order (actor 1's
    // first here, actor 0's offline); these probes wait for the end of the step, in dispatch order.
    name: 'peak is readable', every: 'turn',
    check: async (view) => ((await view.execute(actions.peak, {})).ok ? null : 'cannot read the peak'),
  }, {
    name: 'hits never overlap',
    check: async (view) => {
      const seen = await view.execute(actions.peak, {});
      if (!seen.ok || seen.value!.peak < 2) return null;
      return { message: `${seen.value!.peak} hits were in flight at once (of ${seen.value!.hits})`, detail: seen.value! };
    },
  }],
});

export default defineFuzzTarget({
  name: 'overlap-probe', simulation, maxActors: 2, maxTurns: 3, overlap: true, maxSpan: 1, maxLatency: '1m', duration: '1h',
});
