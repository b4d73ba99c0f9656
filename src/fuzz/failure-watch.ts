import type { EngineHooks } from '../engine/engine-hooks.ts';
import type { FuzzSpec } from '../replay/fuzz-spec.ts';
import type { ComplaintRecord } from '../store/records.ts';
import { brokenInvariant } from './broken-invariant.ts';
import type { FuzzSettings } from './fuzz-target.ts';
import type { FuzzFailure, RunOutcome } from './run-outcome.ts';

/** How a campaign judges its runs. */
export interface FailureRules {
  /** Whether a complaint fails the run (failOn, failWhen). */
  fails: (complaint: ComplaintRecord) => boolean;
  /** Whether simulation code may crash without failing the run. */
  allowCrashes: boolean;
}

/**
 * Watches one fuzz run through its hooks and judges it the same way wherever it runs (a search or
 * shrink run, the recording of the shrunk failure): the first crash (unless crashes are allowed)
 * or failing complaint as they happen, else, once the run is over, the first broken invariant.
 *
 * @example
 * const watch = new FailureWatch(rules, () => stop.abort());
 * await runSimulationInternal(target, { ...options, hooks: watch.hooks });
 * const outcome = watch.outcome(settings, spec); // { failure, actions, complaints, events }
 */
export class FailureWatch {
  readonly #log: RunOutcome = { failure: null, actions: [], complaints: [], events: [] };
  #done = false;
  readonly hooks: Required<Pick<EngineHooks, 'onAction' | 'onComplaint' | 'onEvent'>>;

  /** `onFailure` is called at the first failure seen while the run goes (the campaign stops the run there). */
  constructor(rules: FailureRules, onFailure: () => void = () => {}) {
    const log = this.#log;
    const crashes = !rules.allowCrashes;
    const failWith = (found: FuzzFailure) => {
      log.failure = found;
      onFailure();
    };
    this.hooks = {
      onAction: (a) => {
        if (this.#done) return;
        log.actions.push(a);
        if (crashes && !log.failure && a.outcome === 'crash') {
          failWith({ kind: 'crash', actorId: a.actorId, message: a.error ?? 'crashed', actionSeq: a.seq, actionsAtFailure: log.actions.length });
        }
      },
      onComplaint: (c) => {
        if (this.#done) return;
        log.complaints.push(c);
        if (!log.failure && rules.fails(c)) failWith({ kind: 'complaint', complaint: c, actionsAtFailure: log.actions.length });
      },
      onEvent: (e) => {
        if (this.#done) return;
        log.events.push(e);
        // A behavior's crash (an actor's); a crash with no actor is the run stopping on the user's code, which throws out of the run.
        if (crashes && !log.failure && e.kind === 'crash' && e.actorId !== null) {
          const detail = e.detail as { error?: unknown; stack?: unknown[]; at?: unknown } | null;
          // Where the behavior threw: the user's frame when there is one, else the stack's first.
          const where = typeof detail?.at === 'string' ? detail.at : detail?.stack?.[0];
          failWith({
            kind: 'crash', actorId: e.actorId, message: String(detail?.error ?? 'crashed'), actionSeq: null, actionsAtFailure: log.actions.length,
            ...(typeof where === 'string' ? { at: where } : {}),
          });
        }
      },
    };
  }

  /**
   * What the run logged and why it failed, once it is over: what the hooks saw fail, else the first
   * of the target's invariants the log breaks. Hooks called after this are ignored (a stopped run's stragglers).
   */
  outcome(settings: FuzzSettings, spec: FuzzSpec): RunOutcome {
    this.#done = true;
    const log = this.#log;
    if (!log.failure) {
      const broken = brokenInvariant(settings.invariants, { spec, actions: log.actions, complaints: log.complaints, events: log.events }, settings.name);
      if (broken) log.failure = { kind: 'invariant', ...broken, actionsAtFailure: log.actions.length };
    }
    return log;
  }
}
