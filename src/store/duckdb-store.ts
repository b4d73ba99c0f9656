/**
 * The run store on DuckDB: one file holds every run (`.beamulator/beamulator.duckdb` by default).
 *
 * DuckDB allows one read-write process or many read-only ones per file: `openStore` turns
 * the lock error into BEAM_STORE_LOCKED naming the process. Within one process every store
 * on a path shares one refcounted instance (see instance-cache.ts), so readers see what a
 * writer has flushed, and closing the last store releases the file.
 */
import { JSDuckDBValueConverter, type DuckDBConnection, type DuckDBDataChunk, type DuckDBValue } from '@duckdb/node-api';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { makeDirsSync } from '../util/make-dirs.ts';
import { basename, dirname, join, resolve } from 'node:path';
import { BeamulatorError, errorMessage, isBeamulatorError } from '../util/errors.ts';
import { defaultStorePath } from './default-store-path.ts';
import { importRunRows } from './duckdb-import.ts';
import { DuckDBRunWriter, defaultBatchSize, type WriterOptions } from './duckdb-writer.ts';
import { acquireInstance, isInstanceOpen, type Lease } from './instance-cache.ts';
import { liveRuns } from './live-runs.ts';
import { headroomOf, limitMemory } from './memory-headroom.ts';
import {
  runColumns, summaryColumns, summaryJoins, toAction, toActor, toComplaint, toEvent, toExchange, toRunWithSummary, toSnapshot, type Row,
} from './read-rows.ts';
import type { ActionRecord, ActorRecord, ComplaintRecord, EventRecord, ExchangeRecord, RunRecord, RunSummary, SnapshotRecord } from './records.ts';
import { Redactor, type RedactOptions } from './redact.ts';
import { redactedJson } from './row-append.ts';
import { hasJournals, recoverJournals, type Recovering } from './row-journal.ts';
import { isLatestAlias, newRunId, pickRun, runNotFound } from './run-id.ts';
import type { RunFilter, RunRows, RunStore, RunWriter } from './run-store.ts';
import { mergeStoreRows, type MergedFrom } from './merge-store.ts';
import { prepareSchema, schemaVersion } from './schema.ts';
import { openError, useError } from './store-errors.ts';

export { defaultStorePath };

export interface OpenStoreOptions {
  /** Open with access_mode READ_ONLY (for `show`, `runs`): other read-only processes may open it too. */
  readOnly?: boolean;
  /** Redaction rules applied to every row before it is written; `false` records values as they are. */
  redact?: RedactOptions | false;
  /** Rows per appender commit, and the buffer size that triggers an auto-flush (default 5000). */
  batchSize?: number;
  /**
   * DuckDB's memory_limit (e.g. '64MB') for the file's instance, when this open creates it (the
   * default is 80% of RAM). DuckDB keeps every block it reads cached up to that limit, so a read
   * of a whole large run (export) holds the run's size in memory unless bounded; on a read-only
   * store an evicted block is simply read again.
   */
  memoryLimit?: string;
  /**
   * @internal More DuckDB settings for the file's instance, when this open creates it (runs use
   * {@link runStoreSettings}; bench/memory compares others).
   */
  duckdbSettings?: Record<string, string>;
  /**
   * @internal When a run's rows go to its journal (row-journal.ts) instead of DuckDB: 'busy'
   * (default) while the event loop is saturated, 'always' (tests), 'never' (bench comparisons).
   * `:memory:` never journals.
   */
  journal?: 'busy' | 'always' | 'never';
  /**
   * Told when this open loads rows a killed process left in a run's journal (a run that was
   * saturating its process when it was killed, or quit while saving: see the README's run store
   * section), before it loads them: that can take seconds. Nothing is lost either way.
   *
   * @example
   * await openStore(path, { readOnly: true, onRecovering: ({ runId, journalBytes }) => console.error(`loading ${journalBytes} bytes of run ${runId} ...`) });
   */
  onRecovering?: (recovering: Recovering) => void;
}

/**
 * How a run opens its store: a file's DuckDB instance bounded to 32 MB of buffer cache (the
 * default, 80% of RAM, lets it keep every block the run writes: RSS climbed to a 410 MB peak
 * over 1M actions), and its allocator giving freed memory back past 8 MB (default 128 MB).
 * Measured with bench/memory: 64 MB + 16 MB took the 1M-action peak from 410 to 324 MB at the
 * same actions/s (final close 9.6 -> 3.7 s); 32 MB + 8 MB lowered the 150k-action peak by another
 * ~15-20 MB (DuckDB's own accounting 53 -> 30 MB at most) at the same CPU per action. Readers
 * sharing the instance in the run's process (the live dashboard, stats) get the same bound: a
 * query needing more spills to the temporary folder next to the file, and evicted blocks are
 * read again. Applies only when the run's open creates the instance, and not to `:memory:`
 * (nowhere to evict to). Each commit gets more for its checkpoint, for as long as it runs
 * (memory-headroom.ts: a checkpoint short of memory invalidates the database).
 */
export const runStoreSettings = {
  memoryLimit: '32MB',
  duckdbSettings: { allocator_flush_threshold: '8MB' },
} as const satisfies OpenStoreOptions;

/**
 * openStore for a run that records into the store: with {@link runStoreSettings} (a file only).
 *
 * @example
 * const store = await openRunStore('.beamulator/runs.duckdb', { redact: { extra } });
 */
export function openRunStore(path: string, options: OpenStoreOptions = {}): Promise<DuckDBRunStore> {
  return openStore(path, path === ':memory:' ? options : { ...runStoreSettings, ...options });
}

/**
 * Loads the rows killed runs left in journals next to the store at `path` into it (a read-write
 * open does: see row-journal.ts), telling `onRecovering` before each; nothing when none are left.
 *
 * @example
 * await loadLeftJournals('.beamulator/runs.duckdb', ({ runId }) => console.error(`loading run ${runId} ...`));
 */
export async function loadLeftJournals(path: string, onRecovering?: (recovering: Recovering) => void): Promise<void> {
  if (path === ':memory:' || !hasJournals(resolve(path))) return;
  await (await openRunStore(path, { redact: false, ...(onRecovering ? { onRecovering } : {}) })).close();
}

type BeginRun = Parameters<RunStore['beginRun']>[0];

/**
 * Opens (creating or migrating if needed) the run store at `path`, or `:memory:`.
 *
 * @example
 * const store = await openStore('.beamulator/beamulator.duckdb', { readOnly: true });
 * try { console.log(await store.listRuns({ limit: 10 })); } finally { await store.close(); }
 */
export async function openStore(path: string = defaultStorePath, options: OpenStoreOptions = {}): Promise<DuckDBRunStore> {
  const readOnly = options.readOnly ?? false;
  const memory = path === ':memory:';
  if (!memory && isFolder(path)) {
    throw new BeamulatorError('BEAM_STORE', `cannot open run store ${path}: it is a folder`, 'Give the path of a store file, e.g. --db .beamulator/beamulator.duckdb');
  }
  if (!memory && readOnly && !existsSync(path)) {
    throw new BeamulatorError('BEAM_STORE', `cannot open run store ${path}: no such file`, 'Record a run first with `beamulator run`');
  }
  if (!memory && !readOnly) {
    try {
      makeDirsSync(dirname(resolve(path)));
    } catch (error) {
      throw new BeamulatorError('BEAM_STORE', `cannot open run store ${path}: ${errorMessage(error)}`,
        'Check the path and its permissions, or use --db <other file>', { cause: error });
    }
  }
  const key = memory ? ':memory:' : canonicalPath(path);
  // A read-only open can not load the journals a killed run left: a read-write open that this
  // process can get (nobody else has the file) loads them first. Otherwise the next one will.
  if (readOnly && !memory && !isInstanceOpen(key)) {
    await loadLeftJournals(path, options.onRecovering).catch((error: unknown) => {
      // Locked, or a read-only file system: read what is there. A damaged journal is said.
      if (isBeamulatorError(error) && error.code === 'BEAM_STORE_CORRUPT') throw error;
    });
  }
  let lease: Lease;
  try {
    // A read-write file gets its memory limit after the open (memory-headroom.ts): replaying a
    // WAL and loading journals checkpoint too, with DuckDB's default limit.
    const limitLater = !readOnly && !memory && options.memoryLimit !== undefined;
    const memoryLimit = limitLater ? undefined : options.memoryLimit;
    lease = await acquireInstance(key, path, { readOnly, memoryLimit, settings: options.duckdbSettings }, async (instance) => {
      const conn = await instance.connect();
      try {
        await prepareSchema(conn, path, { readOnly });
        if (!readOnly && !memory) await recoverJournals(conn, resolve(path), options.onRecovering);
        if (limitLater) await limitMemory(instance, conn, options.memoryLimit!);
      } finally {
        conn.closeSync();
      }
    });
  } catch (error) {
    throw openError(path, error, readOnly);
  }
  let conn: DuckDBConnection;
  try {
    conn = await lease.instance.connect();
  } catch (error) {
    lease.release();
    throw openError(path, error, readOnly);
  }
  const redactor = options.redact === false ? null : new Redactor(options.redact ?? {});
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? defaultBatchSize));
  const journal = memory || options.journal === 'never' ? null : { nextTo: resolve(path), always: options.journal === 'always' };
  return new DuckDBRunStore(path, lease, conn, readOnly, redactor, batchSize, journal);
}

export class DuckDBRunStore implements RunStore {
  readonly #lease: Lease;
  readonly #conn: DuckDBConnection;
  readonly #redactor: Redactor | null;
  readonly #batchSize: number;
  readonly #journal: WriterOptions['journal'];
  readonly #writers = new Set<DuckDBRunWriter>();
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(
    readonly path: string, lease: Lease, conn: DuckDBConnection, readonly readOnly: boolean,
    redactor: Redactor | null, batchSize: number, journal: WriterOptions['journal'],
  ) {
    this.#journal = journal;
    this.#lease = lease;
    this.#conn = conn;
    this.#redactor = redactor;
    this.#batchSize = batchSize;
  }

  /** True for a run this process is recording into this file (store/live-runs.ts). */
  readonly #isLive = (runId: string): boolean => liveRuns(this.#lease.instance).has(runId);

  async beginRun(run: BeginRun): Promise<RunWriter> {
    if (this.readOnly) {
      throw new BeamulatorError('BEAM_STORE', `cannot record a run in run store ${this.path}: it was opened read-only`,
        'Open it without readOnly to record');
    }
    const redactor = this.#redactor?.with(run.redact) ?? null;
    const config = redactedJson(redactor, run.config);
    const params = redactedJson(redactor, run.params ?? null);
    const insert = (runId: string) => this.#query(
      `INSERT INTO runs (${runColumns}) VALUES ($1, $2, $3, $4, $5, $6, 'running', $7, $8, $9, $10, NULL, 0, $11, NULL, NULL, NULL, $12)`,
      [runId, run.kind, run.parentRunId ?? null, run.simulation, run.file ?? null, String(run.seed), config, run.codeHash ?? null, run.beamulatorVersion,
        BigInt(Math.round(run.wallStartedAt)), BigInt(Math.round(run.simEpoch)), params],
      `begin run ${runId}`,
    );
    let runId = run.runId;
    if (runId !== undefined) {
      try {
        await insert(runId);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        throw new BeamulatorError('BEAM_STORE', `cannot begin run ${runId}: a run with that id already exists in ${this.path}`,
          'Give another run id, or none to get a fresh one');
      }
    } else {
      // Four random chars per second: collisions are rare; the primary key catches them.
      for (let attempt = 0; ; attempt++) {
        runId = newRunId(run.wallStartedAt, run.shardIndex !== undefined ? { shard: run.shardIndex } : {});
        try {
          await insert(runId);
          break;
        } catch (error) {
          if (!isDuplicateKey(error) || attempt >= 50) throw error;
        }
      }
    }
    const instance = this.#lease.instance;
    const live = liveRuns(instance);
    live.add(runId!);
    const writer = new DuckDBRunWriter({
      runId, connect: () => instance.connect(), path: this.path, redactor, batchSize: this.#batchSize,
      journal: this.#journal, headroom: headroomOf(instance),
      onDone: () => live.delete(runId!),
    });
    this.#writers.add(writer);
    return writer;
  }

  async listRuns(filter: RunFilter = {}): Promise<Array<RunRecord & { summary: RunSummary }>> {
    const limit = filter.limit !== undefined ? ` LIMIT ${wholeNumber(filter.limit, 'limit')}` : '';
    const rows = await this.#query(
      `WITH r AS (SELECT * FROM runs ORDER BY wall_started_at DESC, run_id DESC${limit})
       SELECT r.*, ${summaryColumns} FROM r ${summaryJoins} ORDER BY r.wall_started_at DESC, r.run_id DESC`,
      [], 'list runs',
    );
    return rows.map((row) => toRunWithSummary(row, this.#isLive));
  }

  async resolveRunId(idOrPrefix: string): Promise<string> {
    const input = idOrPrefix.trim();
    if (isLatestAlias(input)) {
      const rows = await this.#query('SELECT run_id FROM runs ORDER BY wall_started_at DESC, run_id DESC LIMIT 1', [], 'find the latest run');
      return pickRun(idOrPrefix, this.path, rows.map((r) => String(r.run_id)), rows.length);
    }
    if (input === '') throw runNotFound(idOrPrefix, this.path);
    const rows = await this.#query(
      `SELECT run_id, count(*) OVER () AS total, run_id = $1 AS exact FROM runs WHERE starts_with(run_id, $1)
       ORDER BY exact DESC, wall_started_at DESC, run_id DESC LIMIT 6`,
      [input], `find run ${input}`,
    );
    if (rows[0]?.exact === true) return String(rows[0].run_id);
    return pickRun(idOrPrefix, this.path, rows.map((r) => String(r.run_id)), rows.length === 0 ? 0 : Number(rows[0]!.total));
  }

  async getRun(runId: string): Promise<(RunRecord & { summary: RunSummary }) | null> {
    const rows = await this.#query(
      `WITH r AS (SELECT * FROM runs WHERE run_id = $1) SELECT r.*, ${summaryColumns} FROM r ${summaryJoins}`, [runId], `read run ${runId}`,
    );
    return rows[0] ? toRunWithSummary(rows[0], this.#isLive) : null;
  }

  async actors(runId: string): Promise<ActorRecord[]> {
    return (await this.#query('SELECT * FROM actors WHERE run_id = $1 ORDER BY actor_id', [runId], `read actors of run ${runId}`)).map(toActor);
  }

  async actions(runId: string, options: { limit?: number; offset?: number } = {}): Promise<ActionRecord[]> {
    const limit = options.limit !== undefined ? ` LIMIT ${wholeNumber(options.limit, 'limit')}` : '';
    const offset = options.offset !== undefined ? ` OFFSET ${wholeNumber(options.offset, 'offset')}` : '';
    const sql = `SELECT * FROM actions WHERE run_id = $1 ORDER BY seq${limit}${offset}`;
    return (await this.#query(sql, [runId], `read actions of run ${runId}`)).map(toAction);
  }

  async complaints(runId: string): Promise<ComplaintRecord[]> {
    return (await this.#query('SELECT * FROM complaints WHERE run_id = $1 ORDER BY seq', [runId], `read complaints of run ${runId}`)).map(toComplaint);
  }

  async exchanges(runId: string, actionSeq?: number): Promise<ExchangeRecord[]> {
    const rows = actionSeq === undefined
      ? await this.#query('SELECT * FROM exchanges WHERE run_id = $1 ORDER BY action_seq, n', [runId], `read exchanges of run ${runId}`)
      : await this.#query('SELECT * FROM exchanges WHERE run_id = $1 AND action_seq = $2 ORDER BY n', [runId, actionSeq], `read exchanges of run ${runId}`);
    return rows.map(toExchange);
  }

  async events(runId: string): Promise<EventRecord[]> {
    return (await this.#query('SELECT * FROM events WHERE run_id = $1 ORDER BY seq', [runId], `read events of run ${runId}`)).map(toEvent);
  }

  async lastSnapshots(runId: string): Promise<SnapshotRecord[]> {
    // Rows of a run are appended in sim-time order: the last row of an actor is its latest snapshot.
    const rows = await this.#query(
      `SELECT * FROM snapshots WHERE run_id = $1 QUALIFY row_number() OVER (PARTITION BY actor_id ORDER BY sim_time DESC, rowid DESC) = 1 ORDER BY actor_id NULLS FIRST`,
      [runId], `read snapshots of run ${runId}`,
    );
    return rows.map(toSnapshot);
  }

  async scan<K extends keyof RunRows>(table: K, runId: string, visit: (rows: RunRows[K]) => Promise<void> | void): Promise<void> {
    const { key, order, convert } = scans[table];
    const doing = `read ${table} of run ${runId}`;
    const [range] = await this.#query(`SELECT min(${key}) AS lo, max(${key}) AS hi, count(*) FILTER (WHERE ${key} IS NULL) AS nulls FROM ${table} WHERE run_id = $1`, [runId], doing);
    // One window of keys per query: DuckDB sorts a window, never the whole run (its sort buffers
    // the rows it sorts). Rows are appended in key order, so zonemaps skip most of the file.
    const windows: Array<{ where: string; params: DuckDBValue[] }> = [];
    if (range?.lo !== null && range?.lo !== undefined) {
      for (let lo = BigInt(range.lo as number | bigint), hi = BigInt(range.hi as number | bigint); lo <= hi; lo += scanWindow) {
        windows.push({ where: `${key} >= $2 AND ${key} < $3`, params: [lo, lo + scanWindow] });
      }
    }
    // A key the writer could only store as NULL (an invalid number) sorts last, as in the read methods.
    if (Number(range?.nulls ?? 0) > 0) windows.push({ where: `${key} IS NULL`, params: [] });
    for (const window of windows) {
      await this.#exclusive(doing, async () => {
        // A failure of `visit` (the caller's, such as a full disk) is not the store's: only DuckDB's are wrapped.
        let visiting = false;
        try {
          const result = await this.#conn.stream(`SELECT * FROM ${table} WHERE run_id = $1 AND ${window.where} ORDER BY ${order}`, [runId, ...window.params]);
          const names = result.deduplicatedColumnNames();
          for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
            try {
              for (let start = 0; start < chunk.rowCount; start += visitRows) {
                const rows = rowObjects(chunk, names, start, Math.min(chunk.rowCount, start + visitRows)).map(convert) as RunRows[K];
                visiting = true;
                await visit(rows);
                visiting = false;
              }
            } finally {
              // A chunk's strings live outside the JS heap and are otherwise freed only when the GC
              // finalizes the chunk, which a small heap rarely does: ~100 MB of dead chunks on a large run.
              chunk.reset();
            }
          }
        } catch (error) {
          throw visiting ? error : useError(doing, this.path, error);
        }
      });
    }
  }

  async importRun(run: RunRecord, rows: RunRows): Promise<void> {
    if (this.readOnly) {
      throw new BeamulatorError('BEAM_STORE', `cannot import run ${run.runId} into run store ${this.path}: it was opened read-only`,
        'Open it without readOnly to import');
    }
    if (this.#closed) throw useError(`import run ${run.runId}`, this.path, new Error('the store is closed'));
    let conn: DuckDBConnection;
    try {
      conn = await this.#lease.instance.connect();
    } catch (error) {
      throw useError(`import run ${run.runId}`, this.path, error);
    }
    try {
      await importRunRows(conn, this.path, this.#redactor, run, rows);
    } finally {
      conn.closeSync();
    }
  }

  /**
   * Copies the runs of another store file into this one, keeping their ids (`beamulator merge`).
   * A run already here with the same id and identity is skipped; one with the same id that is a
   * different run is refused. All or nothing per source.
   */
  async mergeFrom(sourcePath: string): Promise<MergedFrom> {
    const doing = `merge ${sourcePath}`;
    if (this.readOnly) throw new BeamulatorError('BEAM_STORE', `cannot merge into run store ${this.path}: it was opened read-only`, 'Open it without readOnly to merge');
    if (this.#closed) throw useError(doing, this.path, new Error('the store is closed'));
    let conn: DuckDBConnection;
    try {
      conn = await this.#lease.instance.connect();
    } catch (error) {
      throw useError(doing, this.path, error);
    }
    try {
      return await mergeStoreRows(conn, this.path, sourcePath, schemaVersion);
    } catch (error) {
      throw error instanceof BeamulatorError ? error : useError(doing, this.path, error);
    } finally {
      conn.closeSync();
    }
  }

  /**
   * Runs any SQL on the store (one statement, `$1` parameters) and returns its rows as DuckDB
   * gives them (BIGINT as bigint). For tools and tests; the record methods are the stable API.
   */
  async sql(sql: string, params: DuckDBValue[] = []): Promise<Array<Record<string, unknown>>> {
    return this.#query(sql, params, 'run a query');
  }

  /** A value of the meta table (such as `schema_version`), or null. */
  async meta(key: string): Promise<string | null> {
    const rows = await this.#query('SELECT value FROM meta WHERE key = $1', [key], 'read meta');
    const value = rows[0]?.value;
    return value === undefined || value === null ? null : String(value);
  }

  /**
   * Writes what every writer still buffers, then closes. The last store of a file closes the
   * DuckDB instance, which checkpoints and releases the file lock.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    let failure: unknown = null;
    const wrote = this.#writers.size > 0;
    for (const writer of this.#writers) {
      try {
        await writer.close();
      } catch (error) {
        failure ??= error;
      }
    }
    this.#writers.clear();
    await this.#tail;
    if (wrote) {
      // The last close of a file checkpoints it, synchronously; a long run's last WAL (up to 16 MB)
      // is written into the file here first, on a libuv thread, so the event loop (Ctrl-C, the
      // blocked-thread watch) stays free, with the memory a checkpoint needs (memory-headroom.ts).
      // Whatever this leaves (another store's open transaction), closing does.
      const release = await headroomOf(this.#lease.instance)?.raise(this.#conn, 0).catch(() => undefined);
      await this.#conn.run('CHECKPOINT').catch(() => undefined);
      await release?.();
    }
    try {
      this.#conn.closeSync();
    } finally {
      this.#lease.release();
    }
    if (failure) throw failure;
  }

  #query(sql: string, params: DuckDBValue[], doing: string): Promise<Row[]> {
    return this.#exclusive(doing, async () => {
      try {
        const reader = await this.#conn.runAndReadAll(sql, params);
        return reader.getRowObjectsJS() as Row[];
      } catch (error) {
        throw useError(doing, this.path, error);
      }
    });
  }

  /** Runs `fn` alone on this store's connection: one query at a time; DuckDB's own threads parallelise each query. */
  #exclusive<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(() => {
      if (this.#closed) throw useError(doing, this.path, new Error('the store is closed'));
      return fn();
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }
}

/** How `scan` reads each table: the key it reads in windows of, the order of its read method, the row conversion. */
const scans: { [K in keyof RunRows]: { key: string; order: string; convert: (row: Row) => RunRows[K][number] } } = {
  actors: { key: 'actor_id', order: 'actor_id', convert: toActor },
  actions: { key: 'seq', order: 'seq', convert: toAction },
  complaints: { key: 'seq', order: 'seq', convert: toComplaint },
  exchanges: { key: 'action_seq', order: 'action_seq, n', convert: toExchange },
  events: { key: 'seq', order: 'seq', convert: toEvent },
};

/** Rows `from` to `to` (excluded) of a chunk as objects named by the result's columns. */
function rowObjects(chunk: DuckDBDataChunk, names: readonly string[], from: number, to: number): Row[] {
  const rows: Row[] = [];
  for (let i = from; i < to; i++) {
    const values = chunk.convertRowValues(i, JSDuckDBValueConverter);
    const row: Row = {};
    for (let c = 0; c < names.length; c++) row[names[c]!] = values[c];
    rows.push(row);
  }
  return rows;
}

/** Rows per `visit` of `scan`: converted rows (parsed JSON results, bodies) are what the JS heap holds at once. */
const visitRows = 128;

/**
 * Keys per `scan` query. DuckDB sorts each window in memory: with a todo run's results and
 * response bodies (~5 KB each), 128 keys against 512 lowered the peak of an export by ~20 MB.
 */
const scanWindow = 128n;

/** The absolute path with symlinks resolved, so two spellings of one file share one instance. */
function canonicalPath(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    try {
      return join(realpathSync(dirname(absolute)), basename(absolute));
    } catch {
      return absolute;
    }
  }
}

function isDuplicateKey(error: unknown): boolean {
  const cause = (error as { cause?: unknown }).cause ?? error;
  return /duplicate key|primary key constraint/i.test(errorMessage(cause));
}

function wholeNumber(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0) throw new BeamulatorError('BEAM_USAGE', `cannot use ${what} ${n}`, 'Use a whole number >= 0');
  return n;
}

/** True when `path` is a folder (false when it is anything else or cannot be stat'ed: the open reports that). */
function isFolder(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false;
  }
}
