import type { Rng } from '../rng/rng.ts';
import { SeededRng } from '../rng/seeded-rng.ts';
import { parseDuration } from '../util/duration.ts';
import { BeamulatorError } from '../util/errors.ts';
import type { ActorOrigin } from '../store/records.ts';
import { callUser } from '../util/user-code.ts';
import type { Behavior } from './behavior.ts';
import type { ParamValues } from '../util/params.ts';
import type { SeededActor } from './seed-from-target.ts';
import { resolveBehavior, type Simulation } from './simulation.ts';
import { arrivalTimes } from './arrivals.ts';

/** One actor to spawn: resolved behavior, name, config, and its arrival (fixed or drawn from its rng). */
export interface Spawn {
  /** The actor's id: its place in the whole population, whatever shard runs it. */
  id: number;
  behavior: Behavior;
  name: string;
  config: unknown;
  tags: readonly string[];
  arrival: number | ((rng: Rng) => number);
  rngFor: (actorId: number) => Rng;
  /** `config` for the population's counted actors, `target` for one seeded from the target (see PopulationEntry.fromTarget). */
  origin: ActorOrigin;
  /** A seeded actor's initial state (the behavior's initialState is not used then). */
  seededState?: unknown;
}

/**
 * Expands the population into actors, in a fixed order (entries in order, then index), so actor
 * ids and streams are the same every run. `params` go to count and config functions; `counts`
 * overrides counts by behavior name; fuzzing replaces the streams (`rngFor`) and the population itself.
 * An entry with `fromTarget` expands into the actors `seeds` holds for its index (what it returned).
 */
export function buildPopulation(
  sim: Simulation, seed: string, params: ParamValues, counts?: Record<string, number>,
  rngFor: (actorId: number) => Rng = (actorId) => SeededRng.forActor(seed, actorId),
  population: Simulation['population'] = sim.population,
  seeds?: ReadonlyMap<number, readonly SeededActor[]>,
  durationMs = Infinity,
): Spawn[] {
  const entries = population.map((entry) => ({ entry, behavior: resolveBehavior(sim, entry.behavior) }));
  if (counts) {
    for (const name of Object.keys(counts)) {
      if (!entries.some((e) => e.behavior.name === name)) {
        const known = [...new Set(entries.map((e) => e.behavior.name))].join(', ');
        throw new BeamulatorError('BEAM_UNKNOWN_BEHAVIOR', `cannot set the number of '${name}' actors: the population of '${sim.name}' has no such behavior`, `Known behaviors: ${known}`);
      }
    }
  }
  const out: Spawn[] = [];
  // With entries seeded from the target, actor 0 is the seeder (seed-population.ts): the others follow it.
  const firstId = seeds ? 1 : 0;
  for (const [index, { entry, behavior }] of entries.entries()) {
    const seeded = entry.fromTarget ? seeds?.get(index) ?? [] : null;
    const arriving = entry.arrivals ? arrivalTimes(entry.arrivals, `${sim.name}'s population[${index}].arrivals`, durationMs, seed, index) : null;
    if (arriving && counts?.[behavior.name] !== undefined) {
      throw new BeamulatorError('BEAM_USAGE', `cannot set the number of '${behavior.name}' actors: they arrive at a rate (population[${index}].arrivals)`, `Drop ${behavior.name} from --actors, or change the rate in the simulation`);
    }
    const count = arriving ? arriving.length : seeded ? seeded.length : counts?.[behavior.name] ?? countOf(entry.count, params, sim.name, behavior.name);
    const at = parseDuration(entry.start?.at ?? 0, `start.at of ${behavior.name}`);
    const rampUp = parseDuration(entry.start?.rampUp ?? 0, `start.rampUp of ${behavior.name}`);
    const jitter = parseDuration(entry.start?.jitter ?? 0, `start.jitter of ${behavior.name}`);
    const tags = [...(behavior.tags ?? []), ...(entry.tags ?? [])];
    for (let i = 0; i < count; i++) {
      const base = at + (count > 1 ? Math.floor((rampUp * i) / count) : 0);
      const arrival = arriving ? arriving[i]! : jitter > 0 ? (rng: Rng) => base + rng.int(0, jitter) : base;
      const given = seeded?.[i];
      const nameOf = entry.name;
      const name = given?.name ?? (typeof nameOf === 'function' ? callUser(`the population's name() of ${behavior.name} for index ${i}`, () => nameOf(i)) : `${nameOf ?? behavior.name} ${i + 1}`);
      if (given) {
        out.push({ id: firstId + out.length, behavior, name, config: given.config ?? {}, tags, arrival, rngFor, origin: 'target', seededState: given.state });
        continue;
      }
      const configOf = entry.config;
      const config = typeof configOf === 'function'
        ? callUser(`the population's config() of ${behavior.name} for ${name}`, () => (configOf as (i: number, p: ParamValues, name: string) => unknown)(i, params, name))
        : (configOf ?? {});
      out.push({ id: firstId + out.length, behavior, name, config, tags, arrival, rngFor, origin: 'config' });
    }
  }
  if (counts && out.length === 0) {
    // Counts the user set that leave no one: the run would record nothing and still succeed.
    const given = Object.entries(counts).map(([name, n]) => `${name}=${n}`).join(',');
    throw new BeamulatorError('BEAM_USAGE', `cannot run '${sim.name}' with actor counts ${given}: that leaves no actors`, 'Give at least one behavior a count of 1 or more');
  }
  return out;
}

function countOf(count: number | ((params: ParamValues) => number) | undefined, params: ParamValues, sim: string, behavior: string): number {
  if (typeof count !== 'function') return count ?? 1;
  const n = callUser(`the population's count() of ${behavior}`, () => count(params));
  if (!Number.isInteger(n) || n < 0) {
    throw new BeamulatorError('BEAM_SIMULATION_INVALID', `cannot build population of '${sim}': the count function of ${behavior} returned ${String(n)}`, 'Return a whole number >= 0');
  }
  return n;
}
