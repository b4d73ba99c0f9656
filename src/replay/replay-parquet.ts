/**
 * One run's rows as Parquet files, one per table (`beamulator export --parquet <dir>`), for
 * analysis in any tool that reads Parquet (DuckDB, pandas, Spark...). Written by DuckDB's own
 * `COPY ... TO ... (FORMAT parquet)`: the columns and types are the run store's.
 */
import { rename, rm } from 'node:fs/promises';
import { makeDirs } from '../util/make-dirs.ts';
import { join, resolve } from 'node:path';
import type { DuckDBRunStore } from '../store/duckdb-store.ts';
import { runNotFound } from '../store/run-id.ts';
import type { RunStore } from '../store/run-store.ts';
import { BeamulatorError, errorMessage } from '../util/errors.ts';

/** A store that also runs SQL (DuckDBRunStore). */
export type SqlRunStore = RunStore & Pick<DuckDBRunStore, 'sql'>;

/** The tables written, each with the order of its rows. */
export const parquetTables: ReadonlyArray<{ table: string; orderBy: string | null }> = [
  { table: 'runs', orderBy: null },
  { table: 'actors', orderBy: 'actor_id' },
  { table: 'actions', orderBy: 'seq' },
  { table: 'complaints', orderBy: 'seq' },
  { table: 'exchanges', orderBy: 'action_seq, n' },
  { table: 'events', orderBy: 'seq' },
];

export interface ParquetFile {
  table: string;
  /** `<dir>/<table>.parquet`, as given (not made absolute). */
  path: string;
  rows: number;
}

/** A SQL string literal. */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * Writes the rows of run `runId` of each table as `<dir>/<table>.parquet` (creating `dir`;
 * existing files are replaced, each one atomically). Throws BEAM_RUN_NOT_FOUND for an unknown
 * run, BEAM_REPLAY_FILE when a file cannot be written.
 */
export async function exportParquet(store: SqlRunStore, runId: string, dir: string): Promise<ParquetFile[]> {
  if ((await store.getRun(runId)) === null) throw runNotFound(runId, store.path);
  const cannot = (path: string, error: unknown) => new BeamulatorError('BEAM_REPLAY_FILE',
    `cannot write Parquet file ${path}: ${errorMessage((error as { cause?: unknown }).cause ?? error)}`,
    'Check the folder and its permissions, or give another one with --parquet <dir>', { cause: error });
  try {
    await makeDirs(resolve(dir));
  } catch (error) {
    // makeDirs' own message names the folder (its cause, the raw fs error, does not).
    throw cannot(join(dir, parquetTables[0]!.table + '.parquet'), new Error(errorMessage(error)));
  }
  const files: ParquetFile[] = [];
  for (const { table, orderBy } of parquetTables) {
    const path = join(dir, `${table}.parquet`);
    const target = resolve(path);
    const temp = `${target}.${process.pid}.tmp`;
    try {
      // COPY needs the file name as a literal; the run id goes as a parameter.
      const rows = await store.sql(
        `COPY (SELECT * FROM ${table} WHERE run_id = $1${orderBy ? ` ORDER BY ${orderBy}` : ''}) TO ${literal(temp)} (FORMAT parquet)`, [runId],
      );
      await rename(temp, target);
      files.push({ table, path, rows: Number(rows[0]?.Count ?? 0) });
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw cannot(path, error);
    }
  }
  return files;
}
