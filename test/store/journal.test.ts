// The run journal (src/store/row-journal.ts): rows a busy run journals instead of committing,
// loaded into DuckDB exactly, and recovered after a crash. Real DuckDB files, real processes.
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventLoopLoad } from '../../src/clock/event-loop-load.ts';
import { openStore, type DuckDBRunStore } from '../../src/store/duckdb-store.ts';
import type { DuckDBRunWriter } from '../../src/store/duckdb-writer.ts';
import type { RunWriter } from '../../src/store/run-store.ts';
import {
  encodeAction, encodeActor, encodeComplaint, encodeEvent, encodeExchange, encodeSnapshot, rowTables,
} from '../../src/store/row-append.ts';
import { journalDir } from '../../src/store/row-journal.ts';
import { BeamulatorError } from '../../src/util/errors.ts';
import { action, actor, beginTestRun, complaint, event, exchange, runChild, startChild, tempDir } from './helpers.ts';
import { runCli } from '../support/cli.ts';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const orderBy: Record<string, string> = {
  actors: 'actor_id', actions: 'seq', exchanges: 'action_seq, n', complaints: 'seq', events: 'seq', snapshots: 'sim_time, actor_id',
};

/** Every row of a run, table by table, as DuckDB holds them (run id left out). */
async function tables(store: DuckDBRunStore, runId: string): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const { table } of rowTables) {
    out[table] = await store.sql(`SELECT * EXCLUDE (run_id) FROM ${table} WHERE run_id = $1 ORDER BY ${orderBy[table]}`, [runId]);
  }
  return out;
}

/** Values every encoding must carry exactly: NULL vs '', quotes, newlines, unicode, odd doubles, big integers. */
function writeTricky(w: RunWriter): void {
  const texts = ['', '"', 'a,b', 'line\nbreak\r\n', 'ünïcødé 🎉', '\\"\\', 'nul\u0001ctl', 'lone \ud800 surrogate', 'NULL', '\t'];
  w.addActor(actor(w.runId, 0, { tags: ['a', '', 'ü'], spawnAt: -0 }));
  w.addActor(actor(w.runId, 1, { tags: [], spawnAt: Number.NaN, name: '' }));
  texts.forEach((t, i) => {
    w.addAction(action(w.runId, i, {
      action: t, args: { t, n: [1, 2.5, -0] }, error: i % 2 === 0 ? t : null, result: i % 3 === 0 ? null : { t },
      simTime: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0][i % 4]!, latencyMs: i === 5 ? -1.5e300 : 0.1 * i,
      wallEndUs: i === 6 ? Number.NaN : 2 ** 60 + i, step: i === 7 ? 2 ** 53 + 2 : i,
    }));
    w.addExchange(exchange(w.runId, i, 0, {
      url: `/x?q=${t}`, requestBody: i % 2 === 0 ? t : null, responseBody: t, error: i === 7 ? '' : null,
      status: i === 8 ? null : 200, requestHeaders: { 'x-t': t }, durationMs: i === 9 ? Number.NaN : 1.5,
    }));
    w.addComplaint(complaint(w.runId, i, { message: t, simTime: i === 2 ? Number.POSITIVE_INFINITY : i }));
    w.addEvent(event(w.runId, i, { kind: t as 'spawn', detail: i % 2 ? { t } : null }));
    w.addSnapshot({ runId: w.runId, simTime: i, actorId: i === 0 ? null : 0, stateJson: JSON.stringify({ t }), rngState: null, nextWake: i === 3 ? Number.POSITIVE_INFINITY : null, detail: { t } });
  });
}

describe('the run journal', () => {
  it('names every encoded field of a row in its table, in column order (a journal line is their values)', () => {
    const runId = 'r';
    const rows = [
      encodeActor(actor(runId, 0), runId, null), encodeAction(action(runId, 0), runId, null), encodeExchange(exchange(runId, 0, 0), runId, null),
      encodeComplaint(complaint(runId, 0), runId, null), encodeEvent(event(runId, 0), runId, null),
      encodeSnapshot({ runId, simTime: 0, actorId: 0, stateJson: null, rngState: null, nextWake: null, detail: null }, runId, null),
    ];
    expect(rows.map((r) => Object.keys(r))).toEqual(rowTables.map((t) => t.columns));
  });

  it('holds a busy run\'s rows out of DuckDB, then loads them exactly as a direct write stores them', async () => {
    const direct = await openStore(join(dir, 'direct.duckdb'), { journal: 'never' });
    const journaled = await openStore(join(dir, 'journaled.duckdb'), { journal: 'always' });
    try {
      const a = await beginTestRun(direct);
      const b = await beginTestRun(journaled);
      writeTricky(a);
      writeTricky(b);
      await a.save();
      await b.save();
      const journal = join(journalDir(journaled.path), `${b.runId}.jsonl`);
      // Saved into the journal, not DuckDB: a reader of the live run does not see them yet.
      expect(statSync(journal).size).toBeGreaterThan(0);
      expect((b as DuckDBRunWriter).journalBacklog).toBe(statSync(journal).size);
      expect(await journaled.actions(b.runId)).toEqual([]);
      expect((await direct.actions(a.runId)).length).toBe(10);

      await b.flush();
      expect((b as DuckDBRunWriter).journalBacklog).toBe(0);
      expect(await tables(journaled, b.runId)).toEqual(await tables(direct, a.runId));
      // Every table had rows, NaN / ±Infinity / -0 among them (toEqual tells -0 from 0).
      const got = await tables(journaled, b.runId);
      expect(Object.values(got).map((rows) => rows.length)).toEqual([2, 10, 10, 10, 10, 10]);
      expect((got.actions as Array<{ sim_time: number }>).map((r) => r.sim_time).slice(0, 4)).toEqual([Number.NaN, Infinity, -Infinity, -0]);

      await b.finish({ status: 'completed', simDurationMs: 1, stopReason: null, error: null });
      expect(existsSync(journalDir(journaled.path))).toBe(false);
      expect(await journaled.sql(`SELECT key FROM meta WHERE key LIKE 'journal:%'`)).toEqual([]);
    } finally {
      await direct.close();
      await journaled.close();
    }
  });

  it('commits the rows instead when the journal can not be written, losing none', async () => {
    const path = join(dir, 'runs.duckdb');
    // A file where the journal folder would go: every journal write fails.
    writeFileSync(journalDir(path), 'in the way');
    const store = await openStore(path, { journal: 'always', batchSize: 100_000 });
    try {
      const w = await beginTestRun(store);
      await w.save(); // journaling on: rows now go to the journal as they are added
      // 2 MB of rows: past the journal's 256 kB hold, so adding them tries (and fails) to write.
      for (let i = 0; i < 2000; i++) w.addExchange(exchange(w.runId, i, 0, { responseBody: 'x'.repeat(1000) }));
      await w.save();
      expect((await store.exchanges(w.runId)).length).toBe(2000);
      w.addAction(action(w.runId, 0));
      await w.finish({ status: 'completed', simDurationMs: 1, stopReason: null, error: null });
      expect((await store.actions(w.runId)).length).toBe(1);
    } finally {
      await store.close();
    }
  });
});

describe('a journal left by a killed process', () => {
  const n = 3000;
  const counts = (actions: number) => ({ status: 'abandoned', actions, actors: 1, complaints: Math.ceil(n / 100), exchanges: n, events: n });

  async function killedWhileJournaling(path: string): Promise<{ runId: string; journal: string }> {
    const { child, ready, exited } = await startChild(['journal', path, String(n)]);
    const runId = ready.split(' ')[1]!;
    child.kill('SIGKILL');
    expect(await exited).toBeNull();
    const journal = join(journalDir(path), `${runId}.jsonl`);
    expect(statSync(journal).size).toBeGreaterThan(0);
    return { runId, journal };
  }

  it('is loaded by the next open, even a read-only one in another process: every saved row, once', async () => {
    const path = join(dir, 'runs.duckdb');
    const { runId, journal } = await killedWhileJournaling(path);
    const read = await runChild(['read', path, runId]);
    expect(read.stderr).toBe('');
    // The 7 actions held in memory at the kill were never written.
    expect(JSON.parse(read.stdout)).toEqual(counts(n));
    expect(existsSync(journal)).toBe(false);
    const store = await openStore(path, { readOnly: true });
    try {
      expect((await store.actions(runId)).map((a) => a.seq)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(await store.sql(`SELECT key FROM meta WHERE key LIKE 'journal:%'`)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('resumes from the offset its last load committed, so no row is loaded twice', async () => {
    const path = join(dir, 'runs.duckdb');
    const { runId, journal } = await killedWhileJournaling(path);
    const copy = readFileSync(journal);
    let told: unknown[] = [];
    const loaded = async () => {
      told = [];
      const store = await openStore(path, { onRecovering: (r) => told.push(r) });
      try {
        return (await store.actions(runId)).map((a) => a.seq);
      } finally {
        await store.close();
      }
    };
    expect(await loaded()).toEqual(Array.from({ length: n }, (_, i) => i));

    // As if killed after committing a load up to line k, before deleting the journal: the rows
    // after line k out of DuckDB, the offset at line k's start, and the file back.
    const text = copy.toString('utf8');
    const k = text.split('\n').findIndex((line) => line.startsWith('1[') && JSON.parse(line.slice(1))[1] === 2000);
    const offset = Buffer.byteLength(text.split('\n').slice(0, k).join('\n')) + 1;
    const store = await openStore(path);
    try {
      for (const table of ['actions', 'exchanges', 'complaints', 'events']) {
        await store.sql(`DELETE FROM ${table} WHERE run_id = $1 AND ${table === 'exchanges' ? 'action_seq' : 'seq'} >= ${table === 'complaints' ? 20 : 2000}`, [runId]);
      }
      await store.sql(`INSERT INTO meta VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [`journal:${runId}`, String(offset)]);
      expect((await store.actions(runId)).length).toBe(2000);
    } finally {
      await store.close();
    }
    mkdirSync(journalDir(path));
    writeFileSync(journal, copy);
    expect(await loaded()).toEqual(Array.from({ length: n }, (_, i) => i));
    // The open said what it loaded: the bytes after the committed offset.
    expect(told).toEqual([{ runId, journalBytes: copy.length - offset, file: journal }]);
    expect(JSON.parse((await runChild(['read', path, runId])).stdout)).toEqual(counts(n));
  });

  it('is loaded by the next beamulator command, which says so', async () => {
    const path = join(dir, 'runs.duckdb');
    const { runId, journal } = await killedWhileJournaling(path);
    const runs = await runCli(['runs', '--db', path, '--json']);
    expect(runs.code).toBe(0);
    expect(runs.stderr).toMatch(new RegExp(`^loading [\\d.]+ [kM]B of run ${runId}'s rows into ${path}: its process ended before it saved them \\(they were kept in its journal\\) \\.\\.\\.\\n$`));
    const [run] = (JSON.parse(runs.stdout) as { runs: Array<{ runId: string; status: string; summary: { actions: number } }> }).runs;
    expect(run).toMatchObject({ runId, status: 'abandoned', summary: { actions: n } });
    expect(existsSync(journal)).toBe(false);
  });

  it('ignores a last line cut short by the crash', async () => {
    const path = join(dir, 'runs.duckdb');
    const { runId, journal } = await killedWhileJournaling(path);
    appendFileSync(journal, '1["half a row');
    expect(JSON.parse((await runChild(['read', path, runId])).stdout)).toEqual(counts(n));
  });

  it('is a clear error when damaged, kept for the user to move aside', async () => {
    const path = join(dir, 'runs.duckdb');
    const { runId, journal } = await killedWhileJournaling(path);
    const bytes = readFileSync(journal);
    // Past what the killed process loaded itself (its flush at n/2).
    const at = bytes.indexOf(10, Math.floor(bytes.length * 0.75)) + 1;
    bytes.write('9{', at);
    writeFileSync(journal, bytes);
    for (const readOnly of [false, true]) {
      const error = await openStore(path, { readOnly }).then(async (s) => { await s.close(); return null; }, (e: unknown) => e);
      expect(error).toBeInstanceOf(BeamulatorError);
      expect((error as BeamulatorError).code).toBe('BEAM_STORE_CORRUPT');
      expect((error as BeamulatorError).message).toBe(`cannot load journal ${journal}: the line at byte ${at} is damaged (unknown table "9").`
        + ` Move the file aside (mv ${journal} ${journal}.bad) to open the store without its rows`);
    }
    expect(existsSync(journal)).toBe(true);
    renameSync(journal, `${journal}.bad`);
    const read = JSON.parse((await runChild(['read', path, runId])).stdout) as { actions: number };
    // What the killed process had loaded itself (up to its flush at n/2) is there.
    expect(read.actions).toBeGreaterThan(n / 2);
    expect(readdirSync(journalDir(path))).toEqual([`${runId}.jsonl.bad`]);
  });
});

describe('EventLoopLoad', () => {
  it('reads busy while callbacks keep the event loop running, and not while it waits', async () => {
    const load = new EventLoopLoad(0.8, 0.5, 50);
    const spinUntil = performance.now() + 120;
    while (performance.now() < spinUntil) { /* a callback that never yields */ }
    expect(load.busy()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(load.busy()).toBe(false);
  });
});
