/**
 * A run store with a few small recorded runs (test/e2e/sims/notes.sim.ts: no target, three actors,
 * a few sim minutes), for tests and benchmarks that need `runs`/`show` to read something real.
 */
import { runSimulation } from 'beamulator';
import notes from '../e2e/sims/notes.sim.ts';

/** Records `count` runs (seeds 1..count) into the store at `db`; returns their ids, oldest first. */
export async function recordRuns(db: string, count = 3): Promise<string[]> {
  const ids: string[] = [];
  for (let seed = 1; seed <= count; seed++) ids.push((await runSimulation(notes, { db, seed })).runId);
  return ids;
}
