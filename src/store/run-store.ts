import type {
  ActionRecord, ActorRecord, ComplaintRecord, EventRecord, ExchangeRecord, Json, RunRecord, RunStatus, RunSummary, SnapshotRecord,
} from './records.ts';
import type { RedactPattern } from './redact.ts';
import type { SnapshotWrite } from './row-append.ts';

/**
 * Where a run is written. Appends are synchronous and cheap (they buffer);
 * `flush` writes buffered rows in batches and is called off the hot path by the engine.
 */
export interface RunWriter {
  readonly runId: string;
  addActor(row: ActorRecord): void;
  addAction(row: ActionRecord): void;
  addComplaint(row: ComplaintRecord): void;
  addExchange(row: ExchangeRecord): void;
  addEvent(row: EventRecord): void;
  /** Where actors stood at a snapshot (see SnapshotRecord). */
  addSnapshot(row: SnapshotWrite): void;
  /** Writes what is buffered into the store, where readers see it. Cheap when nothing is. */
  flush(): Promise<void>;
  /**
   * Makes what is buffered durable the cheapest way now (a file store may journal it while the
   * process is saturated and load it into the store later: see duckdb-writer.ts).
   */
  save(): Promise<void>;
  /** Bytes of rows made durable outside the store and not yet loaded into it (see save). */
  readonly journalBacklog?: number;
  /** Flushes and marks the run finished. */
  finish(update: { status: RunStatus; simDurationMs: number; stopReason: string | null; error: string | null; comparison?: Json }): Promise<void>;
}

/** Every row of one run, table by table (what `importRun` writes and a replay file holds). */
export interface RunRows {
  actors: ActorRecord[];
  actions: ActionRecord[];
  complaints: ComplaintRecord[];
  exchanges: ExchangeRecord[];
  events: EventRecord[];
}

export interface RunFilter {
  limit?: number;
}

/** The run store: DuckDB in production and tests (`:memory:` for throwaway). */
export interface RunStore {
  readonly path: string;
  /** Creates the run row (status 'running') and returns a writer for its rows. */
  beginRun(run: Omit<RunRecord, 'runId' | 'status' | 'wallEndedAt' | 'simDurationMs' | 'stopReason' | 'error' | 'comparison' | 'params'> & {
    runId?: string;
    /** The run's resolved parameters (default null: none recorded). */
    params?: Record<string, Json> | null;
    /** Names this run's rows redact on top of the store's rules (a simulation's own `redact`). */
    redact?: readonly RedactPattern[];
    /** The shard index of a sharded run (`--shard i/N`, N > 1): a fresh id carries it (`-s3`). */
    shardIndex?: number;
  }): Promise<RunWriter>;
  listRuns(filter?: RunFilter): Promise<Array<RunRecord & { summary: RunSummary }>>;
  /** Resolves a full id, a unique prefix, or `latest`. Throws BEAM_RUN_NOT_FOUND otherwise. */
  resolveRunId(idOrPrefix: string): Promise<string>;
  getRun(runId: string): Promise<(RunRecord & { summary: RunSummary }) | null>;
  actors(runId: string): Promise<ActorRecord[]>;
  actions(runId: string, options?: { limit?: number; offset?: number }): Promise<ActionRecord[]>;
  complaints(runId: string): Promise<ComplaintRecord[]>;
  exchanges(runId: string, actionSeq?: number): Promise<ExchangeRecord[]>;
  events(runId: string): Promise<EventRecord[]>;
  /** The last snapshot row of each actor of a run (and of the run's own counters), by actor id. */
  lastSnapshots(runId: string): Promise<SnapshotRecord[]>;
  /**
   * Visits every row of one table of a run, in the order its read method returns them, a chunk
   * (up to 128 rows) at a time: a run of any size is read in bounded memory (export,
   * `show --json`). The store reads nothing else until `visit` of the last chunk has settled.
   */
  scan<K extends keyof RunRows>(table: K, runId: string, visit: (rows: RunRows[K]) => Promise<void> | void): Promise<void>;
  /**
   * Writes a whole recorded run at once, atomically (import of a replay file): the run row
   * exactly as given (status, stop reason, wall times...) and every row under `run.runId`
   * (the rows' own runId is ignored). Rows pass through the store's redaction. Throws
   * BEAM_RUN_EXISTS when the store already holds a run with that id.
   */
  importRun(run: RunRecord, rows: RunRows): Promise<void>;
  close(): Promise<void>;
}
