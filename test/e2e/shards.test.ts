// A run split into 4 shards, each a real CLI process with its own store, then merged: the merged
// group holds every actor once, and each actor did exactly what it did in the whole run.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/duckdb-store.ts';
import type { ActionRecord } from '../../src/store/records.ts';
import { root, runCli, tempDir } from '../support/cli.ts';

const sim = path.join(root, 'test/e2e/sims/tallies.sim.ts');
const { dir, cleanup } = tempDir();
const db = (name: string) => path.join(dir, `${name}.duckdb`);
const common = [sim, '--seed', '5', '--no-progress', '--json'];

/** What an actor did, without what depends on the process (seq numbers, wall times). */
const doings = (actions: readonly ActionRecord[]) => actions
  .map((a) => ({ actorId: a.actorId, action: a.action, args: a.args, outcome: a.outcome, result: a.result, simTime: a.simTime }))
  .sort((a, b) => a.actorId - b.actorId || a.simTime - b.simTime);

let whole: { runId: string };
let shards: Array<{ runId: string; shard: { index: number; count: number; group: string } }>;

beforeAll(async () => {
  const runs = await Promise.all([
    runCli(['run', ...common, '--db', db('whole')]),
    ...[1, 2, 3, 4].map((i) => runCli(['run', ...common, '--db', db(`shard${i}`), '--shard', `${i}/4`])),
  ]);
  for (const r of runs) expect(r.code, r.stderr).toBe(0);
  [whole, ...shards] = runs.map((r) => JSON.parse(r.stdout));
}, 60_000);
afterAll(cleanup);

describe('sharded runs', () => {
  it('derive one group for all shards, and split the population round-robin by actor id', () => {
    const groups = new Set(shards.map((s) => s.shard.group));
    expect(groups.size).toBe(1);
    expect(shards.map((s) => `${s.shard.index}/${s.shard.count}`)).toEqual(['1/4', '2/4', '3/4', '4/4']);
    // Shards start in the same second on many machines: each id says its shard, so none can collide.
    expect(shards.map((s) => s.runId.replace(/^\d{8}-\d{6}-[0-9a-z]{4}-/, ''))).toEqual(['s1', 's2', 's3', 's4']);
    expect(whole.runId).toMatch(/^\d{8}-\d{6}-[0-9a-z]{4}$/);
  });

  it('merge: a missing shard is reported (exit 11), then the whole group merges and equals the unsharded run actor by actor', async () => {
    const partial = await runCli(['merge', db('shard1'), db('shard2'), db('shard3'), '-o', db('partial')]);
    expect(partial.code, partial.stderr).toBe(11);
    expect(partial.stderr).toMatch(/^beamulator: group g-[0-9a-f]{12} is incomplete: shard 4 of 4 missing\. /m);

    const merged = await runCli(['merge', ...[1, 2, 3, 4].map((i) => db(`shard${i}`)), '-o', db('merged')]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toContain('merged 4 runs from 4 files');
    expect(merged.stdout).toMatch(/4\/4 shards/);

    const store = await openStore(db('merged'), { readOnly: true });
    const wholeStore = await openStore(db('whole'), { readOnly: true });
    try {
      const actorIds = (await Promise.all(shards.map((s) => store.actors(s.runId)))).flat().map((a) => a.actorId).sort((a, b) => a - b);
      expect(actorIds).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      for (const s of shards) {
        for (const a of await store.actors(s.runId)) expect(a.actorId % 4).toBe(s.shard.index - 1);
      }
      const sharded = (await Promise.all(shards.map((s) => store.actions(s.runId)))).flat();
      const unsharded = await wholeStore.actions(whole.runId);
      expect(sharded.length).toBeGreaterThan(20);
      expect(doings(sharded)).toEqual(doings(unsharded));
    } finally {
      await store.close();
      await wholeStore.close();
    }

    // Merging again copies nothing: the runs are already there.
    const again = await runCli(['merge', db('shard2'), '-o', db('merged'), '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).sources[0]).toMatchObject({ copied: [], alreadyThere: [shards[1]!.runId] });
  }, 60_000);

  it('runs shows the group as one line; show <group> lists its shards; a shard replays identically', async () => {
    const runs = await runCli(['runs', '--db', db('merged')]);
    expect(runs.code, runs.stderr).toBe(0);
    const group = shards[0]!.shard.group;
    expect(runs.stdout.split('\n').filter((l) => l.startsWith(group))).toHaveLength(1);
    expect(runs.stdout).not.toContain(shards[0]!.runId);

    const show = await runCli(['show', group, '--db', db('merged')]);
    expect(show.code, show.stderr).toBe(0);
    for (const s of shards) expect(show.stdout).toContain(`shard ${s.shard.index}/4`.padEnd(12) + s.runId);

    // stats of the group: every shard's actions, by action and by behavior.
    const stats = await runCli(['stats', group, '--db', db('merged'), '--json']);
    expect(stats.code, stats.stderr).toBe(0);
    const numbers = JSON.parse(stats.stdout) as { runIds: string[]; actors: number; byBehavior: Array<{ behavior: string; actors: number }> };
    expect(numbers.runIds.sort()).toEqual(shards.map((s) => s.runId).sort());
    expect(numbers.actors).toBe(10);
    expect(Object.fromEntries(numbers.byBehavior.map((b) => [b.behavior, b.actors]))).toEqual({ Counter: 7, Auditor: 3 });

    const replay = await runCli(['replay', shards[2]!.runId, '--db', db('merged')]);
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);
    expect(replay.stdout).toMatch(/identical/);

    // The whole group, every shard in turn in one process; a replay file merges like a store.
    const all = await runCli(['replay', group, '--db', db('merged')]);
    expect(all.code, all.stdout + all.stderr).toBe(0);
    expect(all.stdout).toContain(`group ${group}: 4/4 shard replays identical`);
    const file = path.join(dir, 'shard1.json');
    expect((await runCli(['export', shards[0]!.runId, '--db', db('merged'), '-o', file])).code).toBe(0);
    const fromFile = await runCli(['merge', file, '-o', db('from-file'), '--json']);
    expect(fromFile.code, fromFile.stderr).toBe(11);
    expect(JSON.parse(fromFile.stdout).groups[0]).toMatchObject({ group, missing: [2, 3, 4] });
  }, 60_000);

  it('reads the shard of a Kubernetes Indexed Job from the environment, with the same group as --shard', async () => {
    const r = await runCli(['run', ...common, '--db', db('k8s')], { env: { JOB_COMPLETION_INDEX: '1', BEAMULATOR_SHARDS: '4' } });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).shard).toEqual(shards[1]!.shard);
  }, 30_000);

  it.each([
    [['--shard', '5/4'], {}, /^beamulator: cannot use --shard '5\/4': expected i\/N with 1 <= i <= N\. /],
    [['--group', 'nightly'], {}, /^beamulator: cannot use --group nightly without --shard/],
    [[], { JOB_COMPLETION_INDEX: '0' }, /^beamulator: cannot tell which shard to run: JOB_COMPLETION_INDEX is 0 but BEAMULATOR_SHARDS/],
  ] as const)('refuses %j %j with one line and exit 2', async (flags, env, message) => {
    const r = await runCli(['run', sim, '--db', db('refused'), ...flags], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
