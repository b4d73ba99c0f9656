import type { FuzzSpec } from '../replay/fuzz-spec.ts';
import type { Rng } from '../rng/rng.ts';
import type { ActionRecord, ComplaintRecord } from '../store/records.ts';

/** Why a run failed. */
export type FuzzFailure =
  | { kind: 'complaint'; complaint: ComplaintRecord; actionsAtFailure: number }
  | { kind: 'invariant'; message: string; actionsAtFailure: number };

/** What one run of a spec logged, and why it failed (null: it passed). */
export interface RunOutcome {
  failure: FuzzFailure | null;
  actions: ActionRecord[];
  complaints: ComplaintRecord[];
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

/** Same kind and message: what a user would call the same failure. */
export function sameFailure(a: FuzzFailure | null, b: FuzzFailure): boolean {
  if (!a || a.kind !== b.kind) return false;
  return a.kind === 'complaint' ? a.complaint.message === (b as typeof a).complaint.message : a.message === (b as typeof a).message;
}
