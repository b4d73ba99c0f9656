import type { MatcherState } from 'vitest';
import type { Outcome } from '../store/records.ts';
import { formatClock } from '../util/duration.ts';
import type { MatcherOutcome } from './matcher-outcome.ts';
import { requireRecordedRun } from './require-recorded-run.ts';
import { runFooter } from './run-footer.ts';

const outcomes: readonly Outcome[] = ['ok', 'error', 'crash'];

/**
 * `expect(run).toHaveOutcomes({ crash: 0, error: 0 })`: the run has exactly these numbers of
 * actions with each outcome given (outcomes left out are not checked). Behavior crashes are
 * events, not action outcomes: see `run.result.crashes`.
 */
export function toHaveOutcomes(this: MatcherState, received: unknown, expected: Partial<Record<Outcome, number>>): MatcherOutcome {
  const run = requireRecordedRun(received, 'toHaveOutcomes');
  if (typeof expected !== 'object' || expected === null) {
    throw new TypeError('expect(run).toHaveOutcomes(): give the expected counts, like { crash: 0, error: 0 }');
  }
  const keys = Object.keys(expected);
  for (const key of keys) {
    const count = (expected as Record<string, unknown>)[key];
    if (!(outcomes as readonly string[]).includes(key)) {
      throw new TypeError(`expect(run).toHaveOutcomes(): unknown outcome '${key}'; outcomes are ${outcomes.join(', ')}`);
    }
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
      throw new TypeError(`expect(run).toHaveOutcomes(): the count of '${key}' must be a whole number >= 0, got ${String(count)}`);
    }
  }
  const checked = outcomes.filter((o) => expected[o] !== undefined);
  const actual = Object.fromEntries(checked.map((o) => [o, run.summary.byOutcome[o]]));
  const wanted = Object.fromEntries(checked.map((o) => [o, expected[o]]));
  const wrong = checked.filter((o) => run.summary.byOutcome[o] !== expected[o]);
  const footer = runFooter(run, this);
  const show = (counts: Record<string, unknown>) => checked.map((o) => `${o} ${String(counts[o])}`).join(', ');
  return {
    pass: wrong.length === 0,
    message: () => this.isNot
      ? `expected run not to have outcomes ${show(wanted)}, but it does\n${footer}`
      : `expected run to have outcomes ${show(wanted)}, but it has ${show(actual)}${examples(run, wrong)}\n${footer}`,
    actual,
    expected: wanted,
  };
}

/** Up to 5 actions of each outcome that came out more often than expected. */
function examples(run: ReturnType<typeof requireRecordedRun>, wrong: Outcome[]): string {
  const names = new Map(run.actors.map((a) => [a.actorId, a.name]));
  const lines: string[] = [];
  for (const outcome of wrong.filter((o) => o !== 'ok')) {
    const actions = run.actions.filter((a) => a.outcome === outcome);
    if (actions.length === 0) continue;
    lines.push(`  first actions with outcome ${outcome}:`);
    for (const a of actions.slice(0, 5)) {
      lines.push(`    #${a.seq} ${a.action} by ${names.get(a.actorId) ?? `actor ${a.actorId}`} at ${formatClock(a.simTime)}: ${a.error ?? '(no error text)'}`);
    }
    if (actions.length > 5) lines.push(`    ... and ${actions.length - 5} more`);
  }
  return lines.length > 0 ? `\n${lines.join('\n')}` : '';
}
