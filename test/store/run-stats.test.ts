// beamulator stats' numbers, checked against the same numbers computed here from the run's rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineAction, defineBehavior, defineSimulation, fail, runSimulation, STOP } from 'beamulator';
import { openStore, type DuckDBRunStore } from '../../src/store/duckdb-store.ts';
import { readRunStats } from '../../src/store/run-stats.ts';
import { tempDir } from './helpers.ts';

const look = defineAction('look', async (args: { n: number }) => {
  if (args.n % 4 === 0) fail('not there', { n: args.n });
  return { n: args.n };
});
const buy = defineAction('buy', async (args: { n: number }) => ({ bought: args.n }));

const browser = defineBehavior({
  name: 'Browser', initialState: undefined,
  act: async (ctx) => {
    if (ctx.turn > 9) return STOP;
    await ctx.execute(look, { n: ctx.rng.int(1, 20) });
    if (ctx.turn % 3 === 0) ctx.complain('slow page', { severity: 'annoying' });
    return '5m';
  },
});
const buyer = defineBehavior({
  name: 'Buyer', initialState: undefined,
  act: async (ctx) => {
    if (ctx.turn > 4) return STOP;
    await ctx.execute(buy, { n: ctx.turn });
    if (ctx.turn === 4) ctx.complain('charged twice', { severity: 'urgent' });
    return '10m';
  },
});
const sim = defineSimulation({ name: 'shop', duration: '1h', population: [{ behavior: browser, count: 3 }, { behavior: buyer, count: 2 }] });

const { dir, cleanup } = tempDir();
let store: DuckDBRunStore;
let runId: string;
beforeAll(async () => {
  runId = (await runSimulation(sim, { seed: 3, db: `${dir}/s.duckdb` })).runId;
  store = await openStore(`${dir}/s.duckdb`, { readOnly: true });
});
afterAll(async () => {
  await store.close();
  cleanup();
});

/** quantile_cont: linear interpolation between the closest ranks. */
function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (pos - lo);
}

describe('readRunStats', () => {
  it('counts outcomes and latency percentiles per action, actors and actions per behavior', async () => {
    const stats = await readRunStats(store, [runId]);
    const actions = await store.actions(runId);
    expect(stats.actions).toBe(actions.length);
    expect(stats.actors).toBe(5);
    for (const name of ['look', 'buy']) {
      const mine = actions.filter((a) => a.action === name);
      const row = stats.byAction.find((a) => a.action === name)!;
      expect(row).toMatchObject({ count: mine.length, ok: mine.filter((a) => a.outcome === 'ok').length, error: mine.filter((a) => a.outcome === 'error').length });
      const latencies = mine.map((a) => a.latencyMs).sort((x, y) => x - y);
      expect(row.p50).toBeCloseTo(quantile(latencies, 0.5), 6);
      expect(row.p99).toBeCloseTo(quantile(latencies, 0.99), 6);
      expect(row.max).toBeCloseTo(latencies.at(-1)!, 6);
    }
    expect(stats.byAction.find((a) => a.action === 'look')!.error).toBeGreaterThan(0);
    expect(stats.byAction.find((a) => a.action === 'buy')!.failedRatio).toBe(0);
    expect(stats.byBehavior.map((b) => [b.behavior, b.actors, b.actions])).toEqual([['Browser', 3, 27], ['Buyer', 2, 8]]);
    expect(stats.byBehavior[0]!.perSimHour).toBeCloseTo(27 / (stats.simDurationMs / 3_600_000), 6);
  });

  it('puts every complaint in its sim-time slice, by severity', async () => {
    const stats = await readRunStats(store, [runId], 6);
    const complaints = await store.complaints(runId);
    expect(stats.complaintTimeline).toHaveLength(6);
    const size = stats.simDurationMs / 6;
    for (const [i, bucket] of stats.complaintTimeline.entries()) {
      const inside = complaints.filter((c) => Math.min(Math.floor(c.simTime / size), 5) === i);
      expect(bucket.bySeverity).toEqual({
        urgent: inside.filter((c) => c.severity === 'urgent').length, annoying: inside.filter((c) => c.severity === 'annoying').length, justsayin: 0,
      });
    }
    expect(stats.topComplaints.map((c) => [c.severity, c.message, c.count])).toEqual([['annoying', 'slow page', 9], ['urgent', 'charged twice', 2]]);
  });
});

describe('readRunStats of paced runs', () => {
  it("reports each shard's speed and lag (from its pace events), and nothing for a run in virtual time", async () => {
    const db = `${dir}/paced.duckdb`;
    const shards = [];
    for (const index of [1, 2]) {
      shards.push(await runSimulation(sim, { seed: 3, db, speed: 100_000, shard: { index, count: 2 }, onPaceControl: (pace) => { if (index === 2) pace.setSpeed(200_000); } }));
    }
    const virtual = await runSimulation(sim, { seed: 3, db });
    const paced = await openStore(db, { readOnly: true });
    try {
      const stats = await readRunStats(paced, shards.map((r) => r.runId));
      expect(stats.pace.map((p) => [p.runId, p.speed, p.endSpeed, p.changes])).toEqual([
        [shards[0]!.runId, 100_000, 100_000, 0], [shards[1]!.runId, 100_000, 200_000, 1],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
      for (const [i, p] of stats.pace.entries()) {
        const lag = shards.find((r) => r.runId === p.runId)!.pace!.lag!;
        expect([p.turns, p.lagP50Ms, p.lagP99Ms, p.lagMaxMs], `shard ${i}`).toEqual([lag.turns, lag.p50Ms, lag.p99Ms, lag.maxMs]);
      }
      expect((await readRunStats(paced, [virtual.runId])).pace).toEqual([]);
    } finally {
      await paced.close();
    }
  });
});
