/**
 * Copying the runs of another store file into this one (`RunStore.mergeFrom`, behind
 * `beamulator merge`): DuckDB attaches the source read-only and copies each table's rows with one
 * `INSERT ... SELECT` per table, in one transaction, so a failed merge leaves nothing behind.
 * Columns are matched by name: a source written by an older schema gets NULL in newer columns.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { BeamulatorError, errorMessage } from '../util/errors.ts';

/** What one source gave: runs copied, and runs already present (the same run merged before). */
export interface MergedFrom {
  source: string;
  copied: string[];
  alreadyThere: string[];
}

/** The columns that tell two runs with one id apart: the same run merged twice agrees on all of them. */
const identity = ['kind', 'simulation', 'seed', 'wall_started_at', 'sim_epoch'];

export async function mergeStoreRows(conn: DuckDBConnection, targetPath: string, sourcePath: string, schemaVersion: number): Promise<MergedFrom> {
  const fail = (why: string, what: string, cause?: unknown) =>
    new BeamulatorError('BEAM_STORE', `cannot merge ${sourcePath} into ${targetPath}: ${why}`, what, cause === undefined ? undefined : { cause });
  try {
    await conn.run(`ATTACH ${sqlString(sourcePath)} AS merge_source (READ_ONLY)`);
  } catch (error) {
    const message = errorMessage(error);
    throw /lock/i.test(message)
      ? fail('another process is writing it', 'Wait for that run to finish (or stop it), then merge again', error)
      : fail(`it cannot be opened as a DuckDB file (${message.split('\n')[0]})`, 'Check the path; merge takes run stores (.duckdb) and replay files', error);
  }
  try {
    const version = await sourceSchemaVersion(conn, sourcePath);
    if (version > schemaVersion) {
      throw fail(`it was written by a newer beamulator (schema ${version}, this one knows ${schemaVersion})`, 'Merge with the newer beamulator');
    }
    const ids = (await conn.runAndReadAll(
      `SELECT s.run_id, m.run_id IS NOT NULL AS taken, ${identity.map((c) => `s.${c} IS NOT DISTINCT FROM m.${c}`).join(' AND ')} AS same
       FROM merge_source.runs s LEFT JOIN main.runs m USING (run_id) ORDER BY s.run_id`,
    )).getRowObjectsJS() as Array<{ run_id: string; taken: boolean; same: boolean }>;
    const clash = ids.find((r) => r.taken && !r.same);
    if (clash) {
      throw fail(`both hold a run ${clash.run_id} and they are different runs`,
        `Export it from one (\`beamulator export ${clash.run_id} --db ${sourcePath}\`) and import it under another id (\`beamulator import <file> --as <new-id>\`)`);
    }
    const copied = ids.filter((r) => !r.taken).map((r) => r.run_id);
    if (copied.length > 0) await copyRuns(conn);
    return { source: sourcePath, copied, alreadyThere: ids.filter((r) => r.taken).map((r) => r.run_id) };
  } finally {
    await conn.run('DETACH merge_source').catch(() => undefined);
  }
}

async function copyRuns(conn: DuckDBConnection): Promise<void> {
  // Every table of the source that has runs' rows and exists here too: tables added by later
  // schemas come along without this list changing.
  const tables = (await conn.runAndReadAll(
    `SELECT s.table_name FROM information_schema.columns s
     JOIN information_schema.columns m ON m.table_name = s.table_name AND m.column_name = 'run_id' AND m.table_catalog = current_database() AND m.table_schema = 'main'
     WHERE s.table_catalog = 'merge_source' AND s.table_schema = 'main' AND s.column_name = 'run_id' AND s.table_name <> 'runs'
     ORDER BY s.table_name`,
  )).getRows().map((row) => String(row[0]));
  // The runs to copy are those not here yet: the runs table goes last, so that stays true for every table.
  const fresh = 'run_id IN (SELECT run_id FROM merge_source.main.runs) AND run_id NOT IN (SELECT run_id FROM main.runs)';
  await conn.run('BEGIN TRANSACTION');
  try {
    for (const table of [...tables, 'runs']) {
      await conn.run(`INSERT INTO main.${quoteName(table)} BY NAME SELECT * FROM merge_source.main.${quoteName(table)} WHERE ${fresh}`);
    }
    await conn.run('COMMIT');
  } catch (error) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function sourceSchemaVersion(conn: DuckDBConnection, sourcePath: string): Promise<number> {
  const tables = (await conn.runAndReadAll(
    `SELECT table_name FROM information_schema.tables WHERE table_catalog = 'merge_source' AND table_schema = 'main'`,
  )).getRows().map((row) => String(row[0]));
  if (!tables.includes('meta') || !tables.includes('runs')) {
    throw new BeamulatorError('BEAM_STORE', `cannot merge ${sourcePath}: it is ${tables.length === 0 ? 'an empty DuckDB file' : 'a DuckDB database of something else'}, not a run store`,
      'Pass run stores (.duckdb files beamulator wrote) or replay files');
  }
  const rows = (await conn.runAndReadAll(`SELECT value FROM merge_source.meta WHERE key = 'schema_version'`)).getRows();
  const version = Number(rows[0]?.[0]);
  if (!Number.isInteger(version) || version < 1) {
    throw new BeamulatorError('BEAM_STORE_CORRUPT', `cannot merge ${sourcePath}: its schema version is missing or invalid`, 'Check that it is a run store beamulator wrote');
  }
  return version;
}

function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
