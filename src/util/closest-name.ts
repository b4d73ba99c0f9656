/**
 * The candidate closest to a misspelt name (case-insensitive edit distance), or null when none
 * is close enough to be what was meant.
 *
 * @example
 * closestName('failon', ['db', 'failOn', 'target']); // 'failOn'
 * closestName('timeout', ['actionTimeout']); // 'actionTimeout'
 * closestName('dbPath', ['db', 'target']); // 'db'
 */
export function closestName(name: string, candidates: readonly string[]): string | null {
  const lower = name.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // A third of the name may be wrong (at least 1, at most 3 edits): 'dbb' → 'db', not 'x' → 'db'.
  if (bestDistance <= Math.min(3, Math.max(1, Math.floor(name.length / 3)))) return best;
  // One name inside the other: 'timeout' → 'actionTimeout', 'dbPath' → 'db' (a prefix first, then the longest).
  const related = candidates.filter((c) => {
    const l = c.toLowerCase();
    return (lower.length >= 4 && l.includes(lower)) || (l.length >= 2 && lower.includes(l));
  });
  const score = (c: string) => (lower.startsWith(c.toLowerCase()) ? 1000 : 0) + c.length;
  return related.sort((a, b) => score(b) - score(a))[0] ?? null;
}

/** Levenshtein distance, with one row of memory. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}
