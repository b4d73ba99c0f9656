/**
 * Removes runs from a store file and gives the space back. DuckDB does not shrink a file when
 * rows are deleted (measured: 30 runs, 27 deleted, then CHECKPOINT or VACUUM: 8.9 MB -> 8.7 MB),
 * so the kept rows are copied into a new file (schema first, then the rows, in their order),
 * the copy is checked row by row count against the original, and only then renamed over it. The
 * original is never modified: a failure at any point leaves it as it was.
 */
import { chmodSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { BeamulatorError, errorMessage } from '../util/errors.ts';
import { openStore, type DuckDBRunStore } from './duckdb-store.ts';
import type { RunKind, RunRecord, RunStatus } from './records.ts';
import { shardOfRun } from './run-shard.ts';

/**
 * Which runs to remove; the conditions combine (a run must meet each one given). The shards of a
 * sharded run (one group) count as one run and go or stay together.
 */
export interface PruneSelection {
  /** Keep this many of the newest runs (of `kinds`, when given); a group of shards counts once. */
  keep?: number;
  /** Remove only runs started before this wall time (epoch ms). */
  startedBefore?: number;
  /** Remove only runs of these kinds. */
  kinds?: readonly RunKind[];
}

/** A run prune removed (or, dry, would remove). */
export interface PrunedRun {
  runId: string;
  kind: RunKind;
  simulation: string;
  status: RunStatus;
  wallStartedAt: number;
}

export interface PruneResult {
  path: string;
  dryRun: boolean;
  removed: PrunedRun[];
  /** Runs the store holds after (dry: would hold). */
  kept: number;
  /** Rows removed, by table (runs included). */
  rows: Record<string, number>;
  /** Size of the store file (and its write-ahead log) before and after; after = before when dry or nothing was removed. */
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * Removes the runs `selection` picks from the store at `path`, with every row they own in every
 * table, and rewrites the file so the space is reclaimed. A run being recorded is never touched:
 * another process recording holds the file's lock (the store cannot be opened, BEAM_STORE_LOCKED),
 * and while this process records one (it reads `running`, see live-runs.ts) the file is not
 * rewritten under its writer (BEAM_STORE_LOCKED too; a dry run leaves it out).
 *
 * @example
 * const result = await pruneStore('.beamulator/beamulator.duckdb', { keep: 3 });
 * console.log(result.removed.length, result.bytesBefore, result.bytesAfter);
 */
export async function pruneStore(path: string, selection: PruneSelection, options: { dryRun?: boolean } = {}): Promise<PruneResult> {
  const dryRun = options.dryRun ?? false;
  if (path === ':memory:') throw new BeamulatorError('BEAM_USAGE', 'cannot prune an in-memory store', 'Give the store file with --db <path>');
  if (!existsSync(path)) throw new BeamulatorError('BEAM_STORE', `cannot prune run store ${path}: no such file`, 'Check the path, or give it with --db <path>');
  const bytesBefore = storeBytes(path);
  const store = await openStore(path, { readOnly: dryRun, redact: false });
  try {
    const runs = await store.listRuns();
    const recording = runs.find((r) => r.status === 'running');
    if (recording && !dryRun) {
      throw new BeamulatorError('BEAM_STORE_LOCKED', `cannot prune run store ${path}: this process is recording run ${recording.runId} into it`, 'Prune once the run has finished');
    }
    const candidates = runs.filter((r) => r.status !== 'running' && (!selection.kinds || selection.kinds.includes(r.kind)));
    // listRuns is newest first: the first `keep` candidates stay. The shards of a group are one
    // candidate (dated by its newest shard): half a group would be reported incomplete forever.
    const removed = candidateUnits(candidates).slice(selection.keep ?? 0)
      .filter((unit) => selection.startedBefore === undefined || unit.every((r) => r.wallStartedAt < selection.startedBefore!))
      .flat()
      .map(({ runId, kind, simulation, status, wallStartedAt }) => ({ runId, kind, simulation, status, wallStartedAt }));
    const tables = await runTables(store);
    const ids = removed.map((r) => r.runId);
    const rows: Record<string, number> = {};
    for (const table of tables.withRuns) rows[table] = ids.length === 0 ? 0 : await count(store, table, ids, 'IN');
    const result = { path, dryRun, removed, kept: runs.length - removed.length, rows, bytesBefore, bytesAfter: bytesBefore };
    if (dryRun || removed.length === 0) return result;
    await rewrite(store, path, tables, ids);
    await store.close();
    return { ...result, bytesAfter: storeBytes(path) };
  } finally {
    await store.close();
  }
}

/** Runs, newest first, as prune counts them: each run alone, the shards of one group together. */
function candidateUnits<R extends Pick<RunRecord, 'kind' | 'config'>>(runs: readonly R[]): R[][] {
  const units: R[][] = [];
  const groups = new Map<string, R[]>();
  for (const run of runs) {
    const group = run.kind === 'run' ? shardOfRun(run)?.group : undefined;
    const unit = group !== undefined ? groups.get(group) : undefined;
    if (unit) {
      unit.push(run);
      continue;
    }
    units.push([run]);
    if (group !== undefined) groups.set(group, units.at(-1)!);
  }
  return units;
}

/** Size of a store on disk: its file and its write-ahead log. */
export function storeBytes(path: string): number {
  const size = (file: string) => statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  return size(path) + size(`${path}.wal`);
}

interface Tables {
  /** Tables with a run_id column (rows owned by a run). */
  withRuns: string[];
  /** The others (meta), copied whole. */
  others: string[];
}

async function runTables(store: DuckDBRunStore): Promise<Tables> {
  const rows = await store.sql(
    `SELECT table_name, bool_or(column_name = 'run_id') AS owned FROM information_schema.columns
     WHERE table_schema = 'main' AND table_catalog = current_database() GROUP BY table_name ORDER BY table_name`,
  );
  const tables: Tables = { withRuns: [], others: [] };
  for (const row of rows) (row.owned ? tables.withRuns : tables.others).push(String(row.table_name));
  return tables;
}

/** Rows of `table` whose run is (`IN`) or is not (`NOT IN`) one of `ids`, in `database`. */
async function count(store: DuckDBRunStore, table: string, ids: readonly string[], op: 'IN' | 'NOT IN', database = 'current'): Promise<number> {
  const from = database === 'current' ? quote(table) : `${quote(database)}.main.${quote(table)}`;
  const [row] = await store.sql(`SELECT count(*) AS n FROM ${from} WHERE run_id ${op} (${placeholders(ids)})`, [...ids]);
  return Number(row?.n ?? 0);
}

/**
 * Copies what is kept into `<path>.prune.tmp`, checks the copy, and renames it over `path` while
 * the original is still open (and locked): no other process can open the original in between.
 */
async function rewrite(store: DuckDBRunStore, path: string, tables: Tables, ids: readonly string[]): Promise<void> {
  const tmp = `${path}.prune.tmp`;
  const cleanup = () => {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}.wal`, { force: true });
  };
  cleanup();
  const [current] = await store.sql('SELECT current_database() AS name');
  const source = quote(String(current!.name));
  try {
    await store.sql(`ATTACH ${literal(tmp)} AS beamulator_pruned`);
    try {
      await store.sql(`COPY FROM DATABASE ${source} TO beamulator_pruned (SCHEMA)`);
      for (const table of tables.others) await store.sql(`INSERT INTO beamulator_pruned.main.${quote(table)} SELECT * FROM ${source}.main.${quote(table)}`);
      for (const table of tables.withRuns) {
        await store.sql(`INSERT INTO beamulator_pruned.main.${quote(table)} SELECT * FROM ${source}.main.${quote(table)} WHERE run_id NOT IN (${placeholders(ids)})`, [...ids]);
      }
    } finally {
      await store.sql('DETACH beamulator_pruned');
    }
    // The copy, read back from its file: every table holds exactly what the original keeps.
    await store.sql(`ATTACH ${literal(tmp)} AS beamulator_pruned (READ_ONLY)`);
    try {
      for (const table of [...tables.withRuns, ...tables.others]) {
        const expected = tables.others.includes(table) ? await countAll(store, source, table) : await count(store, table, ids, 'NOT IN');
        const copied = await countAll(store, 'beamulator_pruned', table);
        if (copied !== expected) throw new Error(`the copy of ${table} holds ${copied} rows, not ${expected}`);
      }
    } finally {
      await store.sql('DETACH beamulator_pruned');
    }
    // The copy takes the original's permissions (a store shared by a group, or kept private), not the umask's.
    chmodSync(tmp, statSync(path).mode & 0o7777);
    renameSync(tmp, path);
  } catch (error) {
    cleanup();
    throw new BeamulatorError('BEAM_STORE', `cannot prune run store ${path}: ${errorMessage(error)}`,
      'The store was left as it was; check free disk space (pruning needs room for a copy of what is kept)', { cause: error });
  }
}

async function countAll(store: DuckDBRunStore, database: string, table: string): Promise<number> {
  const [row] = await store.sql(`SELECT count(*) AS n FROM ${database}.main.${quote(table)}`);
  return Number(row?.n ?? 0);
}

/** `$1, $2, ...`: one parameter per run id (exact for any id, unlike a list literal). */
function placeholders(ids: readonly string[]): string {
  return ids.map((_, i) => `$${i + 1}`).join(', ');
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
