/**
 * The fuzz campaign: fast-check generates specs (population + per-actor tapes), each is run in
 * virtual time against one target (reset between runs), a failure is shrunk with a time cap,
 * canonicalized, recorded as a `fuzz` run with its spec, and exported as a replay file.
 * The campaign's state and its search and shrink are in fuzz-campaign.ts.
 */
import { monotonicMs } from '../clock/wall-clock.ts';
import { resolveParams } from '../engine/resolve-params.ts';
import { redactionOf } from '../engine/simulation.ts';
import { Redactor } from '../store/redact.ts';
import { canonicalize } from './canonicalize.ts';
import { FuzzCampaign } from './fuzz-campaign.ts';
import type { FuzzResult } from './fuzz-result.ts';
import { campaignSettings, type FuzzOptions, type InternalFuzzOptions } from './fuzz-options.ts';
import type { FuzzTarget } from './fuzz-target.ts';
import { startLiveTarget } from './live-target.ts';
import { recordFailure } from './record-failure.ts';
import { redactedResult } from './redacted-result.ts';

export { campaignSettings, type FuzzOptions, type FuzzProgress } from './fuzz-options.ts';
export type { FuzzFailure } from './run-outcome.ts';
export type { FuzzCoverage } from './fuzz-coverage.ts';
export type { Reproduction } from './reproduce.ts';
export type { FuzzResult } from './fuzz-result.ts';

/**
 * Fuzzes a target: searches, shrinks, records. Starts the target once and resets it between runs.
 *
 * @example
 * const result = await fuzz(staleRead, { seed: 1, runs: 500, db: ':memory:', replaysDir: false });
 * if (result.found) console.log(result.actions.length, result.complaint?.message);
 */
export function fuzz(target: FuzzTarget, options: FuzzOptions = {}): Promise<FuzzResult> {
  return fuzzInternal(target, options);
}

/** fuzz() with what only beamulator's CLI passes (InternalFuzzOptions: the shard of a `fuzz --shard` campaign). */
export async function fuzzInternal(target: FuzzTarget, options: InternalFuzzOptions = {}): Promise<FuzzResult> {
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
      target: settings.name, found: false, interrupted: campaign.interrupted, runs, shrinks, shrinkRuns, unconfirmed, reproduced: null, recordings: { made: 0, failed: false }, seed, spec: null, runId: null,
      replayFile: null, failure: null, complaint: null, actors: [], actions: [], probes: {}, complaints: [], coverage: campaign.tally.coverage,
      timings: { searchMs, shrinkMs, recordMs: 0, totalMs: monotonicMs() - started, firstFailureMs },
    };
  }

  // 3. Canonicalize (re-record the shrunk choices as canonical tape values); record a run that fails, export it, reproduce it from its file.
  const recordStart = monotonicMs();
  const shrunk = (await canonicalize(best.spec, campaign.runSpec, campaign.specOptions.retire)) ?? best;
  campaign.phase = 'record';
  campaign.progress();
  const reproduceRuns = campaign.interrupted ? 0 : options.reproduceRuns ?? 5;
  const recorded = await recordFailure(shrunk, { target, settings, live, params, specOptions: campaign.specOptions, fails: campaign.fails, allowCrashes: campaign.allowCrashes, reproduceRuns, coverage: campaign.tally.coverage }, options);
  const recordMs = monotonicMs() - recordStart;
  // When no recording failed the same way, the failure is the campaign's (the report says the kept run passed).
  const failure = recorded.recordings.failed ? recorded.failure! : shrunk.outcome.failure;
  return redactedResult({
    target: settings.name, found: true, interrupted: campaign.interrupted, runs, shrinks, shrinkRuns, unconfirmed,
    reproduced: recorded.reproduced, recordings: recorded.recordings, seed, spec: shrunk.spec,
    runId: recorded.runId, replayFile: recorded.replayFile, failure,
    complaint: failure.kind === 'complaint' ? failure.complaint : null,
    actors: recorded.actors, actions: recorded.actions, probes: recorded.probes, complaints: recorded.complaints, coverage: campaign.tally.coverage,
    timings: { searchMs, shrinkMs, recordMs, totalMs: monotonicMs() - started, firstFailureMs },
  }, new Redactor({ extra: redactionOf(target, options.redact) }));
}
