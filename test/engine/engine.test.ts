import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { defineActions, defineBehavior, defineSimulation, fail } from 'beamulator';
import { runSimulationInternal } from '../../src/engine/run-simulation.ts';
import { collect, deterministicLog } from './helpers.ts';

/** An in-process "service": a counter store that answers after a microtask, like a fast target. */
function makeService() {
  const items = new Map<number, string>();
  let nextId = 1;
  return defineActions({
    add: async (args: { text: string }) => {
      await Promise.resolve();
      const id = nextId++;
      items.set(id, args.text);
      return { id };
    },
    list: async () => [...items.entries()].map(([id, text]) => ({ id, text })),
    remove: async (args: { id: number }) => {
      if (!items.delete(args.id)) fail(`no item ${args.id}`, { id: args.id });
      return { removed: args.id };
    },
    boom: async () => {
      throw new Error('bug in the action');
    },
  });
}

function makeSim(extra: Partial<Parameters<typeof defineSimulation>[0]> = {}) {
  const actions = makeService();
  const writer = defineBehavior({
    name: 'Writer',
    initialState: ({ rng }) => ({ mine: [] as number[], nick: rng.faker.person.firstName() }),
    async act(ctx) {
      const roll = ctx.rng.weighted([['add', 3], ['remove', 1], ['list', 1]] as const);
      if (roll === 'add') {
        const r = await ctx.execute(actions.add, { text: `${ctx.state.nick}-${ctx.rng.int(1, 1000)}` });
        if (r.ok) ctx.state.mine.push(r.value!.id);
      } else if (roll === 'remove' && ctx.state.mine.length > 0) {
        const id = ctx.rng.pick(ctx.state.mine);
        ctx.state.mine = ctx.state.mine.filter((x) => x !== id);
        await ctx.execute(actions.remove, { id });
      } else {
        await ctx.execute(actions.list, {});
        if (ctx.rng.chance(0.5)) {
          await ctx.sleep(ctx.rng.int(1, 30) * 1000);
          await ctx.execute(actions.list, {});
        }
      }
      return ctx.rng.int(1, 10) * 60_000;
    },
  });
  return defineSimulation({ name: 'unit', actions, population: [{ behavior: writer, count: 5, start: { jitter: '1m' } }], duration: '2h', ...extra });
}

describe('engine', () => {
  it('gives the identical action log for the same seed, and a different one for another seed', async () => {
    const a = await collect(makeSim(), { seed: 'same' });
    const b = await collect(makeSim(), { seed: 'same' });
    const c = await collect(makeSim(), { seed: 'other' });
    expect(a.actions.length).toBeGreaterThan(50);
    expect(deterministicLog(a.actions)).toEqual(deterministicLog(b.actions));
    expect(a.events.map(({ runId: _r, ...e }) => e)).toEqual(b.events.map(({ runId: _r, ...e }) => e));
    expect(deterministicLog(c.actions)).not.toEqual(deterministicLog(a.actions));
  });

  it('orders actions by sim time, lets sleeping actors interleave, and stops at the duration', async () => {
    const { actions, result } = await collect(makeSim(), { seed: 1, duration: '30m' });
    for (let i = 1; i < actions.length; i++) expect(actions[i]!.simTime).toBeGreaterThanOrEqual(actions[i - 1]!.simTime);
    expect(actions.every((a) => a.simTime <= 30 * 60_000)).toBe(true);
    expect(result.stopReason).toBe('duration');
    expect(result.simDurationMs).toBe(30 * 60_000);
    expect(actions.map((a) => a.seq)).toEqual(actions.map((_, i) => i));
  });

  it('records a target failure as error and a throwing action as crash, and the run goes on', async () => {
    const actions = makeService();
    const b = defineBehavior({
      name: 'Clumsy',
      initialState: {},
      async act(ctx) {
        const r1 = await ctx.execute(actions.remove, { id: 999 });
        const r2 = await ctx.execute(actions.boom, {});
        expect(r1).toMatchObject({ ok: false, outcome: 'error', error: 'no item 999' });
        expect(r2).toMatchObject({ ok: false, outcome: 'crash', error: 'bug in the action' });
        return '10m';
      },
    });
    const { actions: log, result } = await collect(defineSimulation({ name: 'e', population: [{ behavior: b }], duration: '25m' }), { seed: 3 });
    expect(log.map((a) => [a.action, a.outcome])).toEqual([
      ['remove', 'error'], ['boom', 'crash'], ['remove', 'error'], ['boom', 'crash'], ['remove', 'error'], ['boom', 'crash'],
    ]);
    expect(log[0]!.result).toEqual({ id: 999 });
    expect(result.summary.byOutcome).toEqual({ ok: 0, error: 3, crash: 3 });
  });

  it('restarts a crashed behavior with a fresh state, then gives up after repeated crashes', async () => {
    const b = defineBehavior({
      name: 'Fragile',
      initialState: { turns: 0 },
      act(ctx) {
        ctx.state.turns++;
        if (ctx.turn >= 3) throw new Error(`broke on turn ${ctx.turn} with state ${ctx.state.turns}`);
        return '1m';
      },
    });
    const sim = defineSimulation({ name: 'c', population: [{ behavior: b }], duration: '1h', restart: { delay: '30s', maxConsecutive: 3 } });
    const { events, result } = await collect(sim, { seed: 1 });
    const crashes = events.filter((e) => e.kind === 'crash');
    expect(crashes.map((e) => (e.detail as { error: string }).error)).toEqual([
      'broke on turn 3 with state 3', 'broke on turn 4 with state 1', 'broke on turn 5 with state 1',
    ]);
    expect(events.filter((e) => e.kind === 'restart')).toHaveLength(2);
    expect(events.some((e) => e.kind === 'give-up')).toBe(true);
    expect(result.stopReason).toBe('all-actors-stopped');
    expect(crashes[1]!.simTime - crashes[0]!.simTime).toBe(30_000);
  });

  it('explains a turn that forgets to return a wait', async () => {
    const b = defineBehavior({ name: 'Forgetful', initialState: {}, act: () => undefined as never });
    const { events } = await collect(defineSimulation({ name: 'f', population: [{ behavior: b }] }), { seed: 1 });
    expect((events.find((e) => e.kind === 'crash')!.detail as { error: string }).error).toMatch(/act\(\) returned nothing: return the wait/);
  });

  it('spreads arrivals with rampUp and stops actors that return ctx.stop()', async () => {
    const seen: number[] = [];
    const b = defineBehavior({
      name: 'Once',
      initialState: {},
      act(ctx) {
        seen.push(ctx.now);
        return ctx.stop('done');
      },
    });
    const { events, result } = await collect(defineSimulation({ name: 'r', population: [{ behavior: b, count: 4, start: { at: '1m', rampUp: '4m' } }] }), { seed: 1 });
    expect(seen).toEqual([60_000, 120_000, 180_000, 240_000]);
    expect(events.filter((e) => e.kind === 'stop')).toHaveLength(4);
    expect(result.stopReason).toBe('all-actors-stopped');
  });

  it("gives config the actor's 0-based index in its entry and the actor's name, which counts from 1", async () => {
    const b = defineBehavior({
      name: 'Writer',
      initialState: {},
      act: (ctx) => ctx.stop(`${ctx.name} got ${JSON.stringify(ctx.config)}`),
    });
    const { events } = await collect(defineSimulation({
      name: 'n', population: [{ behavior: b, count: 2, config: (index: number, _p: unknown, name: string) => ({ index, name }) }],
    }), { seed: 1 });
    expect(events.filter((e) => e.kind === 'stop').map((e) => (e.detail as { reason: string }).reason)).toEqual([
      'Writer 1 got {"index":0,"name":"Writer 1"}', 'Writer 2 got {"index":1,"name":"Writer 2"}',
    ]);
  });

  it('runs due actors one after another by default, and together with concurrency', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const actions = defineActions({
      slow: async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return null;
      },
    });
    const b = defineBehavior({ name: 'Same', initialState: {}, async act(ctx) { await ctx.execute(actions.slow, {}); return '1m'; } });
    const sim = defineSimulation({ name: 'o', population: [{ behavior: b, count: 4 }], duration: '3m' });
    await collect(sim, { seed: 1 });
    expect(maxInFlight).toBe(1);
    const { actions: log } = await collect(sim, { seed: 1, concurrency: 4 });
    expect(maxInFlight).toBe(4);
    // Actions of one step overlapped in wall time: the log proves it.
    const step = log.filter((a) => a.step === log[0]!.step);
    expect(step).toHaveLength(4);
    expect(Math.max(...step.map((a) => a.wallStartUs))).toBeLessThan(Math.min(...step.map((a) => a.wallEndUs)));
  });

  it('holds an actor\'s next event out of a batch while an asynchronous invariant holds its turn open', async () => {
    // A synchronous turn queues the actor's next event at once; an asynchronous per-turn invariant
    // keeps the turn open until it settles. Batches reach that next event (a window of 1m, turns
    // every 1s) and must leave it to a later step instead of running the actor twice at once.
    const actions = defineActions({ peek: async () => 1 });
    const ticker = defineBehavior({ name: 'Ticker', initialState: {}, act: (ctx) => (ctx.turn >= 5 ? ctx.stop() : '1s') });
    const sim = defineSimulation({
      name: 'held', actions, population: [{ behavior: ticker, count: 3 }], duration: '1h',
      invariants: [{ name: 'peeks', every: 'turn', check: async (view) => ((await view.execute(actions.peek, {})).ok ? null : 'no peek') }],
    });
    const runs = [{ concurrency: 2, overlapWindow: '1m' }, { overlap: { maxSpan: 3, maxLatencyMs: 60_000 } }] as const;
    for (const options of runs) {
      const logs = [];
      for (let i = 0; i < 2; i++) {
        const log: unknown[] = [];
        const result = await runSimulationInternal(sim, { seed: 3, db: false, ...options, hooks: { onAction: (a) => log.push(deterministicLog([a])[0]) } });
        expect(result.stopReason).toBe('all-actors-stopped');
        expect(result.summary.actions).toBe(15);
        logs.push(log);
      }
      expect(logs[1]).toEqual(logs[0]);
    }
  });

  it('stops at maxActions and when the signal aborts', async () => {
    const limited = await collect(makeSim(), { seed: 2, maxActions: 10 });
    expect(limited.result.stopReason).toBe('max-actions');
    expect(limited.actions.length).toBeGreaterThanOrEqual(10);
    expect(limited.actions.length).toBeLessThan(13);
    const controller = new AbortController();
    controller.abort();
    const stopped = await collect(makeSim(), { seed: 2, signal: controller.signal });
    expect(stopped.result.status).toBe('stopped');
    expect(stopped.result.stopReason).toBe('interrupted');
  });

  it('records complaints with the predicate source and ctx.complain', async () => {
    const actions = makeService();
    const b = defineBehavior({
      name: 'Picky',
      initialState: {},
      async act(ctx) {
        await ctx.execute(actions.add, { text: 'x' }, {
          complaints: [
            { when: ({ result }) => (result?.id ?? 0) > 1, message: 'ids grow', severity: 'justsayin' },
            { when: () => false, message: 'never' },
          ],
        });
        if (ctx.turn === 2) ctx.complain('second turn', { severity: 'urgent', detail: { turn: 2 } });
        return ctx.turn < 3 ? '1m' : ctx.stop();
      },
    });
    const { complaints, result } = await collect(defineSimulation({ name: 'p', population: [{ behavior: b }] }), { seed: 1 });
    expect(complaints.map((c) => [c.message, c.severity, c.actionSeq])).toEqual([
      ['ids grow', 'justsayin', 1], ['second turn', 'urgent', 1], ['ids grow', 'justsayin', 2],
    ]);
    expect(complaints[0]!.trigger).toContain('result?.id');
    expect(result.summary.bySeverity).toEqual({ urgent: 1, annoying: 0, justsayin: 2 });
  });

  it('times out an action that never answers (outcome error) and aborts its signal', async () => {
    let aborted = false;
    const actions = defineActions({
      hang: (_args: object, io) => new Promise<never>(() => {
        io.signal.addEventListener('abort', () => (aborted = true));
      }),
    });
    const b = defineBehavior({ name: 'Patient', initialState: {}, async act(ctx) { await ctx.execute(actions.hang, {}); return ctx.stop(); } });
    const { actions: log } = await collect(defineSimulation({ name: 't', population: [{ behavior: b }], actionTimeout: 50 }), { seed: 1 });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ outcome: 'error', error: 'action hang did not finish within 50ms (its actionTimeout)' });
    expect(aborted).toBe(true);
  });

  it('cancels the HTTP request of an action that times out: the target sees it closed while the run goes on', async () => {
    const closed: string[] = [];
    // Never answers: only a cancel ends the request before the run's end.
    const server = http.createServer((req) => req.on('close', () => closed.push(req.url!)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const actions = defineActions({
        // No request timeout of its own (0): only the action's timeout can end it.
        slow: async (_args: object, io) => (await io.http.get('/slow', { timeoutMs: 0 })).status,
        // What the target saw closed by now, waiting up to 2 s of wall time for it.
        seen: async () => {
          for (let waited = 0; closed.length === 0 && waited < 2000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
          return [...closed];
        },
      });
      const b = defineBehavior({
        name: 'Patient', initialState: {},
        async act(ctx) { await ctx.execute(actions.slow, {}); await ctx.execute(actions.seen, {}); return ctx.stop(); },
      });
      const target = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const { actions: log } = await collect(defineSimulation({ name: 't', population: [{ behavior: b }], actionTimeout: 100 }), { seed: 1, target });
      expect(log.map((a) => [a.action, a.outcome, a.error ?? a.result])).toEqual([
        ['slow', 'error', 'action slow did not finish within 100ms (its actionTimeout)'],
        ['seen', 'ok', ['/slow']],
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

