import type { Outcome, Severity } from '../store/records.ts';

/** What a complaint predicate sees after an action ran, whatever its outcome. */
export interface ComplaintInput<A, R, S> {
  args: A;
  /** The action's return value: `undefined` unless outcome is `ok` (check `outcome` first, or use `result?.`). */
  result: R | undefined;
  outcome: Outcome;
  error: string | null;
  /** The actor's state at the time of the check (after the action returned). */
  state: S;
}

/**
 * An expectation about the target, checked after an action. When `when` returns true the actor
 * complains; the predicate's source text is stored with the complaint, so the log shows what fired.
 *
 * @example
 * const stillIncomplete: Complaint<ListArgs, Todo[], State> = {
 *   when: ({ result, state }) => result?.some((t) => state.completed.includes(t.id) && !t.completed) ?? false,
 *   message: 'a todo I completed reads back incomplete',
 *   severity: 'urgent',
 * };
 */
export interface Complaint<A = any, R = any, S = any> {
  /**
   * Called after every execution of the action it is passed with, failed ones too. One that
   * throws stops the run (kept as `failed`; the CLI exits 6 naming the complaint, the action and
   * the line of your code that threw), even if `act()` catches what `ctx.execute` then throws.
   */
  when: (input: ComplaintInput<A, R, S>) => boolean;
  message: string;
  /** Default 'annoying'. */
  severity?: Severity;
}

/** Identity helper that gives a complaint its types. */
export function defineComplaint<A = any, R = any, S = any>(complaint: Complaint<A, R, S>): Complaint<A, R, S> {
  return complaint;
}

const severityRank: Record<Severity, number> = { urgent: 3, annoying: 2, justsayin: 1 };

/** True when `severity` is at least as serious as `threshold`. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank[severity] >= severityRank[threshold];
}
