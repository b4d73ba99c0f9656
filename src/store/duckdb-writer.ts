/**
 * The DuckDB RunWriter. `addX` encodes the row (snapshot + redaction) and pushes it into an
 * in-memory buffer: synchronous, no I/O. `flush()` writes the buffers in batches of `batchSize`
 * rows per table, one transaction per batch (batch k of every table together), so an interrupted
 * process keeps every committed batch.
 *
 * Off the main thread: only the appends (and the appender's flush into the transaction) run on
 * the event loop; the COMMIT, where DuckDB writes and syncs its WAL and now and then checkpoints
 * the file, runs on a libuv thread (`connection.run` is asynchronous). Committing on the event
 * loop (`flushSync` in auto-commit) blocked it for ~100 ms per 5000 actions: ~30% of a
 * full-speed HTTP run's wall time, and its p99 latency.
 *
 * Auto-flush: when a buffer reaches `batchSize` rows, `addX` only schedules a flush with
 * `setImmediate` (one at a time); it runs when the engine next lets the event loop turn (the
 * engine also calls `flush()` itself at its yield points). And every `flushEveryMs` of wall time
 * (a timer, so nothing is added to `addX`), whatever is buffered is committed: a process killed
 * with SIGKILL loses at most the rows of the last half second or so, even when its actions are
 * slow and a batch takes minutes to fill. A failed batch goes back into its
 * buffer, so the next flush retries it; after a failed background flush, auto-flush pauses
 * until an explicit `flush()` succeeds, and that call reports the error.
 */
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { wallNow } from '../clock/wall-clock.ts';
import { errorMessage } from '../util/errors.ts';
import type { ActionRecord, ActorRecord, ComplaintRecord, EventRecord, ExchangeRecord, Json, RunStatus } from './records.ts';
import type { Redactor } from './redact.ts';
import {
  appendAction, appendActor, appendComplaint, appendEvent, appendExchange, appendSnapshot,
  encodeAction, encodeActor, encodeComplaint, encodeEvent, encodeExchange, encodeSnapshot, redactedJson, type SnapshotWrite,
} from './row-append.ts';
import type { RunWriter } from './run-store.ts';
import { useError } from './store-errors.ts';

export const defaultBatchSize = 5000;
/** How often buffered rows are committed while a run is recorded, wall ms (see the class comment). */
export const defaultFlushEveryMs = 500;

class TableBuffer<R> {
  rows: R[] = [];
  constructor(readonly table: string, readonly append: (app: DuckDBAppender, row: R) => void) {}
}

export interface WriterOptions {
  runId: string;
  /** Opens the writer's own connection (on first write; released again by finish). */
  connect: () => Promise<DuckDBConnection>;
  /** The store path as the user gave it, for messages. */
  path: string;
  redactor: Redactor | null;
  batchSize: number;
  /** Commit what is buffered this often, wall ms (default defaultFlushEveryMs). */
  flushEveryMs?: number;
  /** Called once when the run is finished or its writer closed: it is no longer being recorded. */
  onDone?: () => void;
}

export class DuckDBRunWriter implements RunWriter {
  readonly runId: string;
  readonly #connect: () => Promise<DuckDBConnection>;
  #conn: DuckDBConnection | null = null;
  readonly #path: string;
  readonly #redactor: Redactor | null;
  readonly #batchSize: number;
  // Flush order: actors first, so a reader never sees an action of an actor it does not know.
  readonly #actors = new TableBuffer('actors', appendActor);
  readonly #actions = new TableBuffer('actions', appendAction);
  readonly #exchanges = new TableBuffer('exchanges', appendExchange);
  readonly #complaints = new TableBuffer('complaints', appendComplaint);
  readonly #events = new TableBuffer('events', appendEvent);
  readonly #snapshots = new TableBuffer('snapshots', appendSnapshot);
  readonly #buffers: readonly TableBuffer<any>[] = [this.#actors, this.#actions, this.#exchanges, this.#complaints, this.#events, this.#snapshots];
  #tail: Promise<unknown> = Promise.resolve();
  #queued = 0;
  #autoFlushScheduled = false;
  #autoFlushPaused = false;
  #closed = false;
  readonly #onDone: () => void;
  #flushTimer: NodeJS.Timeout | undefined;

  constructor(options: WriterOptions) {
    this.runId = options.runId;
    this.#connect = options.connect;
    this.#path = options.path;
    this.#redactor = options.redactor;
    this.#batchSize = options.batchSize;
    this.#onDone = options.onDone ?? (() => {});
    // Unref'd: it never keeps a process alive; finish and close stop it.
    this.#flushTimer = setInterval(() => this.#timedFlush(), options.flushEveryMs ?? defaultFlushEveryMs).unref();
  }

  addActor(row: ActorRecord): void {
    if (this.#actors.rows.push(encodeActor(row, this.runId, this.#redactor)) >= this.#batchSize) this.#autoFlush();
  }

  addAction(row: ActionRecord): void {
    if (this.#actions.rows.push(encodeAction(row, this.runId, this.#redactor)) >= this.#batchSize) this.#autoFlush();
  }

  addComplaint(row: ComplaintRecord): void {
    if (this.#complaints.rows.push(encodeComplaint(row, this.runId, this.#redactor)) >= this.#batchSize) this.#autoFlush();
  }

  addExchange(row: ExchangeRecord): void {
    if (this.#exchanges.rows.push(encodeExchange(row, this.runId, this.#redactor)) >= this.#batchSize) this.#autoFlush();
  }

  addEvent(row: EventRecord): void {
    if (this.#events.rows.push(encodeEvent(row, this.runId, this.#redactor)) >= this.#batchSize) this.#autoFlush();
  }

  addSnapshot(row: SnapshotWrite): void {
    if (this.#snapshots.rows.push(encodeSnapshot(row, this.runId, this.#redactor)) >= this.#batchSize) this.#autoFlush();
  }

  /** Rows added but not yet committed. */
  get pendingRows(): number {
    let n = 0;
    for (const b of this.#buffers) n += b.rows.length;
    return n;
  }

  /** Writes what is buffered; resolves when it is committed. Cheap when nothing is. */
  flush(): Promise<void> {
    if (this.#queued === 0 && this.pendingRows === 0) return Promise.resolve();
    return this.#serial(async () => {
      await this.#writeAll();
      this.#autoFlushPaused = false;
    });
  }

  /**
   * Flushes and marks the run finished. Callable after any error (also after a failed flush):
   * the run row is updated even when rows could not be written, then that error is thrown.
   */
  async finish(update: { status: RunStatus; simDurationMs: number; stopReason: string | null; error: string | null; comparison?: Json }): Promise<void> {
    let failure: unknown = null;
    try {
      await this.flush();
    } catch (error) {
      failure = error;
    }
    clearInterval(this.#flushTimer);
    const error = update.error ?? (failure ? `some rows could not be saved: ${errorMessage(failure)}` : null);
    await this.#serial(async () => {
      try {
        await (await this.#connection()).run(
          'UPDATE runs SET status = $1, wall_ended_at = $2, sim_duration_ms = $3, stop_reason = $4, error = $5, comparison = $6 WHERE run_id = $7',
          [update.status, BigInt(Math.round(wallNow())), Number(update.simDurationMs) || 0, update.stopReason, error,
            update.comparison === undefined ? null : redactedJson(this.#redactor, update.comparison), this.runId],
        );
      } catch (e) {
        throw useError(`finish run ${this.runId}`, this.#path, e);
      }
      // A store may record many runs: do not keep a connection per finished one.
      // (A row added after finish reconnects; store.close() writes it.)
      if (this.pendingRows === 0) this.#disconnect();
    }).finally(this.#onDone);
    if (failure) throw failure;
  }

  /** Called by the store's close(): writes what is left, then releases the connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.flush();
    } finally {
      this.#closed = true;
      clearInterval(this.#flushTimer);
      this.#onDone();
      this.#disconnect();
    }
  }

  async #connection(): Promise<DuckDBConnection> {
    this.#conn ??= await this.#connect();
    return this.#conn;
  }

  #disconnect(): void {
    const conn = this.#conn;
    this.#conn = null;
    conn?.closeSync();
  }

  #autoFlush(): void {
    if (this.#autoFlushScheduled || this.#autoFlushPaused || this.#closed) return;
    this.#autoFlushScheduled = true;
    setImmediate(() => {
      this.#autoFlushScheduled = false;
      if (this.#closed) return;
      this.flush().catch(() => {
        // The rows are back in their buffers; the next explicit flush() retries and reports.
        this.#autoFlushPaused = true;
      });
    });
  }

  #timedFlush(): void {
    // Not while a flush is queued (it takes what is buffered), nor after a failed one (see #autoFlush).
    if (this.#closed || this.#autoFlushPaused || this.#queued > 0 || this.pendingRows === 0) return;
    this.flush().catch(() => {
      this.#autoFlushPaused = true;
    });
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    this.#queued++;
    const run = this.#tail.then(() => {
      if (this.#closed) throw useError(`write run ${this.runId}`, this.#path, new Error('the store is closed'));
      return fn();
    });
    const done = run.finally(() => { this.#queued--; });
    this.#tail = done.catch(() => undefined);
    return done;
  }

  async #writeAll(): Promise<void> {
    const conn = await this.#connection();
    // Everything buffered now; rows added meanwhile (while a commit runs) go to fresh buffers.
    const taken = this.#buffers.map((buffer) => {
      const rows = buffer.rows;
      buffer.rows = [];
      return rows;
    });
    const size = this.#batchSize;
    const longest = Math.max(...taken.map((rows) => rows.length));
    let committed = 0;
    try {
      for (; committed < longest; committed += size) await this.#commitBatch(conn, taken, committed, committed + size);
    } catch (error) {
      // Nothing recorded is dropped: the uncommitted rows go back in front of newer ones.
      this.#buffers.forEach((buffer, i) => {
        if (taken[i]!.length > committed) buffer.rows = taken[i]!.slice(committed).concat(buffer.rows);
      });
      throw useError(`write run ${this.runId}`, this.#path, error);
    }
  }

  /** Rows [start, end) of every table, in one transaction (actors first: see #buffers). */
  async #commitBatch(conn: DuckDBConnection, taken: readonly (readonly unknown[])[], start: number, end: number): Promise<void> {
    await conn.run('BEGIN TRANSACTION');
    try {
      for (let i = 0; i < taken.length; i++) {
        const rows = taken[i]!;
        if (rows.length <= start) continue;
        const buffer = this.#buffers[i]!;
        const app = await conn.createAppender(buffer.table);
        try {
          const last = Math.min(end, rows.length);
          for (let r = start; r < last; r++) buffer.append(app, rows[r]);
          // Into the transaction only: cheap, no I/O.
          app.flushSync();
        } catch (error) {
          clearQuietly(app);
          throw error;
        } finally {
          closeQuietly(app);
        }
      }
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
