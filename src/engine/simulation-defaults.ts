import type { Duration } from '../util/duration.ts';
import type { Simulation } from './simulation.ts';

/** Project-wide defaults for a simulation (from beamulator.config.ts). */
export interface SimulationDefaults {
  /** Url used instead of the simulation's `target.url`; a simulation that starts its own target keeps it. */
  target?: string;
  /** Used when the simulation sets no `actionTimeout` of its own. */
  actionTimeout?: Duration;
}

/**
 * The simulation with project defaults filled in (a fuzz target stays a fuzz target): the
 * simulation itself when none applies. The config's target replaces a url but never a target the
 * simulation starts, which may be one with planted bugs or one a fuzz campaign resets between runs.
 *
 * @example
 * const sim = withSimulationDefaults(loaded.simulation, { target: 'http://localhost:3000', actionTimeout: '10s' });
 */
export function withSimulationDefaults<S extends Simulation>(sim: S, defaults: SimulationDefaults): S {
  const target = defaults.target !== undefined && !sim.target?.start ? { ...sim.target, url: defaults.target } : sim.target;
  const actionTimeout = sim.actionTimeout ?? defaults.actionTimeout;
  if (target === sim.target && actionTimeout === sim.actionTimeout) return sim;
  return Object.freeze({ ...sim, ...(target ? { target } : {}), ...(actionTimeout !== undefined ? { actionTimeout } : {}) });
}
