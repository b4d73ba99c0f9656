/**
 * The run store's versioned schema. `meta.schema_version` says which migrations a file has;
 * opening an older file runs the missing ones in one transaction, a newer one is refused.
 *
 * Column types: ids and seqs BIGINT, actor ids INTEGER, sim times DOUBLE (ms, exact for
 * integers up to 2^53), wall times BIGINT (epoch ms, µs since run start), Json as DuckDB JSON.
 * Row tables have NOT NULL only on run_id: the writer stores an invalid value (NaN in a BIGINT
 * column, a caller's undefined) as NULL, and a constraint there would make the whole batch
 * unwritable, losing the good rows with it.
 * No ART indexes on the row tables: they slow the appender, and a run's rows are
 * appended together, so row-group zonemaps on run_id already skip most of the file.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { BeamulatorError, errorMessage } from '../util/errors.ts';

export interface Migration {
  /** The schema version this migration produces (the previous one is `to - 1`). */
  to: number;
  description: string;
  sql: readonly string[];
}

const initialSchema: readonly string[] = [
  `CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
  `CREATE TABLE runs (
    run_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, parent_run_id VARCHAR, simulation VARCHAR NOT NULL,
    file VARCHAR, seed VARCHAR NOT NULL, status VARCHAR NOT NULL, config JSON, code_hash VARCHAR,
    beamulator_version VARCHAR NOT NULL, wall_started_at BIGINT NOT NULL, wall_ended_at BIGINT,
    sim_duration_ms DOUBLE NOT NULL, sim_epoch BIGINT NOT NULL, stop_reason VARCHAR, error VARCHAR)`,
  `CREATE TABLE actors (
    run_id VARCHAR NOT NULL, actor_id INTEGER, behavior VARCHAR, name VARCHAR,
    config JSON, initial_state JSON, tags VARCHAR[], rng_state JSON, origin VARCHAR,
    spawn_at DOUBLE)`,
  `CREATE TABLE actions (
    run_id VARCHAR NOT NULL, seq BIGINT, actor_id INTEGER, action VARCHAR,
    args JSON, outcome VARCHAR, result JSON, error VARCHAR, sim_time DOUBLE,
    step BIGINT, wall_start_us BIGINT, wall_end_us BIGINT, latency_ms DOUBLE)`,
  `CREATE TABLE complaints (
    run_id VARCHAR NOT NULL, seq BIGINT, action_seq BIGINT, actor_id INTEGER,
    severity VARCHAR, message VARCHAR, "trigger" VARCHAR, detail JSON,
    sim_time DOUBLE)`,
  `CREATE TABLE exchanges (
    run_id VARCHAR NOT NULL, action_seq BIGINT, n INTEGER, protocol VARCHAR,
    method VARCHAR, url VARCHAR, request_headers JSON, request_body VARCHAR,
    status INTEGER, response_headers JSON, response_body VARCHAR, error VARCHAR,
    wall_start_us BIGINT, duration_ms DOUBLE)`,
  `CREATE TABLE events (
    run_id VARCHAR NOT NULL, seq BIGINT, sim_time DOUBLE, actor_id INTEGER,
    kind VARCHAR, detail JSON)`,
];

/** Every migration, oldest first. Append to this list; never edit a released entry. */
export const migrations: readonly Migration[] = [
  { to: 1, description: 'initial schema: meta, runs, actors, actions, complaints, exchanges, events', sql: initialSchema },
  { to: 2, description: 'runs.comparison: how a replay compared with its parent run', sql: ['ALTER TABLE runs ADD COLUMN comparison JSON'] },
  { to: 3, description: "runs.params: the run's resolved parameters (NULL for runs recorded before parameters)", sql: ['ALTER TABLE runs ADD COLUMN params JSON'] },
  {
    to: 4, description: "snapshots: actors' state, rng and next wake-up at sim-time intervals and at stop (crash restore, resume)",
    sql: [`CREATE TABLE snapshots (
      run_id VARCHAR NOT NULL, sim_time DOUBLE, actor_id INTEGER, state JSON, rng_state JSON, next_wake DOUBLE, detail JSON)`],
  },
];

/** The schema version this code writes. */
export const schemaVersion: number = migrations[migrations.length - 1]!.to;

/**
 * Brings the schema of an open database to the newest version `list` knows, or checks it
 * when read-only. Returns the version the database ends up with.
 */
export async function prepareSchema(
  conn: DuckDBConnection, path: string, options: { readOnly: boolean; migrations?: readonly Migration[] },
): Promise<number> {
  const list = options.migrations ?? migrations;
  const target = list[list.length - 1]?.to ?? 0;
  const current = await readSchemaVersion(conn, path);
  if (current > target) {
    throw new BeamulatorError('BEAM_STORE',
      `cannot open run store ${path}: it was written by a newer beamulator (schema ${current}, this one knows ${target})`,
      'Upgrade beamulator or use --db <other file>');
  }
  if (current === target) return current;
  if (options.readOnly) {
    throw current === 0
      ? new BeamulatorError('BEAM_STORE', `cannot open run store ${path}: it holds no runs yet`, 'Record a run first with `beamulator run`')
      : new BeamulatorError('BEAM_STORE', `cannot open run store ${path} read-only: it uses schema ${current} and needs upgrading to ${target}`,
        'Open it once for writing, e.g. by recording a run with `beamulator run`');
  }
  await conn.run('BEGIN TRANSACTION');
  try {
    for (const migration of list) {
      if (migration.to <= current) continue;
      for (const statement of migration.sql) await conn.run(statement);
    }
    await conn.run(
      `INSERT INTO meta VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [String(target)]);
    await conn.run('COMMIT');
  } catch (error) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw new BeamulatorError('BEAM_STORE', `cannot upgrade run store ${path} from schema ${current} to ${target}: ${errorMessage(error)}`,
      'Report this as a bug; the file was left unchanged', { cause: error });
  }
  return target;
}

/** 0 for an empty database; throws for a database that has tables but is not a run store. */
export async function readSchemaVersion(conn: DuckDBConnection, path: string): Promise<number> {
  const tables = (await conn.runAndReadAll(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_catalog = current_database()`,
  )).getRows().map((row) => String(row[0]));
  if (!tables.includes('meta')) {
    if (tables.length === 0) return 0;
    throw new BeamulatorError('BEAM_STORE',
      `cannot open run store ${path}: it is a DuckDB database of something else (tables ${tables.slice(0, 5).join(', ')})`,
      'Use --db <other file> for beamulator runs');
  }
  const rows = (await conn.runAndReadAll(`SELECT value FROM meta WHERE key = 'schema_version'`)).getRows();
  const version = Number(rows[0]?.[0]);
  if (!Number.isInteger(version) || version < 1) {
    throw new BeamulatorError('BEAM_STORE_CORRUPT', `cannot open run store ${path}: its schema version is missing or invalid`,
      `Move it aside (mv ${path} ${path}.bad) and record again, or use --db <other file>`);
  }
  return version;
}
