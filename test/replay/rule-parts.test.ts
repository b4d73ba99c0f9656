/**
 * Replay rules that name the part they apply to (ReplayRules: `result`, `args`,
 * `complaint.detail`, `exchange.request.body`): a live rerun against another instance of a
 * target that mints numbers (not paired without a rule) fails without the rules, naming the
 * path, and passes with them.
 */
import http from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { defineActions, defineBehavior, defineSimulation, fail, openStore, readRunBundle, replayRun, runSimulation, type HttpResponse, type ReplayRules, type ReplaySource } from 'beamulator';

/** A note service whose ids and stamps start at `base`: another instance answers other numbers. */
async function noteService(base: number) {
  let n = 0;
  const notes = new Set<number>();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/notes') {
        n++;
        notes.add(base + n);
        res.end(JSON.stringify({ id: base + n, stamp: base * 1000 + n, title: `note ${n}` }));
        return;
      }
      const id = Number(req.url!.split('/')[2]);
      res.statusCode = notes.has(id) ? 200 : 404;
      res.end(JSON.stringify({ id, seen: notes.has(id) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function ok<T>(res: HttpResponse): T {
  if (res.status >= 300) fail(`HTTP ${res.status}`);
  return res.json<T>();
}

// A value the action makes up itself, so an offline replay sends another request body.
let sent = 0;
const actions = defineActions({
  create: async (_args: Record<string, never>, { http: client }) => ok<{ id: number; stamp: number; title: string }>(await client.post('/notes', { json: {} })),
  read: async (args: { id: number; since: number }, { http: client }) =>
    ok<{ id: number; seen: boolean }>(await client.post(`/notes/${args.id}/read`, { json: { since: args.since, nonce: ++sent } })),
});
const writer = defineBehavior({
  name: 'Writer',
  initialState: { id: 0, stamp: 0 },
  async act(ctx) {
    if (ctx.state.id === 0) {
      const note = (await ctx.execute(actions.create, {})).value!;
      Object.assign(ctx.state, { id: note.id, stamp: note.stamp });
      ctx.complain('wrote a note', { severity: 'justsayin', detail: { id: note.id, stamp: note.stamp } });
    } else {
      await ctx.execute(actions.read, { id: ctx.state.id, since: ctx.state.stamp });
    }
    return ctx.turn >= 3 ? ctx.stop() : '1m';
  },
});
const base = defineSimulation({ name: 'notes', actions, behaviors: [writer], population: [{ behavior: writer, count: 2 }] });
const withRules = (replay: ReplayRules) => defineSimulation({ ...base, replay });

const all: ReplayRules = { minted: ['result.id'], ignore: ['result.stamp', 'args.since', 'complaint.detail.stamp', 'exchange.request.body.nonce'] };

describe('replay rules by part, live against another instance that mints other numbers', () => {
  let source: ReplaySource;
  beforeAll(async () => {
    const original = await noteService(100);
    const store = await openStore(':memory:');
    try {
      const { runId } = await runSimulation(base, { seed: 3, db: store, target: original.url });
      source = await readRunBundle(store, runId);
    } finally {
      await store.close();
      await original.stop();
    }
  });

  /** Replays against a fresh instance (the same ids and stamps every time), or offline. */
  const replay = async (replayRules: ReplayRules, offline = false) => {
    const other = offline ? null : await noteService(700);
    try {
      return await replayRun(source, { simulation: withRules(replayRules), db: false, ...(other ? { target: other.url } : { offline }) });
    } finally {
      await other?.stop();
    }
  };

  it('recorded the complaints the rerun compares', () => {
    expect(source.actions.map((a) => `${a.action} ${a.outcome}`)).toEqual(['create ok', 'create ok', 'read ok', 'read ok', 'read ok', 'read ok']);
    expect(source.complaints!.map((c) => c.detail)).toEqual([{ id: 101, stamp: 100001 }, { id: 102, stamp: 100002 }]);
  });

  it('passes with the rules (ids paired, stamps ignored in results, arguments and complaint details)', async () => {
    const report = await replay(all);
    expect(report.divergences.slice(0, 1)).toEqual([]);
    expect(report).toMatchObject({ identical: true, compared: source.actions.length });
    expect(report.mintedPairs).toBe(2);
  });

  it('fails without each rule, naming its path', async () => {
    const without = async (rules: ReplayRules) => (await replay(rules)).divergences[0];
    expect(await without({})).toMatchObject({ kind: 'result-changed', seq: 0, differences: expect.arrayContaining(['result.id: 101 → 701', 'result.stamp: 100001 → 700001']) });
    expect(await without({ minted: ['result.id'], ignore: ['result.stamp', 'complaint.detail.stamp'] }))
      .toMatchObject({ kind: 'carried-over', action: 'read', differences: ['args.since: 100001 → 700001'] });
    expect(await without({ minted: ['result.id'], ignore: ['result.stamp', 'args.since'] }))
      .toMatchObject({ kind: 'complaint-changed', seq: 0, action: 'create', differences: ['complaint.detail.stamp: 100001 → 700001'] });
    // The minted ids are paired in complaint details too: only the stamp is named.
    expect(await without({ ignore: ['$.stamp', 'args', 'complaint.detail'] })).toMatchObject({ kind: 'result-changed', differences: ['result.id: 101 → 701'] });
  });

  it('offline, compares request bodies through exchange.request.body rules', async () => {
    const strict = await replay({}, true);
    expect(strict.divergences[0]).toMatchObject({ kind: 'request-changed', action: 'read' });
    expect(strict.divergences[0]!.differences.join('\n')).toMatch(/request #0 body\.nonce: \d+ → \d+/);
    expect(await replay(all, true)).toMatchObject({ identical: true });
  });

  it('refuses a path that names no part, or a part no replay compares', () => {
    expect(() => withRules({ ignore: ['id'] })).toThrow("cannot use simulation 'notes': replay.ignore: 'id' starts with neither $ (a result) nor result, args, complaint.detail, exchange.request.body");
    expect(() => withRules({ ignore: { read: ['exchange.response.body.id'] } })).toThrow(/names exchange\.response\.body, which no replay compares/);
    expect(() => withRules({ minted: ['args.id'] })).toThrow("replay.minted: 'args.id' is not in a result");
    expect(() => withRules({ normalize: { detail: (d: unknown) => d } as never })).toThrow(/replay\.normalize\.detail is not a function of result, args/);
  });

  it('normalizes a part with its own function', async () => {
    const report = await replay({
      minted: ['result.id'], ignore: ['result.stamp', 'args.since', 'exchange.request.body.nonce'],
      normalize: { 'complaint.detail': (detail) => ({ ...(detail as object), stamp: 0 }) },
    });
    expect(report.identical).toBe(true);
  });
});
