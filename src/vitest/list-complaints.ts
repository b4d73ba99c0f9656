import { severities, type ComplaintRecord } from '../store/records.ts';
import { formatClock } from '../util/duration.ts';
import type { RecordedRun } from './recorded-run.ts';

/**
 * Up to `max` complaints, one line each: the first complaint of each (severity, message), most
 * serious first, with who raised it, when (sim time) and after which action, and how many alike.
 *
 * @example
 * //     urgent    the list shows a todo I completed as incomplete (stale read)  (Organizer 3 at 1:28:27, action #70; 26x)
 */
export function listComplaints(run: RecordedRun, complaints: readonly ComplaintRecord[], max = 5): string {
  const groups = new Map<string, { first: ComplaintRecord; count: number }>();
  for (const c of complaints) {
    const key = `${c.severity}\u0000${c.message}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { first: c, count: 1 });
  }
  const sorted = [...groups.values()].sort((a, b) =>
    severities.indexOf(a.first.severity) - severities.indexOf(b.first.severity) || a.first.seq - b.first.seq);
  const names = new Map(run.actors.map((a) => [a.actorId, a.name]));
  const lines = sorted.slice(0, max).map(({ first, count }) => {
    const who = names.get(first.actorId) ?? `actor ${first.actorId}`;
    const action = first.actionSeq !== null ? `, action #${first.actionSeq}` : '';
    const times = count > 1 ? `; ${count}x` : '';
    return `    ${first.severity.padEnd(9)} ${first.message}  (${who} at ${formatClock(first.simTime)}${action}${times})`;
  });
  if (sorted.length > max) {
    const shown = sorted.slice(0, max).reduce((n, g) => n + g.count, 0);
    lines.push(`    ... and ${complaints.length - shown} more (${sorted.length - max} other kinds)`);
  }
  return lines.join('\n');
}
