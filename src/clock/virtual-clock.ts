/**
 * Simulated time for one run: milliseconds since the run's start, moved only by the
 * engine when it pops the next event, so it never depends on how fast the target answers.
 */
export class VirtualClock {
  #now = 0;

  /**
   * @param epoch - Epoch ms of sim time 0; used only to present sim time as a date.
   */
  constructor(readonly epoch: number) {}

  /** Sim ms since the run's start. */
  now(): number {
    return this.#now;
  }

  /** Moves time forward (never backward: an older event keeps the current time). */
  advanceTo(t: number): void {
    if (t > this.#now) this.#now = t;
  }

  /** Sim time as a Date (epoch + now). */
  date(t = this.#now): Date {
    return new Date(this.epoch + t);
  }
}

/** The default sim epoch: fixed, so that dates an actor sees are the same every run. */
export const defaultSimEpoch = Date.UTC(2026, 0, 5, 8, 0, 0);
