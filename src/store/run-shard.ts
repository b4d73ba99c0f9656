/** Which shard of a sharded run a stored run is, read from its config (store-side: prune keeps groups whole). */
import type { Json, RunRecord } from './records.ts';

/** Shard `index` (from 1) of `count`, of the run group `group`. */
export interface RunShard {
  index: number;
  count: number;
  group: string;
}

/** The shard a run was (`config.shard`), or null for a whole run. */
export function shardOfRun(run: Pick<RunRecord, 'config'>): RunShard | null {
  const shard = (run.config as { shard?: Json } | null)?.shard as Partial<RunShard> | null | undefined;
  if (!shard || typeof shard.group !== 'string' || !Number.isInteger(shard.index) || !Number.isInteger(shard.count)) return null;
  return { index: shard.index!, count: shard.count!, group: shard.group };
}
