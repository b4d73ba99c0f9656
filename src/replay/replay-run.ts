import { setTimeout as sleep } from 'node:timers/promises';
import { monotonicMs, monotonicUs, wallNow } from '../clock/wall-clock.ts';
import { BrowserSession } from '../connectors/browser-session.ts';
import type { ExchangeSource } from '../connectors/exchange-source.ts';
import { RecordedPages } from '../connectors/recorded-pages.ts';
import type { HttpClientFactory } from '../connectors/http-client.ts';
import { originOf, relativeUrl } from '../connectors/relative-url.ts';
import { ActionWatchdog } from '../engine/action-watchdog.ts';
import type { EngineHooks } from '../engine/engine-hooks.ts';
import { executeAction } from '../engine/execute-action.ts';
import { userHooks } from '../engine/user-hooks.ts';
import { fuzzSpecOfConfig, specRunOptions } from './fuzz-spec.ts';
import { loadSimulation } from '../engine/load-simulation.ts';
import { resolveParams } from '../engine/resolve-params.ts';
import { openRunResources } from '../engine/run-resources.ts';
import { runSimulationInternal } from '../engine/run-simulation.ts';
import { redactionOf, type Simulation } from '../engine/simulation.ts';
import { withSimulationDefaults, type SimulationDefaults } from '../engine/simulation-defaults.ts';
import { defaultStorePath } from '../store/duckdb-store.ts';
import type { ActionRecord, ActorRecord, ComplaintRecord, EventRecord, ExchangeRecord, Json, RunRecord } from '../store/records.ts';
import { NullWriter } from '../store/null-writer.ts';
import { Redactor, type RedactPattern } from '../store/redact.ts';
import type { RunStore } from '../store/run-store.ts';
import { parseDuration } from '../util/duration.ts';
import { BeamulatorError, errorMessage } from '../util/errors.ts';
import { version } from '../util/version.ts';
import type { Divergence } from './compare.ts';
import { ReplayNormalizer } from './replay-normalizer.ts';
import { DivergenceTracker } from './divergence-tracker.ts';
import { DivergentPages } from './divergent-page.ts';
import { MintedValues } from './minted-values.ts';
import type { TargetState } from '../engine/reset-target.ts';
import type { ResolvedShard } from '../engine/shard.ts';
import { OfflineHttp, type RequestMismatch } from './offline-http.ts';
import { storedParams } from '../engine/stored-params.ts';
import { storedSeedOf } from '../engine/seed-population.ts';
import { recordedControls, type RecordedControl } from '../engine/population-control.ts';
import type { StoredSeed } from '../engine/stored-seed.ts';
import { checkSeed, type SeedCheck } from './check-seed.ts';
import { isUserCodeError } from '../util/user-code.ts';

/** A recorded run to replay: from the store, or from a replay file. */
export interface ReplaySource {
  run: RunRecord;
  actors: ActorRecord[];
  actions: ActionRecord[];
  exchanges: ExchangeRecord[];
  /** The original's events: a rerun applies its `control` events (RunControl calls) again at the same steps, and a browser action's divergence shows its screenshots beside the replay's. */
  events?: EventRecord[];
  /** The original's complaints: a rerun compares the complaints it raises with them (see ReplayRules for `complaint.detail` rules). */
  complaints?: ComplaintRecord[];
}

export type ReplayMode = 'rerun' | 'log';

export interface ReplayOptions {
  /** `rerun` (default): run the simulation again from its seed. `log`: re-issue the logged actions verbatim. */
  mode?: ReplayMode;
  /** Serve the recorded exchanges instead of calling a target. */
  offline?: boolean;
  /** Log mode: keep the original's wall-clock spacing (`original`) or go as fast as possible (`fast`, default). */
  pace?: 'original' | 'fast';
  /** The simulation; loaded from the run's file when not given. */
  simulation?: Simulation;
  /** A simulation file to use instead of the one the run names. */
  file?: string;
  /** Url of a running target (else the simulation starts one). */
  target?: string;
  /** Where the replay itself is recorded (default the default store; `false` for nowhere). */
  db?: string | RunStore | false;
  /**
   * Names to redact on top of the built-in rules: in the store this replay opens (`db` as a path)
   * and in the report (divergences, context, complaints) and the comparison stored with the replay.
   */
  redact?: readonly RedactPattern[];
  /** Abort to stop the replay (what it recorded so far is kept). */
  signal?: AbortSignal;
  /** Called as the replay goes, like a run's hooks. */
  hooks?: EngineHooks;
  /**
   * Before a rerun of a run seeded from its target (PopulationEntry.fromTarget): read the target
   * again and throw BEAM_TARGET_CHANGED when it no longer holds what the run stored. The replay
   * itself always uses the stored seed.
   */
  checkTarget?: boolean;
}

/** ReplayOptions plus what only the CLI passes: the project config's defaults. Not exported from the package. */
export interface InternalReplayOptions extends ReplayOptions {
  /** Project defaults (beamulator.config.ts) for the loaded simulation: its target url; see withSimulationDefaults. */
  defaults?: SimulationDefaults;
  /** Called with the simulation the replay runs (the CLI checks a fuzz target's invariants against the replay). */
  onSimulation?: (simulation: Simulation) => void;
}

export interface ReplayReport {
  replayRunId: string;
  parentRunId: string;
  simulation: string;
  mode: ReplayMode;
  offline: boolean;
  identical: boolean;
  /** Actions the replay made and compared. */
  compared: number;
  /** Actions in the original. */
  original: number;
  divergenceCount: number;
  /**
   * How the replay's target was prepared (see RunResult.targetState): `as-found` means a running
   * target was used as it was, so what it already held may explain a divergence. Null offline.
   */
  targetState: TargetState;
  /**
   * The original stopped before its end (`interrupted`, `max-wall-time`, `abandoned`): the replay
   * stopped after as many actions; `beyondCut` counts replay actions past the original's last one (its
   * last turn was cut short), which are not compared.
   */
  stoppedEarly: { reason: string; actions: number; beyondCut: number } | null;
  /** With `checkTarget`: the target still holds what the run was seeded from (this many actors); null otherwise. */
  seedCheck: SeedCheck | null;
  /** Live replays: recorded values paired with values the target minted anew (ids, tokens; see ReplayRules.minted). */
  mintedPairs: number;
  /** The first divergences in seq order (up to 50). */
  divergences: Divergence[];
  /** Up to 5 actions of the first divergent action's actor just before it, from the original log. */
  context: ActionRecord[];
  /** The simulation file changed since the run was recorded. */
  codeChanged: boolean;
  /**
   * The replay had diverged when the user's code threw and stopped it (a complaint, checker or
   * invariant fed answers other than the recording's): that error's line. The divergence is the
   * finding; the replay is kept with status `failed`. Null otherwise.
   */
  stoppedBy: string | null;
  /** Complaints the replay raised (rerun: the behaviors and checks ran again), in order; null in log mode. */
  complaints: ComplaintRecord[] | null;
  wallMs: number;
}

/**
 * Replays a recorded run and compares it, action by action, with the original.
 *
 * @example
 * const source = await readRunBundle(store, runId);
 * const report = await replayRun(source, { offline: true, db: false });
 * if (!report.identical) console.log(report.divergences[0]);
 */
export function replayRun(source: ReplaySource, options: ReplayOptions = {}): Promise<ReplayReport> {
  const hooks = userHooks(options.hooks, 'ReplayOptions');
  return replayRunInternal(source, { ...options, ...(hooks ? { hooks } : {}) });
}

/** replayRun with the options only the CLI passes (see InternalReplayOptions). */
export async function replayRunInternal(source: ReplaySource, options: InternalReplayOptions = {}): Promise<ReplayReport> {
  const started = monotonicMs();
  const mode = options.mode ?? 'rerun';
  const offline = options.offline ?? false;
  const { run } = source;
  const loaded = options.simulation ? null : await loadReplaySimulation(run, options.file);
  const sim = withSimulationDefaults(options.simulation ?? loaded!.simulation, options.defaults ?? {});
  options.onSimulation?.(sim);
  // The simulation's own names join the caller's for everything below (store, comparison, report).
  options = { ...options, redact: redactionOf(sim, options.redact) };
  const redactor = new Redactor({ extra: options.redact });
  const original = inSeqOrder(source.actions);
  // Offline, the recording answers: nothing is minted anew.
  const minted = offline ? undefined : new MintedValues(original, sim.replay);
  // A run that stopped early (Ctrl-C, SIGTERM, --max-wall-time, a kill) is replayed to where it
  // stopped: a rerun stops after as many actions. A stop request releases actors mid-turn and a
  // kill cuts the log anywhere, so the replay's actions past the original's end are not compared.
  const stoppedEarly = run.status === 'stopped' || run.status === 'abandoned' || run.stopReason === 'max-wall-time';
  // A paced run promises each actor's own order, not the order across actors (docs/paced-runs.md):
  // a rerun is compared actor by actor. A log replay reissues the log in its order: by seq.
  const paced = typeof ((run.config ?? {}) as RunConfig).speed === 'number';
  const perActor = paced && mode === 'rerun';
  const tracker = new DivergenceTracker(original, new ReplayNormalizer(sim.replay), redactor, {
    ...(minted ? { minted } : {}), ...(stoppedEarly ? { cutAt: original.length } : {}), perActor,
    // Log mode runs no behavior or check: it raises no complaints to compare. A paced run's
    // complaints are numbered in wall-clock order across actors: not compared (yet).
    ...(source.complaints && mode === 'rerun' && !perActor ? { complaints: source.complaints } : {}),
  });
  const exchanges = exchangeIndex(source.exchanges);
  const offlineHttp = offline ? new OfflineHttp(exchanges, (m) => tracker.request(m)) : undefined;
  const foreignServe = offline ? { exchanges, onRequestMismatch: (m: RequestMismatch) => tracker.request(m) } : {};
  const comparison = () => {
    tracker.finish();
    return tracker.toJson(mode, offline);
  };
  const complaints: ComplaintRecord[] | null = mode === 'rerun' ? [] : null;
  const pages = new DivergentPages(sim, source.events, tracker);
  const storedSeed = storedSeedOf(source.actors, source.actions);
  const seedCheck = options.checkTarget ? await checkTarget(sim, source, storedSeed, redactor, offline, mode, options) : null;
  const { runId: replayRunId, targetState, stoppedBy = null } = complaints
    ? await rerun(sim, run, tracker, pages, comparison, offlineHttp, foreignServe, loaded?.codeHash, complaints, {
      // Stopped early, a paced run is rerun to the sim time it reached (a count of actions would
      // cut the rerun's own order, which is not the original's across actors).
      ...options, ...(stoppedEarly ? (perActor ? { stopAtSim: run.simDurationMs } : { stopAfter: original.length }) : {}), perActor, ...(storedSeed ? { storedSeed } : {}),
      controls: recordedControls(source.events ?? [], paced),
    })
    : await reissue(sim, source, tracker, pages, comparison, offlineHttp, foreignServe, options, minted);
  const first = tracker.kept[0];
  return {
    replayRunId, parentRunId: run.runId, simulation: run.simulation, mode, offline, identical: tracker.identical,
    compared: tracker.compared, original: source.actions.length, seedCheck, divergenceCount: tracker.count, divergences: tracker.kept, mintedPairs: tracker.mintedPairs, targetState,
    stoppedEarly: stoppedEarly ? { reason: run.status === 'abandoned' ? 'abandoned' : run.stopReason ?? run.status, actions: original.length, beyondCut: tracker.beyondCut } : null,
    // Redacted like the divergences: the original's values with today's rules too, the replay's complaints as the store keeps them.
    context: first ? source.actions.filter((a) => a.actorId === first.actorId && a.seq < first.seq).sort((a, b) => a.seq - b.seq).slice(-5).map((a) => redactor.record(a)) : [],
    codeChanged: Boolean(loaded && run.codeHash && loaded.codeHash !== run.codeHash), stoppedBy,
    complaints: complaints && complaints.map((c) => redactor.record(c)),
    wallMs: monotonicMs() - started,
  };
}

/** `checkTarget`: compares the target with the run's stored seed (see checkSeed). */
async function checkTarget(
  sim: Simulation, source: ReplaySource, seed: StoredSeed | null, redactor: Redactor, offline: boolean, mode: ReplayMode, options: ReplayOptions,
): Promise<SeedCheck> {
  const { run } = source;
  if (offline || mode === 'log') {
    throw new BeamulatorError('BEAM_USAGE', offline ? 'cannot check the target offline: an offline replay reads no target' : "cannot check the target in log mode: a log replay reissues the seeder's reads as they were logged",
      'Drop --check-target, or replay live in rerun mode');
  }
  if (!seed) throw new BeamulatorError('BEAM_USAGE', `cannot check the target for run ${run.runId}: it was not seeded from its target (no population entry has fromTarget)`, 'Drop --check-target');
  const stored = storedParams(sim, run);
  const { values: params } = resolveParams(sim, { given: stored.params, env: stored.env ?? process.env });
  return checkSeed(sim, run, seed, redactor, {
    params, actionTimeoutMs: ((run.config ?? {}) as RunConfig).actionTimeoutMs ?? 30_000, ...(options.target ? { target: options.target } : {}),
  });
}

interface RunConfig {
  durationMs?: number;
  maxActions?: number | null;
  concurrency?: number;
  overlapWindowMs?: number;
  actionTimeoutMs?: number;
  actors?: Record<string, number> | null;
  shard?: ResolvedShard | null;
  /** Paced runs: sim ms per wall ms (null or absent: virtual time). */
  speed?: number | null;
}

async function rerun(
  sim: Simulation, run: RunRecord, tracker: DivergenceTracker, pages: DivergentPages, comparison: () => Json,
  http: HttpClientFactory | undefined, foreignServe: ForeignServe, codeHash: string | undefined, complaints: ComplaintRecord[],
  options: ReplayOptions & { stopAfter?: number; stopAtSim?: number; perActor?: boolean; storedSeed?: StoredSeed; controls: readonly RecordedControl[] },
): Promise<Replayed> {
  const config = (run.config ?? {}) as RunConfig;
  // A fuzz run is replayed from its stored spec (population + tapes), not from its seed.
  const fuzz = fuzzSpecOfConfig(run.config);
  let runId: string | null = null;
  // Read before the failed run's comparison counts the actions it never reached.
  let diverged = false;
  const result = await runSimulationInternal(sim, {
    seed: run.seed,
    ...storedParams(sim, run),
    // The spec goes with the replay too, so a replay of this replay reruns the same tapes.
    ...(fuzz ? { ...specRunOptions(fuzz.spec, fuzz.options), meta: { fuzzSpec: fuzz.spec, fuzzOptions: fuzz.options } as unknown as Json } : {}),
    duration: options.stopAtSim !== undefined ? Math.max(1, options.stopAtSim) : config.durationMs ?? parseDuration(sim.duration ?? '1h'),
    // A paced original is rerun in virtual time (as fast as the target answers) unless its pace is asked for.
    speed: options.pace === 'original' && config.speed ? config.speed : false,
    ...(options.stopAfter !== undefined ? { maxActions: options.stopAfter } : config.maxActions ? { maxActions: config.maxActions } : {}),
    ...(config.concurrency ? { concurrency: config.concurrency } : {}),
    ...(config.overlapWindowMs ? { overlapWindow: config.overlapWindowMs } : {}),
    ...(config.actionTimeoutMs ? { actionTimeout: config.actionTimeoutMs } : {}),
    ...(config.actors ? { actors: config.actors } : {}),
    ...(config.shard ? { shard: config.shard } : {}),
    ...(options.redact ? { redact: options.redact } : {}),
    ...(options.target ? { target: options.target } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(run.file ? { file: run.file } : {}),
    ...(codeHash ? { codeHash } : {}),
    ...(options.storedSeed ? { storedSeed: options.storedSeed } : {}),
    ...(options.controls.length ? { controls: options.controls } : {}),
    db: options.db ?? defaultStorePath,
    hooks: {
      ...options.hooks,
      onRunStart: (start) => {
        runId = start.runId;
        options.hooks?.onRunStart?.(start);
      },
      onAction: (a) => {
        tracker.check(a);
        pages.checked(a);
        diverged ||= tracker.count > 0;
        options.hooks?.onAction?.(a);
      },
      onComplaint: (c) => {
        complaints.push(c);
        tracker.complaint(c);
        options.hooks?.onComplaint?.(c);
      },
    },
    replay: {
      parentRunId: run.runId, ...(http ? { http, targetUrl: recordedTargetUrl(run) } : {}), ...foreignServe, comparison,
      // Offline, a paced run's answers are found by each actor's own n-th action, not by the rerun's seqs.
      ...(http && options.perActor ? { recordedSeq: (_seq: number, actorId: number) => tracker.recordedSeqOf(actorId) } : {}),
      onBrowserSession: (session) => pages.watch(session),
    },
  }).catch((error: unknown) => {
    // Code that threw on answers other than the recording's: the divergence is what to report.
    if (!isUserCodeError(error) || !diverged || runId === null) throw error;
    return { runId, targetState: null, stoppedBy: error.message };
  });
  return result;
}

/** The replay run, how its target was prepared, and what stopped it after it diverged. */
interface Replayed {
  runId: string;
  targetState: TargetState;
  stoppedBy?: string;
}

/** Log mode: the logged actions, verbatim, in seq order; no behavior code runs. */
async function reissue(
  sim: Simulation, source: ReplaySource, tracker: DivergenceTracker, pages: DivergentPages, comparison: () => Json,
  offlineHttp: HttpClientFactory | undefined, foreignServe: ForeignServe, options: ReplayOptions, minted: MintedValues | undefined,
): Promise<Replayed> {
  const { run } = source;
  const actions = new Map(Object.values(sim.actions ?? {}).map((a) => [a.name, a]));
  const timeoutMs = ((run.config ?? {}) as RunConfig).actionTimeoutMs ?? 30_000;
  const stored = storedParams(sim, run);
  const { values: params } = resolveParams(sim, { given: stored.params, env: stored.env ?? process.env });
  await using resources = await openRunResources(sim, {
    db: options.db, redact: options.redact, target: options.target, params, actionTimeoutMs: timeoutMs, ...foreignServe,
    ...(offlineHttp ? { offline: { http: offlineHttp, targetUrl: recordedTargetUrl(run) } } : {}),
  });
  const { store, target, http, targetState } = resources;
  const writer = store
    ? await store.beginRun({
      kind: 'replay', parentRunId: run.runId, simulation: run.simulation, file: run.file, seed: run.seed,
      config: { ...(run.config as Record<string, Json>), replayMode: 'log' }, params: params as Record<string, Json>, codeHash: run.codeHash, beamulatorVersion: version,
      wallStartedAt: wallNow(), simEpoch: run.simEpoch, redact: sim.redact,
    })
    : null;
  const runId = writer?.runId ?? 'unrecorded';
  for (const actor of source.actors) writer?.addActor({ ...actor, runId });
  const watchdog = new ActionWatchdog();
  const wallStartUs = monotonicUs();
  const origin = originOf(target?.url ?? '');
  const toRelative = (url: string) => relativeUrl(origin, url);
  const browser = new BrowserSession({
    connector: resources.browser, baseUrl: target?.url, simEpoch: run.simEpoch,
    // No behavior code runs, so there is no actor stream to seed the page's Math.random from.
    seedFor: (actorId) => actorId + 1, screenshots: null, onScreenshot: () => undefined,
    recorded: offlineHttp && foreignServe.exchanges
      ? new RecordedPages({ exchanges: foreignServe.exchanges, relativeUrl: toRelative, ...(foreignServe.onRequestMismatch ? { onMismatch: foreignServe.onRequestMismatch } : {}) })
      : null,
  });
  pages.watch(browser);
  const context = {
    runId, writer: writer ?? new NullWriter(), http, targetUrl: target?.url ?? '', actionTimeoutMs: timeoutMs, watchdog, wallStartUs,
    relativeUrl: toRelative, foreignHttp: Boolean(sim.foreignHttp), params, browser,
  };
  let simTime = 0;
  let stopReason = 'log-end';
  // What stopped the replay (a replay.normalize that throws): it is kept as failed, with what it did.
  let failure: unknown = null;
  // A signal drops the action in flight and aborts its requests, as a run's stop does: the replay
  // does not wait it out (up to its timeout), and records nothing for it.
  const dropInFlight = () => watchdog.stop();
  options.signal?.addEventListener('abort', dropInFlight, { once: true });
  try {
    for (const logged of inSeqOrder(source.actions)) {
      if (options.pace === 'original') await waitUntil(wallStartUs + logged.wallStartUs, options.signal);
      if (options.signal?.aborted) {
        stopReason = 'interrupted';
        break;
      }
      simTime = logged.simTime;
      const action = actions.get(logged.action);
      if (!action) {
        tracker.check({ ...logged, action: `${logged.action} (not in the simulation)`, outcome: 'crash', error: `no action named ${logged.action}`, result: null });
        continue;
      }
      // The recorded args, with the values the target minted anew in their place.
      const args = minted ? minted.toReplayed(logged.args) : logged.args;
      const record = await executeAction(context, action, args, logged.seq, logged.actorId, logged.simTime, logged.step);
      if (record === null) {
        stopReason = 'interrupted';
        break;
      }
      writer?.addAction(record);
      options.hooks?.onAction?.(record);
      tracker.check(record);
      pages.checked(record);
    }
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', dropInFlight);
    watchdog.stop();
    await browser.close();
    await writer?.finish(failure
      ? { status: 'failed', simDurationMs: simTime, stopReason: 'error', error: errorMessage(failure) }
      : { status: stopReason === 'interrupted' ? 'stopped' : 'completed', simDurationMs: simTime, stopReason, error: null, comparison: comparison() });
  }
  return { runId, targetState };
}

/** The target url of the original run, or a placeholder that never resolves (offline replays open no socket). */
function recordedTargetUrl(run: RunRecord): string {
  return ((run.config ?? {}) as { targetUrl?: string | null }).targetUrl ?? 'http://offline.invalid';
}

type ForeignServe = { exchanges?: ExchangeSource; onRequestMismatch?: (m: RequestMismatch) => void };

/** Waits until a monotonic time, or until `signal` aborts (a signal does not wait out the original's pauses). */
async function waitUntil(monotonicTargetUs: number, signal: AbortSignal | undefined): Promise<void> {
  const ms = (monotonicTargetUs - monotonicUs()) / 1000;
  if (ms > 1 && !signal?.aborted) await sleep(ms, undefined, signal ? { signal } : {}).catch(() => undefined);
}

async function loadReplaySimulation(run: RunRecord, file: string | undefined): Promise<{ simulation: Simulation; codeHash: string }> {
  const path = file ?? run.file;
  if (!path) {
    throw new BeamulatorError('BEAM_USAGE', `cannot replay run ${run.runId}: it does not name its simulation file`, 'Pass it with --sim <file>');
  }
  try {
    return await loadSimulation(path);
  } catch (error) {
    if (file) throw error;
    throw new BeamulatorError('BEAM_SIMULATION_LOAD', `cannot replay run ${run.runId}: its simulation ${path} does not load (${errorMessage(error)})`, 'Pass the simulation with --sim <file>', { cause: error });
  }
}

/** The actions in seq order: the array itself when it already is (a log read back always is). */
function inSeqOrder(actions: readonly ActionRecord[]): readonly ActionRecord[] {
  for (let i = 1; i < actions.length; i++) {
    if (actions[i - 1]!.seq > actions[i]!.seq) return [...actions].sort((a, b) => a.seq - b.seq);
  }
  return actions;
}

/** Recorded exchanges by (action seq, n). */
export function exchangeIndex(exchanges: readonly ExchangeRecord[]): ExchangeSource {
  // One flat array for the whole run, slot (seq, n) at first[seq] + n, rather than an array per
  // action: a replay builds this before its first action, and 100k small arrays were a few % of it.
  let lastSeq = -1;
  for (const e of exchanges) {
    // Numbering is dense from 0 in practice; anything else (a hand-edited file) gets the plain index.
    if (!(Number.isInteger(e.actionSeq) && Number.isInteger(e.n) && e.actionSeq >= 0 && e.n >= 0 && e.n <= exchanges.length)) return sparseIndex(exchanges);
    if (e.actionSeq > lastSeq) lastSeq = e.actionSeq;
  }
  if (lastSeq > 4 * exchanges.length + 1024) return sparseIndex(exchanges);
  const first = new Int32Array(lastSeq + 2);
  for (const e of exchanges) first[e.actionSeq + 1] = Math.max(first[e.actionSeq + 1]!, e.n + 1);
  for (let seq = 0; seq <= lastSeq; seq++) first[seq + 1]! += first[seq]!;
  const slots: Array<ExchangeRecord | undefined> = [];
  for (let i = first[lastSeq + 1]!; i > 0; i--) slots.push(undefined);
  for (const e of exchanges) slots[first[e.actionSeq]! + e.n] = e;
  return {
    find: (actionSeq, n) => (actionSeq >= 0 && actionSeq <= lastSeq && n >= 0 && first[actionSeq]! + n < first[actionSeq + 1]! ? slots[first[actionSeq]! + n] : undefined),
  };
}

function sparseIndex(exchanges: readonly ExchangeRecord[]): ExchangeSource {
  const byKey = new Map<string, ExchangeRecord>();
  for (const e of exchanges) byKey.set(`${e.actionSeq}:${e.n}`, e);
  return { find: (actionSeq, n) => byKey.get(`${actionSeq}:${n}`) };
}
