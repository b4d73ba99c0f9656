import type { Action } from '../actions/action.ts';
import { brokenVerdict, type InvariantVerdict } from '../checkers/invariant-verdict.ts';
import type { Invariant, RunView } from '../checkers/types.ts';
import type { VirtualClock } from '../clock/virtual-clock.ts';
import type { ActionRecord, ComplaintRecord, EventRecord, Json } from '../store/records.ts';
import { userCodeError } from '../util/user-code.ts';
import type { Actor } from './actor.ts';
import type { ActionResult, ActorContext } from './actor-context.ts';
import type { RunLog, RunRecorder } from './run-recorder.ts';


/** What invariants need from the run they check (the engine). */
export interface InvariantRun {
  readonly clock: VirtualClock;
  /** Actors by id (sparse in a sharded run: only the shard's ids are there). */
  readonly actors: readonly Actor[];
  /** The run's actors in spawn order, without gaps. */
  readonly spawned: readonly Actor[];
  /** Records broken invariants and probes. */
  readonly recorder: RunRecorder;
  /** The ctx a probe's action runs through, as `actor`. */
  contextOf(actor: Actor): ActorContext;
}

/**
 * Runs a simulation's invariants: per turn for the actor whose turn ended, and once at the end.
 * Synchronous invariants stay synchronous (no promise per turn); one that returns a promise, for
 * example because it queries the target through `view.execute`, holds the actor's turn open
 * until it settles, so its probe actions land in the log at a fixed place and replay exactly.
 */
export class InvariantChecks {
  readonly run: InvariantRun;
  /** The live log the views read (kept by the recorder). */
  readonly log: RunLog;
  readonly #perTurn: readonly Invariant[];
  readonly #atEnd: readonly Invariant[];
  /** Per-turn invariants currently broken, by actor (they complain again only after holding in between for that actor). */
  readonly #broken = new Map<Invariant, Set<number>>();

  constructor(run: InvariantRun, log: RunLog, invariants: readonly Invariant[]) {
    this.run = run;
    this.log = log;
    this.#perTurn = invariants.filter((i) => i.every === 'turn');
    this.#atEnd = invariants.filter((i) => i.every !== 'turn');
  }

  /** Whether any invariant is checked per turn. */
  get perTurn(): boolean {
    return this.#perTurn.length > 0;
  }

  /** After `actor`'s turn. Returns a promise only when an invariant is asynchronous. Throws (or rejects with) a UserCodeError when a check throws. */
  afterTurn(actor: Actor): Promise<void> | undefined {
    return this.#run(this.#perTurn, 0, actor);
  }

  /**
   * When the run ends. A run with no actor (a fuzz spec may have none) checks none: there is no
   * one to probe as, nor to record a complaint as.
   */
  atEnd(): Promise<void> | undefined {
    if (this.run.spawned.length === 0) return undefined;
    return this.#run(this.#atEnd, 0, null);
  }

  #run(invariants: readonly Invariant[], from: number, actor: Actor | null): Promise<void> | undefined {
    for (let i = from; i < invariants.length; i++) {
      const invariant = invariants[i]!;
      const view = new InvariantView(this, actor, invariant.name);
      let verdict: InvariantVerdict | Promise<InvariantVerdict>;
      try {
        verdict = invariant.check(view);
      } catch (error) {
        throw threw(invariant, actor, error);
      }
      if (verdict !== null && typeof verdict === 'object' && typeof (verdict as Promise<InvariantVerdict>).then === 'function') {
        return Promise.resolve(verdict).then(
          (message) => this.#judge(invariant, actor, view, message),
          (error) => { throw threw(invariant, actor, error); },
        ).then(() => this.#run(invariants, i + 1, actor));
      }
      this.#judge(invariant, actor, view, verdict as InvariantVerdict);
    }
    return undefined;
  }

  #judge(invariant: Invariant, actor: Actor | null, view: InvariantView, verdict: InvariantVerdict): void {
    const found = brokenVerdict(verdict, invariant.name);
    if (actor) {
      let broken = this.#broken.get(invariant);
      if (found === null) {
        broken?.delete(actor.id);
        return;
      }
      if (!broken) this.#broken.set(invariant, (broken = new Set()));
      if (broken.has(actor.id)) return;
      broken.add(actor.id);
    } else if (found === null) return;
    const { run } = this;
    // An end invariant has no actor of its own: it is recorded as the one its probes run as (actor 0).
    const who = actor ?? view.prober();
    if (!who) return;
    const probes = view.probes.sort((a, b) => a - b);
    const detail: Record<string, Json> = { invariant: invariant.name, every: actor ? 'turn' : 'end' };
    if (actor) detail.turn = actor.turns;
    if (probes.length > 0) detail.probes = probes;
    if (found.detail !== null) detail.detail = found.detail;
    // The complaint points at the action that revealed it: the last probe, else the actor's last action of the turn.
    const seq = probes.length > 0 ? probes[probes.length - 1]! : actor ? actor.lastActionSeq : null;
    run.recorder.complaint(who, seq, invariant.severity ?? 'urgent', found.message, `invariant:${invariant.name}`, detail, actor ? actor.now : run.clock.now());
  }
}

/** Seq -> invariant name of the actions invariants ran as probes, from a run's events. */
export function probesOf(events: Iterable<EventRecord>): Record<number, string> {
  const probes: Record<number, string> = {};
  for (const e of events) {
    if (e.kind === 'probe') {
      const { invariant, seq } = e.detail as { invariant: string; seq: number };
      probes[seq] = invariant;
    }
  }
  return probes;
}

/** A check that throws is the user's code failing, not a broken invariant: the run stops (exit 6). */
function threw(invariant: Invariant, actor: Actor | null, error: unknown): Error {
  return userCodeError(`invariant '${invariant.name}' ${actor ? `after ${actor.name}'s turn ${actor.turns}` : 'at the end of the run'}`, error);
}

/**
 * One check's view of the run. Probes run as its actor; at the end, as the run's first actor
 * (actor 0; in a sharded run, the shard's lowest id): a fixed identity, never the actor that happened to finish last in wall time, which
 * changes from run to run when steps overlap and would make the replay of a race diverge.
 */
class InvariantView implements RunView {
  readonly probes: number[] = [];
  readonly #checks: InvariantChecks;
  readonly #actor: Actor | null;
  readonly #invariant: string;
  #prober: Actor | undefined;

  constructor(checks: InvariantChecks, actor: Actor | null, invariant: string) {
    this.#checks = checks;
    this.#actor = actor;
    this.#invariant = invariant;
  }

  get actions(): readonly ActionRecord[] { return this.#checks.log.actions; }
  get complaints(): readonly ComplaintRecord[] { return this.#checks.log.complaints; }
  get simTime(): number { return this.#checks.run.clock.now(); }
  get actor(): Actor | null { return this.#actor; }
  get actors(): readonly Actor[] { return this.#checks.run.spawned; }

  prober(): Actor | undefined {
    if (this.#actor) return this.#actor;
    if (!this.#prober) {
      const { run } = this.#checks;
      // The lowest actor id: actor 0, or in a sharded run the shard's first.
      this.#prober = run.spawned.reduce<Actor | undefined>((low, a) => (low && low.id < a.id ? low : a), undefined);
      // At the end, probes happen at the run's end time.
      if (this.#prober) this.#prober.now = run.clock.now();
    }
    return this.#prober;
  }

  async execute<A, R>(action: Action<A, R>, args: A): Promise<ActionResult<R>> {
    const actor = this.prober();
    if (!actor) throw new Error('invariant probes need an actor: this run has none');
    const { run } = this.#checks;
    const result = await run.contextOf(actor).execute(action, args);
    this.probes.push(result.seq);
    run.recorder.event(actor, 'probe', { invariant: this.#invariant, seq: result.seq });
    return result;
  }
}
