import { monotonicUs } from '../clock/wall-clock.ts';
import { VirtualClock } from '../clock/virtual-clock.ts';
import { originOf, relativeUrl } from '../connectors/relative-url.ts';
import { ActionWatchdog } from '../engine/action-watchdog.ts';
import { openRunResources } from '../engine/run-resources.ts';
import { RunRecorder } from '../engine/run-recorder.ts';
import { seedPopulation } from '../engine/seed-population.ts';
import type { StoredSeed } from '../engine/stored-seed.ts';
import type { Simulation } from '../engine/simulation.ts';
import { NullWriter } from '../store/null-writer.ts';
import type { Json, RunRecord } from '../store/records.ts';
import type { Redactor } from '../store/redact.ts';
import { BeamulatorError } from '../util/errors.ts';
import type { ParamValues } from '../util/params.ts';
import { toJson } from '../util/to-json.ts';
import { describeDifferences } from './compare.ts';

/** What `replay --check-target` found: how many seeded actors it compared (it throws when the target changed). */
export interface SeedCheck {
  actors: number;
}

/**
 * Reads the target again through the population's fromTarget entries (nothing is recorded) and
 * compares what they return with the seed `run` stored. Throws BEAM_TARGET_CHANGED naming the
 * first differences when they differ. Values the store holds redacted are compared redacted.
 */
export async function checkSeed(
  sim: Simulation, run: RunRecord, seed: StoredSeed, redactor: Redactor,
  options: { target?: string; params: ParamValues; actionTimeoutMs: number },
): Promise<SeedCheck> {
  await using resources = await openRunResources(sim, { db: false, params: options.params, actionTimeoutMs: options.actionTimeoutMs, ...(options.target ? { target: options.target } : {}) });
  const { http, target } = resources;
  const watchdog = new ActionWatchdog();
  const writer = new NullWriter();
  const origin = originOf(target?.url ?? '');
  const seedRun = {
    params: options.params,
    // No checkers run here, so nothing can fail the check's own recorder.
    recorder: new RunRecorder(writer.runId, writer, {}, new VirtualClock(run.simEpoch), [], undefined, false, (error) => {
      throw error;
    }),
    actionRun: {
      runId: writer.runId, writer, http, targetUrl: target?.url ?? '', actionTimeoutMs: options.actionTimeoutMs, watchdog,
      wallStartUs: monotonicUs(), relativeUrl: (url: string) => relativeUrl(origin, url), foreignHttp: false, params: options.params,
    },
  };
  let now;
  try {
    now = await seedPopulation(seedRun, sim, sim.population);
  } finally {
    watchdog.stop();
  }
  const differences: string[] = [];
  let actors = 0;
  for (const [entry, stored] of seed.byEntry) {
    const fresh = now.get(entry) ?? [];
    actors += stored.length;
    if (fresh.length !== stored.length) differences.push(`population[${entry}]: ${stored.length} actors stored, ${fresh.length} now`);
    for (let i = 0; i < Math.min(fresh.length, stored.length); i++) {
      const before = toJson({ name: stored[i]!.name, config: stored[i]!.config ?? {}, state: stored[i]!.state }) as Json;
      const after = redactor.value(toJson({ name: fresh[i]!.name ?? stored[i]!.name, config: fresh[i]!.config ?? {}, state: fresh[i]!.state }));
      for (const line of describeDifferences(before, after)) differences.push(`${stored[i]!.name ?? `actor ${i + 1}`}: ${line}`);
    }
  }
  if (differences.length > 0) {
    const shown = differences.slice(0, 3).join('; ');
    throw new BeamulatorError('BEAM_TARGET_CHANGED',
      `cannot replay run ${run.runId} as seeded: the target changed since (${differences.length} difference${differences.length === 1 ? '' : 's'}: ${shown}${differences.length > 3 ? '; …' : ''})`,
      'Bring the target back to what it held, or replay without --check-target (the replay uses the stored seed either way)');
  }
  return { actors };
}
