import type { Simulation } from '../engine/simulation.ts';
import { fuzzSpecOfConfig, type FuzzSpec } from '../replay/fuzz-spec.ts';
import type { ActionRecord, ComplaintRecord, Json, RunRecord, Severity } from '../store/records.ts';
import { brokenInvariant } from './broken-invariant.ts';
import { isFuzzTarget } from './fuzz-target.ts';
import type { FuzzFailure } from './run-outcome.ts';

/** The failure a fuzz run was recorded for, as its run keeps it (`meta.failure`). */
export type StoredFailure =
  | { kind: 'complaint'; message: string; severity: Severity; actionSeq: number | null; actorId: number }
  | { kind: 'invariant'; message: string };

/** The failure as the recorded run's meta keeps it. */
export function storedFailure(failure: FuzzFailure): StoredFailure {
  return failure.kind === 'complaint'
    ? { kind: 'complaint', message: failure.complaint.message, severity: failure.complaint.severity, actionSeq: failure.complaint.actionSeq, actorId: failure.complaint.actorId }
    : { kind: 'invariant', message: failure.message };
}

/**
 * The failure a recorded run was recorded for: a fuzz run's `meta.failure`; null for any other run.
 *
 * @example
 * const failure = storedFailureOf(bundle.run); // { kind: 'complaint', message: '...', ... }
 */
export function storedFailureOf(run: Pick<RunRecord, 'config'>): StoredFailure | null {
  const failure = (run.config as { meta?: { failure?: Json } } | null)?.meta?.failure as Partial<StoredFailure> | undefined;
  if (!failure || typeof failure !== 'object' || typeof failure.message !== 'string') return null;
  return failure.kind === 'complaint' || failure.kind === 'invariant' ? failure as StoredFailure : null;
}

/** What a replay of a fuzz run produced: enough to tell whether its recorded failure came back. */
export interface ReplayedFuzzRun {
  /** The simulation the replay ran (a fuzz target, for its invariants). */
  simulation: Simulation | null;
  run: Pick<RunRecord, 'config'>;
  actions: readonly ActionRecord[];
  complaints: readonly ComplaintRecord[];
}

/**
 * Whether a replay reproduced the recorded failure: the same complaint (severity and message)
 * was raised again, or the same invariant broke again over the replay's log (same message).
 * What a user replaying a fuzz failure wants to know: the bug showed again, whatever else differs.
 *
 * @example
 * if (failureRecurs(stored, { simulation, run: bundle.run, actions, complaints: report.complaints ?? [] })) console.log('reproduced');
 */
export function failureRecurs(stored: StoredFailure, replayed: ReplayedFuzzRun): boolean {
  if (stored.kind === 'complaint') return replayed.complaints.some((c) => c.severity === stored.severity && c.message === stored.message);
  const { simulation } = replayed;
  const spec: FuzzSpec | undefined = fuzzSpecOfConfig(replayed.run.config)?.spec;
  if (!spec || !simulation || !isFuzzTarget(simulation)) return false;
  return brokenInvariant(simulation.fuzz.invariants, { spec, actions: replayed.actions, complaints: replayed.complaints }) === stored.message;
}
