/**
 * Which runs are being recorded right now, per DuckDB instance. DuckDB's file lock lets a
 * process read a store only while no other process writes it, so a run row still saying
 * 'running' is either being written by this very process (listed here) or was left behind by
 * a process that died: `abandoned`. Every reader derives the status here, so text, JSON and
 * exports agree.
 */
import type { DuckDBInstance } from '@duckdb/node-api';
import type { RunStatus } from './records.ts';

const live = new WeakMap<DuckDBInstance, Set<string>>();

/** The set of run ids this process is recording into `instance`. */
export function liveRuns(instance: DuckDBInstance): Set<string> {
  let runs = live.get(instance);
  if (!runs) live.set(instance, (runs = new Set()));
  return runs;
}

/** The status to show for a stored one: 'running' only while this process records it, else 'abandoned'. */
export function derivedStatus(stored: RunStatus, runId: string, isLive: (runId: string) => boolean): RunStatus {
  return stored === 'running' && !isLive(runId) ? 'abandoned' : stored;
}
