/**
 * Live replay through values the target mints: a rerun against a fresh instance that mints other
 * ids is identical when the target behaves the same, diverges exactly where it does not, and a
 * difference that flows from an earlier answer into later arguments is attributed to that answer.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineActions, defineBehavior, defineSimulation, fail, openStore, readRunBundle, replayRun, runSimulation, type HttpResponse, type ReplaySource, type RunOptions, type Simulation } from 'beamulator';
import todo from '../../examples/todo/todo.sim.ts';
import { startTodoApp, type TodoApp } from '../../fixtures/todo-app/server.ts';

/** Records a run in a store in memory and reads it back as a replay would. */
async function collectRun(sim: Simulation, options: RunOptions): Promise<ReplaySource> {
  const store = await openStore(':memory:');
  try {
    const { runId } = await runSimulation(sim, { ...options, db: store });
    return await readRunBundle(store, runId);
  } finally {
    await store.close();
  }
}

describe('the todo example against an app that mints UUIDs and timestamps', () => {
  let source: ReplaySource;
  let fresh: TodoApp;

  beforeAll(async () => {
    const original = await startTodoApp({ mintIds: true });
    source = await collectRun(todo, { seed: 8, duration: '4h', target: original.url });
    await original.stop();
    fresh = await startTodoApp({ mintIds: true });
  });
  afterAll(() => fresh.stop());

  it('recorded UUIDs and timestamps', () => {
    const created = source.actions.find((a) => a.action === 'createTodo' && a.outcome === 'ok')!;
    expect(created.result).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  it('replays identical live against a restarted instance, in rerun and log mode', async () => {
    for (const mode of ['rerun', 'log'] as const) {
      fresh.reset();
      const report = await replayRun(source, { mode, simulation: todo, target: fresh.url, db: false });
      expect(report.divergences.slice(0, 2), mode).toEqual([]);
      expect(report).toMatchObject({ identical: true, compared: source.actions.length });
      expect(report.mintedPairs).toBeGreaterThan(20);
    }
  });

  it('diverges first where the target behaves differently (a stale list), not at a minted id', async () => {
    fresh.reset();
    fresh.setBugs(['stale-read']);
    try {
      const report = await replayRun(source, { simulation: todo, target: fresh.url, db: false });
      expect(report.identical).toBe(false);
      // The first divergence is the stale list itself (what the behaviors do after it may change too).
      expect(report.divergences[0]).toMatchObject({ kind: 'result-changed', action: 'listTodos' });
      expect(report.divergences[0]!.differences.join('\n')).not.toMatch(/\.id:|createdAt/);
    } finally {
      fresh.setBugs([]);
    }
  });
});

/**
 * A room service that names each new room after a colour from its list, starting where `first`
 * says: the names are words, not minted-looking ids, so a different name is a difference.
 */
async function roomService(first: number) {
  const colours = ['red', 'green', 'blue', 'amber', 'violet', 'teal'];
  let next = first;
  const rooms = new Set<string>();
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.method === 'POST') {
      const room = colours[next++ % colours.length]!;
      rooms.add(room);
      res.end(JSON.stringify({ room }));
    } else {
      const room = req.url!.split('/')[2]!;
      res.statusCode = rooms.has(room) ? 200 : 404;
      res.end(JSON.stringify({ room, open: rooms.has(room) }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function ok<T>(res: HttpResponse): T {
  if (res.status >= 300) fail(`HTTP ${res.status}`);
  return res.json<T>();
}

const actions = defineActions({
  openRoom: async (_args: Record<string, never>, { http: client }) => ok<{ room: string }>(await client.post('/rooms', { json: {} })),
  visit: async (args: { room: string }, { http: client }) => ok<{ room: string; open: boolean }>(await client.get(`/rooms/${args.room}`)),
});
const host = defineBehavior({
  name: 'Host',
  initialState: { room: '' },
  async act(ctx) {
    if (!ctx.state.room) ctx.state.room = (await ctx.execute(actions.openRoom, {})).value?.room ?? '';
    else await ctx.execute(actions.visit, { room: ctx.state.room });
    return ctx.turn >= 3 ? ctx.stop() : '1m';
  },
});
const rooms = defineSimulation({ name: 'rooms', actions, behaviors: [host], population: [{ behavior: host, count: 1 }] });

describe('attribution of a difference carried from an answer into later arguments', () => {
  let source: ReplaySource;
  let other: Awaited<ReturnType<typeof roomService>>;
  beforeAll(async () => {
    const original = await roomService(0);
    source = await collectRun(rooms, { seed: 1, target: original.url });
    await original.stop();
    other = await roomService(1);
  });
  afterAll(() => other.stop());

  it('blames the answer, then calls the later action carried-over, not a changed simulation', async () => {
    const report = await replayRun(source, { simulation: rooms, target: other.url, db: false });
    expect(report.divergences.map((d) => [d.seq, d.kind, d.from])).toEqual([[0, 'result-changed', undefined], [1, 'carried-over', 0], [2, 'carried-over', 0]]);
    expect(report.divergences[1]!.differences).toEqual(['args.room: "red" → "green"']);
  });

  it('with the answer ignored, the later action still says where its value came from', async () => {
    const lenient = { ...rooms, replay: { ignore: { openRoom: ['$.room'] } } };
    const report = await replayRun(source, { simulation: lenient, target: other.url, db: false });
    expect(report.divergences.map((d) => [d.seq, d.kind, d.from])).toEqual([[1, 'carried-over', 0], [2, 'carried-over', 0]]);
  });
});
