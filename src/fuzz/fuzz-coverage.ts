import { probesOf } from '../engine/invariant-checks.ts';
import type { FuzzSpec } from '../replay/fuzz-spec.ts';
import type { ComplaintRecord, Outcome, Severity } from '../store/records.ts';
import type { RunOutcome } from './run-outcome.ts';

/**
 * What a campaign's search explored, summed over its runs (not the shrink's): enough to tell a
 * campaign that passed because the target held from one that never got anywhere (every action an
 * error, one actor, no overlapping step).
 */
export interface FuzzCoverage {
  /** Search runs. */
  runs: number;
  /** The behaviors' actions (invariant probes not counted: see `probes`). */
  actions: number;
  /** Actions invariants ran to look at the target. */
  probes: number;
  /** Actors spawned. */
  actors: number;
  /** Engine steps in which actions of two or more actors ran concurrently (overlap). */
  overlappingSteps: number;
  /** Distinct `Behavior/action` pairs that ran, sorted. */
  pairs: string[];
  /** The behaviors' actions by outcome. */
  outcomes: Record<Outcome, number>;
  /** Complaints that did not fail their run (below the fail level, or not picked by failWhen), by severity. */
  complaintsBelowFailLevel: Record<Severity, number>;
  /** Behavior crashes and give-ups seen (they fail a run unless crashes are allowed). */
  crashes: number;
}

/** Adds up the coverage of runs as they finish. */
export class CoverageTally {
  readonly #pairs = new Set<string>();
  readonly coverage: FuzzCoverage = {
    runs: 0, actions: 0, probes: 0, actors: 0, overlappingSteps: 0, pairs: [],
    outcomes: { ok: 0, error: 0, crash: 0 }, complaintsBelowFailLevel: { urgent: 0, annoying: 0, justsayin: 0 }, crashes: 0,
  };

  constructor(readonly fails: (complaint: ComplaintRecord) => boolean) {}

  add(spec: FuzzSpec, outcome: RunOutcome): void {
    const c = this.coverage;
    const probes = probesOf(outcome.events);
    c.runs++;
    c.actors += spec.actors.length;
    const actorsByStep = new Map<number, Set<number>>();
    for (const a of outcome.actions) {
      if (probes[a.seq] !== undefined) {
        c.probes++;
        continue;
      }
      c.actions++;
      c.outcomes[a.outcome]++;
      this.#pairs.add(`${spec.actors[a.actorId]?.behavior ?? `actor ${a.actorId}`}/${a.action}`);
      let actors = actorsByStep.get(a.step);
      if (!actors) actorsByStep.set(a.step, (actors = new Set()));
      actors.add(a.actorId);
    }
    for (const actors of actorsByStep.values()) if (actors.size > 1) c.overlappingSteps++;
    for (const complaint of outcome.complaints) if (!this.fails(complaint)) c.complaintsBelowFailLevel[complaint.severity]++;
    for (const e of outcome.events) if (e.kind === 'crash') c.crashes++;
    c.pairs = [...this.#pairs].sort();
  }
}
