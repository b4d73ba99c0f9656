import type { DuckDBAppender, DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { MemoryHeadroom } from './memory-headroom.ts';
import { longestAppended, rowTables } from './row-append.ts';

/**
 * Appends rows [start, end) of every table (`rows[i]` holds encoded rows of rowTables[i]) in one
 * transaction, with `also` (a statement run in the same transaction) before the COMMIT: all of
 * it is committed or none. Only the appends run on the event loop; the COMMIT, where DuckDB
 * writes its WAL and now and then checkpoints, runs on a libuv thread (`run` is asynchronous).
 * With a `headroom`, the instance's memory_limit is raised for the COMMIT as far as the longest
 * value needs (memory-headroom.ts: a checkpoint short of memory invalidates the database).
 */
export async function commitRows(
  conn: DuckDBConnection, rows: readonly (readonly unknown[])[], start: number, end: number,
  also: { sql: string; params: DuckDBValue[] } | null, headroom: MemoryHeadroom | null,
): Promise<void> {
  let longest = 0;
  await conn.run('BEGIN TRANSACTION');
  try {
    for (let i = 0; i < rows.length; i++) {
      const list = rows[i]!;
      if (list.length <= start) continue;
      const { table, append } = rowTables[i]!;
      const app = await conn.createAppender(table);
      try {
        const last = Math.min(end, list.length);
        // Synchronous from here to the read below: no other commit's appends come in between.
        longestAppended.chars = 0;
        for (let r = start; r < last; r++) append(app, list[r]);
        longest = Math.max(longest, longestAppended.chars);
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
    const release = await headroom?.raise(conn, longest);
    try {
      await conn.run('COMMIT');
    } finally {
      await release?.();
    }
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
