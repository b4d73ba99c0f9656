/**
 * Rows as DuckDB returns them (snake_case, BIGINT as bigint, JSON as text) turned back into
 * the records of records.ts: camelCase, plain numbers, parsed JSON.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import { derivedStatus } from './live-runs.ts';
import type {
  ActionRecord, ActorRecord, ComplaintRecord, EventRecord, ExchangeRecord, Json, RunRecord, RunSummary, SnapshotRecord,
} from './records.ts';

export type Row = Record<string, unknown>;

/** A number (NaN for NULL, which only a caller's invalid number produces). */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v === null || v === undefined) return Number.NaN;
  return Number(v);
}

export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}

function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

export function json(v: unknown): Json {
  if (v === null || v === undefined) return null;
  try {
    return JSON.parse(String(v)) as Json;
  } catch {
    return String(v);
  }
}

function headers(v: unknown): Record<string, string> {
  const parsed = json(v);
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as Record<string, string> : {};
}

export const runColumns = `run_id, kind, parent_run_id, simulation, file, seed, status, config, code_hash, beamulator_version,
  wall_started_at, wall_ended_at, sim_duration_ms, sim_epoch, stop_reason, error, comparison, params`;

export function toRun(r: Row): RunRecord {
  return {
    runId: str(r.run_id), kind: str(r.kind) as RunRecord['kind'], parentRunId: strOrNull(r.parent_run_id),
    simulation: str(r.simulation), file: strOrNull(r.file), seed: str(r.seed), status: str(r.status) as RunRecord['status'],
    config: json(r.config), codeHash: strOrNull(r.code_hash), beamulatorVersion: str(r.beamulator_version),
    wallStartedAt: num(r.wall_started_at), wallEndedAt: numOrNull(r.wall_ended_at), simDurationMs: num(r.sim_duration_ms),
    simEpoch: num(r.sim_epoch), stopReason: strOrNull(r.stop_reason), error: strOrNull(r.error),
    comparison: r.comparison === undefined ? null : json(r.comparison),
    params: r.params === undefined ? null : json(r.params) as RunRecord['params'],
  };
}

/** Per-run counts, joined onto runs by `summarySql`. */
export const summaryColumns = `coalesce(a.actions, 0) AS s_actions, coalesce(a.ok, 0) AS s_ok, coalesce(a.err, 0) AS s_error,
  coalesce(a.crash, 0) AS s_crash, a.max_sim AS s_max_sim, coalesce(c.complaints, 0) AS s_complaints,
  coalesce(c.urgent, 0) AS s_urgent, coalesce(c.annoying, 0) AS s_annoying, coalesce(c.justsayin, 0) AS s_justsayin,
  coalesce(ac.actors, 0) AS s_actors`;

/** Joins for `summaryColumns`, restricted to the runs of the CTE `r`. */
export const summaryJoins = `
  LEFT JOIN (SELECT run_id, count(*) AS actions, count(*) FILTER (WHERE outcome = 'ok') AS ok,
      count(*) FILTER (WHERE outcome = 'error') AS err, count(*) FILTER (WHERE outcome = 'crash') AS crash,
      max(sim_time) AS max_sim
    FROM actions WHERE run_id IN (SELECT run_id FROM r) GROUP BY run_id) a USING (run_id)
  LEFT JOIN (SELECT run_id, count(*) AS complaints, count(*) FILTER (WHERE severity = 'urgent') AS urgent,
      count(*) FILTER (WHERE severity = 'annoying') AS annoying, count(*) FILTER (WHERE severity = 'justsayin') AS justsayin
    FROM complaints WHERE run_id IN (SELECT run_id FROM r) GROUP BY run_id) c USING (run_id)
  LEFT JOIN (SELECT run_id, count(*) AS actors FROM actors WHERE run_id IN (SELECT run_id FROM r) GROUP BY run_id) ac USING (run_id)`;

/** A run row with its counts; `isLive` tells a run this process is recording from one a dead process left 'running'. */
export function toRunWithSummary(r: Row, isLive: (runId: string) => boolean): RunRecord & { summary: RunSummary } {
  const stored = toRun(r);
  // A run that never finished has no sim duration yet: show how far its actions got.
  const maxSim = numOrNull(r.s_max_sim);
  const simDurationMs = stored.status === 'running' && maxSim !== null ? Math.max(stored.simDurationMs, maxSim) : stored.simDurationMs;
  const run = { ...stored, status: derivedStatus(stored.status, stored.runId, isLive), simDurationMs };
  return {
    ...run,
    summary: {
      actions: num(r.s_actions),
      byOutcome: { ok: num(r.s_ok), error: num(r.s_error), crash: num(r.s_crash) },
      complaints: num(r.s_complaints),
      bySeverity: { urgent: num(r.s_urgent), annoying: num(r.s_annoying), justsayin: num(r.s_justsayin) },
      actors: num(r.s_actors),
      simDurationMs,
    },
  };
}

export function toActor(r: Row): ActorRecord {
  return {
    runId: str(r.run_id), actorId: num(r.actor_id), behavior: str(r.behavior), name: str(r.name), config: json(r.config),
    initialState: json(r.initial_state), tags: Array.isArray(r.tags) ? r.tags.map(String) : [], rngState: json(r.rng_state),
    origin: str(r.origin) as ActorRecord['origin'], spawnAt: num(r.spawn_at),
  };
}

export function toSnapshot(r: Row): SnapshotRecord {
  return {
    runId: str(r.run_id), simTime: num(r.sim_time), actorId: r.actor_id === null || r.actor_id === undefined ? null : num(r.actor_id),
    state: json(r.state), rngState: json(r.rng_state), nextWake: r.next_wake === null || r.next_wake === undefined ? null : num(r.next_wake), detail: json(r.detail),
  };
}

export function toAction(r: Row): ActionRecord {
  return {
    runId: str(r.run_id), seq: num(r.seq), actorId: num(r.actor_id), action: str(r.action), args: json(r.args),
    outcome: str(r.outcome) as ActionRecord['outcome'], result: json(r.result), error: strOrNull(r.error), simTime: num(r.sim_time),
    step: num(r.step), wallStartUs: num(r.wall_start_us), wallEndUs: num(r.wall_end_us), latencyMs: num(r.latency_ms),
  };
}

export function toComplaint(r: Row): ComplaintRecord {
  return {
    runId: str(r.run_id), seq: num(r.seq), actionSeq: numOrNull(r.action_seq), actorId: num(r.actor_id),
    severity: str(r.severity) as ComplaintRecord['severity'], message: str(r.message), trigger: str(r.trigger),
    detail: json(r.detail), simTime: num(r.sim_time),
  };
}

export function toExchange(r: Row): ExchangeRecord {
  return {
    runId: str(r.run_id), actionSeq: num(r.action_seq), n: num(r.n), protocol: str(r.protocol) as ExchangeRecord['protocol'],
    method: str(r.method), url: str(r.url), requestHeaders: headers(r.request_headers), requestBody: strOrNull(r.request_body),
    status: numOrNull(r.status), responseHeaders: headers(r.response_headers), responseBody: strOrNull(r.response_body),
    error: strOrNull(r.error), wallStartUs: num(r.wall_start_us), durationMs: num(r.duration_ms),
  };
}

export function toEvent(r: Row): EventRecord {
  return {
    runId: str(r.run_id), seq: num(r.seq), simTime: num(r.sim_time), actorId: numOrNull(r.actor_id),
    kind: str(r.kind) as EventRecord['kind'], detail: json(r.detail),
  };
}

/** Parameters for a query: numbers that must stay exact go as bigint. */
export type Params = DuckDBValue[];
