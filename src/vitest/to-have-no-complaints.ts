import type { MatcherState } from 'vitest';
import { atLeast } from '../engine/complaint.ts';
import { listComplaints } from './list-complaints.ts';
import type { MatcherOutcome } from './matcher-outcome.ts';
import { requireRecordedRun } from './require-recorded-run.ts';
import { runFooter } from './run-footer.ts';
import { atOrAbove, readSeverity, type SeverityOption } from './severity-option.ts';

/**
 * `expect(run).toHaveNoComplaints({ severity? })`: no complaint at or above `severity`
 * (default: none at all). The failure lists up to 5 complaints, the run id, seed and reproduce command.
 */
export function toHaveNoComplaints(this: MatcherState, received: unknown, options?: SeverityOption): MatcherOutcome {
  const run = requireRecordedRun(received, 'toHaveNoComplaints');
  const threshold = readSeverity(options, 'toHaveNoComplaints');
  const matching = threshold === null ? run.complaints : run.complaints.filter((c) => atLeast(c.severity, threshold));
  const total = run.complaints.length;
  const footer = runFooter(run, this);
  return {
    pass: matching.length === 0,
    message: () => this.isNot
      ? `expected run to have complaints${atOrAbove(threshold)}, but it has none${total > 0 ? ` (it has ${total} below that)` : ''}\n${footer}`
      : `expected run to have no complaints${atOrAbove(threshold)}, but it has ${matching.length}${matching.length !== total ? ` (${total} in all)` : ''}:\n`
        + `${listComplaints(run, matching)}\n${footer}`,
  };
}
