import type { MatcherState } from 'vitest';
import { previewJson } from '../format/json-preview.ts';
import { errorMessage } from '../util/errors.ts';
import type { MatcherOutcome } from './matcher-outcome.ts';
import type { RecordedRun } from './recorded-run.ts';
import { requireRecordedRun } from './require-recorded-run.ts';
import { runFooter } from './run-footer.ts';

/**
 * An invariant a test checks over a finished run, with `expect(run).toSatisfyInvariant(...)`
 * (unlike a simulation's `Invariant`, checked while the run goes: docs/invariants.md relates them).
 * Return `true` or nothing when it holds; `false`, a string saying why, or `{ message, detail }`
 * (the shape every invariant may return) when it does not. Throwing (an `expect` inside, say)
 * counts as not holding. Synchronous: everything the run recorded is already loaded.
 *
 * @example
 * const everyTodoCreatedOnce: TestInvariant = (run) => {
 *   const titles = run.actions.filter((a) => a.action === 'createTodo').map((a) => JSON.stringify(a.args));
 *   if (new Set(titles).size !== titles.length) return 'a todo was created twice';
 * };
 */
export type TestInvariant<R extends RecordedRun = RecordedRun> = (run: R) => boolean | string | { message: string; detail?: unknown } | void;

/**
 * `expect(run).toSatisfyInvariant(invariant, description?)`. Named so because vitest already has
 * a built-in `toSatisfy(predicate)` with different rules (only a truthy return passes).
 */
export function toSatisfyInvariant(this: MatcherState, received: unknown, invariant: TestInvariant<any>, description?: string): MatcherOutcome {
  const run = requireRecordedRun(received, 'toSatisfyInvariant');
  if (typeof invariant !== 'function') {
    throw new TypeError(`expect(run).toSatisfyInvariant(): the invariant must be a function (run) => boolean | string | void, got ${typeof invariant}`);
  }
  const name = description ?? (invariant.name || 'invariant');
  let reason: string | null;
  try {
    reason = verdict(invariant(run), name);
  } catch (error) {
    if (error instanceof TypeError && error.message.startsWith('expect(run).toSatisfyInvariant()')) throw error;
    reason = `it threw: ${errorMessage(error)}`;
  }
  const footer = runFooter(run, this);
  return {
    pass: reason === null,
    message: () => this.isNot
      ? `expected run not to satisfy ${quoted(name)}, but it did\n${footer}`
      : `expected run to satisfy ${quoted(name)}, but it did not: ${reason}\n${footer}`,
  };
}

/** null when the invariant holds, else the reason it does not. */
function verdict(value: unknown, name: string): string | null {
  if (value === undefined || value === null || value === true) return null;
  if (value === false) return 'it returned false';
  if (typeof value === 'string') return value === '' ? 'it returned an empty reason' : value;
  if (typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') {
    const { message, detail } = value as { message: string; detail?: unknown };
    return detail === undefined ? message : `${message} ${previewJson(detail, 100)}`;
  }
  if (typeof (value as { then?: unknown }).then === 'function') {
    throw new TypeError(`expect(run).toSatisfyInvariant(): ${quoted(name)} returned a promise; invariants are synchronous (the run's rows are already loaded)`);
  }
  throw new TypeError(`expect(run).toSatisfyInvariant(): ${quoted(name)} returned ${typeof value}; return true/nothing when it holds, false or a reason when it does not`);
}

function quoted(name: string): string {
  return name === 'invariant' ? 'the invariant' : `invariant "${name}"`;
}
