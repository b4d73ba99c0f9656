/**
 * The hybrid workflow (`beamulator shrink <run-id>`): a failing normal (seeded) run is re-run with
 * recording rngs, its draws become canonical tapes (a fuzz spec), the spec is handed to the fuzz
 * target's property as an example, shrunk, recorded as a `fuzz` run and exported, like `fuzz()`.
 */
import { isDeepStrictEqual } from 'node:util';
import type { FuzzSpec } from '../replay/fuzz-spec.ts';
import { buildPopulation } from '../engine/population.ts';
import { resolveParams } from '../engine/resolve-params.ts';
import { runSimulationInternal } from '../engine/run-simulation.ts';
import { redactionOf } from '../engine/simulation.ts';
import { readRunBundle } from '../replay/replay-file.ts';
import { storedParams } from '../engine/stored-params.ts';
import { RecordingRng } from '../rng/recording-rng.ts';
import { SeededRng } from '../rng/seeded-rng.ts';
import type { ComplaintRecord, Json } from '../store/records.ts';
import { Redactor } from '../store/redact.ts';
import type { RunStore } from '../store/run-store.ts';
import { BeamulatorError } from '../util/errors.ts';
import type { ParamValues } from '../util/params.ts';
import { fuzz, type FuzzResult } from './fuzz.ts';
import { failsRun, type FuzzOptions } from './fuzz-options.ts';
import type { FuzzSettings, FuzzTarget } from './fuzz-target.ts';
import { startLiveTarget } from './live-target.ts';
import { redactedSpec } from './redacted-result.ts';

export interface ShrinkRunOptions extends Omit<FuzzOptions, 'examples' | 'runs' | 'seed'> {
  /** fast-check seed of the shrink (default 42). */
  seed?: number;
}

export interface ShrinkRunResult extends FuzzResult {
  /** The run that was shrunk. */
  sourceRunId: string;
  /** The complaint of the source run that counts as its failure. */
  sourceComplaint: ComplaintRecord;
  /** Actions of the source run up to and including its failing action. */
  sourceActions: number;
  /** The spec recorded from the source run (canonical tapes), before shrinking. */
  recordedSpec: FuzzSpec;
}

/**
 * Shrinks a failing seeded run of `target` (or of the simulation it wraps) stored in `store`.
 * The target's spec arbitrary is widened for this shrink when the recorded run does not fit its
 * bounds (more actors, turns or draws per turn; other configs; overlap off since the seeded run
 * was serial; arrivals drawn up to the latest arrival of the run, kept exactly), so the example lies exactly in the arbitrary's domain (else fast-check would run
 * it but silently not shrink it).
 *
 * @example
 * const result = await shrinkRun(staleRead, store, runId, { db: store, replaysDir: 'replays' });
 * console.log(result.sourceActions, '->', result.failure?.actionsAtFailure);
 */
export async function shrinkRun(target: FuzzTarget, store: RunStore, runId: string, options: ShrinkRunOptions = {}): Promise<ShrinkRunResult> {
  const bundle = await readRunBundle(store, runId);
  const run = bundle.run;
  if (run.kind !== 'run') {
    throw new BeamulatorError('BEAM_USAGE', `cannot shrink run ${runId}: it is a ${run.kind} run`, 'Give a normal (seeded) run made by `beamulator run`; a fuzz run is already shrunk');
  }
  const settings = target.fuzz;
  const failOn = options.failOn ?? settings.failOn;
  const fails = failsRun(settings, failOn);
  const sourceComplaint = bundle.complaints.find(fails);
  if (!sourceComplaint) {
    throw new BeamulatorError('BEAM_USAGE', `cannot shrink run ${runId}: it has no complaint at or above '${failOn}' that target '${settings.name}' counts`,
      'Pick a failing run (`beamulator runs`), or lower --fail-on');
  }
  const failingIndex = sourceComplaint.actionSeq === null ? -1 : bundle.actions.findIndex((a) => a.seq === sourceComplaint.actionSeq);
  const sourceActions = failingIndex >= 0 ? failingIndex + 1 : bundle.actions.length;

  // The run's own parameters (else the target's): the shrunk run must fail as the source run did.
  const stored = storedParams(target, run);
  const { values: params } = resolveParams(target, { given: stored.params, env: stored.env ?? process.env });
  const spawnAt = bundle.actors.map((a) => a.spawnAt);
  // Arrivals are kept exactly (the order of actors decides shared state): widen arrivalJitter to the latest one.
  const arrivalJitterMs = Math.max(settings.arrivalJitterMs, ...spawnAt);
  const recordedSpec = await recordSpec(target, bundle.run.seed, params, (run.config ?? {}) as RunConfig, sourceActions, spawnAt, arrivalJitterMs);
  const { spec, widened } = fitToDomain(recordedSpec, target, arrivalJitterMs);
  const result = await fuzz(widened, { ...options, params, seed: options.seed ?? 42, runs: 0, examples: [spec] });
  if (!result.found) {
    throw new BeamulatorError('BEAM_USAGE', `cannot shrink run ${runId}: its recorded choices, run as a fuzz spec of '${settings.name}', do not fail`,
      "The fuzz target must count the run's failure (failOn/failWhen; the run's own parameters are used); arrivals and overlap of the seeded run are approximated");
  }
  // The result is redacted (see fuzz); so are the source run's complaint and the configs of the recorded spec.
  const redactor = new Redactor({ extra: redactionOf(target, options.redact) });
  return { ...result, sourceRunId: runId, sourceComplaint: redactor.record(sourceComplaint), sourceActions, recordedSpec: redactedSpec(recordedSpec, redactor) };
}

interface RunConfig {
  durationMs?: number;
  concurrency?: number;
  overlapWindowMs?: number;
  actors?: Record<string, number> | null;
}

/** Re-runs the seeded run (up to its failing action) with RecordingRngs and returns its canonical tapes as a fuzz spec. */
async function recordSpec(
  target: FuzzTarget, seed: string, params: ParamValues, config: RunConfig, maxActions: number, spawnAt: number[], jitter: number,
): Promise<FuzzSpec> {
  const counts = config.actors ?? undefined;
  // Which actors drew their arrival (population entries with a start.jitter): that draw opens their setup segment.
  const spawns = buildPopulation(target, seed, params, counts);
  const recorders: RecordingRng[] = [];
  {
    await using live = await startLiveTarget(target, params, `shrink with '${target.name}'`);
    await runSimulationInternal(target, {
      seed, db: false, target: live.url, resetTarget: false, maxActions, params, browser: live.browser,
      ...(config.durationMs ? { duration: config.durationMs } : {}),
      ...(config.concurrency ? { concurrency: config.concurrency } : {}),
      ...(config.overlapWindowMs ? { overlapWindow: config.overlapWindowMs } : {}),
      ...(counts ? { actors: counts } : {}),
      rngFor: (id) => (recorders[id] = new RecordingRng(SeededRng.forActor(seed, id))),
    });
  }
  const actors = spawns.map((spawn) => ({ behavior: spawn.behavior.name, config: spawn.config as Json }));
  return {
    actors: actors.map((actor, i) => {
      const tape = (recorders[i]?.tape ?? [[]]).map((segment) => [...segment]);
      const drewArrival = typeof spawns[i]!.arrival === 'function';
      const setup = tape[0] ?? [];
      if (drewArrival) setup.shift();
      // The shrink draws arrivals in 0..jitter (int(0, jitter): canonical value = the arrival): the seeded run's exact arrival.
      if (jitter > 0) setup.unshift(spawnAt[i] ?? 0);
      tape[0] = setup;
      return { behavior: actor.behavior, config: actor.config, tape };
    }),
    overlap: false,
  };
}

/**
 * Makes the spec lie exactly in the domain of the target's arbitrary (configs are the very objects
 * of `settings.configs`), widening the settings where it does not fit.
 */
function fitToDomain(spec: FuzzSpec, target: FuzzTarget, arrivalJitterMs: number): { spec: FuzzSpec; widened: FuzzTarget } {
  const settings = target.fuzz;
  const behaviors = [...settings.behaviors];
  // One list shared by every behavior, or a list each (a behavior the target does not draw gets its own).
  const shared = settings.sharedConfigs ? [...settings.configs[behaviors[0]!]!] : null;
  const configs: Record<string, Json[]> = {};
  for (const b of behaviors) configs[b] = shared ?? [...settings.configs[b]!];
  const actors = spec.actors.map((actor) => {
    if (!behaviors.includes(actor.behavior)) behaviors.push(actor.behavior);
    const list = (configs[actor.behavior] ??= shared ?? []);
    let config = list.find((c) => isDeepStrictEqual(c, actor.config));
    if (config === undefined) {
      config = actor.config;
      list.push(config);
    }
    return { behavior: actor.behavior, config, tape: actor.tape };
  });
  const fuzzSettings: FuzzSettings = {
    ...settings,
    behaviors,
    configs,
    maxActors: Math.max(settings.maxActors, actors.length),
    maxTurns: Math.max(settings.maxTurns, ...actors.map((a) => a.tape.length - 1)),
    maxDrawsPerTurn: Math.max(settings.maxDrawsPerTurn, ...actors.flatMap((a) => a.tape.map((s) => s.length))),
    overlap: false,
    arrivalJitterMs,
  };
  return { spec: { actors, overlap: false }, widened: { ...target, fuzz: Object.freeze(fuzzSettings) } };
}
