/**
 * The fuzz campaign: fast-check generates specs (population + per-actor tapes), each is run in
 * virtual time against one target (reset between runs), a failure is shrunk with a time cap,
 * canonicalized, recorded as a `fuzz` run with its spec, and exported as a replay file.
 * The campaign's state and its search and shrink are in fuzz-campaign.ts.
 */
import { monotonicMs } from '../clock/wall-clock.ts';
import { resolveParams } from '../engine/resolve-params.ts';
import { redactionOf } from '../engine/simulation.ts';
import type { FuzzSpec } from '../replay/fuzz-spec.ts';
import type { ActionRecord, ActorRecord, ComplaintRecord } from '../store/records.ts';
import { Redactor } from '../store/redact.ts';
import { canonicalize } from './canonicalize.ts';
import { FuzzCampaign } from './fuzz-campaign.ts';
import { campaignSettings, type FuzzOptions } from './fuzz-options.ts';
import type { FuzzTarget } from './fuzz-target.ts';
import { startLiveTarget } from './live-target.ts';
import { recordFailure } from './record-failure.ts';
import { redactedResult } from './redacted-result.ts';
import { reproduce, type Reproduction } from './reproduce.ts';
import type { FuzzFailure } from './run-outcome.ts';

export { campaignSettings, type FuzzOptions, type FuzzProgress } from './fuzz-options.ts';
export type { FuzzFailure } from './run-outcome.ts';
export type { Reproduction } from './reproduce.ts';

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
  // Resolved once: every run of the campaign (and its recorded failure) gets the same values.
  const { values: params } = resolveParams(target, { given: options.params, env: process.env });
  await using live = await startLiveTarget(target, params, `fuzz '${target.name}'`);
  const campaign = new FuzzCampaign(target, settings, options, params, live, started);
  await campaign.search();
  await campaign.shrink();
  const { best, runs, shrinks, shrinkRuns, unconfirmed, seed, searchMs, shrinkMs, firstFailureMs } = campaign;
  if (!best) {
    return {
      target: settings.name, found: false, interrupted: campaign.interrupted, runs, shrinks, shrinkRuns, unconfirmed, reproduced: null, seed, spec: null, runId: null,
      replayFile: null, failure: null, complaint: null, actors: [], actions: [], probes: {}, complaints: [],
      timings: { searchMs, shrinkMs, recordMs: 0, totalMs: monotonicMs() - started, firstFailureMs },
    };
  }

  // 3. Canonicalize (re-record the shrunk choices as canonical tape values), check it reproduces, record, export.
  campaign.phase = 'record';
  campaign.progress();
  const recordStart = monotonicMs();
  const shrunk = (await canonicalize(best.spec, campaign.runSpec, campaign.specOptions.retire)) ?? best;
  const reproduced = campaign.interrupted ? null : await reproduce(shrunk, options.reproduceRuns ?? 5, campaign.runSpec);
  const recorded = await recordFailure(shrunk, { target, settings, live, params, specOptions: campaign.specOptions, fails: campaign.fails, reproduced }, options);
  const recordMs = monotonicMs() - recordStart;
  const failure = recorded.failure ?? shrunk.outcome.failure;
  return redactedResult({
    target: settings.name, found: true, interrupted: campaign.interrupted, runs, shrinks, shrinkRuns, unconfirmed, reproduced, seed, spec: shrunk.spec,
    runId: recorded.runId, replayFile: recorded.replayFile, failure,
    complaint: failure.kind === 'complaint' ? failure.complaint : null,
    actors: recorded.actors, actions: recorded.actions, probes: recorded.probes, complaints: recorded.complaints,
    timings: { searchMs, shrinkMs, recordMs, totalMs: monotonicMs() - started, firstFailureMs },
  }, new Redactor({ extra: redactionOf(target, options.redact) }));
}
