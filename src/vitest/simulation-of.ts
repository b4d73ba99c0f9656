import type { Simulation } from '../engine/simulation.ts';

const simulations = new WeakMap<object, Simulation>();

/** Remembers the simulation a run handle was made from (kept off the handle, so it never shows in diffs). */
export function rememberSimulation(handle: object, simulation: Simulation): void {
  simulations.set(handle, simulation);
}

/** The simulation a run handle was made from, when this module copy made it. */
export function simulationOf(handle: object): Simulation | undefined {
  return simulations.get(handle);
}
