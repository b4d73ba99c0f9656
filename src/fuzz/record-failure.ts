import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { probesOf } from '../engine/invariant-checks.ts';
import { openRunResources } from '../engine/run-resources.ts';
import { runSimulationInternal } from '../engine/run-simulation.ts';
import { redactionOf } from '../engine/simulation.ts';
import { specRunOptions, type FuzzSpecOptions } from '../replay/fuzz-spec.ts';
import { importBundle, readRunBundle, writeReplayFile, type ReplayBundle } from '../replay/replay-file.ts';
import { openStore } from '../store/duckdb-store.ts';
import { defaultStorePath } from '../store/default-store-path.ts';
import type { Json } from '../store/records.ts';
import type { ParamValues } from '../util/params.ts';
import type { FuzzOptions, InternalFuzzOptions } from './fuzz-options.ts';
import type { FuzzResult } from './fuzz-result.ts';
import type { FuzzSettings, FuzzTarget } from './fuzz-target.ts';
import type { LiveTarget } from './live-target.ts';
import { reproduceInFreshProcesses, type Reproduction } from './reproduce.ts';
import type { FuzzCoverage } from './fuzz-coverage.ts';
import { storedFailure } from '../format/fuzz-failure-line.ts';
import { FailureWatch, type FailureRules } from './failure-watch.ts';
import { sameFailure, type FailingRun, type RunOutcome } from './run-outcome.ts';

/** What the campaign records about its shrunk failure. */
export interface FailureRecording extends FailureRules {
  target: FuzzTarget;
  settings: FuzzSettings;
  live: LiveTarget;
  params: ParamValues;
  specOptions: FuzzSpecOptions;
  /** Fresh-process replays of the replay file (0: none; also none when the campaign was interrupted). */
  reproduceRuns: number;
  /** What the campaign's search explored (stored with the run). */
  coverage: FuzzCoverage;
}

export type RecordedFailure = Pick<FuzzResult, 'runId' | 'replayFile' | 'failure' | 'actors' | 'actions' | 'probes' | 'complaints' | 'reproduced' | 'recordings'>;

/**
 * Recordings of the shrunk spec tried before giving up on one that fails the same way. With
 * overlap a race does not bite every time, and the run kept must be one that failed: the report
 * shows its actions beside its complaint, and its replay file is what the user replays.
 */
const recordAttempts = 5;

/**
 * Runs the shrunk spec again against the reset target, recording it in a scratch in-memory store,
 * until a recording fails the same way (at most {@link recordAttempts}); that run, with its own
 * actions and complaints, is the one kept. It is exported as a replay file, replayed
 * `reproduceRuns` times in fresh processes (see reproduce.ts), and then, with the reproduction
 * in its meta, written to the replay file and imported into the campaign's store. `db: false`
 * keeps nothing (a temp replay file serves the reproduction).
 *
 * @example
 * const recorded = await recordFailure(shrunk, { target, settings, live, params, specOptions, fails, allowCrashes, reproduceRuns: 5, coverage }, options);
 */
export async function recordFailure(run: FailingRun, recording: FailureRecording, options: InternalFuzzOptions): Promise<RecordedFailure> {
  const { target, settings } = recording;
  let kept: Recorded | null = null;
  let recordings = 0;
  while (recordings < recordAttempts && !options.signal?.aborted) {
    recordings++;
    kept = await recordOnce(run, recording, options);
    if (kept.failure && sameFailure(kept.failure, run.outcome.failure)) break;
  }
  // Interrupted before any recording (a stop during the shrink): one, so there is a result to show.
  if (!kept) {
    recordings++;
    kept = await recordOnce(run, recording, options);
  }
  const actors = run.spec.actors.map((a, i) => ({ actorId: i, behavior: a.behavior, name: `${a.behavior} ${i + 1}`, config: a.config }));
  const { bundle, actions, complaints, events } = kept;
  const failed = kept.failure !== null && sameFailure(kept.failure, run.outcome.failure);
  const base = { failure: kept.failure, actors, actions, probes: probesOf(events), complaints, recordings: { made: recordings, failed } };
  const checking = recording.reproduceRuns > 0 && !options.signal?.aborted;
  // A fresh process loads the fuzz target from its file: without one there is nothing to replay.
  const cannot: Reproduction | null = checking && !bundle?.run.file
    ? { attempts: 0, reproduced: 0, identical: 0, wallMs: 0, problem: "the fuzz target's file is not known, so a fresh process cannot load it (give fuzz the file option)" }
    : null;
  const reproduce = checking && bundle !== null && !cannot;
  if (bundle === null || (options.db === false && !reproduce)) return { ...base, runId: null, replayFile: null, reproduced: cannot };

  const keepFile = options.db !== false && options.replaysDir !== false;
  const scratch = keepFile ? null : await mkdtemp(path.join(tmpdir(), 'beamulator-reproduce-'));
  const replayFile = scratch ? path.join(scratch, 'replay.json') : path.join(options.replaysDir || 'replays', `${settings.name}-${bundle.run.runId}.json`);
  let reproduced: Reproduction | null = cannot;
  try {
    await writeReplayFile(bundle, replayFile);
    if (reproduce) {
      // The fresh processes start their own target: one that listens on a fixed port needs this one gone.
      await recording.live.stop();
      reproduced = await reproduceInFreshProcesses(replayFile, recording.reproduceRuns, options.signal ? { signal: options.signal } : {});
    }
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
  if (options.db === false) return { ...base, runId: null, replayFile: null, reproduced };
  const final = withMeta(bundle, { reproduced: reproduced as unknown as Json, recordings: base.recordings as unknown as Json });
  if (keepFile) await writeReplayFile(final, replayFile);
  if (typeof options.db === 'object') await importBundle(options.db, final);
  else {
    const store = await openStore(options.db ?? undefined, { redact: { extra: redactionOf(target, options.redact) } });
    try {
      await importBundle(store, final);
    } finally {
      await store.close();
    }
  }
  return { ...base, runId: bundle.run.runId, replayFile: keepFile ? replayFile : null, reproduced };
}

/** One recording of the spec: its bundle (null when nothing is kept), what the run logged and why it failed. */
interface Recorded extends RunOutcome {
  bundle: ReplayBundle | null;
}

async function recordOnce(run: FailingRun, recording: FailureRecording, options: InternalFuzzOptions): Promise<Recorded> {
  const { target, settings, live, params, specOptions } = recording;
  const { spec } = run;
  const failure = run.outcome.failure;
  // Judged as the campaign judges a run (not stopped at the failure: maxActions stops it after the failing step).
  const watch = new FailureWatch(recording);
  const keep = options.db !== false || (recording.reproduceRuns > 0 && Boolean(options.file));
  // The url is read after the reset: a target without a reset hook was restarted, maybe on another port.
  await live.reset();
  await using resources = await openRunResources(target, { db: keep ? ':memory:' : false, redact: options.redact, target: live.url, resetTarget: false, params, browser: live.browser });
  const result = await runSimulationInternal(target, {
    resources, duration: settings.durationMs, params,
    // Stop after the failing step (a replay stops at the same place: maxActions is stored with the run).
    maxActions: failure.kind === 'invariant' ? settings.maxActions : Math.max(1, failure.actionsAtFailure),
    kind: 'fuzz',
    ...(options.shard && options.shard.count > 1 ? { runIdShard: options.shard.index } : {}),
    meta: {
      fuzzSpec: spec as unknown as Json, fuzzOptions: specOptions as unknown as Json, failure: storedFailure(failure) as unknown as Json,
      failOn: options.failOn ?? settings.failOn, reproduced: null, coverage: recording.coverage as unknown as Json,
    } as Json,
    ...specRunOptions(spec, specOptions),
    ...(options.file ? { file: options.file } : {}),
    // Screenshots of browser actions go next to the campaign's store, which the run is imported into.
    artifactsRoot: artifactsRootOf(options.db),
    ...(options.trace ? { trace: true } : {}),
    hooks: watch.hooks,
  });
  const outcome = watch.outcome(settings, spec);
  const bundle = resources.store ? await readRunBundle(resources.store, result.runId) : null;
  return { bundle, ...outcome };
}

/** The folder of the campaign's store file (null: none, or in memory). */
function artifactsRootOf(db: FuzzOptions['db']): string | null {
  const file = typeof db === 'object' ? db.path : db === false ? null : db ?? defaultStorePath;
  return file && file !== ':memory:' ? path.dirname(path.resolve(file)) : null;
}

/** The bundle with `entries` added to its run's meta. */
function withMeta(bundle: ReplayBundle, entries: Record<string, Json>): ReplayBundle {
  const config = (bundle.run.config ?? {}) as Record<string, Json>;
  const meta = (config.meta ?? {}) as Record<string, Json>;
  return { ...bundle, run: { ...bundle.run, config: { ...config, meta: { ...meta, ...entries } } } };
}
