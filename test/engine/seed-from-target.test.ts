/** fromTarget: actors seeded from what a running target holds; replays use the stored seed; --check-target compares. */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineActions, defineBehavior, defineSimulation, openStore, readRunBundle, replayRun, runSimulation, type ActionRecord } from 'beamulator';
import { seedDisagreement } from '../../src/engine/shard-groups.ts';
import { mergeCommand } from '../../src/cli/merge-command.ts';

interface Account { id: string; owner: string; balance: number }

/** A tiny bank, nothing like the todo app: GET /accounts, POST /accounts/:id/withdraw { amount }. */
async function bank(accounts: Account[]) {
  const state = { accounts: structuredClone(accounts), listCalls: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c; });
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET' && req.url === '/accounts') {
        state.listCalls++;
        return res.end(JSON.stringify(state.accounts));
      }
      const m = /^\/accounts\/([^/]+)\/withdraw$/.exec(req.url ?? '');
      const account = m && state.accounts.find((a) => a.id === m[1]);
      if (!account) return res.writeHead(404).end('{"error":"no such account"}');
      const { amount } = JSON.parse(body || '{}') as { amount: number };
      if (amount > account.balance) return res.writeHead(409).end('{"error":"insufficient funds"}');
      account.balance -= amount;
      res.end(JSON.stringify(account));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url, state,
    restore: () => { state.accounts = structuredClone(accounts); },
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const actions = defineActions({
  listAccounts: async (_a: Record<string, never>, { http: client }) => (await client.get('/accounts')).json<Account[]>(),
  withdraw: async (a: { account: string; amount: number }, { http: client }) => {
    const res = await client.post(`/accounts/${a.account}/withdraw`, { json: { amount: a.amount } });
    if (res.status !== 200) throw new Error(`withdraw answered ${res.status}`);
    return res.json<Account>();
  },
});

/** One holder per account: spends from what it knows it has, and stops when that runs out. */
const holder = defineBehavior<{ balance: number; spent: number[] }, { account: string }>({
  name: 'Holder',
  initialState: { balance: 0, spent: [] },
  async act(ctx) {
    const amount = ctx.rng.int(1, 40);
    if (amount > ctx.state.balance) return ctx.stop('broke');
    const r = await ctx.execute(actions.withdraw, { account: ctx.config.account, amount });
    if (r.ok) {
      ctx.state.balance = r.value!.balance;
      ctx.state.spent.push(amount);
    }
    return '10m';
  },
});

const seeded = (fromTarget: NonNullable<Parameters<typeof defineSimulation>[0]['population'][number]['fromTarget']>) => defineSimulation({
  name: 'bank', actions, behaviors: [holder],
  population: [{ behavior: holder, fromTarget, start: { jitter: '1m' } }],
  duration: '3h',
});
const byAccount = seeded(async (ctx) => {
  const r = await ctx.execute(actions.listAccounts, {});
  return r.value!.map((a) => ({ name: a.owner, config: { account: a.id }, state: { balance: a.balance, spent: [] } }));
});

describe('fromTarget', () => {
  const start: Account[] = [{ id: 'a1', owner: 'ann', balance: 100 }, { id: 'a2', owner: 'bob', balance: 30 }, { id: 'a3', owner: 'cy', balance: 0 }];
  let svc: Awaited<ReturnType<typeof bank>>;
  beforeAll(async () => { svc = await bank(start); });
  afterAll(() => svc.stop());

  it('seeds one actor per account with its state; the reads are the seeder\'s actions; a replay uses the stored seed and reads nothing', async () => {
    svc.restore();
    const store = await openStore(':memory:');
    try {
      const run = await runSimulation(byAccount, { target: svc.url, db: store, seed: 7 });
      const actors = await store.actors(run.runId);
      expect(actors.map((a) => [a.actorId, a.name, a.origin, a.initialState])).toEqual([
        [0, 'seeder', 'seeder', null],
        [1, 'ann', 'target', { balance: 100, spent: [] }],
        [2, 'bob', 'target', { balance: 30, spent: [] }],
        [3, 'cy', 'target', { balance: 0, spent: [] }],
      ]);
      const log = await store.actions(run.runId);
      expect(log[0]).toMatchObject({ seq: 0, actorId: 0, action: 'listAccounts', outcome: 'ok', simTime: 0 });
      expect(log.slice(1).every((a) => a.action === 'withdraw' && a.actorId > 0 && a.outcome === 'ok')).toBe(true);
      // The seeded states drove the run: ann spends from 100, bob from 30, cy has nothing.
      expect(log.some((a) => a.actorId === 1) && log.some((a) => a.actorId === 2) && !log.some((a) => a.actorId === 3)).toBe(true);
      expect(svc.state.listCalls).toBe(1);

      svc.restore();
      const report = await replayRun(await readRunBundle(store, run.runId), { simulation: byAccount, target: svc.url, db: store });
      expect(report.identical).toBe(true);
      expect(report.compared).toBe(log.length);
      expect(svc.state.listCalls).toBe(1);
      const replayActors = await store.actors(report.replayRunId);
      expect(replayActors.map((a) => [a.name, a.origin, a.initialState])).toEqual(actors.map((a) => [a.name, a.origin, a.initialState]));
    } finally {
      await store.close();
    }
  });

  it('a replay with checkTarget reads the target again: a changed one is reported before the replay starts', async () => {
    svc.restore();
    const store = await openStore(':memory:');
    try {
      const run = await runSimulation(byAccount, { target: svc.url, db: store, seed: 3 });
      const bundle = await readRunBundle(store, run.runId);
      svc.restore();
      const ok = await replayRun(bundle, { simulation: byAccount, target: svc.url, db: store, checkTarget: true });
      expect(ok.seedCheck).toEqual({ actors: 3 });
      expect(ok.identical).toBe(true);

      svc.restore();
      svc.state.accounts[1]!.balance = 31;
      svc.state.accounts.push({ id: 'a4', owner: 'dee', balance: 9 });
      const runsBefore = (await store.listRuns()).length;
      const error = await replayRun(bundle, { simulation: byAccount, target: svc.url, db: store, checkTarget: true }).catch((e: unknown) => e as Error & { code: string; exitCode: number });
      expect(error).toMatchObject({ code: 'BEAM_TARGET_CHANGED', exitCode: 12 });
      expect((error as Error).message).toBe(`cannot replay run ${run.runId} as seeded: the target changed since (2 differences: population[0]: 3 actors stored, 4 now; bob: state.balance: 30 → 31). `
        + 'Bring the target back to what it held, or replay without --check-target (the replay uses the stored seed either way)');
      expect((await store.listRuns()).length).toBe(runsBefore);
    } finally {
      await store.close();
    }
  });

  it('a fromTarget that throws or returns nonsense fails the run with one line; the reads it made are kept', async () => {
    svc.restore();
    const store = await openStore(':memory:');
    try {
      const throws = seeded(async (ctx) => {
        await ctx.execute(actions.listAccounts, {});
        throw new Error('no admin rights');
      });
      await expect(runSimulation(throws, { target: svc.url, db: store })).rejects.toThrow(
        /^cannot seed population\[0\] \(Holder\) from the target: its fromTarget threw: no admin rights\. Fix fromTarget; the reads it made are recorded with the run$/);
      const [failed] = await store.listRuns();
      expect(failed).toMatchObject({ status: 'failed' });
      expect((await store.actions(failed!.runId)).map((a) => [a.actorId, a.action])).toEqual([[0, 'listAccounts']]);
      expect((await store.actors(failed!.runId)).map((a) => a.name)).toEqual(['seeder']);

      const cases: Array<[unknown, RegExp]> = [
        [{ accounts: [] }, /its fromTarget returned an object, not a list of actors/],
        [[{ name: 'ann' }], /actor \[0\] that its fromTarget returned has no state/],
        [[{ state: { seen: new Set([1]) } }], /its fromTarget returned a Set at \[0\]\.state\.seen, which a replay cannot restore/],
        [[{ name: 7, state: {} }], /actor \[0\] that its fromTarget returned has name number 7/],
      ];
      for (const [returned, message] of cases) {
        const error = await runSimulation(seeded(async () => returned as never), { target: svc.url, db: false }).catch((e: unknown) => e as Error & { code: string });
        expect(error).toMatchObject({ code: 'BEAM_SEED', exitCode: 2 });
        expect((error as Error).message).toMatch(message);
      }
    } finally {
      await store.close();
    }
  });

  it('with --shard, every shard seeds from the whole target and spawns only its own actors; a shard replays from its stored seed', async () => {
    svc.restore();
    const store = await openStore(':memory:');
    try {
      const whole = await runSimulation(byAccount, { target: svc.url, db: store, seed: 5 });
      const wholeLog = await store.actions(whole.runId);
      // The shards share the target, as on many machines: no reset between them (shard 1's actors spend first).
      svc.restore();
      const shards = [];
      for (const index of [1, 2]) shards.push(await runSimulation(byAccount, { target: svc.url, db: store, seed: 5, shard: { index, count: 2 } }));
      const actorsOf = await Promise.all(shards.map((r) => store.actors(r.runId)));
      expect(actorsOf.map((actors) => actors.map((a) => [a.actorId, a.name]))).toEqual([[[0, 'seeder'], [2, 'bob']], [[0, 'seeder'], [1, 'ann'], [3, 'cy']]]);
      expect(seedDisagreement(actorsOf.map((actors, i) => ({ index: i + 1, actors })))).toBeNull();
      // Each seeded actor did in its shard exactly what it did in the whole run.
      const byActor = (log: ActionRecord[], id: number) => log.filter((a) => a.actorId === id).map(({ action, args, result, simTime }) => ({ action, args, result, simTime }));
      const shardLogs = await Promise.all(shards.map((r) => store.actions(r.runId)));
      for (const [shard, id] of [[0, 2], [1, 1], [1, 3]] as const) expect(byActor(shardLogs[shard]!, id)).toEqual(byActor(wholeLog, id));
      expect(shardLogs.every((log) => log[0]!.action === 'listAccounts' && log[0]!.actorId === 0)).toBe(true);

      // Shard 2 holds only ann and cy, yet a rerun of it rebuilds the population with the ids it had.
      svc.restore();
      const report = await replayRun(await readRunBundle(store, shards[1]!.runId), { simulation: byAccount, target: svc.url, db: false });
      expect(report).toMatchObject({ identical: true, compared: shardLogs[1]!.length });

      // A shard that finds another list on the target (an account opened meanwhile) does not line up: merge says so.
      svc.restore();
      svc.state.accounts.unshift({ id: 'a0', owner: 'abe', balance: 5 });
      const late = await runSimulation(byAccount, { target: svc.url, db: store, seed: 5, shard: { index: 2, count: 2 } });
      expect(seedDisagreement([{ index: 1, actors: actorsOf[0]! }, { index: 2, actors: await store.actors(late.runId) }]))
        .toBe('shard 2 was seeded from the target with other actors than shard 1 (population[0]: 4 actors, not 3), so their actor ids do not line up');
    } finally {
      await store.close();
    }
  });

  it('merge of shard stores seeded with different lists says so and exits 11', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'beamulator-seed-shards-'));
    try {
      const stores = [path.join(dir, 'one.duckdb'), path.join(dir, 'two.duckdb')];
      svc.restore();
      await runSimulation(byAccount, { target: svc.url, db: stores[0]!, seed: 5, shard: { index: 1, count: 2 } });
      svc.state.accounts.unshift({ id: 'a0', owner: 'abe', balance: 5 });
      await runSimulation(byAccount, { target: svc.url, db: stores[1]!, seed: 5, shard: { index: 2, count: 2 } });
      const err: string[] = [];
      const output = { out: () => undefined, err: (text: string) => err.push(text), isTTY: false, color: false, errColor: false };
      const code = await mergeCommand(stores, { out: path.join(dir, 'all.duckdb') }, output);
      expect(code).toBe(11);
      expect(err.join('')).toMatch(/^beamulator: group g-\w+ does not add up: shard 2 was seeded from the target with other actors than shard 1 \(population\[0\]: 4 actors, not 3\), so their actor ids do not line up\. Start every shard/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an entry with fromTarget and a count is refused when defined', () => {
    expect(() => defineSimulation({ name: 'x', population: [{ behavior: holder, count: 2, fromTarget: async () => [] }] }))
      .toThrow("cannot use simulation 'x': population[0] has fromTarget and count. The target decides how many actors and with what config: drop count and config");
  });
});

describe('the example that joins a todo app holding data (examples/todo/seeded.sim.ts)', () => {
  it('seeds one Returning member per account with its open todos; the replay is identical and the app still matches the seed', async () => {
    const { default: seededTodo } = await import('../../examples/todo/seeded.sim.ts');
    const store = await openStore(':memory:');
    try {
      const run = await runSimulation(seededTodo, { db: store, seed: 4, duration: '3h' });
      expect(run.summary.byOutcome).toMatchObject({ error: 0, crash: 0 });
      const actors = await store.actors(run.runId);
      expect(actors.filter((a) => a.origin === 'target').map((a) => [a.name, a.initialState])).toEqual([
        ['ada', { username: 'ada', team: 'red', open: ['t1'] }],
        ['brian', { username: 'brian', team: 'red', open: ['t3'] }],
        ['chen', { username: 'chen', team: 'blue', open: ['t4', 't5'] }],
      ]);
      const report = await replayRun(await readRunBundle(store, run.runId), { simulation: seededTodo, db: store, checkTarget: true });
      expect(report).toMatchObject({ identical: true, seedCheck: { actors: 3 } });
    } finally {
      await store.close();
    }
  });
});
