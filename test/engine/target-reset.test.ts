/** target.reset: a running target is brought back to a known state before a run and a live replay. */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineActions, defineBehavior, defineSimulation, openStore, readRunBundle, replayRun, runSimulation } from 'beamulator';
import todo from '../../examples/todo/todo.sim.ts';
import { startTodoApp, type TodoApp } from '../../fixtures/todo-app/server.ts';
import { formatReplayReport } from '../../src/replay/format-report.ts';

/** A counter service: POST /hit counts, POST /__reset zeroes (or answers `resetStatus`). */
async function counter() {
  const state = { hits: 0, resets: 0, resetStatus: 204 };
  const server = http.createServer((req, res) => {
    if (req.url === '/__reset') {
      state.resets++;
      if (state.resetStatus < 300) state.hits = 0;
      res.statusCode = state.resetStatus;
      return res.end();
    }
    state.hits++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ hits: state.hits }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, state, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const actions = defineActions({ hit: async (_a: Record<string, never>, { http: client }) => (await client.post('/hit', { json: {} })).json<{ hits: number }>() });
const hitter = defineBehavior({ name: 'Hitter', initialState: {}, async act(ctx) {
  await ctx.execute(actions.hit, {});
  return ctx.turn >= 3 ? ctx.stop() : '1m';
} });
const sim = (reset?: string | ((input: { url: string }) => Promise<void>)) => defineSimulation({
  name: 'hits', actions, behaviors: [hitter], population: [{ behavior: hitter, count: 1 }], ...(reset ? { target: { reset } } : {}),
});

describe('target.reset', () => {
  let svc: Awaited<ReturnType<typeof counter>>;
  beforeAll(async () => {
    svc = await counter();
  });
  afterAll(() => svc.stop());

  it('a request reset runs once before the run; the result says the target was reset', async () => {
    svc.state.hits = 41;
    svc.state.resets = 0;
    const result = await runSimulation(sim('POST /__reset'), { target: svc.url, db: false, seed: 1 });
    expect(svc.state.resets).toBe(1);
    expect(svc.state.hits).toBe(3);
    expect(result.targetState).toBe('reset');
  });

  it('a function reset gets the url; without a reset the target is used as found', async () => {
    const seen: string[] = [];
    expect((await runSimulation(sim(async ({ url }) => void seen.push(url)), { target: svc.url, db: false, seed: 1 })).targetState).toBe('reset');
    expect(seen).toEqual([svc.url]);
    expect((await runSimulation(sim(), { target: svc.url, db: false, seed: 1 })).targetState).toBe('as-found');
  });

  it('a reset that fails stops the run before it starts, with one clear line', async () => {
    svc.state.resetStatus = 500;
    try {
      const error = await runSimulation(sim('POST /__reset'), { target: svc.url, db: false }).catch((e: unknown) => e as Error & { code: string });
      expect(error).toMatchObject({ code: 'BEAM_TARGET' });
      expect((error as Error).message.startsWith(`cannot reset the target at ${svc.url}: POST /__reset answered HTTP 500`)).toBe(true);
      // A reset function that throws is the user's code failing: exit 6, with the line that threw.
      const thrown = await runSimulation(sim(async () => { throw new Error('db is read-only'); }), { target: svc.url, db: false }).catch((e: unknown) => e as Error & { code: string });
      expect(thrown).toMatchObject({ code: 'BEAM_USER_CODE', exitCode: 6 });
      expect((thrown as Error).message).toMatch(/^cannot reset the target at .*: target\.reset\(\) threw Error: db is read-only \(at test\/engine\/target-reset\.test\.ts:\d+:\d+\)\. Fix that code/);
    } finally {
      svc.state.resetStatus = 204;
    }
  });

  it('a malformed reset request is refused when the simulation is defined', () => {
    expect(() => sim('reset please')).toThrow(/expected a method and a path, like 'POST \/__reset'/);
  });
});

describe('a live replay against a target that already holds data', () => {
  let app: TodoApp;
  beforeAll(async () => {
    app = await startTodoApp();
  });
  afterAll(() => app.stop());

  it('is identical when the simulation resets it, and says its prior state was not controlled when it cannot', async () => {
    const store = await openStore(':memory:');
    try {
      const { runId } = await runSimulation(todo, { seed: 4, duration: '2h', target: app.url, db: store });
      const source = await readRunBundle(store, runId);
      // The app now holds the run's users and todos: the example's reset empties it first.
      const reset = await replayRun(source, { simulation: todo, target: app.url, db: false });
      expect(reset).toMatchObject({ identical: true, targetState: 'reset' });
      const noReset = { ...todo, target: { ...todo.target, reset: undefined } };
      const asFound = await replayRun(source, { simulation: noReset, target: app.url, db: false });
      expect(asFound).toMatchObject({ identical: false, targetState: 'as-found' });
      expect(asFound.divergences[0]!.seq).toBe(0);
      expect(formatReplayReport(asFound, source.actors, false)).toMatch(/diverged at action #0\n {2}the target's prior state was not controlled: it was used as found/);
    } finally {
      await store.close();
    }
  });
});
