import type { FuzzSpec } from '../replay/fuzz-spec.ts';
import type { Rng } from '../rng/rng.ts';
import type { ActionRecord, ComplaintRecord, EventRecord, Json } from '../store/records.ts';

/**
 * Why a run failed: a complaint at or above the fail level, a fuzz target's invariant (by name),
 * or simulation code that crashed (a behavior that threw, or an action whose own code threw).
 */
export type FuzzFailure =
  | { kind: 'complaint'; complaint: ComplaintRecord; actionsAtFailure: number }
  | { kind: 'invariant'; invariant: string; message: string; detail: Json; actionsAtFailure: number }
  | { kind: 'crash'; actorId: number; message: string; actionSeq: number | null; actionsAtFailure: number; at?: string };

/** What one run of a spec logged, and why it failed (null: it passed). */
export interface RunOutcome {
  failure: FuzzFailure | null;
  actions: ActionRecord[];
  complaints: ComplaintRecord[];
  events: EventRecord[];
}

/** A spec whose run failed. */
export interface FailingRun {
  spec: FuzzSpec;
  outcome: RunOutcome & { failure: FuzzFailure };
}

/** Runs a spec against the campaign's target (reset first); `rngFor` replaces the tape-backed streams. */
export type RunSpec = (spec: FuzzSpec, rngFor?: (actorId: number) => Rng) => Promise<RunOutcome>;

/** The outcome as a FailingRun, or null when it passed. */
export function failingRun(spec: FuzzSpec, outcome: RunOutcome): FailingRun | null {
  const { failure } = outcome;
  return failure ? { spec, outcome: { ...outcome, failure } } : null;
}

/**
 * What identifies a failure, whatever its message says: an invariant's name; a complaint's kind
 * (its trigger: `invariant:<name>`, `checker:<name>`, `restart-policy`, or the predicate's source with its fixed
 * message; a `ctx.complain` by its message with numbers masked); a crash by where it happened
 * and its error with numbers masked. Messages may carry ids and counts that change from run to
 * run; the kind of failure does not.
 *
 * @example
 * failureKey({ kind: 'invariant', invariant: 'unique ids', message: '3 duplicates', detail: null, actionsAtFailure: 9 }); // 'invariant unique ids'
 */
export function failureKey(failure: FuzzFailure): string {
  switch (failure.kind) {
    case 'invariant':
      return `invariant ${failure.invariant}`;
    case 'crash':
      return `crash ${failure.actionSeq === null ? 'behavior' : 'action'} ${masked(failure.message)}`;
    case 'complaint': {
      const { trigger, message, severity } = failure.complaint;
      if (trigger.startsWith('invariant:') || trigger.startsWith('checker:') || trigger === 'restart-policy') return `complaint ${trigger}`;
      if (trigger === 'ctx.complain') return `complaint ${severity} ctx.complain ${masked(message)}`;
      return `complaint ${severity} ${trigger}\n${message}`;
    }
  }
}

/** The same failure, as a user would call it (see failureKey). */
export function sameFailure(a: FuzzFailure | null, b: FuzzFailure): boolean {
  return a !== null && a.kind === b.kind && failureKey(a) === failureKey(b);
}

/** Digit runs masked: `'t12 has 3 dupes'` -> `'t# has # dupes'`. */
function masked(text: string): string {
  return text.replace(/\d+/g, '#');
}
