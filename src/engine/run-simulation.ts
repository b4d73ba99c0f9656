import { dirname, resolve as resolvePath } from 'node:path';
import { defaultSimEpoch } from '../clock/virtual-clock.ts';
import { monotonicMs, wallNow } from '../clock/wall-clock.ts';
import type { BrowserConnector } from '../connectors/browser-connector.ts';
import type { PageInspector } from '../connectors/page-view.ts';
import type { ExchangeSource } from '../connectors/exchange-source.ts';
import type { RequestMismatch } from '../connectors/request-mismatch.ts';
import type { HttpClientFactory } from '../connectors/http-client.ts';
import { normalizeSeed } from '../rng/seed.ts';
import { NullWriter } from '../store/null-writer.ts';
import type { Rng } from '../rng/rng.ts';
import type { Json, RunStatus, RunSummary } from '../store/records.ts';
import { Redactor, type RedactPattern } from '../store/redact.ts';
import type { RunStore, RunWriter } from '../store/run-store.ts';
import { parseDuration, parsePositiveDuration, type Duration } from '../util/duration.ts';
import { BeamulatorError, errorMessage } from '../util/errors.ts';
import { isUserCodeError } from '../util/user-code.ts';
import { version } from '../util/version.ts';
import { Engine } from './engine.ts';
import { checkSpeed, type PacedLoopOptions } from './paced-loop.ts';
import type { LagSummary, PaceControl } from './pace-control.ts';
import { parseWallStartAt } from './wall-start-at.ts';
import type { EngineHooks } from './engine-hooks.ts';
import { userHooks } from './user-hooks.ts';
import type { ParamDefs, ParamSettings, ParamValues } from '../util/params.ts';
import { resolveParams } from './resolve-params.ts';
import type { StoredSeed } from './stored-seed.ts';
import type { ResumePoint } from './resume-point.ts';
import { openRunResources, type RunResources } from './run-resources.ts';
import { resumeRunOptions, runToResume } from './resume-options.ts';
import { defaultStorePath, openRunStore } from '../store/duckdb-store.ts';
import type { TargetState } from './reset-target.ts';
import type { RecordedControl } from './control-call.ts';
import type { RunControl } from './run-control.ts';
import { resolveShard, type ResolvedShard, type Shard } from './shard.ts';
import { isSimulation, redactionOf, type Simulation } from './simulation.ts';

/** Options of one run; each overrides the simulation's own default. */
export interface RunOptions<P extends ParamDefs = ParamDefs> {
  /** The run's seed (default: the simulation's `seed`, else a random one, stored with the run). */
  seed?: string | number;
  /**
   * Values of the simulation's parameters (see SimulationSpec.params); the others come from
   * their `env` variable if they name one, else their default. Text is parsed as `--param` does.
   */
  params?: ParamSettings<P>;
  /** Where parameters that name an `env` variable read it (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Sim-time length of the run (default: the simulation's `duration`, else '1h'). */
  duration?: Duration;
  /** Stop after this many actions (checked between turns). */
  maxActions?: number;
  /** Stop after this much wall time. */
  maxWallTime?: Duration;
  /** How many due actors may be in flight together (default: the simulation's, else 1; paced: unbounded). */
  concurrency?: number;
  /**
   * Paced mode: sim ms per wall ms (1 = real time, 60 = a sim minute per wall second, 0.5 = half
   * speed). Actors run independently (no steps); each turn is dispatched at its intended wall time
   * and its lag recorded (see docs/paced-runs.md). Default: the simulation's `speed`, else virtual
   * time (as fast as the target answers); `false`: virtual time even when the simulation sets one.
   */
  speed?: number | false;
  /**
   * Paced runs: the wall instant of sim time 0, as an ISO date or epoch ms; the run waits until
   * then. Shards given the same instant start aligned (docs/sharding.md). Default: now.
   */
  wallStartAt?: string | number;
  /** Paced runs: called once the run starts, with the control that pauses, resumes and changes its speed. */
  onPaceControl?: (pace: PaceControl) => void;
  /** With concurrency > 1, events this close in sim time run together (default: the simulation's, else 0). */
  overlapWindow?: Duration;
  /** Per-action timeout (default: the simulation's `actionTimeout`, else '30s'); replays pass the original's. */
  actionTimeout?: Duration;
  /**
   * Where to record: a DuckDB file path (default '.beamulator/beamulator.duckdb'), ':memory:',
   * an open store, or `false` to record nothing.
   */
  db?: string | RunStore | false;
  /**
   * Names to redact on top of the built-in rules in the store this run opens (`db` as a path) and
   * in the result's `params`. A store passed as `db` keeps the rules it was opened with
   * (`openStore(path, { redact: { extra } })`).
   */
  redact?: readonly RedactPattern[];
  /** Url of a running target; when set, the simulation's `target.start` is not called. */
  target?: string;
  /** Override actor counts by behavior name. */
  actors?: Record<string, number>;
  /**
   * Run one shard of the population (actor `id` is in shard `id % count + 1`); every actor keeps
   * the id, name, config and random stream it has in the whole run. Stored with the run, with its group.
   */
  shard?: Shard;
  /** Abort to stop the run gracefully (everything recorded so far is kept). */
  signal?: AbortSignal;
  /**
   * Called as the run goes: onRunStart, onAction, onComplaint, onEvent, onProgress, onSaving. A hook that
   * throws stops the run with a UserCodeError naming it (`RunOptions.hooks.onAction()`, exit 6),
   * not as a crash of the behavior whose action it was told of.
   */
  hooks?: EngineHooks;
  /**
   * Called once, when the actors are about to start, with the run's RunControl: spawn, remove,
   * replace, run an action as an actor, set state, tag, send messages, query actors while the
   * run runs. Each change is recorded, so the run still replays exactly (docs/population-api.md).
   */
  onControl?: (control: RunControl) => void;
  /** The simulation file, stored with the run (so `beamulator replay <run-id>` can load it). */
  file?: string;
  /**
   * Continue a stopped or interrupted run (its id, or `latest`) from its last snapshots, as a new
   * run linked to it (`parentRunId`), as `beamulator run --resume` does. The run is read from the
   * store `db` names (default the default store) and the new one is recorded there too. It keeps
   * the stopped run's seed, parameters, actors and settings, so `seed`, `params`, `env`, `actors`,
   * `concurrency`, `overlapWindow` and `shard` may not be given; `duration` extends it. The target
   * is not reset (it holds what the run left there): pass the one it ran against as `target`.
   *
   * @example
   * const first = await runSimulation(sim, { seed: 9, duration: '2h', db: 'runs.duckdb' });
   * const rest = await runSimulation(sim, { resume: first.runId, duration: '6h', db: 'runs.duckdb' });
   */
  resume?: string;
}

/**
 * RunOptions plus what beamulator's own CLI, replay and fuzzer pass: a population and random
 * streams made by the fuzzer, the replay bookkeeping, the run's kind. Not exported from the
 * package: a run made with them could not be repeated from the options a user can see.
 */
export interface InternalRunOptions<P extends ParamDefs = ParamDefs> extends RunOptions<P> {
  /** The folder screenshots and traces go into (default: the store's; a fuzz recording in a scratch store names the campaign store's). */
  artifactsRoot?: string | null;
  /** A Playwright trace of each actor's browser context, written next to the store (`traces/<run id>/actor-<id>.zip`) and named by a `trace` event. */
  trace?: boolean;
  /** Replace the simulation's population (fuzzing generates one). */
  population?: Simulation['population'];
  /** Each actor's random stream (default: seeded; fuzzing passes tape-backed ones). */
  rngFor?: (actorId: number) => Rng;
  /** Overlap drawn from the actors' own streams (fuzzing); see EngineOptions.overlap. */
  overlap?: { maxSpan: number; maxLatencyMs: number; ordered?: boolean };
  /** The run id's shard tag (`-s<i>`) for a run that is not itself a shard: a failure of a sharded fuzz campaign. */
  runIdShard?: number;
  /** `fuzz` for runs made by the fuzzer (default `run`). */
  kind?: 'run' | 'fuzz';
  /** Extra data stored in the run's config under `meta` (the fuzzer stores the failing spec there). */
  meta?: Json;
  /** Hash of the simulation file's code (see loadSimulation), stored so a replay can tell the code changed. */
  codeHash?: string;
  /** Set by replay: records the run as a replay of its parent and stores the comparison. */
  replay?: ReplayRecording;
  /** Set by replay: the original's control calls, applied again at the same steps. */
  controls?: readonly RecordedControl[];
  /** Set by replay: the original's seed (fromTarget entries are built from it; the target is not read). */
  storedSeed?: StoredSeed;
  /** `run --resume`: continue a stopped run from its snapshots, as a new run linked to it (see resume-options.ts). */
  resumeFrom?: ResumePoint;
  /** Run the target's `reset` on a running target before the run (default true; the fuzzer resets between runs itself). */
  resetTarget?: boolean;
  /**
   * Resources the caller opened (see openRunResources) and closes itself; `db`, `redact`'s store
   * rules, `target` and `replay`'s http and exchanges are then not used. The fuzzer keeps the
   * store open past the run, to export it.
   */
  resources?: RunResources;
  /** Paced runs: told of every dispatch (sim time, intended and actual wall ms); tests check the pacing with it. */
  onPacedDispatch?: PacedLoopOptions['onDispatch'];
  /** A browser the caller owns (a fuzz campaign's: one for all its runs); see RunResourceOptions.browser. */
  browser?: BrowserConnector;
}

/** How a replay run differs from a normal one (see src/replay). */
export interface ReplayRecording {
  parentRunId: string;
  /** Offline replay: answers requests from the recording instead of a target. */
  http?: HttpClientFactory;
  /** Offline replay: the url the original run's target had (actions that build urls themselves still get one). */
  targetUrl?: string;
  /** Offline replay of a simulation with `foreignHttp`: the recording, and where request mismatches go. */
  exchanges?: ExchangeSource;
  onRequestMismatch?: (mismatch: RequestMismatch) => void;
  /** Offline replay of a paced run: the seq the original recorded an action under (see ActionRunContext.recordedSeq). */
  recordedSeq?: (seq: number, actorId: number) => number;
  /** Given the run's browser session (see EngineOptions.onBrowserSession). */
  onBrowserSession?: (session: PageInspector) => void;
  /** The comparison with the parent, stored with the run when it finishes. */
  comparison(): Json;
}

export interface RunResult {
  runId: string;
  seed: string;
  /** The run's resolved parameters, as stored with it: a secret-named one (see `redact`) shows `[redacted]`. */
  params: ParamValues;
  status: RunStatus;
  stopReason: string;
  summary: RunSummary;
  crashes: number;
  simDurationMs: number;
  wallMs: number;
  /** The store path the run was written to (null when not recorded). */
  db: string | null;
  targetUrl: string | null;
  /**
   * How the target was prepared: `started` for the run, `reset` (its `reset` ran), `as-found` (a
   * running target used as it was: what it held may shape the run), null offline or without one.
   */
  targetState: TargetState;
  /** The shard this run is (with its group), or null for a whole run. */
  shard: ResolvedShard | null;
  /** A paced run's speed at its end and its turns' lag (wall ms); null for a run in virtual time. */
  pace: { speed: number; lag: LagSummary | null } | null;
}

/**
 * Runs a simulation in virtual time and records it.
 *
 * @example
 * const result = await runSimulation(sim, { seed: 42, duration: '2h', db: ':memory:' });
 * console.log(result.runId, result.summary.complaints);
 */
export function runSimulation<P extends ParamDefs>(sim: Simulation<P>, options: RunOptions<P> = {}): Promise<RunResult> {
  const hooks = userHooks(options.hooks, 'RunOptions');
  return runSimulationInternal(sim, { ...options, ...(hooks ? { hooks } : {}) });
}

/** runSimulation with the options only beamulator itself passes (see InternalRunOptions). */
export async function runSimulationInternal<P extends ParamDefs>(sim: Simulation<P>, options: InternalRunOptions<P> = {}): Promise<RunResult> {
  if (!isSimulation(sim)) {
    throw new BeamulatorError('BEAM_SIMULATION_INVALID', 'cannot run: the value given is not a simulation', 'Export defineSimulation({...}) from the simulation file');
  }
  if (options.resume !== undefined) return resumeRun(sim, options);
  const wallStart = monotonicMs();
  const seed = normalizeSeed(options.seed ?? sim.seed);
  const durationMs = parsePositiveDuration(options.duration ?? sim.duration ?? '1h', 'duration');
  const maxWallMs = options.maxWallTime !== undefined ? parsePositiveDuration(options.maxWallTime, 'max wall time') : Infinity;
  // Fuzz runs (tapes, drawn overlap) are in virtual time whatever the simulation's speed: their
  // interleavings must come from the tapes, not from the wall clock.
  const fuzzing = options.kind === 'fuzz' || options.rngFor !== undefined || options.overlap !== undefined;
  const speed = options.speed === false || (fuzzing && options.speed === undefined) ? null : options.speed ?? sim.speed ?? null;
  if (speed !== null) checkSpeed(speed);
  if (speed !== null && fuzzing) {
    throw new BeamulatorError('BEAM_USAGE', 'cannot pace a fuzz run: its interleavings come from its tapes, not the wall clock', 'Drop speed for fuzzing');
  }
  if (options.wallStartAt !== undefined && speed === null) {
    throw new BeamulatorError('BEAM_USAGE', 'cannot start a run at a wall time in virtual time: only a paced run waits for its start', 'Add a speed (--speed 1 for real time), or drop the start time');
  }
  const wallStartAt = options.wallStartAt !== undefined ? parseWallStartAt(options.wallStartAt) : null;
  // Paced actors are independent users: unbounded unless asked (a virtual run's default is one at a time).
  const concurrency = options.concurrency ?? sim.concurrency ?? (speed !== null ? Infinity : 1);
  if (!(Number.isInteger(concurrency) || concurrency === Infinity) || concurrency < 1) {
    throw new BeamulatorError('BEAM_USAGE', `cannot run with concurrency ${concurrency}`, 'Use a whole number >= 1');
  }
  const maxActions = options.maxActions ?? Infinity;
  const shard = options.shard ? resolveShard(options.shard, sim.name, seed) : null;
  const { values: params } = resolveParams(sim, { given: options.params, env: options.env ?? process.env });
  const settings = {
    durationMs,
    maxActions,
    maxWallMs,
    concurrency,
    overlapWindowMs: parseDuration(options.overlapWindow ?? sim.overlapWindow ?? 0, 'overlap window'),
    actionTimeoutMs: parseDuration(options.actionTimeout ?? sim.actionTimeout ?? '30s', 'action timeout'),
    restartDelayMs: parseDuration(sim.restart?.delay ?? '1s', 'restart delay'),
    maxCrashesInARow: sim.restart?.maxConsecutive ?? 5,
    restartPolicy: {
      backoff: sim.restart?.backoff ?? 1,
      maxDelayMs: parseDuration(sim.restart?.maxDelay ?? '1h', 'restart max delay'),
      max: sim.restart?.max ?? Infinity,
      windowMs: parseDuration(sim.restart?.window ?? '1h', 'restart window'),
    },
    snapshotEveryMs: sim.snapshots === false ? Infinity : parsePositiveDuration(sim.snapshots?.every ?? '1h', 'snapshot interval'),
    snapshotsByDefault: sim.snapshots === undefined,
    simEpoch: sim.startAt !== undefined ? new Date(sim.startAt).getTime() : defaultSimEpoch,
  };
  if (Number.isNaN(settings.simEpoch)) {
    throw new BeamulatorError('BEAM_SIMULATION_INVALID', `cannot use startAt '${String(sim.startAt)}': not a date`, "Use an ISO date like '2026-01-05T08:00:00Z'");
  }

  // Resources a caller opened (the fuzzer keeps the store open to export the run) stay open after the run.
  await using owned = options.resources ? null : await openRunResources(sim, {
    db: options.db, redact: options.redact, target: options.target, params, actionTimeoutMs: settings.actionTimeoutMs,
    // Shards share the target: each resetting it would wipe what the others' actors made.
    ...(options.resetTarget === false || (shard && shard.count > 1) ? { resetTarget: false } : {}),
    ...(options.replay?.http ? { offline: { http: options.replay.http, targetUrl: options.replay.targetUrl ?? 'http://offline.invalid' } } : {}),
    ...(options.replay?.exchanges ? { exchanges: options.replay.exchanges } : {}),
    ...(options.replay?.onRequestMismatch ? { onRequestMismatch: options.replay.onRequestMismatch } : {}),
    ...(options.browser ? { browser: options.browser } : {}),
  });
  const { store, target, http, targetState, browser } = options.resources ?? owned!;
  const config: Json = {
    durationMs, maxActions: Number.isFinite(maxActions) ? maxActions : null, maxWallMs: Number.isFinite(maxWallMs) ? maxWallMs : null,
    concurrency: Number.isFinite(concurrency) ? concurrency : null, overlapWindowMs: settings.overlapWindowMs,
    speed, wallStartAt, actionTimeoutMs: settings.actionTimeoutMs,
    restartDelayMs: settings.restartDelayMs, maxCrashesInARow: settings.maxCrashesInARow,
    snapshotEveryMs: Number.isFinite(settings.snapshotEveryMs) ? settings.snapshotEveryMs : null, resumedFrom: options.resumeFrom?.runId ?? null, targetUrl: target?.url ?? null, targetState,
    actors: options.actors ?? null,
    shard: shard as Json,
    overlap: options.overlap ?? null,
    meta: options.meta ?? null,
    // `file` is as given (relative to where the run was made): with the absolute path too, a
    // replay finds the simulation from any working directory (replay/simulation-file.ts).
    fileAbsolute: options.file ? resolvePath(options.file) : null,
  };
  const writer: RunWriter = store
    ? await store.beginRun({
      kind: options.replay ? 'replay' : options.kind ?? 'run', parentRunId: options.replay?.parentRunId ?? options.resumeFrom?.runId ?? null, simulation: sim.name, file: options.file ?? null, seed, config, params,
      codeHash: options.codeHash ?? null, beamulatorVersion: version, wallStartedAt: wallNow(), simEpoch: settings.simEpoch, redact: sim.redact,
      // Shards start in the same second on many machines: their ids must differ by more than chance.
      ...(shard && shard.count > 1 ? { shardIndex: shard.index } : options.runIdShard !== undefined ? { shardIndex: options.runIdShard } : {}),
    })
    : new NullWriter();
  let engine: Engine | undefined;
  let outcome;
  try {
    engine = new Engine({
      ...settings, sim, runId: writer.runId, seed, writer, http, targetUrl: target?.url ?? '', params,
      browser, screenshotRoot: options.artifactsRoot !== undefined ? options.artifactsRoot : store && store.path !== ':memory:' ? dirname(resolvePath(store.path)) : null,
      ...(options.replay?.http && options.replay.exchanges
        ? { recordedPages: { exchanges: options.replay.exchanges, ...(options.replay.onRequestMismatch ? { onMismatch: options.replay.onRequestMismatch } : {}) } }
        : {}),
      ...(options.replay?.onBrowserSession ? { onBrowserSession: options.replay.onBrowserSession } : {}),
      ...(options.trace ? { trace: true } : {}),
      ...(options.actors ? { counts: options.actors } : {}),
      ...(options.replay?.recordedSeq ? { recordedSeq: options.replay.recordedSeq } : {}),
      ...(shard ? { shard } : {}),
      ...(options.population ? { population: options.population } : {}),
      ...(options.rngFor ? { rngFor: options.rngFor } : {}),
      ...(options.storedSeed ? { storedSeed: options.storedSeed } : {}),
      ...(options.resumeFrom ? { resume: options.resumeFrom } : {}),
      ...(options.overlap ? { overlap: options.overlap } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.hooks ? { hooks: options.hooks } : {}),
      ...(options.onControl ? { onControl: options.onControl } : {}),
      ...(options.controls?.length ? { controls: options.controls } : {}),
      ...(speed !== null ? {
        pace: {
          speed,
          // The start instant on the monotonic clock the loop paces by.
          ...(wallStartAt !== null ? { wallOriginMs: monotonicMs() + (wallStartAt - wallNow()) } : {}),
          ...(options.onPaceControl ? { onControl: options.onPaceControl } : {}),
          ...(options.onPacedDispatch ? { onDispatch: options.onPacedDispatch } : {}),
        },
      } : {}),
    });
    outcome = await engine.run();
  } catch (error) {
    // Everything recorded so far is kept: the run is closed as failed, with what stopped it.
    const kind = options.replay ? 'replay' : options.kind === 'fuzz' ? 'fuzz run' : 'run';
    const failure = isUserCodeError(error)
      ? error.with({ doing: `run ${sim.name}`, ...(store ? { kept: `the ${kind} so far is kept (${writer.runId}, status failed)` } : {}) })
      : error;
    await writer.finish({
      status: 'failed', simDurationMs: engine?.clock.now() ?? 0, stopReason: 'error', error: errorMessage(failure),
      ...(options.replay ? { comparison: comparisonOrNull(options.replay) } : {}),
    });
    throw failure;
  }
  const status: RunStatus = outcome.stopReason === 'interrupted' ? 'stopped' : 'completed';
  const saving = savingProgress(writer, options.hooks?.onSaving);
  try {
    await writer.finish({
      status, simDurationMs: outcome.simDurationMs, stopReason: outcome.stopReason, error: null,
      ...(options.replay ? { comparison: options.replay.comparison() } : {}),
    });
  } finally {
    saving.stop();
  }
  saving.throwIfFailed();
  return {
    runId: writer.runId, seed, params: new Redactor({ extra: redactionOf(sim, options.redact) }).value(params), status, stopReason: outcome.stopReason, summary: outcome.summary, crashes: outcome.crashes,
    simDurationMs: outcome.simDurationMs, wallMs: monotonicMs() - wallStart, db: store?.path ?? null, targetUrl: target?.url ?? null, targetState, shard,
    pace: outcome.pace,
  };
}

/** `resume`: the stopped run's options (see resumeRunOptions), then the run, in the store the stopped run is in. */
async function resumeRun<P extends ParamDefs>(sim: Simulation<P>, { resume, ...options }: InternalRunOptions<P>): Promise<RunResult> {
  for (const key of ['seed', 'params', 'env', 'actors', 'concurrency', 'overlapWindow', 'shard'] as const) {
    if (options[key] !== undefined) {
      throw new BeamulatorError('BEAM_USAGE', `cannot resume run '${resume}' with ${key}: a resumed run keeps the settings of the run it continues`, `Drop ${key} from the options`);
    }
  }
  if (options.db === false) throw new BeamulatorError('BEAM_USAGE', `cannot resume run '${resume}' with db: false: the run and its snapshots are read from a store`, 'Pass the store it was recorded in as db');
  const owned = options.db === undefined || typeof options.db === 'string'
    ? await openRunStore(options.db ?? defaultStorePath, { redact: { extra: redactionOf(sim, options.redact) } })
    : null;
  const store = owned ?? (options.db as RunStore);
  try {
    const run = await runToResume(store, resume!);
    return await runSimulationInternal(sim, { ...options, ...(await resumeRunOptions(store, run, sim as Simulation, options.duration)), db: store });
  } finally {
    await owned?.close();
  }
}

/**
 * Tells onSaving what is left to load into DuckDB at the run's end (its journal), then how much is
 * loaded every quarter second until stopped. Nothing when nothing is left. A hook that throws is
 * told no more, and its error is thrown once the rows are saved (throwIfFailed): never instead.
 */
function savingProgress(writer: RunWriter, onSaving: EngineHooks['onSaving']): { stop(): void; throwIfFailed(): void } {
  const journalBytes = writer.journalBacklog ?? 0;
  let failure: { error: unknown } | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;
  if (journalBytes > 0 && onSaving) {
    const tell = () => {
      try {
        onSaving({ journalBytes, savedBytes: Math.max(0, journalBytes - (writer.journalBacklog ?? 0)) });
      } catch (error) {
        failure = { error };
        clearInterval(timer);
      }
    };
    tell();
    if (!failure) timer = setInterval(tell, 250).unref();
  }
  return {
    stop: () => clearInterval(timer),
    throwIfFailed: () => {
      if (failure) throw failure.error;
    },
  };
}

/** The comparison of a replay that failed: null when making it fails too (a normalizer that throws again). */
function comparisonOrNull(replay: ReplayRecording): Json {
  try {
    return replay.comparison();
  } catch {
    return null;
  }
}
