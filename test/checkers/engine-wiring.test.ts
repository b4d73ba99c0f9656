import { describe, expect, it } from 'vitest';
import { defineActions, defineBehavior, defineChecker, defineSimulation, runSimulation, type Invariant, type Violation } from 'beamulator';
import type { ActionRecord, ComplaintRecord } from '../../src/store/records.ts';

/** An in-process counter service: bump writes, peek reads, and sometimes reads a stale value. */
function makeSim(extra: { checkers?: ReturnType<typeof defineChecker>[]; invariants?: Invariant[] } = {}) {
  let value = 0;
  let peeks = 0;
  const actions = defineActions({
    bump: async () => ({ value: ++value }),
    peek: async () => ({ value: ++peeks % 4 === 0 ? value - 1 : value }),
  });
  const user = defineBehavior({
    name: 'User',
    initialState: { turns: 0 },
    async act(ctx) {
      ctx.state.turns++;
      await ctx.execute(actions.bump, {});
      await ctx.execute(actions.peek, {});
      return ctx.state.turns >= 5 ? ctx.stop() : '1m';
    },
  });
  return defineSimulation({ name: 'counter', actions, population: [{ behavior: user, count: 2 }], duration: '1h', ...extra });
}

/** Flags a peek that shows less than the last bump's answer; remembers what it saw (fresh per run). */
const noStalePeek = defineChecker({
  name: 'no-stale-peek',
  severity: 'annoying',
  start() {
    let last: ActionRecord | null = null;
    let records = 0;
    return {
      onAction(record): Violation | null {
        records++;
        const value = (record.result as { value: number }).value;
        if (record.action === 'bump') last = record;
        else if (last && value < (last.result as { value: number }).value) {
          return { message: 'a peek shows less than the last bump', actorId: record.actorId, actionSeq: record.seq, simTime: record.simTime, actions: { bump: last.seq, peek: record.seq }, detail: { value } };
        }
        return null;
      },
      atEnd: () => [{ message: `saw ${records} actions`, actorId: 0, actionSeq: null, simTime: 0, actions: {} }],
    };
  },
});

async function run(sim: ReturnType<typeof makeSim>, seed = 1) {
  const complaints: ComplaintRecord[] = [];
  const actions: ActionRecord[] = [];
  await runSimulation(sim, { db: false, seed, hooks: { onComplaint: (c) => complaints.push(c), onAction: (a) => actions.push(a) } });
  return { complaints, actions };
}

describe('engine wiring of checkers and invariants', () => {
  it("records a checker's violations as complaints with its name, severity and the actions involved", async () => {
    const { complaints, actions } = await run(makeSim({ checkers: [noStalePeek] }));
    const stale = complaints.filter((c) => c.message === 'a peek shows less than the last bump');
    expect(stale.length).toBeGreaterThan(0);
    const peek = actions.find((a) => a.seq === stale[0]!.actionSeq)!;
    expect(stale[0]).toMatchObject({ trigger: 'checker:no-stale-peek', severity: 'annoying', actorId: peek.actorId, simTime: peek.simTime });
    expect(stale[0]!.detail).toMatchObject({ checker: 'no-stale-peek', actions: { peek: peek.seq } });
    // atEnd ran once, after every action, and each run started from a fresh state.
    expect(complaints.filter((c) => c.message.startsWith('saw '))).toMatchObject([{ message: `saw ${actions.length} actions`, actionSeq: null }]);
    const again = await run(makeSim({ checkers: [noStalePeek] }));
    expect(again.complaints.map(({ runId: _r, ...c }) => c)).toEqual(complaints.map(({ runId: _r, ...c }) => c));
  });

  it('gives invariants a live view: per-turn with the actor, at the end without', async () => {
    const seen: Array<{ actor: string | null; actions: number }> = [];
    let views = new Set<unknown>();
    const perTurn: Invariant = {
      name: 'few turns', every: 'turn',
      check: (view) => {
        views.add(view.actions);
        seen.push({ actor: view.actor?.name ?? null, actions: view.actions.length });
        return (view.actor!.state as { turns: number }).turns > 3 ? 'too many turns' : null;
      },
    };
    const end: Invariant = { name: 'peeks match bumps', check: (view) => (view.actions.filter((a) => a.action === 'peek').length === 10 ? null : 'count') };
    const { complaints, actions } = await run(makeSim({ invariants: [perTurn, end] }));
    expect(views.size).toBe(1); // one array, never copied
    views = new Set();
    expect(seen).toHaveLength(10);
    expect(seen.every((s) => s.actor !== null)).toBe(true);
    expect(actions).toHaveLength(20);
    // Broken after turns 4 and 5 of each actor: one complaint per actor.
    expect(complaints.filter((c) => c.trigger === 'invariant:few turns').map((c) => [c.actorId, c.detail])).toEqual([
      [0, { invariant: 'few turns', every: 'turn', turn: 4 }],
      [1, { invariant: 'few turns', every: 'turn', turn: 4 }],
    ]);
    expect(complaints.filter((c) => c.trigger === 'invariant:peeks match bumps')).toEqual([]);
  });

  it('an invariant that throws is the user\'s code failing, not a broken invariant: the run stops with exit 6 and no complaint', async () => {
    const thrower: Invariant = { name: 'throws', every: 'end', check: () => { throw new Error('oops'); } };
    const complaints: ComplaintRecord[] = [];
    const error = await runSimulation(makeSim({ invariants: [thrower] }), { db: false, seed: 1, hooks: { onComplaint: (c) => complaints.push(c) } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BEAM_USER_CODE', exitCode: 6 });
    expect((error as Error).message).toMatch(/^cannot run \S+: invariant 'throws' at the end of the run threw Error: oops \(at test\/checkers\/engine-wiring\.test\.ts:\d+:\d+\)\. Fix that code/);
    expect(complaints).toEqual([]);
  });

  it('a checker that names an actor the run does not have stops the run with one line naming the checker and the id', async () => {
    const stray = defineChecker({
      name: 'stray',
      start: () => ({ onAction: (r): Violation | null => (r.seq === 2 ? { message: 'x', actorId: 42, actionSeq: r.seq, simTime: r.simTime, actions: {} } : null) }),
    });
    const error = await runSimulation(makeSim({ checkers: [stray] }), { db: false, seed: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BEAM_USER_CODE', exitCode: 6 });
    expect((error as Error).message).toMatch(
      /^cannot run counter: checker 'stray' onAction\(\) for action #2 bump by User \d returned a violation for actor 42, which this run does not have\. Give each violation the actorId of an action the checker was told of: fix that code/);
  });
});

describe("a library user's own hooks", () => {
  it('one that throws while an action is recorded stops the run as its failure (exit 6, naming the hook and its line), not as a crash of the behavior', async () => {
    const crashes: string[] = [];
    const error = await runSimulation(makeSim(), {
      db: false, seed: 1,
      hooks: {
        onAction: (a) => { if (a.seq === 3) throw new Error('hook bug'); },
        onCrash: (c) => crashes.push(c.what),
      },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BEAM_USER_CODE', exitCode: 6 });
    expect((error as Error).message).toMatch(
      /^cannot run counter: RunOptions\.hooks\.onAction\(\) for action #3 peek by User \d threw Error: hook bug \(at test\/checkers\/engine-wiring\.test\.ts:\d+:\d+\)\. Fix that code/);
    expect(crashes).toEqual([]);
  });

  it('target.stop() that throws is reported as the user\'s code, with its line', async () => {
    const sim = defineSimulation({
      ...makeSim(),
      target: { start: async () => ({ url: 'http://127.0.0.1:9', stop: async () => { throw new Error('stuck'); } }) },
    });
    const error = await runSimulation(sim, { db: false, seed: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BEAM_USER_CODE', exitCode: 6 });
    expect((error as Error).message).toMatch(/^cannot stop the target of 'counter': target\.stop\(\) threw Error: stuck \(at test\/checkers\/engine-wiring\.test\.ts:\d+:\d+\)/);
  });
});
