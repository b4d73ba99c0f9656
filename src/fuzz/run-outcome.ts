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
  /** Per actor, the sim time each of its turns began at, by tape segment (none at 0, the setup; runs of a spec's own tapes only). */
  turnStarts?: Array<Array<number | undefined>>;
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
      return crashKey(failure.actionSeq, failure.message);
    case 'complaint':
      return complaintKey(failure.complaint);
  }
}

/** A complaint's part of failureKey: by its trigger, else (a ctx.complain, a predicate) by its message. */
export function complaintKey({ trigger, message, severity }: Pick<ComplaintRecord, 'trigger' | 'message' | 'severity'>): string {
  if (namedTrigger(trigger)) return `complaint ${trigger}`;
  if (trigger === 'ctx.complain') return `complaint ${severity} ctx.complain ${masked(message)}`;
  return `complaint ${severity} ${trigger}\n${message}`;
}

/**
 * complaintKey for comparing across processes (a replay of the recorded run, in a fresh process):
 * a predicate's trigger is its source text, which another process may have transformed otherwise
 * (vitest's transform, tsx, compiled JS), so a predicate's complaint is its severity and fixed message.
 */
export function portableComplaintKey(complaint: Pick<ComplaintRecord, 'trigger' | 'message' | 'severity'>): string {
  return namedTrigger(complaint.trigger) || complaint.trigger === 'ctx.complain' ? complaintKey(complaint) : `complaint ${complaint.severity}\n${complaint.message}`;
}

function namedTrigger(trigger: string): boolean {
  return trigger.startsWith('invariant:') || trigger.startsWith('checker:') || trigger === 'restart-policy';
}

/** A crash's part of failureKey: in an action (it has a seq) or a behavior, and its error with numbers masked. */
export function crashKey(actionSeq: number | null, message: string): string {
  return `crash ${actionSeq === null ? 'behavior' : 'action'} ${masked(message)}`;
}

/** The same failure, as a user would call it (see failureKey). */
export function sameFailure(a: FuzzFailure | null, b: FuzzFailure): boolean {
  return a !== null && a.kind === b.kind && failureKey(a) === failureKey(b);
}

/** Digit runs masked: `'t12 has 3 dupes'` -> `'t# has # dupes'`. */
function masked(text: string): string {
  return text.replace(/\d+/g, '#');
}
