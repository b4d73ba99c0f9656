import type { LagSummary } from './pace-control.ts';
import { nearestRank } from '../util/nearest-rank.ts';

/**
 * Every turn's lag of a paced run, kept exactly (8 bytes a turn: a million turns is 8 MB) so the
 * summary's percentiles are the turns' own, not a sketch's estimate.
 */
export class LagStats {
  #values = new Float64Array(4096);
  #count = 0;
  #max = 0;
  #recentMax = 0;
  /** The last RECENT lags, a ring: what a running run's status reports (cheap to sort often). */
  readonly #recent = new Float64Array(RECENT);

  add(lagMs: number): void {
    if (this.#count === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#recent[this.#count % RECENT] = lagMs;
    this.#values[this.#count++] = lagMs;
    if (lagMs > this.#max) this.#max = lagMs;
    if (lagMs > this.#recentMax) this.#recentMax = lagMs;
  }

  /** The largest lag since the last call (the progress line's). */
  takeRecentMax(): number {
    const max = this.#recentMax;
    this.#recentMax = 0;
    return max;
  }

  get count(): number {
    return this.#count;
  }

  /** p50, p99 (nearest rank) and max over every turn; null before the first turn. */
  summary(): LagSummary | null {
    return this.#count === 0 ? null : summarize(this.#values.slice(0, this.#count), this.#max);
  }

  /** The same over the last RECENT turns only (a running run's status: sorting them all every 250 ms would not be cheap). */
  recentSummary(): LagSummary | null {
    const n = Math.min(this.#count, RECENT);
    if (n === 0) return null;
    const recent = this.#recent.slice(0, n);
    return summarize(recent, recent.reduce((a, b) => Math.max(a, b), 0));
  }
}

const RECENT = 4096;

function summarize(values: Float64Array, max: number): LagSummary {
  const n = values.length;
  const sorted = values.sort();
  return { turns: n, p50Ms: round3(nearestRank(sorted, 0.5)!), p99Ms: round3(nearestRank(sorted, 0.99)!), maxMs: round3(max) };
}

/** Wall ms to the µs: finer is noise. */
function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
