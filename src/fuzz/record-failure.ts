import path from 'node:path';
import { probesOf } from '../engine/invariant-checks.ts';
import { openRunResources } from '../engine/run-resources.ts';
import { runSimulationInternal } from '../engine/run-simulation.ts';
import { specRunOptions, type FuzzSpecOptions } from '../replay/fuzz-spec.ts';
import { readRunBundle, writeReplayFile } from '../replay/replay-file.ts';
import type { ActionRecord, ComplaintRecord, EventRecord, Json } from '../store/records.ts';
import type { ParamValues } from '../util/params.ts';
import type { FuzzOptions } from './fuzz-options.ts';
import type { FuzzResult } from './fuzz-result.ts';
import type { FuzzSettings, FuzzTarget } from './fuzz-target.ts';
import type { LiveTarget } from './live-target.ts';
import type { Reproduction } from './reproduce.ts';
import type { FuzzCoverage } from './fuzz-coverage.ts';
import { storedFailure } from '../format/fuzz-failure-line.ts';
import type { FailingRun, FuzzFailure } from './run-outcome.ts';

/** What the campaign records about its shrunk failure. */
export interface FailureRecording {
  target: FuzzTarget;
  settings: FuzzSettings;
  live: LiveTarget;
  params: ParamValues;
  specOptions: FuzzSpecOptions;
  /** Whether a complaint counts as the failure (failOn, failWhen). */
  fails: (complaint: ComplaintRecord) => boolean;
  reproduced: Reproduction | null;
  /** What the campaign's search explored (stored with the run). */
  coverage: FuzzCoverage;
}

export type RecordedFailure = Pick<FuzzResult, 'runId' | 'replayFile' | 'failure' | 'actors' | 'actions' | 'probes' | 'complaints'>;

/**
 * Runs the shrunk spec once more against the reset target and records it as a `fuzz` run (its
 * spec, failure and reproduction in the run's meta), then exports it as a replay file. The
 * store stays open past the run for the export; `db: false` records and exports nothing.
 *
 * @example
 * const recorded = await recordFailure(shrunk, { target, settings, live, params, specOptions, fails, reproduced }, options);
 */
export async function recordFailure(run: FailingRun, recording: FailureRecording, options: FuzzOptions): Promise<RecordedFailure> {
  const { target, settings, live, params, specOptions, fails } = recording;
  const { spec } = run;
  const failure = run.outcome.failure;
  const actions: ActionRecord[] = [];
  const complaints: ComplaintRecord[] = [];
  const events: EventRecord[] = [];
  // The url is read after the reset: a target without a reset hook was restarted, maybe on another port.
  await live.reset();
  await using resources = await openRunResources(target, { db: options.db, redact: options.redact, target: live.url, resetTarget: false, params });
  const result = await runSimulationInternal(target, {
    resources, duration: settings.durationMs, params,
    // Stop after the failing step (a replay stops at the same place: maxActions is stored with the run).
    maxActions: failure.kind === 'invariant' ? settings.maxActions : Math.max(1, failure.actionsAtFailure),
    kind: 'fuzz',
    meta: {
      fuzzSpec: spec as unknown as Json, fuzzOptions: specOptions as unknown as Json, failure: storedFailure(failure) as unknown as Json, failOn: options.failOn ?? settings.failOn,
      reproduced: recording.reproduced as unknown as Json, coverage: recording.coverage as unknown as Json,
    } as Json,
    ...specRunOptions(spec, specOptions),
    ...(options.file ? { file: options.file } : {}),
    hooks: {
      onAction: (a) => actions.push(a), onComplaint: (c) => complaints.push(c),
      onEvent: (e) => events.push(e),
    },
  });
  const recordedFailure = failureOfRecording(failure, { actions, complaints, events }, fails);
  const actors = spec.actors.map((a, i) => ({ actorId: i, behavior: a.behavior, name: `${a.behavior} ${i + 1}`, config: a.config }));
  const probes = probesOf(events);
  const { store } = resources;
  if (!store) return { runId: null, replayFile: null, failure: recordedFailure, actors, actions, probes, complaints };
  let replayFile: string | null = null;
  if (options.replaysDir !== false) {
    replayFile = path.join(options.replaysDir ?? 'replays', `${settings.name}-${result.runId}.json`);
    await writeReplayFile(await readRunBundle(store, result.runId), replayFile);
  }
  return { runId: result.runId, replayFile, failure: recordedFailure, actors, actions, probes, complaints };
}

/** The failure as the recorded run shows it (its own complaint or crash), or null when the recording did not fail that way. */
function failureOfRecording(
  failure: FuzzFailure, log: { actions: ActionRecord[]; complaints: ComplaintRecord[]; events: EventRecord[] }, fails: (c: ComplaintRecord) => boolean,
): FuzzFailure | null {
  if (failure.kind === 'complaint') {
    const c = log.complaints.find(fails);
    return c ? { kind: 'complaint', complaint: c, actionsAtFailure: failure.actionsAtFailure } : null;
  }
  if (failure.kind === 'crash') {
    const action = log.actions.find((a) => a.outcome === 'crash');
    if (failure.actionSeq !== null) return action ? { ...failure, actorId: action.actorId, message: action.error ?? failure.message, actionSeq: action.seq } : null;
    const event = log.events.find((e) => e.kind === 'crash');
    return event ? { ...failure, actorId: event.actorId ?? failure.actorId, message: String((event.detail as { error?: unknown } | null)?.error ?? failure.message) } : null;
  }
  return failure;
}
