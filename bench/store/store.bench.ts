/**
 * Store benchmark: logged actions/s through the DuckDB RunWriter (addAction + a flush every
 * FLUSH_EVERY rows, like the engine's yield points, then finish) versus raw typed appender
 * calls on the same `actions` table (JSON.stringify + appendX + flushSync per batch).
 *
 *   npx tsx bench/store/store.bench.ts            # N=500000 rows, 3 rounds
 *   N=100000 ROUNDS=5 npx tsx bench/store/store.bench.ts
 *
 * Each round uses fresh database files in a temp folder. Prints the best round of each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import { openStore } from '../../src/store/duckdb-store.ts';
import type { ActionRecord, Json, Outcome } from '../../src/store/records.ts';
import { prepareSchema } from '../../src/store/schema.ts';

const N = Number(process.env.N ?? 500_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const BATCH = Number(process.env.BATCH ?? 5000);
const FLUSH_EVERY = Number(process.env.FLUSH_EVERY ?? 5000);
const runId = '20261126-093850-k3f';

function makeActions(n: number): ActionRecord[] {
  const names = ['createTodo', 'listTodos', 'toggleTodo', 'deleteTodo', 'login'];
  const out: ActionRecord[] = new Array(n);
  let wall = 0;
  for (let i = 0; i < n; i++) {
    const kind = i % names.length;
    const id = (i * 7919) % 100_000;
    const outcome: Outcome = i % 50 === 0 ? 'error' : i % 997 === 0 ? 'crash' : 'ok';
    const args: Json = kind === 0 ? { title: `buy milk #${id}`, due: null, tags: ['home'] }
      : kind === 1 ? { page: id % 10, pageSize: 20 }
      : kind === 4 ? { user: `user${id % 300}@example.com`, remember: true }
      : { id };
    const result: Json = outcome !== 'ok' ? null
      : kind === 1 ? { items: [{ id, title: 'a', done: false }, { id: id + 1, title: 'b', done: true }], total: 2 }
      : { id, title: `buy milk #${id}`, done: (id & 1) === 1, version: 3 };
    wall += 120 + (i % 13);
    out[i] = {
      runId, seq: i, actorId: i % 200, action: names[kind]!, args, outcome, result,
      error: outcome === 'error' ? `no todo ${id}` : outcome === 'crash' ? 'TypeError: x is undefined' : null,
      simTime: i * 250, step: i, wallStartUs: wall, wallEndUs: wall + 80, latencyMs: 0.08,
    };
  }
  return out;
}

async function baseline(dir: string, actions: ActionRecord[]): Promise<number> {
  const instance = await DuckDBInstance.create(join(dir, 'baseline.duckdb'));
  const conn = await instance.connect();
  await prepareSchema(conn, 'baseline', { readOnly: false });
  const t0 = performance.now();
  const app = await conn.createAppender('actions');
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i]!;
    app.appendVarchar(a.runId);
    app.appendBigInt(BigInt(a.seq));
    app.appendInteger(a.actorId);
    app.appendVarchar(a.action);
    app.appendVarchar(JSON.stringify(a.args));
    app.appendVarchar(a.outcome);
    if (a.result === null) app.appendNull(); else app.appendVarchar(JSON.stringify(a.result));
    if (a.error === null) app.appendNull(); else app.appendVarchar(a.error);
    app.appendDouble(a.simTime);
    app.appendBigInt(BigInt(a.step));
    app.appendBigInt(BigInt(a.wallStartUs));
    app.appendBigInt(BigInt(a.wallEndUs));
    app.appendDouble(a.latencyMs);
    app.endRow();
    if ((i + 1) % BATCH === 0) app.flushSync();
  }
  app.flushSync();
  app.closeSync();
  const ms = performance.now() - t0;
  const count = (await conn.runAndReadAll('SELECT count(*)::INTEGER FROM actions')).getRows()[0]![0];
  if (count !== actions.length) throw new Error(`baseline wrote ${String(count)} rows`);
  conn.closeSync();
  instance.closeSync();
  return ms;
}

async function viaWriter(dir: string, actions: ActionRecord[]): Promise<number> {
  const store = await openStore(join(dir, 'writer.duckdb'), { batchSize: BATCH });
  const t0 = performance.now();
  const writer = await store.beginRun({
    runId, kind: 'run', parentRunId: null, simulation: 'bench', file: null, seed: '1', config: {}, codeHash: null,
    beamulatorVersion: 'bench', wallStartedAt: 1_790_000_000_000, simEpoch: 0,
  });
  for (let i = 0; i < actions.length; i++) {
    writer.addAction(actions[i]!);
    if ((i + 1) % FLUSH_EVERY === 0) await writer.flush();
  }
  await writer.finish({ status: 'completed', simDurationMs: actions.length * 250, stopReason: 'duration', error: null });
  const ms = performance.now() - t0;
  const run = await store.getRun(runId);
  if (run?.summary.actions !== actions.length) throw new Error(`writer wrote ${run?.summary.actions} rows`);
  await store.close();
  return ms;
}

const rate = (ms: number) => Math.round(N / (ms / 1000));
const fmt = (n: number) => n.toLocaleString('en-US');

const actions = makeActions(N);
// Warm up both paths (JIT, DuckDB allocations) on a small slice.
{
  const dir = mkdtempSync(join(tmpdir(), 'beam-bench-'));
  await baseline(dir, actions.slice(0, 20_000));
  await viaWriter(dir, actions.slice(0, 20_000));
  rmSync(dir, { recursive: true, force: true });
}
const base: number[] = [];
const writer: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const dir = mkdtempSync(join(tmpdir(), 'beam-bench-'));
  try {
    base.push(await baseline(dir, actions));
    writer.push(await viaWriter(dir, actions));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`round ${round + 1}: baseline ${fmt(rate(base[round]!))} rows/s, writer ${fmt(rate(writer[round]!))} actions/s`);
}
const bestBase = Math.min(...base);
const bestWriter = Math.min(...writer);
console.log(`\n${fmt(N)} actions, batch ${BATCH}, flush every ${FLUSH_EVERY}, best of ${ROUNDS}`);
console.log(`raw typed appender (baseline): ${fmt(rate(bestBase))} rows/s  (${bestBase.toFixed(0)} ms)`);
console.log(`RunWriter addAction + flush:   ${fmt(rate(bestWriter))} actions/s  (${bestWriter.toFixed(0)} ms)`);
console.log(`ratio writer/baseline: ${(bestBase / bestWriter).toFixed(2)}x (goal >= 0.6x)`);
