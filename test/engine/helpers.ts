import { runSimulation, type RunOptions } from 'beamulator';
import type { ActionRecord, ComplaintRecord, EventRecord } from '../../src/store/records.ts';
import type { Simulation } from '../../src/engine/simulation.ts';

/** Runs without a store, collecting what the engine publishes. */
export async function collect(sim: Simulation, options: RunOptions = {}) {
  const actions: ActionRecord[] = [];
  const complaints: ComplaintRecord[] = [];
  const events: EventRecord[] = [];
  const result = await runSimulation(sim, {
    db: false,
    ...options,
    hooks: { onAction: (a) => actions.push(a), onComplaint: (c) => complaints.push(c), onEvent: (e) => events.push(e) },
  });
  return { result, actions, complaints, events };
}

/** The action log without wall-clock columns: what the determinism contract covers. */
export function deterministicLog(actions: ActionRecord[]) {
  return actions.map(({ wallStartUs: _a, wallEndUs: _b, latencyMs: _c, runId: _d, ...rest }) => rest);
}
