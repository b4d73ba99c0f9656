/**
 * Paced-mode benchmark. Run: `npm run bench:paced` (WALL=seconds, default 60: one sim hour at 60x;
 * ACTORS, default 10,000; SPEED, default 60).
 *
 * ACTORS actors, each acting every 30-90 s of sim time (mean 60 s: ACTORS/60 turns per sim second,
 * 10,000 turns per wall second at 60x with 10k actors) with one in-process action recorded through
 * the real engine, paced at SPEED for WALL seconds of wall time. Prints:
 *  1. lag (actual minus intended dispatch time of each turn): p50, p99, max. Goal: p99 <= 2 ms.
 *  2. drift over the run (one sim hour at the defaults): how far the intended times moved off the
 *     grid `origin + t / speed` (goal 0: they are computed from sim time, never accumulated), and
 *     the median lag of the last sim minute minus the first (goal ~0: lateness does not build up).
 *  Baseline, measured in the same process: a naive pacer for one stream of events 10 ms apart that
 *  sleeps the gap between consecutive events (setTimeout(gap)) over the same wall time: its
 *  drift is the sum of every timer's lateness. Ratio = paced drift / naive drift (lower is better).
 */
import { monotonicMs } from '../../src/clock/wall-clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import { NullWriter } from '../../src/store/null-writer.ts';
import { visitorsSim } from './visitors.ts';

const ACTORS = Number(process.env.ACTORS ?? 10_000);
const SPEED = Number(process.env.SPEED ?? 60);
const WALL_S = Number(process.env.WALL ?? 60);

async function pacedRun() {
  const durationMs = WALL_S * 1000 * SPEED;
  const dispatches = { t: new Float64Array(1 << 20), due: new Float64Array(1 << 20), actual: new Float64Array(1 << 20), n: 0 };
  const record = (t: number, due: number, actual: number) => {
    const i = dispatches.n++;
    if (i >= dispatches.t.length) return;
    dispatches.t[i] = t;
    dispatches.due[i] = due;
    dispatches.actual[i] = actual;
  };
  const engine = new Engine({
    sim: visitorsSim('paced-bench', ACTORS),
    runId: 'bench', seed: 'bench', writer: new NullWriter(), http: null, targetUrl: '', simEpoch: 0,
    durationMs, maxActions: Infinity, maxWallMs: Infinity, concurrency: Infinity, overlapWindowMs: 0,
    actionTimeoutMs: 30_000, restartDelayMs: 1000, maxCrashesInARow: 5, params: {}, snapshotEveryMs: Infinity,
    pace: { speed: SPEED, onDispatch: record },
  });
  const t0 = monotonicMs();
  const result = await engine.run();
  const wallMs = monotonicMs() - t0;
  const n = Math.min(dispatches.n, dispatches.t.length);
  // Off the grid: each intended time against origin + (t - t0) / speed of the first dispatch.
  let offGrid = 0;
  for (let i = 0; i < n; i++) {
    offGrid = Math.max(offGrid, Math.abs(dispatches.due[i]! - (dispatches.due[0]! + (dispatches.t[i]! - dispatches.t[0]!) / SPEED)));
  }
  const lagIn = (from: number, to: number) => {
    const lags: number[] = [];
    for (let i = 0; i < n; i++) if (dispatches.t[i]! >= from && dispatches.t[i]! < to) lags.push(dispatches.actual[i]! - dispatches.due[i]!);
    lags.sort((a, b) => a - b);
    return lags.length ? lags[Math.floor(lags.length / 2)]! : NaN;
  };
  const minute = 60_000;
  const lastSimMinute = lagIn(durationMs - minute, durationMs + 1);
  const firstSimMinute = lagIn(minute, 2 * minute);
  // The end of the run against its intended wall time: the whole schedule's drift.
  const endLate = dispatches.actual[n - 1]! - dispatches.due[n - 1]!;
  return { result, wallMs, turns: n, offGrid, lagDriftMs: lastSimMinute - firstSimMinute, endLate, durationMs };
}

/** A naive pacer: sleeps the gap to the next event with setTimeout, one after the other. */
async function naiveDrift(): Promise<number> {
  const gapMs = 10;
  const start = monotonicMs();
  let intended = start;
  while (monotonicMs() - start < WALL_S * 1000) {
    await new Promise((resolve) => setTimeout(resolve, gapMs));
    intended += gapMs;
  }
  // Where the stream is against where its events were meant to be.
  return monotonicMs() - intended;
}

const cpu0 = process.cpuUsage();
const [paced, naive] = await Promise.all([pacedRun(), naiveDrift()]);
const cpu = process.cpuUsage(cpu0);
const lag = paced.result.pace?.lag;
console.log(`paced: ${ACTORS} actors at ${SPEED}x for ${(paced.wallMs / 1000).toFixed(1)} s wall (${(paced.durationMs / 3_600_000).toFixed(2)} sim h), ${paced.result.summary.actions} actions, ${paced.turns} turns (${Math.round(paced.turns / (paced.wallMs / 1000))}/s)`);
console.log(`  lag: p50 ${lag?.p50Ms.toFixed(3)} ms, p99 ${lag?.p99Ms.toFixed(3)} ms (goal <= 2 ms), max ${lag?.maxMs.toFixed(3)} ms`);
console.log(`  drift over the run: intended times off the grid by at most ${paced.offGrid.toExponential(2)} ms (goal 0); median lag of the last sim minute minus the first: ${paced.lagDriftMs.toFixed(3)} ms; last turn ${paced.endLate.toFixed(3)} ms late`);
// On a shared machine the process may get far less than a core: then lag measures the machine.
console.log(`  this process used ${(((cpu.user + cpu.system) / 1000 / paced.wallMs) * 100).toFixed(0)}% of a core over the run (load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)})`);
console.log(`baseline: a naive setTimeout(gap) pacer over the same wall time drifted ${naive.toFixed(1)} ms; ratio (last-minute lag minus first, paced / naive drift): ${(paced.lagDriftMs / naive).toFixed(4)}`);
