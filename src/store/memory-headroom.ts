/**
 * DuckDB pins whole vectors (2048 values) of a column while it checkpoints a table, so a commit
 * of long values needs memory in proportion: with 100 kB response bodies a vector alone is 200
 * MB. An automatic checkpoint (on COMMIT, once the WAL passes 16 MB) that cannot get it is a
 * FATAL error that invalidates the database for the rest of the process (measured: 20 kB values
 * broke a 32 MB memory_limit, 100 kB ones a 128 MB one; 96 MB and 512 MB held them). A run store
 * keeps a small memory_limit to stay lean (runStoreSettings), so before a commit holds longer
 * values than its limit allows for, the limit is raised (it is a cap: DuckDB still uses only
 * what it needs, and RSS follows the values' size, not the cap).
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** Bytes a commit may need per character of its longest value (2048 per vector, x4: several columns and threads, UTF-8). */
const perChar = 4 * 2048;

export class MemoryHeadroom {
  #limit: number;

  constructor(readonly base: number) {
    this.#limit = base;
  }

  /** The memory_limit now, bytes. */
  get limit(): number {
    return this.#limit;
  }

  /** Raises the instance's memory_limit, if needed, for a commit whose longest value has `chars` characters. */
  async allow(conn: DuckDBConnection, chars: number): Promise<void> {
    // Short values fit in the base limit (which leaves room for the rest of DuckDB's work).
    const need = perChar * chars;
    if (need <= this.#limit) return;
    const mib = Math.ceil(need / 2 ** 20);
    await conn.run(`SET memory_limit = '${mib}MiB'`);
    this.#limit = mib * 2 ** 20;
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

/** Gives a new instance opened with `memoryLimit` its headroom (none when no limit was set: DuckDB's default, 80% of RAM, needs no raising). */
export function keepHeadroom(instance: DuckDBInstance, memoryLimit: string | undefined): void {
  const base = memoryLimit === undefined ? null : sizeBytes(memoryLimit);
  if (base !== null) headrooms.set(instance, new MemoryHeadroom(base));
}

/** The headroom of an instance (shared by every store and writer of it), or null. */
export function headroomOf(instance: DuckDBInstance): MemoryHeadroom | null {
  return headrooms.get(instance) ?? null;
}
