/**
 * Replay benchmark. Run: `npm run bench:replay`. Prints ratios against baselines measured in
 * the same process run (absolute times drift on shared machines).
 *
 *  1. Offline replay, actions/s: ACTORS actors x TURNS turns, one HTTP action each, served from
 *     recorded exchanges and compared with the original log. Measured without recording the replay
 *     (the replay machinery itself; goal >= 200k/s) and recording it into a DuckDB file.
 *  2. Rerun replay wall time vs the original run's: the bundled todo example against the bundled
 *     app, recorded, then replayed against a fresh app (goal <= 1.2x).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monotonicMs } from '../../src/clock/wall-clock.ts';
import { defineActions, defineBehavior, defineSimulation, openStore, runSimulation } from 'beamulator';
// A replay's own options (an offline client, no parent run) are internal: not part of the package's RunOptions.
import { runSimulationInternal } from '../../src/engine/run-simulation.ts';
import type { ActionRecord, ExchangeRecord } from '../../src/store/records.ts';
import { OfflineHttp } from '../../src/replay/offline-http.ts';
import { readRunBundle } from '../../src/replay/replay-file.ts';
import { replayRun, type ReplaySource } from '../../src/replay/replay-run.ts';
import todo from '../../examples/todo/todo.sim.ts';

const ACTORS = Number(process.env.ACTORS ?? 1000);
const TURNS = Number(process.env.TURNS ?? 100);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const dir = mkdtempSync(path.join(tmpdir(), 'beamulator-bench-'));

// --- 1. offline replay -------------------------------------------------------------------------
const actions = defineActions({
  getItem: async (args: { i: number }, { http }) => (await http.get(`/items/${args.i}`)).json<{ i: number }>(),
});
const reader = defineBehavior({
  name: 'Reader',
  initialState: {},
  async act(ctx) {
    await ctx.execute(actions.getItem, { i: ctx.turn });
    return ctx.turn >= TURNS ? ctx.stop() : ctx.rng.int(100, 1000);
  },
});
const sim = defineSimulation({ name: 'bench', actions, population: [{ behavior: reader, count: ACTORS }], duration: '100d' });

// The "recording": every action's one exchange answered 200 with a small JSON body.
const canned = (actionSeq: number): ExchangeRecord => ({
  runId: 'orig', actionSeq, n: 0, protocol: 'http', method: 'GET', url: '', requestHeaders: {}, requestBody: null, status: 200,
  responseHeaders: { 'content-type': 'application/json' }, responseBody: '{"i":1}', error: null, wallStartUs: 0, durationMs: 0,
});
const original: ActionRecord[] = [];
const recordRun = await runSimulationInternal(sim, {
  seed: 1, db: false, replay: { parentRunId: 'none', http: new OfflineHttp({ find: (seq) => canned(seq) }, () => {}), comparison: () => null },
  hooks: { onAction: (a) => original.push(a) },
});
const exchanges = original.map((a) => ({ ...canned(a.seq), url: `/items/${(a.args as { i: number }).i}` }));
const source: ReplaySource = {
  run: { runId: 'orig', kind: 'run', parentRunId: null, simulation: 'bench', file: null, seed: '1', status: 'completed', config: { durationMs: 100 * 86_400_000 },
    codeHash: null, beamulatorVersion: '0', wallStartedAt: 0, wallEndedAt: 0, simDurationMs: recordRun.simDurationMs, simEpoch: 0, stopReason: null, error: null, comparison: null, params: null },
  actors: [], actions: original, exchanges,
};
for (const [label, db] of [['not recorded', false], ['recorded to DuckDB', path.join(dir, 'offline.duckdb')]] as const) {
  const best: number[] = [];
  for (let i = 0; i < 2; i++) {
    const t0 = monotonicMs();
    const report = await replayRun(source, { offline: true, simulation: sim, db });
    const s = (monotonicMs() - t0) / 1000;
    if (!report.identical) throw new Error(`offline replay diverged: ${JSON.stringify(report.divergences[0])}`);
    best.push(report.compared / s);
  }
  // The goal is the replay machinery's; recording into DuckDB is bounded by the store (bench/store).
  const goal = db === false ? '; goal >= 200,000/s' : '; no goal';
  console.log(`offline replay, ${label.padEnd(19)} ${fmt(Math.max(...best))} actions/s   (${fmt(original.length)} actions${goal})`);
}

// --- 2. rerun replay vs the original run ----------------------------------------------------
const store = await openStore(path.join(dir, 'rerun.duckdb'));
const ratios: string[] = [];
for (let i = 0; i < 2; i++) {
  const t0 = monotonicMs();
  const run = await runSimulation(todo, { seed: 7 + i, duration: '3d', db: store, file: 'examples/todo/todo.sim.ts' });
  const originalMs = monotonicMs() - t0;
  const bundle = await readRunBundle(store, run.runId);
  const t1 = monotonicMs();
  const report = await replayRun(bundle, { db: store, simulation: todo });
  const replayMs = monotonicMs() - t1;
  if (!report.identical) throw new Error('rerun replay diverged');
  ratios.push(`${(replayMs / originalMs).toFixed(2)}x (${fmt(originalMs)} ms original, ${fmt(replayMs)} ms rerun, ${fmt(report.compared)} actions)`);
}
await store.close();
for (const r of ratios) console.log(`rerun replay / original wall time: ${r}   (goal <= 1.2x)`);
rmSync(dir, { recursive: true, force: true });
