/**
 * A run's journal: rows a busy run could not spare the time to put into DuckDB, as JSON lines in
 * an append-only file next to the store (`<store>.journal/<run id>.jsonl`). Writing a line costs
 * a few µs; DuckDB's own per-row work (appends, compression, statistics, commit) costs 15-25 µs,
 * and on a saturated event loop that is what caps a full-speed run's throughput and its p99.
 * So the writer journals while the loop is busy and loads the journal into DuckDB when it has
 * time, and always before a run is finished or its store closed.
 *
 * Loading is idempotent: each chunk is committed together with the journal's byte offset (meta
 * key `journal:<run id>`), so a process killed mid-load resumes where the last commit ended, and
 * a journal left behind by a killed process is loaded by the next read-write open of the store
 * (recoverJournals): nothing a run journaled is lost.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readdirSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BeamulatorError, errorMessage } from '../util/errors.ts';
import { makeDirsSync } from '../util/make-dirs.ts';
import { commitRows } from './commit-rows.ts';
import type { MemoryHeadroom } from './memory-headroom.ts';
import { rowTables } from './row-append.ts';

/** The folder of a store's journals. */
export function journalDir(storePath: string): string {
  return `${storePath}.journal`;
}

function journalFile(storePath: string, runId: string): string {
  return join(journalDir(storePath), `${runId}.jsonl`);
}

const metaKey = (runId: string) => `journal:${runId}`;
const upsertOffset = 'INSERT INTO meta VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value';

/**
 * One encoded row as a journal line: its table's index in rowTables, then its values in column
 * order as a JSON array, the run id as null when it is the journal's own (every line's, in practice).
 */
function journalLine(table: number, row: Record<string, unknown>, runId: string): string {
  // An encoded row's keys are in column order (row-append.ts; a test holds them to it).
  const values = Object.values(row);
  if (values[0] === runId) values[0] = null;
  // JSON has no NaN, ±Infinity or -0: carried as text, which the DOUBLE append reads back.
  for (const i of rowTables[table]!.doubles) {
    const v = values[i];
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) values[i] = Object.is(v, -0) ? '-0' : String(v);
  }
  return `${table}${JSON.stringify(values)}\n`;
}

/** The encoded row of a journal line's values (see journalLine). */
function rowOf(table: number, values: unknown, runId: string): Record<string, unknown> {
  const { columns } = rowTables[table]!;
  if (!Array.isArray(values) || values.length !== columns.length) throw new Error(`not ${columns.length} values`);
  const row: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) row[columns[i]!] = values[i];
  row.runId ??= runId;
  return row;
}

/** The rows of a journal chunk, one array per rowTables entry, and the byte offset after it. */
interface Chunk {
  rows: unknown[][];
  end: number;
}

/** Loads at most this many bytes of a journal per transaction. */
const chunkBytes = 2 * 1024 * 1024;

/**
 * Reads whole lines from `offset` (before `end`): up to chunkBytes, more when one line is longer.
 * Null at `end`, and for a last line without its newline (a write cut short by a crash: never complete).
 */
function readChunk(fd: number, file: string, runId: string, offset: number, end: number): Chunk | null {
  let want = Math.min(chunkBytes, end - offset);
  while (want > 0) {
    const buf = Buffer.allocUnsafe(want);
    let n = 0;
    while (n < want) {
      const got = readSync(fd, buf, n, want - n, offset + n);
      if (got === 0) break;
      n += got;
    }
    const last = buf.lastIndexOf(10, n - 1);
    if (last >= 0) return { rows: parseLines(buf.toString('utf8', 0, last), file, runId, offset), end: offset + last + 1 };
    if (offset + n >= end) return null;
    want = Math.min(want * 2, end - offset);
  }
  return null;
}

function parseLines(text: string, file: string, runId: string, offset: number): unknown[][] {
  const rows: unknown[][] = rowTables.map(() => []);
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const table = text.charCodeAt(start) - 48;
    try {
      if (!(table >= 0 && table < rowTables.length)) throw new Error(`unknown table ${JSON.stringify(text[start])}`);
      rows[table]!.push(rowOf(table, JSON.parse(text.slice(start + 1, end)), runId));
    } catch (error) {
      const at = offset + Buffer.byteLength(text.slice(0, start));
      throw new BeamulatorError('BEAM_STORE_CORRUPT', `cannot load journal ${file}: the line at byte ${at} is damaged (${errorMessage(error)})`,
        `Move the file aside (mv ${file} ${file}.bad) to open the store without its rows`, { cause: error });
    }
    start = end + 1;
  }
  return rows;
}

/**
 * Loads the journal from `offset` to `end` into DuckDB, a chunk per transaction, each
 * committing the offset it reached (told to `reached`). Returns the offset reached.
 */
async function load(
  conn: DuckDBConnection, headroom: MemoryHeadroom | null, fd: number, file: string, runId: string, offset: number, end: number,
  reached: (offset: number) => void = () => {},
): Promise<number> {
  for (let chunk = readChunk(fd, file, runId, offset, end); chunk; chunk = readChunk(fd, file, runId, offset, end)) {
    await commitRows(conn, chunk.rows, 0, Infinity, { sql: upsertOffset, params: [metaKey(runId), String(chunk.end)] }, headroom);
    offset = chunk.end;
    reached(offset);
  }
  return offset;
}

/** Lines are held in memory up to this many bytes, then written in one go. */
const holdBytes = 256 * 1024;
/** A UTF-16 code unit is at most 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4). */
const maxBytesPerChar = 3;

/** The journal of one run, written by its writer (see the module comment). */
export class RowJournal {
  readonly file: string;
  #fd: number | null = null;
  #size = 0;
  #loaded = 0;
  // Lines not yet written (a write per 256 kB, not per row), encoded into one buffer as they come:
  // 10x cheaper than joining strings and writing the text (measured: 0.2 vs 2 µs per action and
  // exchange), which made the journal's write a fifth of its cost during a saturated run.
  // Allocated on the first line: most runs never journal.
  #held: Buffer = Buffer.alloc(0);
  #heldBytes = 0;

  constructor(storePath: string, readonly runId: string) {
    this.file = journalFile(storePath, runId);
  }

  /** Bytes journaled and not yet in DuckDB (held lines included). */
  get backlog(): number {
    return this.#size - this.#loaded + this.#heldBytes;
  }

  /** Holds a row's line, to be written by the next write(). */
  hold(table: number, row: Record<string, unknown>): void {
    const line = journalLine(table, row, this.runId);
    const room = this.#heldBytes + line.length * maxBytesPerChar;
    if (room > this.#held.length) this.#held = this.#resized(Math.max(room, 2 * this.#held.length, 2 * holdBytes));
    this.#heldBytes += this.#held.write(line, this.#heldBytes);
  }

  /** Holds a row's line and writes what is held once it passes 256 kB. False when that write failed (see write). */
  add(table: number, row: Record<string, unknown>): boolean {
    this.hold(table, row);
    return this.#heldBytes < holdBytes || this.write();
  }

  /**
   * Writes the held lines, all or nothing: a failed write is cut back off the file and the
   * lines stay held (takeHeld gives them back as rows). False when it failed.
   */
  write(): boolean {
    if (this.#heldBytes === 0) return true;
    let fd: number | null = null;
    try {
      fd = this.#open();
      // One write(2) of a regular file writes it all or fails (disk full): a short one is a failure too.
      if (writeSync(fd, this.#held, 0, this.#heldBytes, this.#size) !== this.#heldBytes) throw new Error('short write');
    } catch {
      try {
        if (fd !== null) ftruncateSync(fd, this.#size);
      } catch {
        // The torn line stays, and is never read (readChunk stops before a line without its newline).
      }
      return false;
    }
    this.#size += this.#heldBytes;
    this.#dropHeld();
    return true;
  }

  /** The held lines as rows (one array per rowTables entry), no longer held. */
  takeHeld(): unknown[][] {
    const rows = parseLines(this.#held.toString('utf8', 0, this.#heldBytes), this.file, this.runId, this.#size);
    this.#dropHeld();
    return rows;
  }

  /** Forgets the held lines; a buffer grown past its size (many rows held at once) is let go. */
  #dropHeld(): void {
    this.#heldBytes = 0;
    if (this.#held.length > 2 * holdBytes) this.#held = Buffer.alloc(0);
  }

  #resized(bytes: number): Buffer {
    const bigger = Buffer.allocUnsafe(bytes);
    this.#held.copy(bigger, 0, 0, this.#heldBytes);
    return bigger;
  }

  /**
   * Loads what is written so far into DuckDB (not the held lines, nor lines written meanwhile:
   * a load that chased a busy run's writes would do DuckDB's work during the run after all).
   */
  async load(conn: DuckDBConnection, headroom: MemoryHeadroom | null): Promise<void> {
    if (this.#fd === null || this.#size === this.#loaded) return;
    // backlog falls chunk by chunk (a long load's progress is read from it).
    await load(conn, headroom, this.#fd, this.file, this.runId, this.#loaded, this.#size, (offset) => {
      this.#loaded = offset;
    });
  }

  /**
   * Once everything is loaded: deletes the file, then its offset. (A crash in between leaves an
   * offset without a file, which recoverJournals removes; the other order could load twice.)
   */
  async remove(conn: DuckDBConnection): Promise<void> {
    if (this.#fd === null || this.backlog > 0) return;
    closeSync(this.#fd);
    this.#fd = null;
    unlinkSync(this.file);
    removeEmptyDir(dirname(this.file));
    await conn.run('DELETE FROM meta WHERE key = $1', [metaKey(this.runId)]);
  }

  #open(): number {
    if (this.#fd === null) {
      makeDirsSync(dirname(this.file));
      // 'w+': a new run's journal; positional writes and reads.
      this.#fd = openSync(this.file, 'w+');
      this.#size = 0;
      this.#loaded = 0;
    }
    return this.#fd;
  }
}

function removeEmptyDir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Another run's journal is still there.
  }
}

/** A journal a killed process left, about to be loaded by an open of its store (OpenStoreOptions.onRecovering). */
export interface Recovering {
  runId: string;
  /** Bytes left to load. */
  journalBytes: number;
  file: string;
}

/**
 * Loads the journals a killed process left next to the store at `storePath` (each from the
 * offset its last load committed), then deletes them. Called by a read-write open that creates
 * the store's DuckDB instance: no run of this process is being recorded into it yet. A journal
 * whose run is not in the store (the store file was replaced) is left alone.
 */
export async function recoverJournals(conn: DuckDBConnection, storePath: string, onRecovering?: (recovering: Recovering) => void): Promise<void> {
  const dir = journalDir(storePath);
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  } catch {
    // No journals (or not a folder: then none could be written either).
  }
  for (const name of files) {
    const runId = name.slice(0, -'.jsonl'.length);
    const known = (await conn.runAndReadAll('SELECT 1 FROM runs WHERE run_id = $1', [runId])).getRows().length > 0;
    if (!known) continue;
    const file = join(dir, name);
    const stored = (await conn.runAndReadAll('SELECT value FROM meta WHERE key = $1', [metaKey(runId)])).getRows()[0]?.[0];
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      const from = Math.min(Number(stored ?? 0) || 0, size);
      if (size > from) onRecovering?.({ runId, journalBytes: size - from, file });
      // No headroom: the open that recovers runs under DuckDB's default limit (duckdb-store.ts).
      await load(conn, null, fd, file, runId, from, size);
    } finally {
      closeSync(fd);
    }
    unlinkSync(file);
  }
  if (files.length > 0) removeEmptyDir(dir);
  // Offsets whose file is gone: a finished run's, removed by a crash between its two deletes.
  const keys = (await conn.runAndReadAll(`SELECT key FROM meta WHERE key LIKE 'journal:%'`)).getRows().map((r) => String(r[0]));
  for (const key of keys) {
    if (!existsSync(journalFile(storePath, key.slice('journal:'.length)))) await conn.run('DELETE FROM meta WHERE key = $1', [key]);
  }
}

/** True when a store has journals left (a read-only open can not load them: see openStore). */
export function hasJournals(storePath: string): boolean {
  try {
    return readdirSync(journalDir(storePath)).some((f) => f.endsWith('.jsonl'));
  } catch {
    return false;
  }
}
