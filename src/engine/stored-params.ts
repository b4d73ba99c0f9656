import type { Simulation } from './simulation.ts';
import type { ParamSettings } from '../util/params.ts';
import { REDACTED } from '../store/redact.ts';
import type { Json, RunRecord } from '../store/records.ts';

/**
 * The parameters a replay sets: the run's stored values, so the environment of today plays no
 * part. A value stored as redacted (a secret-named parameter) is the one exception: the store
 * never held it, so it is read again from its `env` variable, else its default. A parameter the
 * simulation no longer declares is dropped (log mode must work after code changed; a rerun
 * reports what then differs). A run recorded before runs had parameters resolves them as it did then.
 *
 * @example
 * await runSimulation(sim, { seed: run.seed, ...storedParams(sim, run) });
 */
export function storedParams(sim: Simulation, run: RunRecord): { params?: ParamSettings; env?: Readonly<Record<string, string | undefined>> } {
  if (run.params === null) return {};
  const defs = sim.params ?? {};
  const given: Record<string, Json> = {};
  const env: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(run.params)) {
    const def = Object.hasOwn(defs, name) ? defs[name] : undefined;
    if (def === undefined) continue;
    if (value === REDACTED) {
      if (def.env !== undefined) env[def.env] = process.env[def.env];
    } else {
      given[name] = value;
    }
  }
  return { params: given as ParamSettings, env };
}
