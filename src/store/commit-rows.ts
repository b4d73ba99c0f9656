import type { DuckDBAppender, DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { rowTables } from './row-append.ts';

/**
 * Appends rows [start, end) of every table (`rows[i]` holds encoded rows of rowTables[i]) in one
 * transaction, with `also` (a statement run in the same transaction) before the COMMIT: all of
 * it is committed or none. Only the appends run on the event loop; the COMMIT, where DuckDB
 * writes its WAL and now and then checkpoints, runs on a libuv thread (`run` is asynchronous).
 */
export async function commitRows(
  conn: DuckDBConnection, rows: readonly (readonly unknown[])[], start: number, end: number,
  also?: { sql: string; params: DuckDBValue[] },
): Promise<void> {
  await conn.run('BEGIN TRANSACTION');
  try {
    for (let i = 0; i < rows.length; i++) {
      const list = rows[i]!;
      if (list.length <= start) continue;
      const { table, append } = rowTables[i]!;
      const app = await conn.createAppender(table);
      try {
        const last = Math.min(end, list.length);
        for (let r = start; r < last; r++) append(app, list[r]);
        // Into the transaction only: cheap, no I/O.
        app.flushSync();
      } catch (error) {
        clearQuietly(app);
        throw error;
      } finally {
        closeQuietly(app);
      }
    }
    if (also) await conn.run(also.sql, also.params);
    await conn.run('COMMIT');
  } catch (error) {
    try {
      await conn.run('ROLLBACK');
    } catch {
      // A failed COMMIT has ended the transaction already.
    }
    throw error;
  }
}

function clearQuietly(app: DuckDBAppender): void {
  try {
    app.clear();
  } catch {
    // The appender is unusable; the transaction is rolled back regardless.
  }
}

function closeQuietly(app: DuckDBAppender): void {
  try {
    app.closeSync();
  } catch {
    // Closing flushes nothing more (cleared or already flushed).
  }
}
