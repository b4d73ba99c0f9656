/**
 * Statistics of recorded runs, computed by DuckDB over the store (`beamulator stats`): latency
 * percentiles per action, rates per behavior in sim and wall time, error ratios, a complaint
 * timeline. Several run ids (the shards of a group) are read as one run.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import type { Severity } from './records.ts';

/** What the statistics read the store through (DuckDBRunStore.sql). */
export interface SqlStore {
  sql(sql: string, params?: DuckDBValue[]): Promise<Array<Record<string, unknown>>>;
}

export interface ActionStats {
  action: string;
  count: number;
  ok: number;
  error: number;
  crash: number;
  /** error + crash over count. */
  failedRatio: number;
  /** Latency in ms (null when no action of this name has one). */
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

export interface BehaviorStats {
  behavior: string;
  actors: number;
  actions: number;
  failed: number;
  /** Actions per hour of sim time (of the run's sim duration). */
  perSimHour: number;
  /** Actions per second of wall time (of the run's wall duration; null while unknown). */
  perWallSecond: number | null;
}

export interface ComplaintBucket {
  /** Sim time the bucket starts at, ms. */
  from: number;
  to: number;
  bySeverity: Record<Severity, number>;
}

export interface RunStats {
  runIds: string[];
  actions: number;
  actors: number;
  simDurationMs: number;
  /** From the first start to the last end among the runs (null when one has not ended). */
  wallMs: number | null;
  failedRatio: number;
  byAction: ActionStats[];
  byBehavior: BehaviorStats[];
  /** Complaints over sim time, in `buckets` equal slices of the sim duration. */
  complaintTimeline: ComplaintBucket[];
  topComplaints: Array<{ severity: Severity; message: string; count: number; firstAt: number }>;
  /** Paced runs (one per shard): speed and the turns' lag; empty for runs in virtual time. */
  pace: PaceStats[];
}

/** How a paced run kept its pace (from its `pace` events): wall ms, actual minus intended dispatch time. */
export interface PaceStats {
  runId: string;
  /** The speed the run was started at. */
  speed: number;
  /** Its speed at the end (after runtime changes), and its turns' lag; null when the run has no end (still running, killed). */
  endSpeed: number | null;
  turns: number | null;
  lagP50Ms: number | null;
  lagP99Ms: number | null;
  lagMaxMs: number | null;
  /** Pauses and speed changes made while it ran. */
  changes: number;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const orNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Reads the statistics of `runIds` (one run, or the shards of a group).
 *
 * @example
 * const stats = await readRunStats(store, [runId]);
 * console.log(stats.byAction[0]?.p99);
 */
export async function readRunStats(store: SqlStore, runIds: readonly string[], buckets = 12): Promise<RunStats> {
  const these = runIdList(runIds);
  const [runRow] = await store.sql(
    `SELECT max(sim_duration_ms) AS sim, min(wall_started_at) AS started, max(wall_ended_at) AS ended, count(*) FILTER (WHERE wall_ended_at IS NULL) AS open
     FROM runs WHERE ${these}`);
  const simDurationMs = num(runRow?.sim);
  const wallMs = num(runRow?.open) > 0 || runRow?.ended === null ? null : num(runRow?.ended) - num(runRow?.started);
  const byAction = (await store.sql(
    `SELECT action, count(*) AS n, count(*) FILTER (WHERE outcome = 'ok') AS ok, count(*) FILTER (WHERE outcome = 'error') AS error,
       count(*) FILTER (WHERE outcome = 'crash') AS crash, quantile_cont(latency_ms, 0.5) AS p50, quantile_cont(latency_ms, 0.9) AS p90,
       quantile_cont(latency_ms, 0.99) AS p99, max(latency_ms) AS max
     FROM actions WHERE ${these} GROUP BY action ORDER BY n DESC, action`)).map((r) => ({
    action: String(r.action), count: num(r.n), ok: num(r.ok), error: num(r.error), crash: num(r.crash),
    failedRatio: num(r.n) > 0 ? (num(r.error) + num(r.crash)) / num(r.n) : 0,
    p50: orNull(r.p50), p90: orNull(r.p90), p99: orNull(r.p99), max: orNull(r.max),
  }));
  const simHours = simDurationMs / 3_600_000;
  const byBehavior = (await store.sql(
    `WITH ac AS (SELECT run_id, actor_id, behavior FROM actors WHERE ${these}),
          a AS (SELECT ac.behavior, count(*) AS n, count(*) FILTER (WHERE outcome <> 'ok') AS failed
                FROM actions JOIN ac USING (run_id, actor_id) WHERE actions.${these} GROUP BY ac.behavior)
     SELECT ac.behavior, count(*) AS actors, any_value(a.n) AS n, any_value(a.failed) AS failed
     FROM ac LEFT JOIN a USING (behavior) GROUP BY ac.behavior ORDER BY n DESC NULLS LAST, ac.behavior`)).map((r) => ({
    behavior: String(r.behavior), actors: num(r.actors), actions: num(r.n), failed: num(r.failed),
    perSimHour: simHours > 0 ? num(r.n) / simHours : 0,
    perWallSecond: wallMs && wallMs > 0 ? num(r.n) / (wallMs / 1000) : null,
  }));
  const size = simDurationMs > 0 ? simDurationMs / buckets : 1;
  const timelineRows = await store.sql(
    `SELECT least(CAST(floor(sim_time / $1) AS INTEGER), $2) AS b, severity, count(*) AS n FROM complaints WHERE ${these} GROUP BY ALL ORDER BY b`,
    [size, buckets - 1]);
  const complaintTimeline: ComplaintBucket[] = Array.from({ length: simDurationMs > 0 ? buckets : 0 }, (_, i) => ({
    from: i * size, to: (i + 1) * size, bySeverity: { urgent: 0, annoying: 0, justsayin: 0 },
  }));
  for (const r of timelineRows) {
    const bucket = complaintTimeline[num(r.b)];
    if (bucket) bucket.bySeverity[String(r.severity) as Severity] += num(r.n);
  }
  const topComplaints = (await store.sql(
    `SELECT severity, message, count(*) AS n, min(sim_time) AS first FROM complaints WHERE ${these} GROUP BY ALL ORDER BY n DESC, first LIMIT 10`,
  )).map((r) => ({ severity: String(r.severity) as Severity, message: String(r.message), count: num(r.n), firstAt: num(r.first) }));
  const pace = (await store.sql(
    `WITH e AS (SELECT run_id, detail FROM events WHERE ${these} AND kind = 'pace')
     SELECT r.run_id, CAST(json_extract(r.config, '$.speed') AS DOUBLE) AS speed,
       any_value(CAST(json_extract(e.detail, '$.speed') AS DOUBLE)) FILTER (WHERE json_extract_string(e.detail, '$.what') = 'end') AS end_speed,
       any_value(CAST(json_extract(e.detail, '$.turns') AS BIGINT)) FILTER (WHERE json_extract_string(e.detail, '$.what') = 'end') AS turns,
       any_value(CAST(json_extract(e.detail, '$.p50Ms') AS DOUBLE)) FILTER (WHERE json_extract_string(e.detail, '$.what') = 'end') AS p50,
       any_value(CAST(json_extract(e.detail, '$.p99Ms') AS DOUBLE)) FILTER (WHERE json_extract_string(e.detail, '$.what') = 'end') AS p99,
       any_value(CAST(json_extract(e.detail, '$.maxMs') AS DOUBLE)) FILTER (WHERE json_extract_string(e.detail, '$.what') = 'end') AS max,
       count(e.detail) FILTER (WHERE json_extract_string(e.detail, '$.what') IN ('pause', 'resume', 'speed')) AS changes
     FROM runs r LEFT JOIN e USING (run_id)
     WHERE r.${these} AND json_extract(r.config, '$.speed') IS NOT NULL AND json_type(json_extract(r.config, '$.speed')) <> 'NULL'
     GROUP BY r.run_id, r.config ORDER BY r.run_id`)).map((r) => ({
    runId: String(r.run_id), speed: num(r.speed), endSpeed: orNull(r.end_speed), turns: orNull(r.turns),
    lagP50Ms: orNull(r.p50), lagP99Ms: orNull(r.p99), lagMaxMs: orNull(r.max), changes: num(r.changes),
  }));
  const actions = byAction.reduce((n, a) => n + a.count, 0);
  const failed = byAction.reduce((n, a) => n + a.error + a.crash, 0);
  return {
    runIds: [...runIds], actions, actors: byBehavior.reduce((n, b) => n + b.actors, 0), simDurationMs, wallMs,
    failedRatio: actions > 0 ? failed / actions : 0, byAction, byBehavior, complaintTimeline, topComplaints, pace,
  };
}

/** One slice of sim time: how many actions ran, failed, how long they took, and complaints. */
export interface SeriesPoint {
  /** Sim time the slice starts at, ms. */
  at: number;
  actions: number;
  failed: number;
  /** Latency in ms over the slice's actions (null when it has none). */
  p50: number | null;
  p99: number | null;
  complaints: number;
}

/**
 * The run over sim time, in `slices` equal slices of its sim duration: what the dashboard draws.
 *
 * @example
 * const points = await readRunSeries(store, [runId], 120);
 */
export async function readRunSeries(store: SqlStore, runIds: readonly string[], slices = 120): Promise<SeriesPoint[]> {
  const these = runIdList(runIds);
  const [runRow] = await store.sql(`SELECT max(sim_duration_ms) AS sim FROM runs WHERE ${these}`);
  const simDurationMs = num(runRow?.sim);
  if (simDurationMs <= 0) return [];
  const size = simDurationMs / slices;
  const points: SeriesPoint[] = Array.from({ length: slices }, (_, i) => ({ at: i * size, actions: 0, failed: 0, p50: null, p99: null, complaints: 0 }));
  const slice = `least(CAST(floor(sim_time / $1) AS INTEGER), $2)`;
  for (const r of await store.sql(
    `SELECT ${slice} AS b, count(*) AS n, count(*) FILTER (WHERE outcome <> 'ok') AS failed,
       quantile_cont(latency_ms, 0.5) AS p50, quantile_cont(latency_ms, 0.99) AS p99
     FROM actions WHERE ${these} GROUP BY b`, [size, slices - 1])) {
    const p = points[num(r.b)];
    if (p) Object.assign(p, { actions: num(r.n), failed: num(r.failed), p50: orNull(r.p50), p99: orNull(r.p99) });
  }
  for (const r of await store.sql(`SELECT ${slice} AS b, count(*) AS n FROM complaints WHERE ${these} GROUP BY b`, [size, slices - 1])) {
    const p = points[num(r.b)];
    if (p) p.complaints = num(r.n);
  }
  return points;
}

/** `run_id IN (...)` for these ids, quoted (they come from the store, but a quote must never break the query). */
export function runIdList(runIds: readonly string[]): string {
  return `run_id IN (${runIds.map((id) => `'${id.replace(/'/g, "''")}'`).join(', ')})`;
}
