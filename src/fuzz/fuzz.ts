/**
 * The fuzz campaign: fast-check generates specs (population + per-actor tapes), each is run in
 * virtual time against one target (reset between runs), a failure is shrunk with a time cap,
 * canonicalized, recorded as a `fuzz` run with its spec, and exported as a replay file.
 */
import path from 'node:path';
import fc from 'fast-check';
import { monotonicMs } from '../clock/wall-clock.ts';
import { specRunOptions, type FuzzSpec, type FuzzSpecOptions } from '../engine/fuzz-spec.ts';
import { probesOf } from '../engine/invariant-checks.ts';
import { resolveParams } from '../engine/resolve-params.ts';
import { runSimulationInternal } from '../engine/run-simulation.ts';
import type { StartedTarget } from '../engine/simulation.ts';
import { readRunBundle, writeReplayFile } from '../replay/replay-file.ts';
import { RecordingRng } from '../rng/recording-rng.ts';
import type { Rng } from '../rng/rng.ts';
import { TapeRng } from '../rng/tape-rng.ts';
import { defaultStorePath, openStore } from '../store/duckdb-store.ts';
import type { ActionRecord, ActorRecord, ComplaintRecord, EventRecord, Json, Severity } from '../store/records.ts';
import { Redactor, type RedactPattern } from '../store/redact.ts';
import type { RunStore } from '../store/run-store.ts';
import { BeamulatorError, errorMessage } from '../util/errors.ts';
import type { ParamSettings, ParamValues } from '../util/params.ts';
import type { FuzzSettings, FuzzTarget } from './fuzz-target.ts';
import { deletePass } from './delete-pass.ts';
import { redactedResult } from './redacted-result.ts';
import { specArbitrary } from './spec-arbitrary.ts';

export interface FuzzOptions {
  /** Property runs in the search (default 1000). */
  runs?: number;
  /** fast-check seed (default 42: campaigns are reproducible unless you pick another). */
  seed?: number;
  /** Wall-time cap of the search, ms (default 60 000). */
  timeLimitMs?: number;
  /** Wall-time cap of the shrink, ms (default 60 000). */
  shrinkTimeLimitMs?: number;
  /**
   * Cap on property runs while shrinking (default none). Unlike the time cap it does not depend on
   * the machine's speed, so a fixed seed gives the same shrunk result everywhere (tests use it).
   */
  shrinkRuns?: number;
  /** Overrides the target's failOn. */
  failOn?: Severity;
  /** Called after every property run. */
  onProgress?: (progress: FuzzProgress) => void;
  /** Abort to stop: the best failure so far (if any) is still recorded and exported. */
  signal?: AbortSignal;
  /** Where the shrunk failure is recorded (default the default store; `false`: not recorded, no replay file). */
  db?: string | RunStore | false;
  /**
   * Names to redact on top of the built-in rules: in the store this opens (`db` as a path; see
   * RunOptions.redact) and in the result's actions, complaints and configs (redacted either way).
   */
  redact?: readonly RedactPattern[];
  /** Folder of the exported replay file (default 'replays'; `false`: no file). */
  replaysDir?: string | false;
  /** The fuzz target's file, stored with the run so `beamulator replay` can load it. */
  file?: string;
  /** Extra specs tried first (and shrunk when they fail): e.g. a recorded seeded run's canonical tapes. */
  examples?: FuzzSpec[];
  /**
   * Values of the simulation's parameters for this campaign, over the target's own (`params` of
   * defineFuzzTarget); the rest are resolved as for any run (env where declared, else default).
   */
  params?: ParamSettings;
  /** Overrides the target's maxActors for this campaign (whole number >= 1). */
  maxActors?: number;
  /** Overrides the target's maxTurns for this campaign (whole number >= 1). */
  maxTurns?: number;
  /** Overrides the target's overlap for this campaign. */
  overlap?: boolean;
  /**
   * Runs in a row a failing shrink candidate must fail (the same way) to count as a shrink step
   * (default 2 when overlap is on, else 1). With overlap, whether a race bites depends on the
   * target's timing, and a shrink that settled on a candidate failing once in a while would
   * hand the user a failure their replay does not show.
   */
  confirmRuns?: number;
  /** Re-runs of the shrunk failure that check it reproduces (default 5; 0: no check). */
  reproduceRuns?: number;
}

/**
 * The target's settings with a campaign's overrides (maxActors, maxTurns, overlap) applied;
 * throws a usage error for a bad override.
 */
export function campaignSettings(target: FuzzTarget, options: Pick<FuzzOptions, 'maxActors' | 'maxTurns' | 'overlap'> = {}): FuzzSettings {
  const settings = target.fuzz;
  for (const field of ['maxActors', 'maxTurns'] as const) {
    const value = options[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new BeamulatorError('BEAM_USAGE', `cannot fuzz '${settings.name}' with ${field} ${value}`, 'Use a whole number >= 1');
    }
  }
  if (options.overlap !== undefined && typeof options.overlap !== 'boolean') {
    throw new BeamulatorError('BEAM_USAGE', `cannot fuzz '${settings.name}' with overlap ${String(options.overlap)}`, 'Use true or false');
  }
  return {
    ...settings,
    ...(options.maxActors !== undefined ? { maxActors: options.maxActors } : {}),
    ...(options.maxTurns !== undefined ? { maxTurns: options.maxTurns } : {}),
    ...(options.overlap !== undefined ? { overlap: options.overlap } : {}),
  };
}

export interface FuzzProgress {
  phase: 'search' | 'shrink' | 'record';
  runs: number;
  failures: number;
  shrinks: number;
  elapsedMs: number;
  /** Actions of the smallest failing run so far. */
  bestActions: number | null;
}

/**
 * How often the shrunk failure recurred when its spec was run again: `failed` re-runs failed the
 * same way (same kind and message), `identical` of those also logged the same actions (actor,
 * action, args, outcome, result, sim time, in order) up to the failure.
 */
export interface Reproduction {
  runs: number;
  failed: number;
  identical: number;
}

/** Why a run failed. */
export type FuzzFailure =
  | { kind: 'complaint'; complaint: ComplaintRecord; actionsAtFailure: number }
  | { kind: 'invariant'; message: string; actionsAtFailure: number };

export interface FuzzResult {
  target: string;
  found: boolean;
  /** Stopped by the signal. */
  interrupted: boolean;
  /** Property runs of the search. */
  runs: number;
  /** Successful shrink steps. */
  shrinks: number;
  /** Property runs while shrinking. */
  shrinkRuns: number;
  /** Shrink candidates that failed once but not again in a row (see confirmRuns): the race did not always bite. */
  unconfirmed: number;
  /** The shrunk failure run again (see reproduceRuns); null when nothing was found or not checked. */
  reproduced: Reproduction | null;
  seed: number;
  /** The shrunk, canonical spec (null when nothing was found). */
  spec: FuzzSpec | null;
  /** The recorded fuzz run (null when nothing was found or db is false). */
  runId: string | null;
  replayFile: string | null;
  failure: FuzzFailure | null;
  /** The complaint that failed the run (null for an invariant or no failure). */
  complaint: ComplaintRecord | null;
  /** The shrunk run's actors and action log (args, results, details and configs redacted, as in the store). */
  actors: Array<Pick<ActorRecord, 'actorId' | 'behavior' | 'name' | 'config'>>;
  actions: ActionRecord[];
  /** Actions that invariants ran to query the target: seq -> invariant name. */
  probes: Record<number, string>;
  complaints: ComplaintRecord[];
  timings: { searchMs: number; shrinkMs: number; recordMs: number; totalMs: number; firstFailureMs: number | null };
}

/** fast-check's share of the shrink caps (time and runs); the deletion pass gets the rest. */
const fastCheckShrinkShare = 0.75;

const rank: Record<Severity, number> = { urgent: 3, annoying: 2, justsayin: 1 };

interface RunOutcome {
  failure: FuzzFailure | null;
  actions: ActionRecord[];
  complaints: ComplaintRecord[];
}

/**
 * Fuzzes a target: searches, shrinks, records. Starts the target once and resets it between runs.
 *
 * @example
 * const result = await fuzz(staleRead, { seed: 1, runs: 500, db: ':memory:', replaysDir: false });
 * if (result.found) console.log(result.actions.length, result.complaint?.message);
 */
export async function fuzz(target: FuzzTarget, options: FuzzOptions = {}): Promise<FuzzResult> {
  const started = monotonicMs();
  const settings = campaignSettings(target, options);
  const failOn = options.failOn ?? settings.failOn;
  const seed = options.seed ?? 42;
  const specOptions: FuzzSpecOptions = {
    maxSpan: settings.maxSpan, maxLatencyMs: settings.maxLatencyMs, retire: true, arrivalJitterMs: settings.arrivalJitterMs,
  };
  const fails = (c: ComplaintRecord) => rank[c.severity] >= rank[failOn] && (settings.failWhen?.(c) ?? true);
  const confirmRuns = options.confirmRuns ?? (settings.overlap ? 2 : 1);
  // fast-check's shrink passes get 3/4 of the shrink caps: the deletion pass after them needs a few
  // seconds (about 2 s on lost-update), and a slow target must not leave it none.
  const maxShrinkRuns = options.shrinkRuns ?? Infinity;
  const fastCheckShrinkRuns = Math.floor(maxShrinkRuns * fastCheckShrinkShare);
  let unconfirmed = 0;
  // Resolved once: every run of the campaign (and its recorded failure) gets the same values.
  const { values: params } = resolveParams(target, { given: options.params, env: process.env });
  const live = await startTarget(target, params);
  const signal = options.signal;
  let runs = 0;
  let shrinkRuns = 0;
  let passStart = false;
  let fatal: unknown = undefined;
  let failures = 0;
  let shrinks = 0;
  let phase: FuzzProgress['phase'] = 'search';
  let best: { spec: FuzzSpec; outcome: RunOutcome } | null = null;
  // fast-check's "smaller" is structural; the failing run with the fewest actions seen is kept too.
  let fewestActions: { spec: FuzzSpec; outcome: RunOutcome } | null = null;
  let firstFailureMs: number | null = null;
  let inFlight: Promise<unknown> = Promise.resolve();

  const progress = () => options.onProgress?.({
    phase, runs, failures, shrinks, elapsedMs: monotonicMs() - started, bestActions: fewestActions ? fewestActions.outcome.failure!.actionsAtFailure : null,
  });

  const runOnce = async (spec: FuzzSpec, rngFor?: (actorId: number) => Rng): Promise<RunOutcome> => {
    await live.reset();
    const actions: ActionRecord[] = [];
    const complaints: ComplaintRecord[] = [];
    const stop = new AbortController();
    let done = false;
    let failure: FuzzFailure | null = null;
    await runSimulationInternal(target, {
      db: false, target: live.url, duration: settings.durationMs, maxActions: settings.maxActions, signal: stop.signal, params,
      ...specRunOptions(spec, specOptions),
      ...(rngFor ? { rngFor } : {}),
      hooks: {
        onAction: (a) => {
          if (!done) actions.push(a);
        },
        onComplaint: (c) => {
          if (done) return;
          complaints.push(c);
          if (!failure && fails(c)) {
            failure = { kind: 'complaint', complaint: c, actionsAtFailure: actions.length };
            stop.abort();
          }
        },
      },
    });
    done = true;
    if (!failure) {
      const view = { spec, actions, complaints };
      for (const invariant of settings.invariants) {
        const message = invariant(view);
        if (message) {
          failure = { kind: 'invariant', message, actionsAtFailure: actions.length };
          break;
        }
      }
    }
    return { failure, actions, complaints };
  };

  // While shrinking, a failure counts only when it fails the same way confirmRuns times in a row.
  const confirmedRun = async (spec: FuzzSpec): Promise<RunOutcome> => {
    const once = await runOnce(spec);
    if (!once.failure) return once;
    for (let i = 1; i < confirmRuns; i++) {
      if (!sameFailure((await runOnce(spec)).failure, once.failure)) {
        unconfirmed++;
        return { ...once, failure: null };
      }
    }
    return once;
  };

  const property = fc.asyncProperty(specArbitrary(settings), async (spec) => {
    if (signal?.aborted || fatal !== undefined) return true;
    if (phase === 'shrink' && shrinkRuns >= fastCheckShrinkRuns) return true;
    if (phase === 'shrink') shrinkRuns++;
    const first = passStart;
    passStart = false;
    const run = phase === 'shrink' ? confirmedRun(spec) : runOnce(spec);
    inFlight = run.catch(() => undefined);
    let outcome: RunOutcome;
    try {
      outcome = await run;
    } catch (error) {
      // Not a finding: the run itself could not be made (target down, bad simulation). Stop and report it.
      fatal = error;
      return true;
    }
    if (phase === 'search') runs++;
    if (outcome.failure) {
      failures++;
      // In the shrink phase every failing run but a pass's first (its starting example) is a shrink step.
      if (phase === 'shrink' && !first) shrinks++;
      best = { spec, outcome };
      if (!fewestActions || outcome.failure.actionsAtFailure < fewestActions.outcome.failure!.actionsAtFailure) fewestActions = best;
      firstFailureMs ??= monotonicMs() - started;
    }
    progress();
    return outcome.failure === null;
  });

  const aborted = new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  const untilAbort = async (check: Promise<unknown>) => {
    await Promise.race([check, aborted]);
    await inFlight;
  };

  let searchMs = 0;
  let shrinkMs = 0;
  let recordMs = 0;
  try {
    // 1. Search (no shrinking): stops at the first failure.
    const examples = (options.examples ?? []).map((spec) => [spec] as [FuzzSpec]);
    await untilAbort(fc.check(property, {
      seed, numRuns: (options.runs ?? 1000) + examples.length, examples, endOnFailure: true,
      interruptAfterTimeLimit: options.timeLimitMs ?? 60_000,
    }));
    searchMs = monotonicMs() - started;
    if (fatal !== undefined) throw fatal;

    // 2. Shrink the failure, fed back as an example, under its own time cap.
    if (best && !signal?.aborted) {
      phase = 'shrink';
      const shrinkStart = monotonicMs();
      // Canonical tape values first (int k -> k-min, chance -> 0 or its threshold, pick/weighted -> index):
      // small values shrink in a few steps where raw u32 values need ~32 each.
      // Passes: canonicalize, shrink; again while a pass still made progress (re-recording can
      // open new shrinks) and the caps allow.
      const shrinkLimitMs = options.shrinkTimeLimitMs ?? 60_000;
      for (let pass = 0; pass < 3 && !signal?.aborted; pass++) {
        const before = (best as { spec: FuzzSpec }).spec;
        const canonical = await canonicalize(before, runOnce, specOptions.retire);
        const start = canonical.failure ? canonical.spec : before;
        const shrinksBefore = shrinks;
        const fastCheckTimeLeftMs = shrinkLimitMs * fastCheckShrinkShare - (monotonicMs() - shrinkStart);
        if (fastCheckTimeLeftMs <= 0 || shrinkRuns >= fastCheckShrinkRuns) break;
        passStart = true;
        await untilAbort(fc.check(property, { seed, numRuns: 1, examples: [[start]], interruptAfterTimeLimit: fastCheckTimeLeftMs }));
        // The next pass (and the result) starts from the failing run with the fewest actions.
        const least = fewestActions as { spec: FuzzSpec; outcome: RunOutcome } | null; // assigned in the property (TS cannot see it)
        if (least && least.outcome.failure!.actionsAtFailure < (best as { outcome: RunOutcome }).outcome.failure!.actionsAtFailure) best = least;
        if (shrinks === shrinksBefore) break;
      }
      // 2b. Deletions fast-check does not try (a useless actor mid-population, one filler turn), under the same caps.
      if (!signal?.aborted && fatal === undefined) {
        const start = best as { spec: FuzzSpec; outcome: RunOutcome };
        const outcomes = new Map<FuzzSpec, RunOutcome>([[start.spec, start.outcome]]);
        const deleted = await deletePass(start.spec, start.outcome.failure!.actionsAtFailure, async (spec) => {
          shrinkRuns++;
          try {
            const outcome = await confirmedRun(spec);
            outcomes.set(spec, outcome);
            if (outcome.failure) failures++;
            return { failed: outcome.failure !== null, actionsAtFailure: outcome.failure?.actionsAtFailure ?? 0 };
          } catch (error) {
            fatal = error;
            return { failed: false, actionsAtFailure: 0 };
          } finally {
            progress();
          }
        }, () => !signal?.aborted && fatal === undefined && monotonicMs() - shrinkStart < shrinkLimitMs && shrinkRuns < maxShrinkRuns);
        if (deleted.deletions > 0) {
          best = { spec: deleted.spec, outcome: outcomes.get(deleted.spec)! };
          shrinks += deleted.deletions;
        }
      }
      shrinkMs = monotonicMs() - shrinkStart;
      if (fatal !== undefined) throw fatal;
    }
    if (!best) {
      return {
        target: settings.name, found: false, interrupted: Boolean(signal?.aborted), runs, shrinks, shrinkRuns, unconfirmed, reproduced: null, seed, spec: null, runId: null,
        replayFile: null, failure: null, complaint: null, actors: [], actions: [], probes: {}, complaints: [],
        timings: { searchMs, shrinkMs, recordMs, totalMs: monotonicMs() - started, firstFailureMs },
      };
    }

    // 3. Canonicalize (re-record the shrunk choices as canonical tape values), record, export.
    phase = 'record';
    progress();
    const recordStart = monotonicMs();
    const shrunk = (best as { spec: FuzzSpec; outcome: RunOutcome });
    let spec = shrunk.spec;
    let failure = shrunk.outcome.failure!;
    let reference = shrunk.outcome;
    const canonical = await canonicalize(spec, runOnce, specOptions.retire);
    if (canonical.failure) {
      spec = canonical.spec;
      failure = canonical.failure;
      reference = canonical.outcome;
    }
    const reproduced = signal?.aborted ? null : await reproduce(spec, reference, options.reproduceRuns ?? 5, runOnce);
    const recorded = await recordFailure(target, live.url, params, spec, specOptions, failure, options, () => live.reset(), fails, reproduced);
    recordMs = monotonicMs() - recordStart;
    const finalFailure = recorded.failure ?? failure;
    return redactedResult({
      target: settings.name, found: true, interrupted: Boolean(signal?.aborted), runs, shrinks, shrinkRuns, unconfirmed, reproduced, seed, spec,
      runId: recorded.runId, replayFile: recorded.replayFile, failure: finalFailure,
      complaint: finalFailure.kind === 'complaint' ? finalFailure.complaint : null,
      actors: recorded.actors, actions: recorded.actions, probes: recorded.probes, complaints: recorded.complaints,
      timings: { searchMs, shrinkMs, recordMs, totalMs: monotonicMs() - started, firstFailureMs },
    }, new Redactor({ extra: options.redact }));
  } finally {
    await live.stop();
  }
}

/** Re-runs a spec with recording rngs over its tapes and returns the canonical spec (trailing zeros trimmed). */
async function canonicalize(
  spec: FuzzSpec, runOnce: (spec: FuzzSpec, rngFor?: (actorId: number) => Rng) => Promise<RunOutcome>, retire: boolean,
): Promise<{ spec: FuzzSpec; failure: FuzzFailure | null; outcome: RunOutcome }> {
  const recorders: RecordingRng[] = [];
  await runOnce(spec, (id) => (recorders[id] = new RecordingRng(new TapeRng(spec.actors[id]?.tape ?? [], { retire }))));
  const candidate: FuzzSpec = {
    ...spec,
    actors: spec.actors.map((actor, i) => {
      const recorded = recorders[i]?.tape ?? actor.tape;
      // Keep the segment count (it decides when the actor retires); drop zeros past each segment's last choice.
      const tape = recorded.map((segment) => trimZeros(segment));
      while (tape.length < actor.tape.length) tape.push([]);
      return { ...actor, tape };
    }),
  };
  const check = await runOnce(candidate);
  return { spec: candidate, failure: check.failure, outcome: check };
}

/** Same kind and message: what a user would call the same failure. */
function sameFailure(a: FuzzFailure | null, b: FuzzFailure): boolean {
  if (!a || a.kind !== b.kind) return false;
  return a.kind === 'complaint' ? a.complaint.message === (b as typeof a).complaint.message : a.message === (b as typeof a).message;
}

/** One line per action up to the failure, with everything a replay compares. */
function logUpToFailure(outcome: RunOutcome): string[] {
  return outcome.actions.slice(0, outcome.failure!.actionsAtFailure)
    .map((a) => JSON.stringify([a.seq, a.actorId, a.simTime, a.action, a.args, a.outcome, a.result, a.error]));
}

/** Runs the shrunk spec `runs` times more and counts how often it fails the same way, and with the same log. */
async function reproduce(spec: FuzzSpec, reference: RunOutcome, runs: number, runOnce: (spec: FuzzSpec) => Promise<RunOutcome>): Promise<Reproduction | null> {
  if (runs <= 0) return null;
  const expected = logUpToFailure(reference).join('\n');
  const result: Reproduction = { runs, failed: 0, identical: 0 };
  for (let i = 0; i < runs; i++) {
    const again = await runOnce(spec);
    if (!sameFailure(again.failure, reference.failure!)) continue;
    result.failed++;
    if (again.failure!.actionsAtFailure === reference.failure!.actionsAtFailure && logUpToFailure(again).join('\n') === expected) result.identical++;
  }
  return result;
}

function trimZeros(segment: readonly number[]): number[] {
  let end = segment.length;
  while (end > 0 && segment[end - 1] === 0) end--;
  return segment.slice(0, end);
}

interface LiveTarget {
  url: string;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the target once with the campaign's parameters; `reset()` uses its reset, else restarts it. */
async function startTarget(target: FuzzTarget, params: ParamValues): Promise<LiveTarget> {
  const spec = target.target;
  if (!spec?.start && !spec?.url) {
    throw new BeamulatorError('BEAM_USAGE', `cannot fuzz '${target.name}': it has no target`, 'Give the fuzz target a target: { start() } (or the simulation a target)');
  }
  const start = async (): Promise<StartedTarget> => {
    try {
      return spec.start ? await spec.start({ params }) : { url: spec.url! };
    } catch (error) {
      throw new BeamulatorError('BEAM_TARGET', `cannot start the target of '${target.name}': ${errorMessage(error)}`, 'Fix target.start', { cause: error });
    }
  };
  let current = await start();
  const live: LiveTarget = {
    get url() {
      return current.url;
    },
    async reset() {
      if (current.reset) await current.reset();
      else if (spec.start) {
        await current.stop?.();
        current = await start();
      }
    },
    async stop() {
      await current.stop?.();
    },
  };
  return live;
}

async function recordFailure(
  target: FuzzTarget, url: string, params: ParamValues, spec: FuzzSpec, specOptions: FuzzSpecOptions, failure: FuzzFailure, options: FuzzOptions, reset: () => Promise<void>,
  fails: (c: ComplaintRecord) => boolean, reproduced: Reproduction | null,
): Promise<Pick<FuzzResult, 'runId' | 'replayFile' | 'failure' | 'actors' | 'actions' | 'probes' | 'complaints'>> {
  const settings = target.fuzz;
  const ownStore = options.db === undefined || typeof options.db === 'string';
  const store: RunStore | null = options.db === false ? null : typeof options.db === 'object' ? options.db
    : await openStore(options.db ?? defaultStorePath, { redact: { extra: options.redact } });
  const actions: ActionRecord[] = [];
  const complaints: ComplaintRecord[] = [];
  const events: EventRecord[] = [];
  const failOn = options.failOn ?? settings.failOn;
  try {
    await reset();
    const result = await runSimulationInternal(target, {
      db: store ?? false, target: url, duration: settings.durationMs, params,
      // Stop after the failing step (a replay stops at the same place: maxActions is stored with the run).
      maxActions: failure.kind === 'complaint' ? Math.max(1, failure.actionsAtFailure) : settings.maxActions,
      kind: 'fuzz',
      meta: {
        fuzzSpec: spec as unknown as Json, fuzzOptions: specOptions as unknown as Json, failure: describeFailure(failure), failOn,
        reproduced: reproduced as unknown as Json,
      } as Json,
      ...specRunOptions(spec, specOptions),
      ...(options.file ? { file: options.file } : {}),
      hooks: {
        onAction: (a) => actions.push(a), onComplaint: (c) => complaints.push(c),
        onEvent: (e) => events.push(e),
      },
    });
    const recordedFailure: FuzzFailure | null = failure.kind === 'complaint'
      ? (() => {
        const c = complaints.find(fails);
        return c ? { kind: 'complaint' as const, complaint: c, actionsAtFailure: failure.actionsAtFailure } : null;
      })()
      : failure;
    const actors = spec.actors.map((a, i) => ({ actorId: i, behavior: a.behavior, name: `${a.behavior} ${i + 1}`, config: a.config }));
    const probes = probesOf(events);
    if (!store) return { runId: null, replayFile: null, failure: recordedFailure, actors, actions, probes, complaints };
    let replayFile: string | null = null;
    if (options.replaysDir !== false) {
      replayFile = path.join(options.replaysDir ?? 'replays', `${settings.name}-${result.runId}.json`);
      await writeReplayFile(await readRunBundle(store, result.runId), replayFile);
    }
    return { runId: result.runId, replayFile, failure: recordedFailure, actors, actions, probes, complaints };
  } finally {
    if (ownStore) await store?.close();
  }
}

function describeFailure(failure: FuzzFailure): Json {
  return failure.kind === 'complaint'
    ? { kind: 'complaint', message: failure.complaint.message, severity: failure.complaint.severity, actionSeq: failure.complaint.actionSeq, actorId: failure.complaint.actorId }
    : { kind: 'invariant', message: failure.message };
}
