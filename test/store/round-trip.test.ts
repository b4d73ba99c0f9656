import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type DuckDBRunStore } from '../../src/store/duckdb-store.ts';
import type { DuckDBRunWriter } from '../../src/store/duckdb-writer.ts';
import { openInstanceCount } from '../../src/store/instance-cache.ts';
import type { Json } from '../../src/store/records.ts';
import { BeamulatorError } from '../../src/util/errors.ts';
import { action, actor, beginTestRun, complaint, event, exchange, tempDir, wallStart } from './helpers.ts';

let dir: string;
let cleanup: () => void;
let stores: DuckDBRunStore[];
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  stores = [];
});
afterEach(async () => {
  for (const s of stores) await s.close();
  cleanup();
});

async function open(path = join(dir, 'runs.duckdb'), options: Parameters<typeof openStore>[1] = {}): Promise<DuckDBRunStore> {
  const store = await openStore(path, options);
  stores.push(store);
  return store;
}

const unicode = 'Zoë 🚀 日本語 — "quotes" \\ back\nslash \t tab \u0000 nul';
const bigJson: Json = {
  items: Array.from({ length: 2000 }, (_, i) => ({ id: i, text: `item ${i} ${unicode}`, nested: { deep: [i, null, true, 1.5e300] } })),
};

describe('round trip', () => {
  it('stores and reads back every record type exactly, in records.ts shape', async () => {
    const store = await open(join(dir, 'nested', 'folder', 'runs.duckdb'));
    expect(existsSync(join(dir, 'nested', 'folder'))).toBe(true);
    const writer = await beginTestRun(store, { parentRunId: null, file: null, codeHash: null, config: { unicode } });
    const id = writer.runId;
    const actors = [
      actor(id, 0),
      actor(id, 1, { config: null, initialState: bigJson, tags: [], rngState: [1, 2, 3], origin: 'runtime', spawnAt: 12.5, name: unicode }),
    ];
    const actions = [
      action(id, 0),
      action(id, 1, { args: null, result: null, outcome: 'crash', error: `TypeError: ${unicode}`, latencyMs: 0.001 }),
      action(id, 2, { args: bigJson, result: [1, 'two', { three: 3 }], outcome: 'error', error: 'no such todo', simTime: 1.25 }),
      action(id, 3, { args: 'just a string', result: 42, wallStartUs: 9_007_199_254_740_000, wallEndUs: 9_007_199_254_740_991, step: 3_000_000_000 }),
      action(id, 4, { args: true, result: false, simTime: 86_400_000 * 365 }),
    ];
    const complaints = [
      complaint(id, 0),
      complaint(id, 1, { actionSeq: null, severity: 'urgent', message: unicode, detail: null, trigger: 'ctx.complain' }),
      complaint(id, 2, { severity: 'justsayin', detail: bigJson }),
    ];
    const exchanges = [
      exchange(id, 2, 0),
      exchange(id, 2, 1, { method: 'GET', requestBody: null, status: null, responseHeaders: {}, responseBody: null, error: 'ECONNREFUSED' }),
      exchange(id, 0, 0, { responseBody: unicode, requestBody: 'not json {' }),
    ];
    const events = [
      event(id, 0),
      event(id, 1, { actorId: null, kind: 'limit', detail: { reason: 'duration' } }),
      event(id, 2, { kind: 'crash', detail: null }),
    ];
    // Added out of order: reads come back ordered.
    for (const a of [...actors].reverse()) writer.addActor(a);
    for (const a of [...actions].reverse()) writer.addAction(a);
    for (const c of [...complaints].reverse()) writer.addComplaint(c);
    for (const x of [...exchanges].reverse()) writer.addExchange(x);
    for (const e of [...events].reverse()) writer.addEvent(e);
    await writer.finish({ status: 'completed', simDurationMs: 3_600_000, stopReason: 'duration', error: null });

    expect(await store.actors(id)).toEqual(actors);
    expect(await store.actions(id)).toEqual(actions);
    expect(await store.complaints(id)).toEqual(complaints);
    expect(await store.exchanges(id)).toEqual([exchanges[2], exchanges[0], exchanges[1]]);
    expect(await store.exchanges(id, 2)).toEqual([exchanges[0], exchanges[1]]);
    expect(await store.exchanges(id, 7)).toEqual([]);
    expect(await store.events(id)).toEqual(events);
    expect(await store.actions(id, { limit: 2, offset: 1 })).toEqual(actions.slice(1, 3));
    expect(await store.actions(id, { limit: 0 })).toEqual([]);

    const run = await store.getRun(id);
    expect(run).toEqual({
      runId: id, kind: 'run', parentRunId: null, simulation: 'todo', file: null, seed: '42', status: 'completed',
      config: { unicode }, codeHash: null, beamulatorVersion: '0.1.0', wallStartedAt: wallStart, wallEndedAt: expect.any(Number),
      simDurationMs: 3_600_000, simEpoch: Date.UTC(2026, 0, 5, 8), stopReason: 'duration', error: null, comparison: null, params: null,
      summary: {
        actions: 5, byOutcome: { ok: 3, error: 1, crash: 1 }, complaints: 3, bySeverity: { urgent: 1, annoying: 1, justsayin: 1 },
        actors: 2, simDurationMs: 3_600_000,
      },
    });
    expect(run!.wallEndedAt).toBeGreaterThanOrEqual(wallStart);
    expect(typeof run!.summary.actions).toBe('number');
    expect(await store.getRun('20990101-000000-zzz')).toBeNull();
  });

  it('keeps the run row fields of a replay', async () => {
    const store = await open();
    const parent = await beginTestRun(store);
    const replay = await beginTestRun(store, { kind: 'replay', parentRunId: parent.runId, wallStartedAt: wallStart + 1000 });
    const run = (await store.getRun(replay.runId))!;
    expect(run).toMatchObject({ kind: 'replay', parentRunId: parent.runId, status: 'running', wallEndedAt: null, stopReason: null, error: null });
  });

  it('summarises every run in listRuns, newest first, with all outcome and severity keys', async () => {
    const store = await open();
    const ids: string[] = [];
    for (let r = 0; r < 3; r++) {
      const w = await beginTestRun(store, { wallStartedAt: wallStart + r * 60_000, seed: String(r) });
      ids.push(w.runId);
      for (let i = 0; i < r * 10; i++) w.addAction(action(w.runId, i, { outcome: i % 5 === 0 ? 'crash' : 'ok' }));
      for (let i = 0; i < r; i++) w.addComplaint(complaint(w.runId, i, { severity: 'urgent' }));
      w.addActor(actor(w.runId, 0));
      if (r < 2) await w.finish({ status: r === 0 ? 'failed' : 'stopped', simDurationMs: 500 * r, stopReason: 'error', error: r === 0 ? 'boom' : null });
      else await w.flush();
    }
    const runs = await store.listRuns();
    expect(runs.map((r) => r.runId)).toEqual([...ids].reverse());
    expect(runs[2]!.summary).toEqual({
      actions: 0, byOutcome: { ok: 0, error: 0, crash: 0 }, complaints: 0, bySeverity: { urgent: 0, annoying: 0, justsayin: 0 },
      actors: 1, simDurationMs: 0,
    });
    expect(runs[2]).toMatchObject({ status: 'failed', error: 'boom' });
    expect(runs[1]!.summary).toMatchObject({ actions: 10, byOutcome: { ok: 8, error: 0, crash: 2 }, complaints: 1, simDurationMs: 500 });
    // Still being recorded by this process: sim duration so far is the last action's sim time.
    expect(runs[0]).toMatchObject({ status: 'running', simDurationMs: 1900 });
    expect(runs[0]!.summary).toMatchObject({ actions: 20, complaints: 2, bySeverity: { urgent: 2, annoying: 0, justsayin: 0 }, simDurationMs: 1900 });
    expect((await store.listRuns({ limit: 2 })).map((r) => r.runId)).toEqual([ids[2], ids[1]]);
    expect(await store.listRuns({ limit: 0 })).toEqual([]);
  });

  it("reads a run 'running' only while this process records it; one left unfinished reads 'abandoned', with its sim time so far", async () => {
    const path = join(dir, 'runs.duckdb');
    const store = await openStore(path);
    const w = await beginTestRun(store);
    w.addAction(action(w.runId, 0, { simTime: 7000 }));
    await w.flush();
    expect(await store.getRun(w.runId)).toMatchObject({ status: 'running', simDurationMs: 7000 });
    await store.close(); // its process stopped recording without finishing the run
    const reader = await open(path, { readOnly: true });
    expect(await reader.getRun(w.runId)).toMatchObject({ status: 'abandoned', simDurationMs: 7000 });
    expect((await reader.listRuns())[0]).toMatchObject({ status: 'abandoned', simDurationMs: 7000, summary: { simDurationMs: 7000 } });
  });

  it('takes an explicit run id, and refuses one that exists', async () => {
    const store = await open();
    const w = await beginTestRun(store, { runId: 'my-run' });
    expect(w.runId).toBe('my-run');
    await expect(beginTestRun(store, { runId: 'my-run' })).rejects.toMatchObject({
      code: 'BEAM_STORE', message: expect.stringContaining('cannot begin run my-run: a run with that id already exists'),
    });
  });

  it('works in :memory:, one database per open', async () => {
    const a = await open(':memory:');
    const b = await open(':memory:');
    const w = await beginTestRun(a);
    w.addAction(action(w.runId, 0));
    await w.flush();
    expect(await a.actions(w.runId)).toHaveLength(1);
    expect(await b.listRuns()).toEqual([]);
    expect(a.path).toBe(':memory:');
  });

  it('serves concurrent reads on one store', async () => {
    const store = await open();
    const w = await beginTestRun(store);
    for (let i = 0; i < 100; i++) w.addAction(action(w.runId, i));
    await w.flush();
    const [runs, actions, actors, events] = await Promise.all([store.listRuns(), store.actions(w.runId), store.actors(w.runId), store.events(w.runId)]);
    expect([runs.length, actions.length, actors.length, events.length]).toEqual([1, 100, 0, 0]);
  });
});

describe('the writer', () => {
  it('is seen by other stores on the same path in this process once flushed (one shared instance)', async () => {
    const path = join(dir, 'runs.duckdb');
    const writerStore = await open(path);
    const reader = await open(path, { readOnly: true });
    expect(openInstanceCount()).toBe(1);
    const w = await beginTestRun(writerStore);
    for (let i = 0; i < 10; i++) w.addAction(action(w.runId, i));
    expect(await reader.actions(w.runId)).toEqual([]); // buffered, not written
    await w.flush();
    expect(await reader.actions(w.runId)).toHaveLength(10);
    await writerStore.close();
    await reader.close();
    expect(openInstanceCount()).toBe(0);
  });

  it('shares one instance between two spellings of one file (a symlinked folder)', async () => {
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    const a = await open(join(dir, 'real', 'runs.duckdb'));
    const b = await open(join(dir, 'link', 'runs.duckdb'));
    expect(openInstanceCount()).toBe(1);
    const w = await beginTestRun(a);
    w.addAction(action(w.runId, 0));
    await w.flush();
    expect(await b.actions(w.runId)).toHaveLength(1);
  });

  it('keeps rows added after finish: the next flush or close() writes them', async () => {
    const path = join(dir, 'runs.duckdb');
    const store = await openStore(path);
    const w = await beginTestRun(store);
    await w.finish({ status: 'completed', simDurationMs: 5, stopReason: 'duration', error: null });
    w.addAction(action(w.runId, 0)); // e.g. a late exchange of a timed-out action
    await w.flush();
    w.addAction(action(w.runId, 1));
    await store.close();
    const reader = await open(path, { readOnly: true });
    expect((await reader.actions(w.runId)).map((a) => a.seq)).toEqual([0, 1]);
    expect(await reader.getRun(w.runId)).toMatchObject({ status: 'completed' });
  });

  it('auto-flushes a full buffer once the event loop turns, without an explicit flush', async () => {
    const store = await open(undefined, { batchSize: 100 });
    const w = await beginTestRun(store);
    // Each flush() call (the writer's own auto-flush included) is seen, and its end awaited.
    const flushes: Promise<void>[] = [];
    const flush = w.flush.bind(w);
    w.flush = () => {
      const done = flush();
      flushes.push(done);
      return done;
    };
    for (let i = 0; i < 250; i++) w.addAction(action(w.runId, i));
    expect((w as DuckDBRunWriter).pendingRows).toBe(250); // addAction itself never writes
    expect(flushes).toHaveLength(0);
    await new Promise((resolve) => setImmediate(resolve)); // one turn of the event loop
    expect(flushes).toHaveLength(1);
    await flushes[0];
    expect((w as DuckDBRunWriter).pendingRows).toBe(0);
    expect(await store.actions(w.runId)).toHaveLength(250);
  });

  it('is cheap to flush when nothing is buffered', async () => {
    const store = await open();
    const w = await beginTestRun(store);
    await w.flush();
    await w.flush();
    expect(await store.actions(w.runId)).toEqual([]);
  });

  it('snapshots rows at add time (later mutation of the caller objects is not recorded)', async () => {
    const store = await open();
    const w = await beginTestRun(store);
    const args = { title: 'first' };
    w.addAction(action(w.runId, 0, { args }));
    args.title = 'changed';
    await w.flush();
    expect((await store.actions(w.runId))[0]!.args).toEqual({ title: 'first' });
  });

  it('stores values JSON cannot hold without throwing', async () => {
    const store = await open();
    const w = await beginTestRun(store);
    const cyclic: Record<string, unknown> = { a: 1, token: 'x' };
    cyclic.self = cyclic;
    w.addAction(action(w.runId, 0, { args: cyclic as Json, result: { n: 10n } as unknown as Json }));
    w.addAction(action(w.runId, 1, { seq: 1, simTime: Number.NaN, wallStartUs: Number.POSITIVE_INFINITY }));
    // Finite but past BIGINT: it used to throw in the append and fail its whole batch on every retry.
    w.addAction(action(w.runId, 2, { seq: 2, wallStartUs: 1e19, wallEndUs: -1e19 }));
    await w.flush();
    const [a0, a1, a2] = await store.actions(w.runId);
    expect(a0!.args).toEqual({ a: 1, token: '[redacted]', self: '[circular]' });
    expect(a0!.result).toEqual({ n: '10' });
    expect(a1!.simTime).toBeNaN();
    expect(a1!.wallStartUs).toBeNaN(); // not representable in BIGINT: stored as NULL
    expect([a2!.seq, a2!.wallStartUs, a2!.wallEndUs]).toEqual([2, Number.NaN, Number.NaN]);
  });

  it('loses nothing when a write fails: the batch stays buffered and the next flush writes it', async () => {
    const store = await open(undefined, { batchSize: 3 });
    const w = await beginTestRun(store);
    for (let i = 0; i < 5; i++) w.addAction(action(w.runId, i));
    await w.flush();
    await store.sql('ALTER TABLE actions ALTER COLUMN seq SET NOT NULL');
    for (let i = 5; i < 12; i++) w.addAction(action(w.runId, i, { seq: i === 9 ? Number.NaN : i }));
    const error = await w.flush().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BeamulatorError);
    expect((error as BeamulatorError).code).toBe('BEAM_STORE');
    expect((error as BeamulatorError).message).toContain(`cannot write run ${w.runId} in run store`);
    // The batch with the bad row (seq 8..10) failed; the first batch (5..7) was committed.
    expect((await store.actions(w.runId)).map((a) => a.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await store.sql('ALTER TABLE actions ALTER COLUMN seq DROP NOT NULL');
    await w.flush();
    expect((await store.actions(w.runId)).map((a) => a.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, Number.NaN]);
  });

  it('finishes after an error: the run row is updated, then the write error is thrown', async () => {
    const store = await open();
    const w = await beginTestRun(store);
    w.addAction(action(w.runId, 0));
    await store.sql('ALTER TABLE actions RENAME TO actions_away');
    await expect(w.finish({ status: 'failed', simDurationMs: 10, stopReason: 'error', error: null })).rejects.toMatchObject({ code: 'BEAM_STORE' });
    // (getRun needs the actions table for its summary: read the row directly.)
    const [run] = await store.sql('SELECT status, error FROM runs WHERE run_id = $1', [w.runId]);
    expect(run).toMatchObject({ status: 'failed', error: expect.stringContaining('some rows could not be saved') });
    await store.sql('ALTER TABLE actions_away RENAME TO actions');
    // Still buffered: finishing again (after the cause is fixed) writes it.
    await w.finish({ status: 'failed', simDurationMs: 10, stopReason: 'error', error: 'engine crashed' });
    expect(await store.actions(w.runId)).toHaveLength(1);
    expect(await store.getRun(w.runId)).toMatchObject({ status: 'failed', error: 'engine crashed' });
  });

  it('close() writes what writers still buffer', async () => {
    const path = join(dir, 'runs.duckdb');
    const store = await openStore(path);
    const w = await beginTestRun(store);
    for (let i = 0; i < 42; i++) w.addAction(action(w.runId, i));
    await store.close();
    await store.close(); // idempotent
    const again = await open(path, { readOnly: true });
    expect(await again.actions(w.runId)).toHaveLength(42);
    await expect(store.listRuns()).rejects.toMatchObject({ code: 'BEAM_STORE', message: expect.stringContaining('the store is closed') });
  });
});

describe('read-only stores', () => {
  it('refuse a missing file with a hint to record first', async () => {
    const path = join(dir, 'missing.duckdb');
    await expect(openStore(path, { readOnly: true })).rejects.toMatchObject({
      code: 'BEAM_STORE', message: `cannot open run store ${path}: no such file. Record a run first with \`beamulator run\``,
    });
    expect(existsSync(path)).toBe(false);
  });

  it('refuse to record', async () => {
    const path = join(dir, 'runs.duckdb');
    await (await openStore(path)).close();
    const store = await open(path, { readOnly: true });
    await expect(beginTestRun(store)).rejects.toMatchObject({ code: 'BEAM_STORE', message: expect.stringContaining('opened read-only') });
  });

  it('cannot be upgraded to read-write within the process while open', async () => {
    const path = join(dir, 'runs.duckdb');
    await (await openStore(path)).close();
    await open(path, { readOnly: true });
    await expect(openStore(path)).rejects.toMatchObject({ code: 'BEAM_STORE', message: expect.stringContaining('open read-only') });
  });
});
