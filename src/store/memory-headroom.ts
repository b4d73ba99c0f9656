/**
 * A run store keeps DuckDB's memory_limit small so a long run stays lean (runStoreSettings), but
 * DuckDB's checkpoints need more: they pin whole vectors (2048 values) of every column they
 * write, so a commit of long values needs memory in proportion (100 kB response bodies: 200 MB
 * a vector), and even short ones broke a 16 MB limit now and then. An automatic checkpoint (on
 * COMMIT, once the WAL passes 16 MB) that cannot get its memory is a FATAL error: it invalidates
 * the database for the rest of the process, and every row after it is lost (measured: 20 kB
 * values broke a 32 MB limit, 100 kB ones a 128 MB one; the todo example broke 32 and 64 MB).
 *
 * So the limit is raised for the duration of each commit (and of the close's checkpoint) to what
 * the longest value written so far needs, at least checkpointFloor, and lowered again when no
 * commit is in flight: DuckDB then evicts its cache back to the small limit. The limit is a cap,
 * not an allocation: a checkpoint uses what it needs.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** Bytes a commit may need per character of its longest value (2048 per vector, x4: several columns and threads, UTF-8). */
const perChar = 4 * 2048;
/** The least a commit is given, whatever its values (16 MB broke now and then with short values; 32 MB ran at its cap). */
const checkpointFloor = 64 * 2 ** 20;

export class MemoryHeadroom {
  #limit: number;
  #longest = 0;
  #inFlight = 0;
  // One SET at a time, in order: a commit must never start under a limit being lowered.
  #tail: Promise<unknown> = Promise.resolve();

  /** @param setting the small limit, as given ('32MB'); `base` is its bytes */
  constructor(readonly setting: string, readonly base: number) {
    this.#limit = base;
  }

  /**
   * Raises the limit for a commit whose longest value has `chars` characters; call the returned
   * function when the commit is over (committed or not).
   */
  async raise(conn: DuckDBConnection, chars: number): Promise<() => Promise<void>> {
    this.#longest = Math.max(this.#longest, chars);
    await this.#serial(async () => {
      this.#inFlight++;
      await this.#set(conn, Math.max(checkpointFloor, perChar * this.#longest));
    });
    let released = false;
    return () => {
      if (released) return Promise.resolve();
      released = true;
      return this.#serial(async () => {
        if (--this.#inFlight === 0 && this.#limit !== this.base) {
          await conn.run(`SET memory_limit = '${this.setting}'`).then(() => { this.#limit = this.base; }, () => undefined);
        }
      });
    };
  }

  /** Raises the limit to `bytes` (rounded up to MiB), if it is lower. */
  async #set(conn: DuckDBConnection, bytes: number): Promise<void> {
    const mib = Math.ceil(bytes / 2 ** 20);
    if (mib * 2 ** 20 <= this.#limit) return;
    await conn.run(`SET memory_limit = '${mib}MiB'`);
    this.#limit = mib * 2 ** 20;
  }

  #serial(fn: () => Promise<void>): Promise<void> {
    const run = this.#tail.then(fn);
    this.#tail = run.catch(() => undefined);
    return run;
  }
}

const headrooms = new WeakMap<DuckDBInstance, MemoryHeadroom>();

const units: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/** Bytes of a DuckDB size setting such as '32MB' or '1.5 GiB'; null when it is not one. */
export function sizeBytes(setting: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)?\s*$/i.exec(setting);
  const unit = units[(m?.[2] ?? 'b').toLowerCase()];
  return m && unit ? Number(m[1]) * unit : null;
}

/**
 * Puts a new read-write instance under `memoryLimit` from now on, with headroom for its commits.
 * (The open itself, which may replay a WAL and load journals, ran with DuckDB's default.)
 */
export async function limitMemory(instance: DuckDBInstance, conn: DuckDBConnection, memoryLimit: string): Promise<void> {
  const base = sizeBytes(memoryLimit);
  if (base === null) throw new Error(`memory limit '${memoryLimit}' is not a size such as '32MB'`);
  await conn.run(`SET memory_limit = '${memoryLimit}'`);
  headrooms.set(instance, new MemoryHeadroom(memoryLimit, base));
}

/** The headroom of an instance (shared by every store and writer of it), or null. */
export function headroomOf(instance: DuckDBInstance): MemoryHeadroom | null {
  return headrooms.get(instance) ?? null;
}
