/**
 * Writing a whole recorded run at once (`RunStore.importRun`, behind `beamulator import`).
 *
 * Unlike `beginRun` + writer + `finish`, the run row is inserted exactly as given: status,
 * stop reason, wall start and end, sim duration, error. Everything happens in one
 * transaction on a connection of its own: a failed import leaves nothing behind.
 * Rows are encoded by the writer's own functions (row-append.ts), so they pass through the
 * store's redaction; redacting an already redacted value leaves it as it is.
 */
import type { DuckDBAppender, DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { BeamulatorError, errorMessage } from '../util/errors.ts';
import type { RunRecord } from './records.ts';
import type { Redactor } from './redact.ts';
import {
  appendAction, appendActor, appendComplaint, appendEvent, appendExchange,
  encodeAction, encodeActor, encodeComplaint, encodeEvent, encodeExchange, redactedJson,
} from './row-append.ts';
import type { RunRows } from './run-store.ts';
import { useError } from './store-errors.ts';

type Column = { name: string; value: (run: RunRecord, redactor: Redactor | null) => DuckDBValue };

const text = (v: string | null): DuckDBValue => v;
const big = (v: number | null): DuckDBValue => (v === null || !Number.isFinite(v) ? null : BigInt(Math.round(v)));
const dbl = (v: number): DuckDBValue => (Number.isFinite(v) ? v : 0);

/** Every field of RunRecord and its column: adding a field to RunRecord fails to compile until it is mapped here. */
const runColumns: { [K in keyof RunRecord]-?: Column } = {
  runId: { name: 'run_id', value: (r) => r.runId },
  kind: { name: 'kind', value: (r) => r.kind },
  parentRunId: { name: 'parent_run_id', value: (r) => text(r.parentRunId) },
  simulation: { name: 'simulation', value: (r) => r.simulation },
  file: { name: 'file', value: (r) => text(r.file) },
  seed: { name: 'seed', value: (r) => String(r.seed) },
  status: { name: 'status', value: (r) => r.status },
  config: { name: 'config', value: (r, redactor) => redactedJson(redactor, r.config) },
  codeHash: { name: 'code_hash', value: (r) => text(r.codeHash) },
  beamulatorVersion: { name: 'beamulator_version', value: (r) => r.beamulatorVersion },
  wallStartedAt: { name: 'wall_started_at', value: (r) => big(r.wallStartedAt) ?? 0n },
  wallEndedAt: { name: 'wall_ended_at', value: (r) => big(r.wallEndedAt) },
  simDurationMs: { name: 'sim_duration_ms', value: (r) => dbl(r.simDurationMs) },
  simEpoch: { name: 'sim_epoch', value: (r) => big(r.simEpoch) ?? 0n },
  stopReason: { name: 'stop_reason', value: (r) => text(r.stopReason) },
  error: { name: 'error', value: (r) => text(r.error) },
  comparison: { name: 'comparison', value: (r, redactor) => redactedJson(redactor, r.comparison ?? null) },
  params: { name: 'params', value: (r, redactor) => redactedJson(redactor, r.params ?? null) },
};

/**
 * Inserts the run row and all its rows in one transaction on `conn`. Throws BEAM_RUN_EXISTS
 * when the id is taken, a BEAM_STORE error for anything else.
 */
export async function importRunRows(
  conn: DuckDBConnection, path: string, redactor: Redactor | null, run: RunRecord, rows: RunRows,
): Promise<void> {
  const runId = run.runId;
  const doing = `import run ${runId}`;
  const exists = () => new BeamulatorError('BEAM_RUN_EXISTS', `cannot import run ${runId}: run store ${path} already has a run with that id`,
    `See it with \`beamulator show ${runId}\`, or import under another id with --as <new-id>`);
  try {
    await conn.run('BEGIN TRANSACTION');
  } catch (error) {
    throw useError(doing, path, error);
  }
  try {
    const found = await conn.runAndReadAll('SELECT 1 FROM runs WHERE run_id = $1', [runId]);
    if (found.currentRowCount > 0) throw exists();
    const columns = Object.values(runColumns) as Column[];
    try {
      await conn.run(
        `INSERT INTO runs (${columns.map((c) => c.name).join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
        columns.map((c) => c.value(run, redactor)),
      );
    } catch (error) {
      if (/duplicate key|primary key constraint/i.test(errorMessage(error))) throw exists();
      throw error;
    }
    // Actors first, as the writer does.
    await appendAll(conn, 'actors', rows.actors.map((r) => encodeActor({ ...r, runId }, runId, redactor)), appendActor);
    await appendAll(conn, 'actions', rows.actions.map((r) => encodeAction({ ...r, runId }, runId, redactor)), appendAction);
    await appendAll(conn, 'exchanges', rows.exchanges.map((r) => encodeExchange({ ...r, runId }, runId, redactor)), appendExchange);
    await appendAll(conn, 'complaints', rows.complaints.map((r) => encodeComplaint({ ...r, runId }, runId, redactor)), appendComplaint);
    await appendAll(conn, 'events', rows.events.map((r) => encodeEvent({ ...r, runId }, runId, redactor)), appendEvent);
    await conn.run('COMMIT');
  } catch (error) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw useError(doing, path, error);
  }
}

async function appendAll<R>(
  conn: DuckDBConnection, table: string, rows: R[], append: (app: DuckDBAppender, row: R) => void,
): Promise<void> {
  if (rows.length === 0) return;
  const app = await conn.createAppender(table);
  try {
    for (const row of rows) append(app, row);
    app.flushSync();
  } finally {
    try {
      app.closeSync();
    } catch {
      // Already flushed, or the transaction is being rolled back anyway.
    }
  }
}
