import type { RunRecord } from '../store/records.ts';
import { shardOfRun } from '../store/run-shard.ts';

export { shardOfRun };

/** The shards of one run found in a store, and what is wrong with the set. */
export interface ShardGroup<R extends RunRecord = RunRecord> {
  group: string;
  simulation: string;
  seed: string;
  /** How many shards the run was split into. */
  count: number;
  /** The shard runs found, by index (a shard recorded twice: the newest). */
  shards: Map<number, R>;
  /** Indexes with no run. */
  missing: number[];
  /** Shard runs that did not complete (stopped, failed, abandoned, still running). */
  unfinished: R[];
}

/**
 * Gathers sharded runs into their groups (in order of first appearance in `runs`). Replays and
 * fuzz runs are never shards of a group, even when they copy a shard's config.
 */
export function shardGroups<R extends RunRecord>(runs: readonly R[]): ShardGroup<R>[] {
  const groups = new Map<string, ShardGroup<R>>();
  for (const run of runs) {
    const shard = run.kind === 'run' ? shardOfRun(run) : null;
    if (!shard) continue;
    let g = groups.get(shard.group);
    if (!g) groups.set(shard.group, (g = { group: shard.group, simulation: run.simulation, seed: run.seed, count: shard.count, shards: new Map(), missing: [], unfinished: [] }));
    const seen = g.shards.get(shard.index);
    if (!seen || seen.wallStartedAt < run.wallStartedAt) g.shards.set(shard.index, run);
  }
  for (const g of groups.values()) {
    for (let i = 1; i <= g.count; i++) if (!g.shards.has(i)) g.missing.push(i);
    g.unfinished = [...g.shards.values()].filter((r) => r.status !== 'completed');
  }
  return [...groups.values()];
}

/** One line on what keeps a group from being whole, or null when every shard completed. */
export function groupProblem(g: ShardGroup): string | null {
  const parts: string[] = [];
  if (g.missing.length > 0) parts.push(`shard${g.missing.length === 1 ? '' : 's'} ${g.missing.join(', ')} of ${g.count} missing`);
  for (const run of g.unfinished) parts.push(`shard ${shardOfRun(run)!.index} (${run.runId}) ${run.status}`);
  return parts.length > 0 ? parts.join('; ') : null;
}
