import type { LagSummary } from './pace-control.ts';

/**
 * Every turn's lag of a paced run, kept exactly (8 bytes a turn: a million turns is 8 MB) so the
 * summary's percentiles are the turns' own, not a sketch's estimate.
 */
export class LagStats {
  #values = new Float64Array(4096);
  #count = 0;
  #max = 0;
  #recentMax = 0;

  add(lagMs: number): void {
    if (this.#count === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
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

  /** p50, p99 (nearest rank) and max; null before the first turn. */
  summary(): LagSummary | null {
    const n = this.#count;
    if (n === 0) return null;
    const sorted = this.#values.slice(0, n).sort();
    const rank = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]!;
    return { turns: n, p50Ms: round3(rank(0.5)), p99Ms: round3(rank(0.99)), maxMs: round3(this.#max) };
  }
}

/** Wall ms to the µs: finer is noise. */
function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
