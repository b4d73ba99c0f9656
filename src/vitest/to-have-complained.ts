import type { MatcherState } from 'vitest';
import { atLeast } from '../engine/complaint.ts';
import { listComplaints } from './list-complaints.ts';
import type { MatcherOutcome } from './matcher-outcome.ts';
import { requireRecordedRun } from './require-recorded-run.ts';
import { runFooter } from './run-footer.ts';
import { atOrAbove, readSeverity, type SeverityOption } from './severity-option.ts';

/**
 * `expect(run).toHaveComplained(messageOrRegExp, { severity? })`: some complaint's message
 * contains the string (or matches the RegExp), at or above `severity`. Works with `.not`.
 */
export function toHaveComplained(this: MatcherState, received: unknown, expected: string | RegExp, options?: SeverityOption): MatcherOutcome {
  const run = requireRecordedRun(received, 'toHaveComplained');
  if (typeof expected !== 'string' && !(expected instanceof RegExp)) {
    throw new TypeError(`expect(run).toHaveComplained(): the expected message must be a string or a RegExp, got ${typeof expected}`);
  }
  const threshold = readSeverity(options, 'toHaveComplained');
  const test = messageTest(expected);
  const matching = run.complaints.filter((c) => test(c.message) && (threshold === null || atLeast(c.severity, threshold)));
  const what = `${typeof expected === 'string' ? JSON.stringify(expected) : String(expected)}${atOrAbove(threshold)}`;
  const footer = runFooter(run, this);
  const total = run.complaints.length;
  return {
    pass: matching.length > 0,
    message: () => this.isNot
      ? `expected run not to have complained ${what}, but it did ${matching.length} time${matching.length === 1 ? '' : 's'}:\n${listComplaints(run, matching)}\n${footer}`
      : `expected run to have complained ${what}, but no complaint matched; it has ${total} complaint${total === 1 ? '' : 's'}${total > 0 ? `:\n${listComplaints(run, run.complaints)}` : ''}\n${footer}`,
  };
}

function messageTest(expected: string | RegExp): (message: string) => boolean {
  if (typeof expected === 'string') return (message) => message.includes(expected);
  // A copy without g/y, so `lastIndex` cannot make a match depend on the one before.
  const re = new RegExp(expected.source, expected.flags.replace(/[gy]/g, ''));
  return (message) => re.test(message);
}
