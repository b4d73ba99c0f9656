import type { Simulation } from '../engine/simulation.ts';

const simulations = new WeakMap<object, Simulation>();

/** Remembers the simulation a TestRun was made from (kept off the run, so it never shows in diffs). */
export function rememberSimulation(run: object, simulation: Simulation): void {
  simulations.set(run, simulation);
}

/** The simulation a TestRun was made from, when this module copy made it. */
export function simulationOf(run: object): Simulation | undefined {
  return simulations.get(run);
}
