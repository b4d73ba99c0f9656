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
 * Saving in the background (`save()`): when a buffer reaches `batchSize` rows, `addX` only
 * schedules a save with `setImmediate` (one at a time); it runs when the engine next lets the
 * event loop turn (the engine also calls `save()` at its yield points). And every `flushEveryMs`
 * of wall time (a timer, so nothing is added to `addX`), whatever is buffered is saved: a
 * process killed with SIGKILL loses at most the rows of the last half second or so, even when its
 * actions are slow and a batch takes minutes to fill. A save commits into DuckDB while the event
 * loop has time; while it is saturated (a full-speed run) it appends the rows to the run's
 * journal instead (row-journal.ts: a few µs per row against DuckDB's 15-25), which is loaded into
 * DuckDB when the loop has time again, and always by `flush()`, `finish()` and `close()`.
 * A failed batch goes back into its buffer, so the next flush retries it; after a failed
 * background save, saving pauses until an explicit `flush()` succeeds, and that call reports
 * the error.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { EventLoopLoad } from '../clock/event-loop-load.ts';
import { wallNow } from '../clock/wall-clock.ts';
import { errorMessage } from '../util/errors.ts';
import { commitRows } from './commit-rows.ts';
import type { MemoryHeadroom } from './memory-headroom.ts';
import type { ActionRecord, ActorRecord, ComplaintRecord, EventRecord, ExchangeRecord, Json, RunStatus } from './records.ts';
import type { Redactor } from './redact.ts';
import {
  encodeAction, encodeActor, encodeComplaint, encodeEvent, encodeExchange, encodeSnapshot, redactedJson, rowTables, type SnapshotWrite,
} from './row-append.ts';
import { RowJournal } from './row-journal.ts';
import type { RunWriter } from './run-store.ts';
import { useError } from './store-errors.ts';

export const defaultBatchSize = 5000;
/** How often buffered rows are committed while a run is recorded, wall ms (see the class comment). */
export const defaultFlushEveryMs = 500;

// Indexes into rowTables (and the writer's buffers).
const ACTORS = 0, ACTIONS = 1, EXCHANGES = 2, COMPLAINTS = 3, EVENTS = 4, SNAPSHOTS = 5;

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
  /**
   * The run's journal (row-journal.ts), next to the store file `nextTo`, used while the event loop
   * is saturated, or always; null (`:memory:`): never journal.
   */
  journal: { nextTo: string; always: boolean } | null;
  /** Raises the store's memory_limit for long values (memory-headroom.ts); null: no limit set. */
  headroom: MemoryHeadroom | null;
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
  // Buffered encoded rows, one array per rowTables entry (commit order: actors first).
  #rows: unknown[][] = rowTables.map(() => []);
  readonly #journal: RowJournal | null;
  readonly #load: Pick<EventLoopLoad, 'busy'>;
  readonly #headroom: MemoryHeadroom | null;
  // While the event loop is saturated, rows go to the journal as they are added (see save()).
  #journaling = false;
  // Off once the run is finishing or closing: what is left is committed (its journal and offset then go).
  #mayJournal = true;
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
    this.#journal = options.journal === null ? null : new RowJournal(options.journal.nextTo, options.runId);
    this.#load = options.journal?.always ? { busy: () => true } : new EventLoopLoad();
    this.#headroom = options.headroom;
    this.#onDone = options.onDone ?? (() => {});
    // Unref'd: it never keeps a process alive; finish and close stop it.
    this.#flushTimer = setInterval(() => this.#timedSave(), options.flushEveryMs ?? defaultFlushEveryMs).unref();
  }

  addActor(row: ActorRecord): void {
    this.#add(ACTORS, encodeActor(row, this.runId, this.#redactor));
  }

  addAction(row: ActionRecord): void {
    this.#add(ACTIONS, encodeAction(row, this.runId, this.#redactor));
  }

  addComplaint(row: ComplaintRecord): void {
    this.#add(COMPLAINTS, encodeComplaint(row, this.runId, this.#redactor));
  }

  addExchange(row: ExchangeRecord): void {
    this.#add(EXCHANGES, encodeExchange(row, this.runId, this.#redactor));
  }

  addEvent(row: EventRecord): void {
    this.#add(EVENTS, encodeEvent(row, this.runId, this.#redactor));
  }

  addSnapshot(row: SnapshotWrite): void {
    this.#add(SNAPSHOTS, encodeSnapshot(row, this.runId, this.#redactor));
  }

  #add(table: number, row: Record<string, unknown>): void {
    if (this.#journaling) {
      if (!this.#journal!.add(table, row)) this.#stopJournaling();
    } else if (this.#rows[table]!.push(row) >= this.#batchSize) {
      this.#autoFlush();
    }
  }

  /** Rows added and held in memory (neither committed nor journaled). */
  get pendingRows(): number {
    let n = 0;
    for (const rows of this.#rows) n += rows.length;
    return n;
  }

  /** Bytes of the run's journal not yet loaded into DuckDB (see row-journal.ts). */
  get journalBacklog(): number {
    return this.#journal?.backlog ?? 0;
  }

  /** Commits what is buffered or journaled into DuckDB; resolves when it is. Cheap when nothing is. */
  flush(): Promise<void> {
    this.#stopJournaling();
    if (this.#queued === 0 && this.pendingRows === 0 && this.journalBacklog === 0) return Promise.resolve();
    return this.#serial(async () => {
      await this.#writeAll();
      this.#autoFlushPaused = false;
    });
  }

  /**
   * Makes what is buffered durable the cheapest way now: into the journal while the event loop is
   * saturated, else committed into DuckDB (with any journal backlog first).
   */
  save(): Promise<void> {
    const journal = this.#journal;
    if (journal !== null && this.#mayJournal && !this.#closed && this.#load.busy()) {
      if (!this.#journaling) {
        this.#rows.forEach((rows, t) => rows.forEach((row) => journal.hold(t, row as Record<string, unknown>)));
        this.#rows = rowTables.map(() => []);
        this.#journaling = true;
      }
      if (journal.write()) return Promise.resolve();
      // The journal could not be written (disk full?): commit instead, which reports what fails.
    }
    return this.flush();
  }

  /** Rows go to the buffers again; lines the journal could not write come back into them too. */
  #stopJournaling(): void {
    if (!this.#journaling) return;
    this.#journaling = false;
    const journal = this.#journal!;
    if (journal.write()) return;
    const held = journal.takeHeld();
    this.#rows = this.#rows.map((rows, t) => held[t]!.concat(rows));
  }

  /**
   * Flushes and marks the run finished. Callable after any error (also after a failed flush):
   * the run row is updated even when rows could not be written, then that error is thrown.
   */
  async finish(update: { status: RunStatus; simDurationMs: number; stopReason: string | null; error: string | null; comparison?: Json }): Promise<void> {
    let failure: unknown = null;
    this.#mayJournal = false;
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
      if (!failure) await this.#removeJournal();
      // A store may record many runs: do not keep a connection per finished one.
      // (A row added after finish reconnects; store.close() writes it.)
      if (this.pendingRows === 0) this.#disconnect();
    }).finally(this.#onDone);
    if (failure) throw failure;
  }

  /** Called by the store's close(): writes what is left, then releases the connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#mayJournal = false;
    try {
      await this.flush();
      await this.#serial(() => this.#removeJournal());
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
      this.save().catch(() => {
        // The rows are back in their buffers; the next explicit flush() retries and reports.
        this.#autoFlushPaused = true;
      });
    });
  }

  #timedSave(): void {
    // Not while a flush is queued (it takes what is buffered), nor after a failed one (see #autoFlush).
    if (this.#closed || this.#autoFlushPaused || this.#queued > 0 || (this.pendingRows === 0 && this.journalBacklog === 0)) return;
    this.save().catch(() => {
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

  async #removeJournal(): Promise<void> {
    if (this.#journal === null) return;
    try {
      // Kept while rows are left to load (a failed flush): the next open loads them.
      await this.#journal.remove(await this.#connection());
    } catch (error) {
      throw useError(`remove the journal of run ${this.runId}`, this.#path, error);
    }
  }

  async #writeAll(): Promise<void> {
    const conn = await this.#connection();
    try {
      // Journaled rows are older than buffered ones: they go first.
      await this.#journal?.load(conn, this.#headroom);
    } catch (error) {
      throw useError(`write run ${this.runId}`, this.#path, error);
    }
    // Everything buffered now; rows added meanwhile (while a commit runs) go to fresh buffers.
    const taken = this.#rows;
    this.#rows = rowTables.map(() => []);
    const size = this.#batchSize;
    const longest = Math.max(...taken.map((rows) => rows.length));
    let committed = 0;
    try {
      for (; committed < longest; committed += size) await commitRows(conn, taken, committed, committed + size, null, this.#headroom);
    } catch (error) {
      // Nothing recorded is dropped: the uncommitted rows go back in front of newer ones.
      this.#rows = this.#rows.map((rows, i) => (taken[i]!.length > committed ? taken[i]!.slice(committed).concat(rows) : rows));
      throw useError(`write run ${this.runId}`, this.#path, error);
    }
  }
}
