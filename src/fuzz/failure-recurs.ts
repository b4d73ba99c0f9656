import type { Simulation } from '../engine/simulation.ts';
import type { StoredFuzzFailure } from '../format/fuzz-failure-line.ts';
import { fuzzSpecOfConfig, type FuzzSpec } from '../replay/fuzz-spec.ts';
import type { ActionRecord, ComplaintRecord, EventRecord, RunRecord, Severity } from '../store/records.ts';
import { brokenInvariant } from './broken-invariant.ts';
import { isFuzzTarget } from './fuzz-target.ts';
import { crashKey, portableComplaintKey } from './run-outcome.ts';

/** What a replay of a fuzz run produced: enough to tell whether its recorded failure came back. */
export interface ReplayedFuzzRun {
  /** The simulation the replay ran (a fuzz target, for its invariants). */
  simulation: Simulation | null;
  run: Pick<RunRecord, 'config'>;
  actions: readonly ActionRecord[];
  complaints: readonly ComplaintRecord[];
  events: readonly EventRecord[];
}

/**
 * Whether a replay reproduced the recorded failure, by the failure's identity (as the campaign
 * tells failures apart, see failureKey): a complaint of the same kind was raised again (its
 * trigger; a `ctx.complain` by its message with numbers masked; a predicate's by its severity and
 * message, see portableComplaintKey), the same invariant (by name) is
 * the first the replay's log breaks, or simulation code crashed again the same way. What a user
 * replaying a fuzz failure wants to know: the bug showed again, whatever else differs.
 *
 * @example
 * if (failureRecurs(stored, { simulation, run: bundle.run, actions, complaints: report.complaints ?? [], events })) console.log('reproduced');
 */
export function failureRecurs(stored: StoredFuzzFailure, replayed: ReplayedFuzzRun): boolean {
  switch (stored.kind) {
    case 'complaint': {
      const { trigger, message } = stored;
      const severity = stored.severity as Severity;
      // Recorded before failures had an identity (no trigger stored): by severity and message.
      if (trigger === undefined) return replayed.complaints.some((c) => c.severity === severity && c.message === message);
      const key = portableComplaintKey({ trigger, message, severity });
      return replayed.complaints.some((c) => portableComplaintKey(c) === key);
    }
    case 'crash': {
      const actionSeq = stored.actionSeq ?? null;
      const key = crashKey(actionSeq, stored.message);
      if (actionSeq !== null) return replayed.actions.some((a) => a.outcome === 'crash' && crashKey(a.seq, a.error ?? 'crashed') === key);
      return replayed.events.some((e) => e.kind === 'crash' && e.actorId !== null && crashKey(null, String((e.detail as { error?: unknown } | null)?.error ?? 'crashed')) === key);
    }
    case 'invariant': {
      const { simulation } = replayed;
      const spec: FuzzSpec | undefined = fuzzSpecOfConfig(replayed.run.config)?.spec;
      if (!spec || !simulation || !isFuzzTarget(simulation)) return false;
      const broken = brokenInvariant(simulation.fuzz.invariants, { spec, actions: replayed.actions, complaints: replayed.complaints, events: replayed.events }, simulation.fuzz.name);
      // Recorded before failures had an identity (no invariant name stored): by message.
      return broken !== null && (stored.invariant === undefined ? broken.message === stored.message : broken.invariant === stored.invariant);
    }
  }
}
