import { sameFailure, type FailingRun, type RunOutcome, type RunSpec } from './run-outcome.ts';

/**
 * How often the shrunk failure recurred when its spec was run again: `failed` re-runs failed the
 * same way (same kind and message), `identical` of those also logged the same actions (actor,
 * action, args, outcome, result, sim time, in order) up to the failure.
 */
export interface Reproduction {
  runs: number;
  failed: number;
  identical: number;
}

/**
 * Runs the failing spec `runs` times more and counts how often it fails the same way, and with the same log.
 *
 * @example
 * const reproduced = await reproduce(shrunk, 5, runSpec); // null when runs is 0
 */
export async function reproduce(reference: FailingRun, runs: number, runSpec: RunSpec): Promise<Reproduction | null> {
  if (runs <= 0) return null;
  const expected = logUpTo(reference.outcome, reference.outcome.failure.actionsAtFailure);
  const result: Reproduction = { runs, failed: 0, identical: 0 };
  for (let i = 0; i < runs; i++) {
    const again = await runSpec(reference.spec);
    if (!again.failure || !sameFailure(again.failure, reference.outcome.failure)) continue;
    result.failed++;
    if (again.failure.actionsAtFailure === reference.outcome.failure.actionsAtFailure && logUpTo(again, again.failure.actionsAtFailure) === expected) result.identical++;
  }
  return result;
}

/** One line per action up to the failure, with everything a replay compares. */
function logUpTo(outcome: RunOutcome, actions: number): string {
  return outcome.actions.slice(0, actions)
    .map((a) => JSON.stringify([a.seq, a.actorId, a.simTime, a.action, a.args, a.outcome, a.result, a.error])).join('\n');
}
