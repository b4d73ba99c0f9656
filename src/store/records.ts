/**
 * The rows a run writes, one interface per table of the run store. Everything the
 * engine records is plain JSON-able data; `Json` columns are stored as DuckDB JSON.
 *
 * Determinism contract: for the same simulation + seed (+ same target behaviour) every
 * field of these records is identical run to run, except the wall-clock ones, whose
 * names start with `wall` (and `runId`, `latencyMs`, which measure or name a run).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What happened to one action: returned (`ok`), reported a failure (`error`), or threw (`crash`). */
export type Outcome = 'ok' | 'error' | 'crash';

/** Complaint severity, most to least serious (the original project's three levels). */
export type Severity = 'urgent' | 'annoying' | 'justsayin';
export const severities: readonly Severity[] = ['urgent', 'annoying', 'justsayin'];

/**
 * `abandoned` is never written: a reader derives it for a run left 'running' by a process that
 * died (store/live-runs.ts).
 */
export type RunStatus = 'running' | 'completed' | 'stopped' | 'failed' | 'abandoned';
export type RunKind = 'run' | 'replay' | 'fuzz';

export interface RunRecord {
  runId: string;
  kind: RunKind;
  parentRunId: string | null;
  simulation: string;
  /** Path of the simulation file, as given. */
  file: string | null;
  seed: string;
  status: RunStatus;
  /** The resolved run options (limits, concurrency, target url, ...). */
  config: Json;
  /** sha256 of the simulation file's source, to tell whether code changed since. */
  codeHash: string | null;
  beamulatorVersion: string;
  /** Wall-clock start and end, epoch ms. */
  wallStartedAt: number;
  wallEndedAt: number | null;
  /** Simulated time reached, ms since the run's sim start. */
  simDurationMs: number;
  /** Sim epoch of t=0, epoch ms (a fixed date by default, so runs are reproducible). */
  simEpoch: number;
  /** Why the run stopped: 'duration', 'max-actions', 'max-wall-time', 'all-actors-stopped', 'interrupted', 'error'. */
  stopReason: string | null;
  /** A one-line error when status is 'failed'. */
  error: string | null;
  /** For a replay (`kind = replay`): how it compared with its parent run. */
  comparison: Json | null;
  /**
   * The run's resolved parameters (every parameter of its simulation, after `--param`, env and
   * defaults; secret-named ones redacted); null for a run recorded before runs had parameters.
   */
  params: Record<string, Json> | null;
}

/**
 * `config`: counted in the population; `target`: seeded from what the target held (fromTarget);
 * `seeder`: the run's own actor that made fromTarget's reads; `runtime`: spawned while running.
 */
export type ActorOrigin = 'config' | 'target' | 'seeder' | 'runtime';

export interface ActorRecord {
  runId: string;
  actorId: number;
  behavior: string;
  name: string;
  config: Json;
  initialState: Json;
  tags: string[];
  /** The actor's rng state at spawn, so a replay can restart the stream. */
  rngState: Json;
  origin: ActorOrigin;
  /** Sim time of its first turn. */
  spawnAt: number;
}

export interface ActionRecord {
  runId: string;
  /** Global order in which actions started; the key of the action log. */
  seq: number;
  actorId: number;
  /** The registered action name (`createTodo`). */
  action: string;
  args: Json;
  outcome: Outcome;
  result: Json;
  error: string | null;
  /** Sim time when the action ran (virtual time does not move during an action). */
  simTime: number;
  /** Which engine step it ran in; actions of one step were in flight together when concurrency > 1. */
  step: number;
  /** Wall clock, µs since the run started: when the action started and finished (overlap evidence). */
  wallStartUs: number;
  wallEndUs: number;
  latencyMs: number;
}

export interface ComplaintRecord {
  runId: string;
  /** Order of complaints within the run. */
  seq: number;
  /** The action that caused it, or null for a complaint raised outside an action. */
  actionSeq: number | null;
  actorId: number;
  severity: Severity;
  message: string;
  /** Source text of the predicate that fired (or 'ctx.complain' for direct complaints). */
  trigger: string;
  detail: Json;
  simTime: number;
}

export interface ExchangeRecord {
  runId: string;
  actionSeq: number;
  /** n-th exchange of that action (0-based): offline replay matches on (action, n), never on URL alone. */
  n: number;
  protocol: 'http';
  method: string;
  /** Path and query for requests to the run's target (`/todos?x=1`); the absolute url for any other origin. */
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: string | null;
  status: number | null;
  responseHeaders: Record<string, string>;
  responseBody: string | null;
  /** Transport error (connection refused, timeout), when there was no response. */
  error: string | null;
  wallStartUs: number;
  durationMs: number;
}

/**
 * Where an actor stood at a snapshot (sim-time intervals and the run's stop): what a crashed
 * actor restarts from and what `run --resume` continues from. The row with `actorId` null holds
 * the run's own counters (`detail`: step, next action seq).
 */
export interface SnapshotRecord {
  runId: string;
  simTime: number;
  actorId: number | null;
  /** The actor's state, redacted like every row (a resumed actor gets redacted values back from its initial state). */
  state: Json;
  rngState: Json;
  /** Sim time of the actor's next turn; null when it has stopped. */
  nextWake: number | null;
  /** Actor: turns, crashesInARow, stopped, midTurn, tags, order (its place among events due at the same time). Run: step, actionSeq. */
  detail: Json;
}

/**
 * `probe`: an invariant ran an action (detail `{ invariant, seq }`), so logs can tell probes from the behaviors' actions.
 * `screenshot`: a browser action failed or was complained about; detail `{ file, actionSeq, complaintSeq }`, `file`
 * relative to the run store's folder. `trace`: a browser actor's Playwright trace (`--trace`); detail `{ file }`, relative likewise.
 */
export type EventKind = 'spawn' | 'stop' | 'retire' | 'crash' | 'restart' | 'give-up' | 'limit' | 'interrupt' | 'probe' | 'resume' | 'snapshots-off' | 'screenshot' | 'trace' | 'control' | 'message' | 'overlap-order' | 'pace';

export interface EventRecord {
  runId: string;
  seq: number;
  simTime: number;
  actorId: number | null;
  kind: EventKind;
  detail: Json;
}

/** Counts that `beamulator run` and `show` print. */
export interface RunSummary {
  actions: number;
  byOutcome: Record<Outcome, number>;
  complaints: number;
  bySeverity: Record<Severity, number>;
  actors: number;
  simDurationMs: number;
}
