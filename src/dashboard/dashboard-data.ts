import type { ActorRecord, ComplaintRecord } from '../store/records.ts';
import type { Redactor } from '../store/redact.ts';
import type { RunStore } from '../store/run-store.ts';
import { readRunSeries, readRunStats, runIdList, type RunStats, type SeriesPoint, type SqlStore } from '../store/run-stats.ts';

/** One actor as the dashboard's grid and card show it. */
export interface DashboardActor {
  runId: string;
  actorId: number;
  name: string;
  behavior: string;
  tags: readonly string[];
  config: unknown;
  initialState: unknown;
  actions: number;
  failed: number;
  complaints: number;
  lastAction: { action: string; outcome: string; simTime: number } | null;
}

/** Everything the page of a stored run draws, read once: a recorded run does not change. */
export interface DashboardData {
  title: string;
  runIds: string[];
  stats: RunStats;
  series: SeriesPoint[];
  actors: DashboardActor[];
  /** The first complaints by sim time (at most `maxComplaints`). */
  complaints: ComplaintRecord[];
}

const maxComplaints = 500;

/**
 * Reads what the dashboard shows of `runIds` (a run, or a group's shards), redacted for display.
 *
 * @example
 * const data = await readDashboardData(store, { runIds: [runId], title: `run ${runId}` }, redactor);
 */
export async function readDashboardData(
  store: RunStore & SqlStore, runs: { runIds: string[]; title: string }, redactor: Redactor,
): Promise<DashboardData> {
  const { runIds, title } = runs;
  const [stats, series, actorRows, perActor, complaints] = await Promise.all([
    readRunStats(store, runIds),
    readRunSeries(store, runIds),
    Promise.all(runIds.map((id) => store.actors(id))).then((all) => all.flat()),
    store.sql(
      `SELECT run_id, actor_id, count(*) AS n, count(*) FILTER (WHERE outcome <> 'ok') AS failed, arg_max(action, seq) AS last_action,
         arg_max(outcome, seq) AS last_outcome, max(sim_time) AS last_at
       FROM actions WHERE ${runIdList(runIds)} GROUP BY run_id, actor_id`),
    Promise.all(runIds.map((id) => store.complaints(id))).then((all) => all.flat().sort((a, b) => a.simTime - b.simTime)),
  ]);
  const key = (runId: unknown, actorId: unknown) => `${String(runId)}\0${String(actorId)}`;
  const counts = new Map(perActor.map((r) => [key(r.run_id, r.actor_id), r]));
  const complaintsBy = new Map<string, number>();
  for (const c of complaints) complaintsBy.set(key(c.runId, c.actorId), (complaintsBy.get(key(c.runId, c.actorId)) ?? 0) + 1);
  const actors = actorRows.map((a: ActorRecord) => {
    const c = counts.get(key(a.runId, a.actorId));
    return redactor.record({
      runId: a.runId, actorId: a.actorId, name: a.name, behavior: a.behavior, tags: a.tags, config: a.config, initialState: a.initialState,
      actions: Number(c?.n ?? 0), failed: Number(c?.failed ?? 0), complaints: complaintsBy.get(key(a.runId, a.actorId)) ?? 0,
      lastAction: c ? { action: String(c.last_action), outcome: String(c.last_outcome), simTime: Number(c.last_at) } : null,
    });
  }).sort((a, b) => a.actorId - b.actorId);
  return {
    title, runIds, series, actors,
    stats: { ...stats, topComplaints: stats.topComplaints.map((c) => redactor.record(c)) },
    complaints: complaints.slice(0, maxComplaints).map((c) => redactor.record(c)),
  };
}
