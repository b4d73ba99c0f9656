import type { ControlSource } from './run-control.ts';
/** What a paced run's control reports (see PaceControl.status). */
export interface PaceStatus {
  /** Sim ms per wall ms now. */
  speed: number;
  paused: boolean;
  /** The paced sim time: where the run's sim clock stands at this wall instant (frozen while paused). */
  simTime: number;
  /** Turns dispatched so far (each wake-up from ctx.sleep counts as one). */
  turns: number;
  /**
   * Lag of the last 4096 turns, wall ms (actual minus intended dispatch time); null before the
   * first turn. The run's result and its stored `pace` event have the lag of every turn.
   */
  lag: LagSummary | null;
}

/** Lag of a paced run's turns: how late each was dispatched against its intended wall time, in wall ms. */
export interface LagSummary {
  turns: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Steers a paced run while it runs (`runSimulation(sim, { speed, onPaceControl })`). Sim time
 * stays continuous across every change: the wall origin is re-anchored at the paced sim time of
 * the call, so no event is skipped or replayed and none jumps ahead.
 *
 * @example
 * await runSimulation(sim, {
 *   speed: 60,
 *   onPaceControl: (pace) => {
 *     setTimeout(() => pace.setSpeed(120), 5000);
 *     process.on('SIGUSR2', () => (pace.status().paused ? pace.resume() : pace.pause()));
 *   },
 * });
 */
export interface PaceControl {
  /** Stops dispatching turns; actions in flight finish. Sim time stops at the paced sim time of the call. */
  pause(by?: ControlSource): void;
  /** Dispatches again from where sim time stopped. */
  resume(by?: ControlSource): void;
  /** Sim ms per wall ms from now on (> 0, fractional allowed); sim time continues from its paced value. */
  setSpeed(speed: number, by?: ControlSource): void;
  /** Speed, pause, paced sim time and lag so far. */
  status(): PaceStatus;
}
