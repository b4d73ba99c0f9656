import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineActions, type Action, defineBehavior, defineSimulation, openStore, runSimulation, type Invariant } from 'beamulator';
import { probesOf } from '../../src/engine/invariant-checks.ts';
import { defineFuzzTarget, fuzz } from 'beamulator';
import { readRunBundle } from '../../src/replay/replay-file.ts';
import { replayRun } from '../../src/replay/replay-run.ts';
import type { ActionRecord, ComplaintRecord } from '../../src/store/records.ts';
import { actions as todoActions, type Credentials, type Todo } from '../../examples/todo/actions.ts';
import { organizer, procrastinator, type TeamConfig } from '../../examples/todo/behaviors.ts';
import { startTodoApp, type TodoApp } from '../../fixtures/todo-app/server.ts';
import { noTimeCap } from '../support/no-time-cap.ts';

/** An in-process counter whose `read` starts lagging one behind after the third bump. */
function counterSim(invariants: (actions: CounterActions) => Invariant[]) {
  let value = 0;
  const actions = defineActions({
    bump: async () => ({ value: ++value }),
    read: async () => ({ value: value >= 3 ? value - 1 : value }),
    boom: async (): Promise<never> => {
      throw new Error('probe exploded');
    },
  });
  const user = defineBehavior({
    name: 'User',
    initialState: { turns: 0 },
    async act(ctx) {
      await ctx.execute(actions.bump, {});
      return ++ctx.state.turns >= 3 ? ctx.stop() : '1m';
    },
  });
  return defineSimulation({ name: 'counter', actions, population: [{ behavior: user, count: 2 }], duration: '1h', invariants: invariants(actions) });
}
type CounterActions = { read: Action<Record<string, never>, { value: number }>; boom: Action<Record<string, never>, never> };

async function run(sim: ReturnType<typeof counterSim>) {
  const complaints: ComplaintRecord[] = [];
  const actions: ActionRecord[] = [];
  await runSimulation(sim, { db: false, seed: 1, hooks: { onComplaint: (c) => complaints.push(c), onAction: (a) => actions.push(a) } });
  return { complaints, actions };
}

/** The counter read through the target must match the bumps in the log. */
function readsMatchBumps(actions: CounterActions, every: 'turn' | 'end'): Invariant {
  return {
    name: 'reads match bumps', every,
    check: async (view) => {
      const bumps = view.actions.filter((a) => a.action === 'bump').length;
      const read = await view.execute(actions.read, {});
      return read.value!.value === bumps ? null : `read ${read.value!.value} after ${bumps} bumps`;
    },
  };
}

describe('invariants that query the target through actions', () => {
  it('per turn: probes run as the actor whose turn ended, right after its turn, are logged and point the complaint at the probe', async () => {
    const sim = () => counterSim((actions) => [readsMatchBumps(actions, 'turn')]);
    const { complaints, actions: log } = await run(sim());
    // 2 actors x 3 turns: each turn is one bump followed by that actor's probe.
    expect(log.map((a) => `${a.actorId}:${a.action}`)).toEqual(['0:bump', '0:read', '1:bump', '1:read', '0:bump', '0:read', '1:bump', '1:read', '0:bump', '0:read', '1:bump', '1:read']);
    for (let i = 0; i < log.length; i += 2) expect(log[i + 1]!.simTime).toBe(log[i]!.simTime);
    // Broken from the third bump on; each actor complains once while it stays broken.
    const broken = complaints.filter((c) => c.trigger === 'invariant:reads match bumps');
    expect(broken.map((c) => [c.actorId, c.actionSeq, c.message, c.detail])).toEqual([
      [0, 5, 'read 2 after 3 bumps', { invariant: 'reads match bumps', every: 'turn', turn: 2, probes: [5] }],
      [1, 7, 'read 3 after 4 bumps', { invariant: 'reads match bumps', every: 'turn', turn: 2, probes: [7] }],
    ]);
    // Same simulation and seed, same log (probes included).
    const again = await run(sim());
    const strip = ({ wallStartUs: _s, wallEndUs: _e, latencyMs: _l, runId: _r, ...rest }: ActionRecord) => rest;
    expect(again.actions.map(strip)).toEqual(log.map(strip));
  });

  it('at the end: probes run as actor 0 (not the last to act) at the end time, in a step of their own; a failing probe is an answer, a rejecting check stops the run', async () => {
    const failing = (actions: CounterActions): Invariant => ({
      name: 'probe fails', check: async (view) => {
        const r = await view.execute(actions.boom, {});
        return r.ok ? 'expected the probe to fail' : `probe said: ${r.error}`;
      },
    });
    const { complaints, actions: log } = await run(counterSim((actions) => [readsMatchBumps(actions, 'end'), failing(actions)]));
    // The last bump is actor 1's: the probes still run as actor 0.
    expect(log[5]!.actorId).toBe(1);
    expect(log.slice(6).map((a) => [a.action, a.actorId, a.simTime, a.outcome])).toEqual([['read', 0, 120_000, 'ok'], ['boom', 0, 120_000, 'crash']]);
    expect(log[6]!.step).toBeGreaterThan(log[5]!.step);
    expect(complaints.map((c) => [c.trigger, c.actorId, c.actionSeq, c.message])).toEqual([
      ['invariant:reads match bumps', 0, 6, 'read 5 after 6 bumps'],
      ['invariant:probe fails', 0, 7, 'probe said: probe exploded'],
    ]);
    // A check that rejects is a bug in the check (exit 6), not a broken invariant.
    const rejecting: Invariant = { name: 'rejects', check: async () => Promise.reject(new Error('no answer')) };
    await expect(run(counterSim(() => [rejecting]))).rejects.toMatchObject({ code: 'BEAM_USER_CODE', what: "invariant 'rejects' at the end of the run" });
  });
});

/** After each turn, the actor lists its todos and reads each one directly: both must agree. */
const listAgreesWithReads: Invariant = {
  name: 'list agrees with direct reads', every: 'turn',
  check: async (view) => {
    const user = (view.actor!.state as { user?: Credentials }).user;
    if (!user) return null;
    const list = await view.execute(todoActions.listTodos, { user });
    if (!list.ok) return null; // not signed up yet
    for (const listed of list.value!) {
      const direct = await view.execute(todoActions.getTodo, { user, id: listed.id });
      const todo = direct.value as Todo | undefined;
      if (direct.ok && todo!.version !== listed.version) return `the list shows ${listed.id} at version ${listed.version}, a direct read at ${todo!.version}`;
    }
    return null;
  },
};

describe('a probing invariant on the bundled todo app', () => {
  let app: TodoApp;
  let dir: string;
  beforeAll(async () => {
    app = await startTodoApp();
    dir = mkdtempSync(path.join(tmpdir(), 'beamulator-probe-'));
  });
  afterAll(async () => {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const teams = ['red', 'blue'];
  const sim = defineSimulation({
    name: 'todo-probed', actions: todoActions, behaviors: [organizer, procrastinator], duration: '3h', invariants: [listAgreesWithReads],
    population: [
      { behavior: organizer, count: 2, config: (i: number): TeamConfig => ({ team: teams[i % 2]! }) },
      { behavior: procrastinator, count: 2, config: (i: number): TeamConfig => ({ team: teams[i % 2]! }), start: { rampUp: '20m' } },
    ],
  });

  it('finds the stale list cache through its probes, stays silent with bugs off, and its run replays identically', async () => {
    const store = await openStore(path.join(dir, 'runs.duckdb'));
    try {
      app.reset();
      app.setBugs([]);
      const clean = await runSimulation(sim, { db: store, seed: 3, target: app.url });
      expect(clean.summary.complaints).toBe(0);

      app.reset();
      app.setBugs(['stale-read']);
      const buggy = await runSimulation(sim, { db: store, seed: 3, target: app.url });
      const bundle = await readRunBundle(store, buggy.runId);
      const found = bundle.complaints.filter((c) => c.trigger === 'invariant:list agrees with direct reads');
      expect(found.length).toBeGreaterThan(0);
      expect(found[0]!.message).toMatch(/^the list shows t\d+ at version \d+, a direct read at \d+$/);
      // The complaint points at the probe that revealed it: a getTodo of the complaining actor.
      const probe = bundle.actions.find((a) => a.seq === found[0]!.actionSeq)!;
      expect(probe).toMatchObject({ action: 'getTodo', actorId: found[0]!.actorId });
      // Every probe is marked by a stored probe event; the behaviors' own actions are not.
      const probes = probesOf(bundle.events);
      expect(probes[probe.seq]).toBe('list agrees with direct reads');
      const marked = bundle.actions.filter((a) => probes[a.seq] !== undefined);
      expect(marked.every((a) => a.action === 'listTodos' || a.action === 'getTodo')).toBe(true);
      expect(bundle.actions.some((a) => a.action === 'createTodo' && probes[a.seq] === undefined)).toBe(true);
      expect(marked.length).toBeLessThan(bundle.actions.length);

      // A rerun replay runs the invariants again: same probes at the same places, same complaints.
      app.reset();
      const report = await replayRun(bundle, { simulation: sim, target: app.url, db: store });
      expect(report.divergences).toEqual([]);
      expect(report.identical).toBe(true);
      // Offline, the probes' answers are served from the recording too.
      const offline = await replayRun(bundle, { simulation: sim, offline: true, db: false });
      expect(offline.identical).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('fails a fuzz run; the shrunk failure marks its probes and replays identically', async () => {
    const target = defineFuzzTarget({
      name: 'probed-stale-read', simulation: sim, behaviors: ['Organizer'], configs: [{ team: 'red' }], maxActors: 2, maxTurns: 8, duration: '24h',
      target: {
        start: async () => {
          const own = await startTodoApp({ bugs: ['stale-read'] });
          return { url: own.url, stop: () => own.stop(), reset: () => own.reset() };
        },
      },
    });
    const store = await openStore(path.join(dir, 'fuzz.duckdb'));
    try {
      const result = await fuzz(target, { seed: 1, runs: 100, shrinkRuns: 200, ...noTimeCap, db: store, replaysDir: false });
      expect(result.found).toBe(true);
      expect(result.complaint).toMatchObject({ trigger: 'invariant:list agrees with direct reads' });
      // The complaint's action is a probe, and every probe is marked with its invariant.
      expect(result.probes[result.complaint!.actionSeq!]).toBe('list agrees with direct reads');
      const probed = result.actions.filter((a) => result.probes[a.seq] !== undefined);
      expect(probed.length).toBeGreaterThan(0);
      expect(new Set(probed.map((a) => a.action))).toEqual(new Set(['listTodos', 'getTodo']));
      const report = await replayRun(await readRunBundle(store, result.runId!), { simulation: target, db: false });
      expect(report.identical).toBe(true);
    } finally {
      await store.close();
    }
  });
});
