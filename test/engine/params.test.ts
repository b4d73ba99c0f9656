import { afterEach, describe, expect, it } from 'vitest';
import { defineActions, defineBehavior, defineParams, defineSimulation, openStore, runSimulation, type ParamValues, type RunStore } from 'beamulator';
import { readRunBundle } from '../../src/replay/replay-file.ts';
import { replayRun } from '../../src/replay/replay-run.ts';
import { withEnv } from '../vitest/helpers.ts';

const params = defineParams({
  level: { default: 1, description: 'how many actors', env: 'P_LEVEL' },
  mode: { default: 'calm', choices: ['calm', 'rush'] },
  apiToken: { default: 'dev-token', env: 'P_TOKEN' },
});
type P = ParamValues<typeof params>;

/** A simulation that reports, everywhere it can, the parameters it was given. */
function makeSim() {
  const started: P[] = [];
  const actions = defineActions({
    // Actions get the run's parameters too (untyped there).
    look: async (_args: Record<string, never>, io) => ({ mode: io.params.mode, level: io.params.level }),
  });
  const looker = defineBehavior<{ initLevel: number }, { i: number; level: number }, P>({
    name: 'Looker',
    initialState: ({ params: p }) => ({ initLevel: p.level }),
    async act(ctx) {
      await ctx.execute(actions.look, {});
      ctx.complain(`sees ${ctx.params.mode} at level ${ctx.params.level}`, { severity: 'justsayin' });
      return ctx.stop();
    },
  });
  const sim = defineSimulation({
    name: 'params-reach',
    params,
    actions,
    behaviors: [looker],
    population: [{ behavior: looker, count: (p) => p.level, config: (i, p) => ({ i, level: p.level }) }],
    target: {
      start: ({ params: p }) => {
        started.push(p);
        return { url: 'http://127.0.0.1:9' };
      },
    },
  });
  return { sim, started };
}

let store: RunStore | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
});

describe('run parameters in a run', () => {
  it('reach target.start, population count and config, initialState, ctx.params and io.params, and are stored with the run', async () => {
    const { sim, started } = makeSim();
    store = await openStore(':memory:');
    const results: unknown[] = [];
    const result = await runSimulation(sim, {
      db: store, params: { mode: 'rush' }, env: { P_LEVEL: '2', P_TOKEN: 's3cret' },
      hooks: { onAction: (a) => results.push(a.result) },
    });
    const values = { level: 2, mode: 'rush', apiToken: 's3cret' };
    // The result shows the parameters as stored: a secret-named one redacted.
    expect(result.params).toEqual({ ...values, apiToken: '[redacted]' });
    expect(started).toEqual([values]);
    const actors = await store.actors(result.runId);
    expect(actors.map((a) => [a.config, a.initialState])).toEqual([[{ i: 0, level: 2 }, { initLevel: 2 }], [{ i: 1, level: 2 }, { initLevel: 2 }]]);
    expect(results).toEqual([{ mode: 'rush', level: 2 }, { mode: 'rush', level: 2 }]);
    expect((await store.complaints(result.runId)).map((c) => c.message)).toEqual(['sees rush at level 2', 'sees rush at level 2']);
    // Stored with the run; a secret-named one is redacted like any secret.
    expect((await store.getRun(result.runId))!.params).toEqual({ level: 2, mode: 'rush', apiToken: '[redacted]' });
  });

  it('fail before anything starts when a value is wrong', async () => {
    const { sim, started } = makeSim();
    await expect(runSimulation(sim, { db: false, params: { mode: 'panic' as 'calm' } }))
      .rejects.toThrow("cannot run params-reach: params.mode = \"panic\": 'panic' is not one of calm, rush");
    await expect(runSimulation(sim, { db: false, env: { P_LEVEL: 'two' } }))
      .rejects.toThrow(/^cannot run params-reach: P_LEVEL=two \(environment\): expected a number/);
    expect(started).toEqual([]);
  });

  it('a count function that returns no whole number is a simulation error naming the entry', async () => {
    const b = defineBehavior({ name: 'B', initialState: {}, act: (ctx) => ctx.stop() });
    const sim = defineSimulation({ name: 'c', params: { n: { default: 1.5 } }, population: [{ behavior: b, count: (p) => p.n }] });
    await expect(runSimulation(sim, { db: false })).rejects.toMatchObject({
      code: 'BEAM_SIMULATION_INVALID', message: "cannot build population of 'c': the count function of B returned 1.5. Return a whole number >= 0",
    });
  });
});

describe('run parameters in a replay', () => {
  it("use the run's stored values whatever the environment holds; only a redacted one is read again from its env", async () => {
    const { sim, started } = makeSim();
    store = await openStore(':memory:');
    const { runId } = await runSimulation(sim, { db: store, params: { mode: 'rush' }, env: { P_LEVEL: '2', P_TOKEN: 'first' } });
    const source = await readRunBundle(store, runId);
    for (const mode of ['rerun', 'log'] as const) {
      started.length = 0;
      const report = await withEnv({ P_LEVEL: '5', P_TOKEN: 'today' }, () => replayRun(source, { simulation: sim, mode, db: store! }));
      expect(report.divergenceCount).toBe(0);
      expect(started).toEqual([{ level: 2, mode: 'rush', apiToken: 'today' }]);
      expect((await store.getRun(report.replayRunId))!.params).toEqual({ level: 2, mode: 'rush', apiToken: '[redacted]' });
    }
  });

  it('of a run recorded before runs had parameters, resolve them as then (env and defaults)', async () => {
    const { sim, started } = makeSim();
    store = await openStore(':memory:');
    const { runId } = await runSimulation(sim, { db: store, env: { P_LEVEL: '2' } });
    const source = await readRunBundle(store, runId);
    const old = { ...source, run: { ...source.run, params: null } };
    started.length = 0;
    const report = await withEnv({ P_LEVEL: '2', P_TOKEN: undefined }, () => replayRun(old, { simulation: sim, db: false }));
    expect(report.identical).toBe(true);
    expect(started).toEqual([{ level: 2, mode: 'calm', apiToken: 'dev-token' }]);
  });

  it('drop a stored parameter the simulation no longer declares', async () => {
    const { sim, started } = makeSim();
    store = await openStore(':memory:');
    const { runId } = await runSimulation(sim, { db: store });
    const source = await readRunBundle(store, runId);
    const renamed = { ...source, run: { ...source.run, params: { ...source.run.params, gone: 1 } } };
    started.length = 0;
    const report = await replayRun(renamed, { simulation: sim, db: false });
    expect(report.identical).toBe(true);
    expect(started).toHaveLength(1);
  });
});
