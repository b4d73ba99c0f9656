import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineActions, defineBehavior, defineSimulation, fail, openStore, runSimulation } from 'beamulator';
import { readRunBundle } from '../../src/replay/replay-file.ts';
import { replayRun } from '../../src/replay/replay-run.ts';
import { startTodoApp } from '../../fixtures/todo-app/server.ts';
import { tempDir } from '../support/cli.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

// Actions that bring their own client (global fetch), as an SDK would.
const actions = defineActions({
  signup: async (args: { username: string; password: string; team: string }, { targetUrl }) => {
    const res = await fetch(`${targetUrl}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(args) });
    if (res.status !== 201) fail(`signup: HTTP ${res.status}`);
    return res.json();
  },
  create: async (args: { username: string; password: string; title: string }, { targetUrl }) => {
    const res = await fetch(`${targetUrl}/todos`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-user': args.username, 'x-password': args.password }, body: JSON.stringify({ title: args.title }),
    });
    return res.json();
  },
  list: async (args: { username: string; password: string }, { targetUrl }) =>
    (await fetch(`${targetUrl}/todos`, { headers: { 'x-user': args.username, 'x-password': args.password } })).json(),
});

const writer = defineBehavior({
  name: 'Writer',
  initialState: ({ actorId }) => ({ user: { username: `w${actorId}`, password: 'pw' }, signedUp: false }),
  async act(ctx) {
    if (!ctx.state.signedUp) {
      ctx.state.signedUp = (await ctx.execute(actions.signup, { ...ctx.state.user, team: 'a' })).ok;
    } else if (ctx.rng.chance(0.5)) {
      await ctx.execute(actions.create, { ...ctx.state.user, title: ctx.rng.faker.lorem.words(2) });
    } else {
      await ctx.execute(actions.list, ctx.state.user);
    }
    return ctx.turn >= 12 ? ctx.stop() : '5m';
  },
});

describe('actions with their own HTTP client (foreignHttp)', () => {
  it('records their exchanges and replays them offline with the target stopped', async () => {
    const app = await startTodoApp();
    const sim = defineSimulation({ name: 'foreign', actions, population: [{ behavior: writer, count: 2 }], target: { url: app.url }, foreignHttp: true, duration: '2h' });
    const store = await openStore(path.join(tmp.dir, 'foreign.duckdb'));
    try {
      const run = await runSimulation(sim, { seed: 3, db: store });
      const bundle = await readRunBundle(store, run.runId);
      expect(bundle.actions.length).toBe(24);
      expect(bundle.actions.every((a) => a.outcome === 'ok')).toBe(true);
      expect(bundle.exchanges).toHaveLength(24);
      expect(bundle.exchanges[0]).toMatchObject({ method: 'POST', status: 201, n: 0 });
      await app.stop();
      const offline = await replayRun(bundle, { offline: true, simulation: sim, db: store });
      expect(offline, JSON.stringify(offline.divergences.slice(0, 2))).toMatchObject({ identical: true, compared: 24 });
      // The replay is a run with the exchanges it was served, in the recording's form (paths for the target).
      const served = await store.exchanges(offline.replayRunId);
      const shape = (e: (typeof served)[number]) => [e.actionSeq, e.n, e.method, e.url, e.requestBody, e.status, e.responseBody];
      expect(served.map(shape)).toEqual(bundle.exchanges.map(shape));
      const online = await replayRun(bundle, { simulation: sim, db: false });
      expect(online.identical).toBe(false);
      expect(online.divergences[0]).toMatchObject({ seq: 0, kind: 'result-changed' });
    } finally {
      await store.close();
    }
  });
});
