/**
 * One DuckDB instance per database file per process. Two instances on one file in one
 * process silently diverge (POSIX locks do not stop it), so every store on a path shares a
 * refcounted instance; the last release closes it, which releases the file lock.
 * `:memory:` is never shared: each open is a fresh database.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { BeamulatorError } from '../util/errors.ts';

export interface Lease {
  readonly instance: DuckDBInstance;
  /** The instance was opened READ_ONLY (a read-write one may serve read-only stores too). */
  readonly readOnly: boolean;
  release(): void;
}

interface Entry {
  readOnly: boolean;
  refs: number;
  ready: Promise<DuckDBInstance>;
}

const entries = new Map<string, Entry>();

export interface InstanceOptions {
  readOnly: boolean;
  /** DuckDB's memory_limit, applied when this call creates the instance (a shared one keeps its own). */
  memoryLimit?: string | undefined;
  /** More DuckDB settings for a new instance (a run store's: runStoreSettings in duckdb-store.ts). */
  settings?: Record<string, string> | undefined;
}

/** DuckDB's configuration for a new instance. */
function config(options: InstanceOptions): Record<string, string> {
  return {
    ...(options.readOnly ? { access_mode: 'READ_ONLY' } : {}),
    ...(options.memoryLimit !== undefined ? { memory_limit: options.memoryLimit } : {}),
    ...options.settings,
  };
}

/**
 * Opens (or shares) the instance for `key` (a resolved path, or ':memory:').
 * `init` runs once, on the connection-less fresh instance, before anyone else may use it.
 */
export async function acquireInstance(
  key: string, displayPath: string, options: InstanceOptions, init: (instance: DuckDBInstance) => Promise<void>,
): Promise<Lease> {
  const { readOnly } = options;
  if (key === ':memory:') {
    const instance = await DuckDBInstance.create(':memory:', config({ ...options, readOnly: false }));
    try {
      await init(instance);
    } catch (error) {
      instance.closeSync();
      throw error;
    }
    let released = false;
    return { instance, readOnly: false, release: () => { if (!released) { released = true; instance.closeSync(); } } };
  }
  let entry = entries.get(key);
  if (entry && entry.readOnly && !readOnly) {
    throw new BeamulatorError('BEAM_STORE', `cannot open run store ${displayPath} for writing: this process has it open read-only`,
      'Close the read-only store first');
  }
  if (!entry) {
    const created: Entry = { readOnly, refs: 0, ready: open(key, config(options), init) };
    entry = created;
    entries.set(key, created);
    created.ready.catch(() => {
      if (entries.get(key) === created) entries.delete(key);
    });
  }
  // Count the user before awaiting, so a concurrent last release cannot close it under us.
  entry.refs++;
  const owner = entry;
  let instance: DuckDBInstance;
  try {
    instance = await owner.ready;
  } catch (error) {
    owner.refs--;
    throw error;
  }
  let released = false;
  return {
    instance,
    readOnly: owner.readOnly,
    release() {
      if (released) return;
      released = true;
      if (--owner.refs > 0) return;
      if (entries.get(key) === owner) entries.delete(key);
      instance.closeSync();
    },
  };
}

async function open(path: string, settings: Record<string, string>, init: (instance: DuckDBInstance) => Promise<void>): Promise<DuckDBInstance> {
  const instance = await DuckDBInstance.create(path, settings);
  try {
    await init(instance);
  } catch (error) {
    instance.closeSync();
    throw error;
  }
  return instance;
}

/** True when this process holds the instance for `key` (a resolved path). */
export function isInstanceOpen(key: string): boolean {
  return entries.has(key);
}

/** How many files this process holds open (for tests). */
export function openInstanceCount(): number {
  return entries.size;
}
