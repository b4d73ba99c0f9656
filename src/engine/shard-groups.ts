import type { ActorRecord, RunRecord } from '../store/records.ts';
import { shardOfRun } from '../store/run-shard.ts';
import { storedSeedOf } from './seed-population.ts';

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

/**
 * Every shard of a run seeded from its target (PopulationEntry.fromTarget) reads the target
 * itself and spawns its own share of the actors, by id: the ids line up only when every shard
 * got the same actor list (names and configs, entry by entry; states may differ, since a shard's
 * actors change only what they own). One line on the first shard that got another list than the
 * lowest one, or null when they agree (or nothing was seeded).
 *
 * @example
 * const problem = seedDisagreement([{ index: 1, actors: await store.actors(a) }, { index: 2, actors: await store.actors(b) }]);
 */
export function seedDisagreement(shards: ReadonlyArray<{ index: number; actors: readonly ActorRecord[] }>): string | null {
  let first: { index: number; lists: Map<number, string[]> } | null = null;
  for (const { index, actors } of [...shards].sort((a, b) => a.index - b.index)) {
    const seed = storedSeedOf(actors, []);
    if (!seed) continue;
    const lists = new Map([...seed.byEntry].map(([entry, list]) => [entry, list.map((a) => JSON.stringify([a.name ?? null, a.config ?? null]))]));
    if (!first) {
      first = { index, lists };
      continue;
    }
    for (const entry of new Set([...first.lists.keys(), ...lists.keys()])) {
      const want = first.lists.get(entry) ?? [];
      const got = lists.get(entry) ?? [];
      if (want.length === got.length && want.every((a, i) => a === got[i])) continue;
      const how = want.length === got.length ? `${got.length} actors, other names or configs` : `${got.length} actors, not ${want.length}`;
      return `shard ${index} was seeded from the target with other actors than shard ${first.index} (population[${entry}]: ${how}), so their actor ids do not line up`;
    }
  }
  return null;
}
