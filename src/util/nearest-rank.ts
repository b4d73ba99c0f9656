/**
 * The nearest-rank percentile of sorted values (`p` in 0..1), or null for none: a value that was
 * measured, never an interpolation between two.
 *
 * @example
 * nearestRank([1, 2, 3, 4], 0.5); // 2
 */
export function nearestRank(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]!;
}
