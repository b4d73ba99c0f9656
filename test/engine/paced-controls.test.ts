/**
 * A paced run steered mid-way (as from the dashboard) replays identically: its control calls are
 * applied again at the sim time they were applied at (a paced run's steps are its dispatches, which
 * a replay in virtual time does not share). Actors here share nothing, as docs/paced-runs.md asks
 * of a paced run that is compared per actor.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { defineActions, defineBehavior, defineSimulation, openStore, readRunBundle, replayRun, runSimulation, type RunControl } from 'beamulator';

function makeShop() {
  const actions = defineActions({
    // Settled in microtasks: a turn ends before the paced loop's next wait, so none queues its next
    // event late, whatever the machine's load (docs/paced-runs.md: what a paced run promises).
    browse: async (args: { page: number; mood: string }) => {
      await Promise.resolve();
      return args;
    },
    audit: async (args: { note: string }) => ({ audited: args.note }),
  });
  const shopper = defineBehavior({
    name: 'Shopper',
    initialState: { mood: 'calm', visits: 0 },
    async act(ctx) {
      ctx.state.visits++;
      await ctx.execute(actions.browse, { page: ctx.rng.int(1, 9), mood: ctx.state.mood });
      return ctx.rng.int(1, 10) * 60_000;
    },
  });
  const auditor = defineBehavior({
    name: 'Auditor',
    initialState: { audits: 0 },
    async act(ctx) {
      ctx.state.audits++;
      await ctx.execute(actions.audit, { note: `${ctx.name} audit ${ctx.state.audits}` });
      return '7m';
    },
  });
  return defineSimulation({ name: 'shop', actions, behaviors: [auditor], duration: '2h', population: [{ behavior: shopper, count: 4 }] });
}

const store = await openStore(':memory:');
afterAll(() => store.close());

describe('a paced run steered by control calls', () => {
  // With concurrency, a replay in virtual time runs other steps than the paced dispatches the calls were recorded at.
  it.each([['unbounded', {}], ['concurrency 3', { concurrency: 3 }]] as const)('replays identically, each call applied again at its recorded sim time (%s)', async (_, settings) => {
    let control: RunControl | null = null;
    let calls = 0;
    const result = await runSimulation(makeShop(), {
      seed: 3, db: store, speed: 20_000, ...settings,
      onControl: (c) => { control = c; },
      hooks: {
        // Calls made while the run goes, at wall instants no replay can find again.
        onAction: (a) => {
          if (!control || a.actorId !== 0) return;
          calls++;
          if (calls === 3) void control.spawn('Auditor', 2);
          if (calls === 5) void control.setState(1, { mood: 'grumpy' });
          if (calls === 8) void control.remove(2);
        },
      },
    });
    const bundle = await readRunBundle(store, result.runId);
    const controls = bundle.events.filter((e) => e.kind === 'control');
    expect(controls.map((e) => (e.detail as { op: string }).op)).toEqual(['spawn', 'setState', 'remove']);
    // The calls changed the run: auditors acted, a grumpy shopper browsed.
    expect(bundle.actions.some((a) => a.action === 'audit')).toBe(true);
    expect(bundle.actions.some((a) => (a.args as { mood?: string }).mood === 'grumpy')).toBe(true);

    for (const how of [{ mode: 'rerun' }, { mode: 'rerun', pace: 'original' }, { mode: 'log' }] as const) {
      const report = await replayRun(bundle, { simulation: makeShop(), db: store, ...how });
      expect(report, JSON.stringify(how)).toMatchObject({ identical: true, divergenceCount: 0, compared: result.summary.actions });
      const replayed = (await readRunBundle(store, report.replayRunId)).events.filter((e) => e.kind === 'control');
      if (how.mode === 'rerun') expect(replayed.map((e) => e.simTime)).toEqual(controls.map((e) => e.simTime));
    }
  });
});
