/** Snapshots: crash restore from the last one under the restart policy; resume of a stopped run equals a straight run. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineAction, defineBehavior, defineSimulation, openStore, runSimulation, type ActionRecord } from 'beamulator';
import { runSimulationInternal } from '../../src/engine/run-simulation.ts';
import { resumeRunOptions, runToResume } from '../../src/engine/resume-options.ts';

const roll = defineAction('roll', async (args: { who: string; password: string; n: number; total: number }) => ({ total: args.total + args.n }));

interface Walker { password: string; total: number; seen: string[] }
/** Rolls dice and keeps a running total; its password comes from its initial state (the store only holds it redacted). */
const walker = defineBehavior<Walker>({
  name: 'Walker',
  initialState: ({ rng }) => ({ password: rng.faker.internet.password(), total: 0, seen: [] }),
  async act(ctx) {
    const n = ctx.rng.int(1, 6);
    const r = await ctx.execute(roll, { who: ctx.name, password: ctx.state.password, n, total: ctx.state.total });
    ctx.state.total = r.value!.total;
    ctx.state.seen.push(ctx.rng.pick(['a', 'b', 'c']));
    return ctx.rng.int(5, 40) * 60_000;
  },
});
const sim = defineSimulation({ name: 'walk', behaviors: [walker], population: [{ behavior: walker, count: 4, start: { jitter: '30m' } }], duration: '6h', snapshots: { every: '45m' } });

/** What a log holds apart from run ids and wall clock, with secrets as the actions saw them (from the hooks, before redaction). */
const logOf = (actions: ActionRecord[]) => actions.map(({ seq, actorId, action, args, outcome, result, simTime, step }) => ({ seq, actorId, action, args, outcome, result, simTime, step }));

async function run(options: Parameters<typeof runSimulationInternal>[1]) {
  const actions: ActionRecord[] = [];
  const result = await runSimulationInternal(sim, { ...options, hooks: { onAction: (a) => actions.push(a) } });
  return { result, actions };
}

describe('run --resume', () => {
  it('a run stopped at sim time T (its duration) and resumed to 6h: the two logs together equal a straight 6h run', async () => {
    const store = await openStore(':memory:');
    try {
      const straight = await run({ db: store, seed: 9 });
      const first = await run({ db: store, seed: 9, duration: '2h' });
      expect(first.actions.length).toBeGreaterThan(5);
      const resumeOptions = await resumeRunOptions(store, await runToResume(store, first.result.runId), sim, '6h');
      const second = await run({ ...resumeOptions, db: store });
      expect(second.result.runId).not.toBe(first.result.runId);
      expect(logOf([...first.actions, ...second.actions])).toEqual(logOf(straight.actions));
      const resumed = await store.getRun(second.result.runId);
      expect(resumed).toMatchObject({ parentRunId: first.result.runId, kind: 'run', status: 'completed' });
      expect((await store.events(second.result.runId)).filter((e) => e.kind === 'resume').map((e) => e.detail)).toEqual([{ from: first.result.runId, simTime: 2 * 3_600_000, actors: 4 }]);
    } finally {
      await store.close();
    }
  });

  it('a run stopped by max actions and resumed: the same', async () => {
    const store = await openStore(':memory:');
    try {
      const straight = await run({ db: store, seed: 'x', duration: '3h' });
      const first = await run({ db: store, seed: 'x', duration: '3h', maxActions: 7 });
      const second = await run({ ...(await resumeRunOptions(store, await runToResume(store, first.result.runId), sim)), db: store });
      expect(first.actions).toHaveLength(7);
      expect(logOf([...first.actions, ...second.actions])).toEqual(logOf(straight.actions));
    } finally {
      await store.close();
    }
  });

  it('refuses a run with no snapshots, one that reached its end, and one still being recorded', async () => {
    const store = await openStore(':memory:');
    try {
      const noSnapshots = defineSimulation({ ...sim, snapshots: false });
      const off = await runSimulationInternal(noSnapshots, { db: store, seed: 1, duration: '1h' });
      await expect(resumeRunOptions(store, await runToResume(store, off.runId), sim, '2h')).rejects.toThrow(
        `cannot resume run ${off.runId}: it has no snapshots (snapshots were off, or it was killed before its first). Run it again instead`);
      const done = await runSimulationInternal(sim, { db: store, seed: 1, duration: '1h' });
      await expect(resumeRunOptions(store, await runToResume(store, done.runId), sim)).rejects.toThrow(
        `cannot resume run ${done.runId} for 1h: it already reached 1h of sim time. Give a longer --duration to continue it past its end`);
      const writer = await store.beginRun({ kind: 'run', parentRunId: null, simulation: 'walk', file: null, seed: '1', config: {}, codeHash: null, beamulatorVersion: '0', wallStartedAt: 0, simEpoch: 0 });
      await expect(runToResume(store, writer.runId)).rejects.toMatchObject({ code: 'BEAM_STATE', message: `cannot resume run ${writer.runId}: it is still being recorded. Wait for it to finish, or stop it (Ctrl-C) and resume it then` });
      await writer.finish({ status: 'completed', simDurationMs: 0, stopReason: 'duration', error: null });
      await expect(runToResume(store, 'nope')).rejects.toMatchObject({ code: 'BEAM_RUN_NOT_FOUND' });
    } finally {
      await store.close();
    }
  });
});

describe('run --resume of a run with messages', () => {
  it('an actor waiting for a message with no timeout is not taken for stopped: resumed, it gets the message a straight run gives it', async () => {
    const note = defineAction('note', async (args: { what: string }) => args);
    const waiter = defineBehavior({
      name: 'Waiter',
      initialState: {},
      async act(ctx) {
        const message = await ctx.nextMessage();
        await ctx.execute(note, { what: `got ${JSON.stringify(message?.body)}` });
        return 0;
      },
    });
    const pinger = defineBehavior({
      name: 'Pinger',
      initialState: {},
      async act(ctx) {
        if (ctx.turn > 1) ctx.send(0, { ping: ctx.turn });
        await ctx.execute(note, { what: `ping ${ctx.turn}` });
        return '3h';
      },
    });
    const talk = defineSimulation({ name: 'talk', actions: { note }, population: [{ behavior: waiter }, { behavior: pinger }], duration: '4h' });
    const store = await openStore(':memory:');
    try {
      const notes = async (options: Parameters<typeof runSimulationInternal>[1]) => {
        const seen: string[] = [];
        const result = await runSimulationInternal(talk, { db: store, seed: 1, ...options, hooks: { onAction: (a) => seen.push(`${(a.args as { what: string }).what} @${a.simTime / 3_600_000}h`) } });
        return { result, seen };
      };
      const straight = await notes({});
      const first = await notes({ duration: '2h' });
      const second = await notes(await resumeRunOptions(store, await runToResume(store, first.result.runId), talk, '4h'));
      expect(straight.seen).toEqual(['ping 1 @0h', 'ping 2 @3h', 'got {"ping":2} @3h']);
      expect([...first.seen, ...second.seen]).toEqual(straight.seen);
    } finally {
      await store.close();
    }
  });
});

describe('run --resume of a run changed by control calls', () => {
  it('refuses one whose population was changed (snapshots do not restore spawned or removed actors), and resumes one only tagged', async () => {
    const store = await openStore(':memory:');
    try {
      const spawned = await runSimulationInternal(sim, { db: store, seed: 3, duration: '2h', onControl: (c) => void c.spawn('Walker', 1, { source: 'test' }) });
      await expect(runToResume(store, spawned.runId)).rejects.toMatchObject({
        code: 'BEAM_STATE',
        message: `cannot resume run ${spawned.runId}: its population was changed while it ran (a control call 'spawn' at sim time 0ms), which snapshots do not restore. Replay it instead (\`beamulator replay\` applies its control calls again), or start a new run`,
      });
      const tagged = await runSimulationInternal(sim, { db: store, seed: 3, duration: '2h', onControl: (c) => void c.tag(0, 'vip') });
      await expect(runToResume(store, tagged.runId)).resolves.toMatchObject({ runId: tagged.runId });
    } finally {
      await store.close();
    }
  });
});

describe('runSimulation({ resume })', () => {
  it('continues a stopped run from the store db names (a path): the two logs together equal a straight run; refuses settings it keeps', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'beamulator-resume-'));
    const db = path.join(dir, 'runs.duckdb');
    try {
      const straight = await run({ db, seed: 4, duration: '5h' });
      const first = await run({ db, seed: 4, duration: '5h', maxActions: 6 });
      const actions: ActionRecord[] = [];
      const second = await runSimulation(sim, { resume: 'latest', db, hooks: { onAction: (a) => actions.push(a) } });
      expect(logOf([...first.actions, ...actions])).toEqual(logOf(straight.actions));
      const store = await openStore(db);
      try {
        expect(await store.getRun(second.runId)).toMatchObject({ parentRunId: first.result.runId, seed: straight.result.seed });
      } finally {
        await store.close();
      }
      await expect(runSimulation(sim, { resume: first.result.runId, db, seed: 5 })).rejects.toThrow(
        `cannot resume run '${first.result.runId}' with seed: a resumed run keeps the settings of the run it continues. Drop seed from the options`);
      await expect(runSimulation(sim, { resume: first.result.runId, db: false })).rejects.toMatchObject({ code: 'BEAM_USAGE' });
      await expect(runSimulation(sim, { resume: 'nope', db })).rejects.toMatchObject({ code: 'BEAM_RUN_NOT_FOUND' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('crash restore', () => {
  /** Counts its turns and draws; 'Fragile 1' throws on turn `throwOnTurn`. */
  const fragile = (throwOnTurn: number) => defineBehavior<{ turns: number; draws: number[] }>({
    name: 'Fragile',
    initialState: { turns: 0, draws: [] },
    act(ctx) {
      ctx.state.turns++;
      ctx.state.draws.push(ctx.rng.int(0, 1000));
      if (ctx.name === 'Fragile 1' && ctx.turn === throwOnTurn) throw new Error('boom');
      return '10m';
    },
  });

  it('a behavior that throws restarts from its last snapshot (state and rng); the restart is an event; the others go on untouched', async () => {
    const b = fragile(6);
    const crashing = defineSimulation({ name: 'c', population: [{ behavior: b, count: 2 }], duration: '2h', snapshots: { every: '30m' }, restart: { delay: '5m' } });
    const events: Array<{ kind: string; actorId: number | null; simTime: number; detail: unknown }> = [];
    const calm = defineSimulation({ ...crashing, population: [{ behavior: fragile(0), count: 2 }] });
    await runSimulationInternal(crashing, { db: false, seed: 2, hooks: { onEvent: (e) => events.push(e) } });
    const restart = events.find((e) => e.kind === 'restart')!;
    // Turns at 0, 10m, ..., 50m (the 6th throws); the last snapshot was at 30m, after the turns at 0..30m.
    expect(restart).toMatchObject({ actorId: 0, simTime: 50 * 60_000, detail: { after: 5 * 60_000, from: 'snapshot', snapshotAt: 30 * 60_000 } });
    // Actor 1 never crashed: its events are those of a run where nobody crashes.
    const calmEvents: typeof events = [];
    await runSimulationInternal(calm, { db: false, seed: 2, hooks: { onEvent: (e) => calmEvents.push(e) } });
    expect(events.filter((e) => e.actorId === 1)).toEqual(calmEvents.filter((e) => e.actorId === 1));
  });

  it('the restarted actor repeats its draws from the snapshot: state and rng both went back', async () => {
    const seen: Array<{ turn: number; draws: number[] }> = [];
    const b = defineBehavior<{ draws: number[] }>({
      name: 'Fragile', initialState: { draws: [] },
      act(ctx) {
        ctx.state.draws.push(ctx.rng.int(0, 1_000_000));
        seen.push({ turn: ctx.turn, draws: [...ctx.state.draws] });
        if (ctx.turn === 5 && seen.filter((s) => s.turn === 5).length === 1) throw new Error('once');
        return '10m';
      },
    });
    await runSimulationInternal(defineSimulation({ name: 'r', population: [{ behavior: b }], duration: '70m', snapshots: { every: '25m' }, restart: { delay: '0s' } }), { db: false, seed: 5 });
    // Snapshot at 25m: after turns 1..3 (0, 10m, 20m). Turn 4 (30m) adds a draw, turn 5 (40m) throws.
    // Restarted at 40m from the snapshot: three draws, and the 4th draw is the same as turn 4's.
    const afterRestart = seen[5]!;
    expect(afterRestart.draws.slice(0, 3)).toEqual(seen[2]!.draws);
    expect(afterRestart.draws[3]).toBe(seen[3]!.draws[3]);
  });

  it('over the restart limit within the window, the actor stops with a complaint; the delay backs off', async () => {
    const always = defineBehavior({ name: 'Broken', initialState: {}, act: () => { throw new Error('always'); } });
    const events: Array<{ kind: string; simTime: number; detail: unknown }> = [];
    const complaints: Array<{ message: string; severity: string; trigger: string }> = [];
    await runSimulationInternal(defineSimulation({
      name: 'b', population: [{ behavior: always }], duration: '1d', restart: { delay: '1m', backoff: 2, max: 3, window: '1h', maxConsecutive: 100 },
    }), { db: false, seed: 1, hooks: { onEvent: (e) => events.push(e), onComplaint: (c) => complaints.push(c) } });
    expect(events.filter((e) => e.kind === 'restart').map((e) => (e.detail as { after: number }).after / 60_000)).toEqual([1, 2, 4]);
    expect(events.filter((e) => e.kind === 'give-up')).toHaveLength(1);
    expect(complaints).toEqual([expect.objectContaining({ severity: 'annoying', trigger: 'restart-policy', message: 'Broken 1 gave up after 3 restarts within 1h of sim time (last: always)' })]);
  });

  it('a state that is not plain JSON stops the run at the first snapshot, naming the actor and the path; what was recorded is kept', async () => {
    const hoarder = defineBehavior<{ bag: { seen: Set<number> } }>({
      name: 'Hoarder', initialState: () => ({ bag: { seen: new Set<number>() } }),
      async act(ctx) {
        await ctx.execute(roll, { who: ctx.name, password: 'x', n: 1, total: 0 });
        return '10m';
      },
    });
    const store = await openStore(':memory:');
    try {
      const error = await runSimulationInternal(defineSimulation({ name: 'h', population: [{ behavior: hoarder }], duration: '2h', snapshots: { every: '30m' } }), { db: store })
        .catch((e: unknown) => e as Error & { code: string; exitCode: number });
      expect(error).toMatchObject({
        code: 'BEAM_STATE', exitCode: 2,
        message: "cannot snapshot actor 'Hoarder 1' (Hoarder): its state.bag.seen is a Set, which a snapshot cannot store. Keep actor state plain JSON (objects, arrays, strings, finite numbers, booleans, null): use arrays for sets, objects for maps, ISO strings or numbers for dates",
      });
      const [failed] = await store.listRuns();
      expect(failed).toMatchObject({ status: 'failed' });
      expect(await store.actions(failed!.runId)).toHaveLength(3);

      // Left unset, snapshots are on by default: the same state turns them off for the run, which completes.
      const quiet = await runSimulationInternal(defineSimulation({ name: 'h', population: [{ behavior: hoarder }], duration: '2h' }), { db: store });
      expect(quiet.status).toBe('completed');
      expect(await store.actions(quiet.runId)).toHaveLength(13);
      const off = (await store.events(quiet.runId)).filter((e) => e.kind === 'snapshots-off');
      expect(off).toEqual([expect.objectContaining({ detail: { reason: expect.stringMatching(/its state\.bag\.seen is a Set/) } })]);
      expect(await store.sql('SELECT count(*) AS n FROM snapshots WHERE run_id = $1', [quiet.runId])).toEqual([{ n: 0n }]);
    } finally {
      await store.close();
    }
  });
});
