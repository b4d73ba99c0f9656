import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/duckdb-store.ts';
import { pruneStore, storeBytes } from '../../src/store/prune-store.ts';
import type { RunKind } from '../../src/store/records.ts';
import { schemaVersion } from '../../src/store/schema.ts';
import { runCli } from '../support/cli.ts';
import { action, actor, beginTestRun, complaint, event, exchange, tempDir, wallStart } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const tables = ['actors', 'actions', 'complaints', 'exchanges', 'events'] as const;
const day = 86_400_000;

/**
 * A store of `kinds.length` runs, the i-th started i days after the first, each with `actions`
 * actions (a result padded with hashes, which do not compress: the runs take room) and a row in
 * every other table.
 */
async function storeOf(name: string, kinds: readonly RunKind[], actions = 3, first = 0): Promise<{ path: string; ids: string[] }> {
  const path = join(tmp.dir, `${name}.duckdb`);
  const store = await openStore(path);
  const ids: string[] = [];
  try {
    for (const [index, kind] of kinds.entries()) {
      const i = first + index;
      const writer = await beginTestRun(store, { kind, wallStartedAt: wallStart + i * day });
      writer.addActor(actor(writer.runId, 0));
      for (let seq = 0; seq < actions; seq++) writer.addAction(action(writer.runId, seq, { result: { id: seq, pad: createHash('sha512').update(`${i}-${seq}`).digest('hex') } }));
      writer.addComplaint(complaint(writer.runId, 0));
      writer.addExchange(exchange(writer.runId, 0, 0));
      writer.addEvent(event(writer.runId, 0));
      await writer.finish({ status: 'completed', simDurationMs: 1000, stopReason: 'duration', error: null });
      ids.push(writer.runId);
    }
  } finally {
    await store.close();
  }
  return { path, ids };
}

/** Run ids the store holds, and how many rows each table holds per run id. */
async function contents(path: string): Promise<{ runs: string[]; rows: Record<string, Record<string, number>> }> {
  const store = await openStore(path, { readOnly: true });
  try {
    const runs = (await store.listRuns()).map((r) => r.runId).sort();
    const rows: Record<string, Record<string, number>> = {};
    for (const table of tables) {
      rows[table] = Object.fromEntries((await store.sql(`SELECT run_id, count(*) AS n FROM ${table} GROUP BY run_id ORDER BY run_id`)).map((r) => [String(r.run_id), Number(r.n)]));
    }
    return { runs, rows };
  } finally {
    await store.close();
  }
}

describe('pruneStore', () => {
  it('removes the runs the conditions pick, with their rows in every table, and leaves the rest exactly as they were', async () => {
    const kinds: RunKind[] = ['run', 'fuzz', 'replay', 'run', 'fuzz', 'run'];
    const { path, ids } = await storeOf('select', kinds);
    const before = await contents(path);
    // Runs 0..5 started on days 0..5 (the newest is 5); "now" is day 10.
    const now = wallStart + 10 * day;

    const dry = await pruneStore(path, { kinds: ['fuzz'] }, { dryRun: true });
    expect(dry.removed.map((r) => r.runId)).toEqual([ids[4], ids[1]]);
    expect(dry).toMatchObject({ dryRun: true, kept: 4, rows: { runs: 2, actions: 6, actors: 2, complaints: 2, exchanges: 2, events: 2 } });
    expect(dry.bytesAfter).toBe(dry.bytesBefore);
    expect(await contents(path)).toEqual(before);

    // Older than 7 days: days 0..2. Keep the newest 4 of those that are runs or replays: none of days 0 and 2 are among them.
    const older = await pruneStore(path, { startedBefore: now - 7 * day });
    expect(older.removed.map((r) => r.runId)).toEqual([ids[2], ids[1], ids[0]]);
    const kept = await pruneStore(path, { keep: 2, kinds: ['run', 'fuzz'] });
    // Left: 3 (run), 4 (fuzz), 5 (run); the newest 2 runs or fuzz runs are 5 and 4.
    expect(kept.removed.map((r) => r.runId)).toEqual([ids[3]]);
    const after = await contents(path);
    const left = [ids[4]!, ids[5]!].sort();
    expect(after.runs).toEqual(left);
    for (const table of tables) expect(after.rows[table], table).toEqual(Object.fromEntries(left.map((id) => [id, before.rows[table]![id]])));
    // The store still works: its schema, and a new run.
    const store = await openStore(path);
    try {
      expect(await store.meta('schema_version')).toBe(String(schemaVersion));
      const writer = await beginTestRun(store);
      await writer.finish({ status: 'completed', simDurationMs: 0, stopReason: 'duration', error: null });
      expect((await store.listRuns()).map((r) => r.runId)).toContain(writer.runId);
    } finally {
      await store.close();
    }
    expect(readdirSync(tmp.dir).filter((f) => f.includes('.prune.tmp'))).toEqual([]);
  });

  it('never touches a run being recorded: a dry run leaves it out, a prune refuses while it records', async () => {
    const { path, ids } = await storeOf('live', ['run', 'run']);
    const store = await openStore(path);
    try {
      const writer = await beginTestRun(store, { wallStartedAt: wallStart - day });
      writer.addAction(action(writer.runId, 0));
      await writer.flush();
      const dry = await pruneStore(path, { keep: 0 }, { dryRun: true });
      expect(dry.removed.map((r) => r.runId).sort()).toEqual([...ids].sort());
      await expect(pruneStore(path, { keep: 0 })).rejects.toMatchObject({ code: 'BEAM_STORE_LOCKED', message: expect.stringContaining(`this process is recording run ${writer.runId} into it`) });
      await writer.finish({ status: 'completed', simDurationMs: 0, stopReason: 'duration', error: null });
      expect((await store.actions(writer.runId))).toHaveLength(1);
    } finally {
      await store.close();
    }
    expect((await contents(path)).runs).toHaveLength(3);
  });

  it('counts the shards of a group as one run: --keep and --older-than keep or remove a group whole', async () => {
    const path = join(tmp.dir, 'groups.duckdb');
    const store = await openStore(path);
    const ids: Record<string, string> = {};
    // Day 0: a whole run; days 1-2: group g1's 3 shards (the last a day late); day 3: g2's 2 shards; day 4: a whole run.
    const recorded: Array<[string, number, { index: number; count: number; group: string } | null]> = [
      ['old', 0, null], ['g1-1', 1, { index: 1, count: 3, group: 'g1' }], ['g1-2', 1, { index: 2, count: 3, group: 'g1' }],
      ['g1-3', 2, { index: 3, count: 3, group: 'g1' }], ['g2-1', 3, { index: 1, count: 2, group: 'g2' }], ['g2-2', 3, { index: 2, count: 2, group: 'g2' }], ['new', 4, null],
    ];
    try {
      for (const [name, i, shard] of recorded) {
        const writer = await beginTestRun(store, { wallStartedAt: wallStart + i * day + Object.keys(ids).length, config: { durationMs: 1000, shard } });
        await writer.finish({ status: 'completed', simDurationMs: 1000, stopReason: 'duration', error: null });
        ids[name] = writer.runId;
      }
    } finally {
      await store.close();
    }
    const removed = async (selection: Parameters<typeof pruneStore>[1]) => (await pruneStore(path, selection, { dryRun: true })).removed.map((r) => r.runId).sort();
    // Newest first: new, g2 (2 shards), g1 (3 shards), old. Keeping 2 keeps both shards of g2.
    expect(await removed({ keep: 2 })).toEqual([ids['g1-1'], ids['g1-2'], ids['g1-3'], ids.old].sort());
    expect(await removed({ keep: 3 })).toEqual([ids.old]);
    // Older than day 2: g1's shards 1 and 2 are, its shard 3 is not: g1 stays whole.
    expect(await removed({ startedBefore: wallStart + 2 * day })).toEqual([ids.old]);
    expect(await removed({ startedBefore: wallStart + 3 * day })).toEqual([ids['g1-1'], ids['g1-2'], ids['g1-3'], ids.old].sort());
  });

  it.skipIf(process.platform === 'win32')('keeps the file mode of the store it rewrites', async () => {
    const { path } = await storeOf('mode', ['run', 'run']);
    chmodSync(path, 0o600);
    expect((await pruneStore(path, { keep: 1 })).removed).toHaveLength(1);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    chmodSync(path, 0o664);
    expect((await pruneStore(path, { keep: 0 })).removed).toHaveLength(1);
    expect(statSync(path).mode & 0o777).toBe(0o664);
  });

  it('refuses a missing store and :memory:', async () => {
    await expect(pruneStore(join(tmp.dir, 'missing.duckdb'), { keep: 1 })).rejects.toMatchObject({ code: 'BEAM_STORE', message: expect.stringMatching(/no such file/) });
    expect(existsSync(join(tmp.dir, 'missing.duckdb'))).toBe(false);
    await expect(pruneStore(':memory:', { keep: 1 })).rejects.toMatchObject({ code: 'BEAM_USAGE' });
  });
});

describe('beamulator prune', () => {
  it('30 runs, --keep 3: the newest 3 stay, the file shrinks to the size of a store that only ever held them, and runs shows the size', async () => {
    const { path, ids } = await storeOf('cli', Array.from({ length: 30 }, () => 'run' as const), 300);
    // The same 3 runs, recorded alone: what the pruned file should weigh.
    const alone = storeBytes((await storeOf('alone', ['run', 'run', 'run'], 300, 27)).path);
    const newest = ids.slice(-3).reverse();
    const before = storeBytes(path);

    const dry = await runCli(['prune', '--db', path, '--keep', '3', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^dry run: would remove 27 runs from .*cli\.duckdb, keeping 3\n/);
    expect(storeBytes(path)).toBe(before);

    const pruned = await runCli(['prune', '--db', path, '--keep', '3', '--json']);
    expect(pruned.code, pruned.stderr).toBe(0);
    const result = JSON.parse(pruned.stdout);
    expect(result).toMatchObject({ dryRun: false, kept: 3, bytesBefore: before, rows: { runs: 27, actions: 27 * 300 } });
    expect(result.removed).toHaveLength(27);
    const after = storeBytes(path);
    expect(result.bytesAfter).toBe(after);
    console.log(`prune --keep 3 of 30 runs (300 actions each): ${before} -> ${after} bytes (those 3 runs alone: ${alone})`);
    // A DELETE alone leaves the file about as big (measured: 8.9 MB -> 8.7 MB): the rewrite gives the space back.
    expect(after).toBeLessThan(before);
    expect(after).toBeLessThanOrEqual(alone * 1.05);

    const runs = await runCli(['runs', '--db', path, '--json']);
    const listed = JSON.parse(runs.stdout);
    expect(listed.store).toEqual({ path, bytes: after, runs: 3 });
    expect(listed.runs.map((r: { runId: string }) => r.runId)).toEqual(newest);
    expect(listed.runs.map((r: { summary: { actions: number } }) => r.summary.actions)).toEqual([300, 300, 300]);
    expect((await runCli(['runs', '--db', path])).stdout).toMatch(/\n3 runs in .*cli\.duckdb, \d+\.\d [kM]B \(`beamulator prune` removes old ones\)\n/);

    const text = await runCli(['prune', '--db', path, '--keep', '1']);
    expect(text.stdout).toMatch(/^removed 2 runs from .*, kept 1\n {2}\S+ +run .*\n {2}\S+ +run .*\n {2}rows {5}actions 600, actors 2, complaints 2, events 2, exchanges 2, runs 2, snapshots 0\n {2}size {5}\d+\.\d [kM]B -> \d+\.\d [kM]B( \(.* reclaimed\))?\n$/);
  }, 60_000);
});
