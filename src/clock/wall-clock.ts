/**
 * The only place in src/ that reads the wall clock. Everything it returns is
 * excluded from the determinism contract (columns named `wall*`, latencies, run ids).
 */
import { performance } from 'node:perf_hooks';

/** Wall-clock time, epoch ms. */
export function wallNow(): number {
  return Date.now();
}

/** A monotonic wall-clock reading in microseconds (for latencies and overlap evidence). */
export function monotonicUs(): number {
  return Math.round(performance.now() * 1000);
}

/** A monotonic wall-clock reading in milliseconds, fractional. */
export function monotonicMs(): number {
  return performance.now();
}

/**
 * Calls `fn` after `ms` of wall time; returns what cancels it. Not unref'd: a paced run waiting
 * for its next event must keep the process alive (nothing else may be pending then).
 */
export function afterWallMs(ms: number, fn: () => void): () => void {
  const timer = setTimeout(fn, Math.max(0, ms));
  return () => clearTimeout(timer);
}
