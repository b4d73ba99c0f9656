/** Returned by `ctx.stop(reason)`: the actor ends after this turn. A plain object, so async `act` infers it. */
export interface Stop {
  readonly stop: true;
  readonly reason?: string;
}

/** A stop without a reason. */
export const STOP: Stop = Object.freeze({ stop: true as const });

/** True for a value returned by `ctx.stop()` (or a `{ stop: true }` literal). */
export function isStop(value: unknown): value is Stop {
  return typeof value === 'object' && value !== null && (value as { stop?: unknown }).stop === true;
}
