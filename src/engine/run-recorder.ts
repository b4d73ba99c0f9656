import type { Checker, StartedChecker, Violation, Violations } from '../checkers/types.ts';
import type { VirtualClock } from '../clock/virtual-clock.ts';
import type {
  ActionRecord, ActorRecord, ComplaintRecord, EventKind, Json, RunSummary, Severity,
} from '../store/records.ts';
import type { RunWriter } from '../store/run-store.ts';
import { toJson } from '../util/to-json.ts';
import { callUser, isUserCodeError, userCodeError, UserCodeError } from '../util/user-code.ts';
import type { Actor } from './actor.ts';
import type { Crash, EngineHooks, RunProgress, RunStart } from './engine-hooks.ts';

/** The run so far, kept in memory for the invariants' views (only when the simulation has invariants). */
export interface RunLog {
  readonly actions: ActionRecord[];
  readonly complaints: ComplaintRecord[];
}

/**
 * Turns what happens in a run into its records: each row goes to the store's writer, then to the
 * hooks, and actions to the checkers, whose violations come back as complaints. Numbers the
 * complaints and events, and counts the run's summary. The engine decides what happens; this
 * decides how it is written down.
 */
export class RunRecorder {
  readonly summary: RunSummary = {
    actions: 0,
    byOutcome: { ok: 0, error: 0, crash: 0 },
    complaints: 0,
    bySeverity: { urgent: 0, annoying: 0, justsayin: 0 },
    actors: 0,
    simDurationMs: 0,
  };
  /** The in-memory log the invariants read; null when there are none (nothing is kept). */
  readonly log: RunLog | null;
  readonly #runId: string;
  readonly #writer: RunWriter;
  readonly #hooks: EngineHooks;
  readonly #clock: VirtualClock;
  /** The run's actors by id: a checker's violation names its actor by id. */
  readonly #actors: readonly Actor[];
  /** The simulation's checkers, each started for this run (see startCheckers); null when none are declared. */
  #checks: Array<{ checker: Checker; run: StartedChecker }> | null = null;
  readonly #checkers: readonly Checker[] | undefined;
  /** Stops the run when a checker throws (see Engine.fail). */
  readonly #fail: (error: UserCodeError) => void;
  /** The engine's own listener (the browser session photographs the page a complaint is about). */
  onComplaint: ((row: ComplaintRecord) => void) | null = null;
  #actionSeq = 0;
  #complaintSeq = 0;
  #eventSeq = 0;
  /** A library user's hook threw: the run is stopping for it (see #tell). */
  #hookFailed = false;

  constructor(
    runId: string, writer: RunWriter, hooks: EngineHooks, clock: VirtualClock, actors: readonly Actor[],
    checkers: readonly Checker[] | undefined, keepLog: boolean, fail: (error: UserCodeError) => void,
  ) {
    this.#runId = runId;
    this.#writer = writer;
    this.#hooks = hooks;
    this.#clock = clock;
    this.#actors = actors;
    this.#fail = fail;
    this.#checkers = checkers;
    this.log = keepLog ? { actions: [], complaints: [] } : null;
  }

  /** The seq of an action about to run: actions are numbered when they start, not when they are recorded. */
  nextActionSeq(): number {
    return this.#actionSeq++;
  }

  /** The seq the next action will get (snapshots store it). */
  peekActionSeq(): number {
    return this.#actionSeq;
  }

  /** A resumed run numbers its actions on from the run it continues. */
  continueActionSeq(seq: number): void {
    this.#actionSeq = seq;
  }

  /** Starts each checker for this run (the user's code: see Engine.run). */
  startCheckers(): void {
    if (this.#checkers?.length) this.#checks = this.#checkers.map((checker) => ({ checker, run: callUser(`checker '${checker.name}' start()`, () => checker.start()) }));
  }

  runStart(start: RunStart): void {
    if (this.#hooks.onRunStart) this.#tell(this.#hooks.onRunStart, start);
  }

  actor(row: ActorRecord): void {
    this.summary.actors++;
    this.#writer.addActor(row);
  }

  action(row: ActionRecord): void {
    this.summary.actions++;
    this.summary.byOutcome[row.outcome]++;
    this.#writer.addAction(row);
    if (this.#hooks.onAction) this.#tell(this.#hooks.onAction, row);
    if (this.#checks || this.log) this.#observe(row);
  }

  complaint(actor: Actor, actionSeq: number | null, severity: Severity, message: string, trigger: string, detail: Json, simTime = actor.now): void {
    this.summary.complaints++;
    this.summary.bySeverity[severity]++;
    const row: ComplaintRecord = {
      runId: this.#runId, seq: this.#complaintSeq++, actionSeq, actorId: actor.id, severity, message, trigger, detail, simTime,
    };
    this.#writer.addComplaint(row);
    if (this.#hooks.onComplaint) this.#tell(this.#hooks.onComplaint, row);
    this.onComplaint?.(row);
    this.log?.complaints.push(row);
  }

  /** An event of `actor` at its own time, or of the run (`actor` null) at the clock's; `simTime` overrides either. */
  event(actor: Actor | null, kind: EventKind, detail: Json, simTime = actor?.now ?? this.#clock.now()): void {
    const row = { runId: this.#runId, seq: this.#eventSeq++, simTime, actorId: actor?.id ?? null, kind, detail };
    this.#writer.addEvent(row);
    if (this.#hooks.onEvent) this.#tell(this.#hooks.onEvent, row);
  }

  /** Simulation code crashed in an actor's turn (its act(), or an action's code): for the hooks, the run goes on. */
  crash(crash: Crash): void {
    if (this.#hooks.onCrash) this.#tell(this.#hooks.onCrash, crash);
  }

  progress(simLimit: number, wallMs: number, pace?: RunProgress['pace']): void {
    const { summary } = this;
    this.#hooks.onProgress?.({
      simTime: this.#clock.now(), simLimit, actions: summary.actions, complaints: summary.complaints, actors: summary.actors, wallMs, ...(pace ? { pace } : {}),
    });
  }

  /**
   * Tells a hook. A library user's hook that throws (a UserCodeError, see userHooks) stops the
   * run, even when the behavior whose action it was told of catches what ctx.execute throws.
   */
  #tell<T>(hook: (row: T) => void, row: T): void {
    try {
      hook.call(this.#hooks, row);
    } catch (thrown) {
      if (!isUserCodeError(thrown)) throw thrown;
      // Once the run is stopping for a hook, the hooks it is still told (the crash event of the
      // failure itself) are not heard: the first failure is the one reported.
      if (this.#hookFailed) return;
      this.#hookFailed = true;
      const actorId = thrown.options.action?.actorId;
      const error = actorId === undefined ? thrown : thrown.with({ actorName: this.#actors[actorId]?.name });
      this.#fail(error);
      throw error;
    }
  }

  /** When the run ends: what the checkers held back. */
  finishCheckers(): void {
    for (const { checker, run } of this.#checks ?? []) {
      if (!run.atEnd) continue;
      let found: Violations;
      try {
        found = run.atEnd();
      } catch (thrown) {
        throw this.#checkerFailed(checker, 'atEnd()', thrown, null);
      }
      this.#violations(checker, found, 'atEnd()', null);
    }
  }

  /** Feeds an action to the invariants' log and the checkers. */
  #observe(row: ActionRecord): void {
    this.log?.actions.push(row);
    for (const { checker, run } of this.#checks ?? []) {
      let found: Violations;
      try {
        found = run.onAction(row);
      } catch (thrown) {
        // Stops the run even if the behavior that executed the action catches what ctx.execute throws.
        const error = this.#checkerFailed(checker, 'onAction()', thrown, row);
        this.#fail(error);
        throw error;
      }
      this.#violations(checker, found, 'onAction()', row);
    }
  }

  /** A checker's code (or its model's) threw: the error names the checker, the action and its actor. */
  #checkerFailed(checker: Checker, method: string, thrown: unknown, row: ActionRecord | null): UserCodeError {
    const error = userCodeError(method, thrown, row ? { action: { seq: row.seq, action: row.action, actorId: row.actorId } } : {});
    const actorId = error.options.action?.actorId;
    return error.with({ prefix: `checker '${checker.name}' `, actorName: actorId === undefined ? undefined : this.#actors[actorId]?.name });
  }

  #violations(checker: Checker, found: Violations, method: string, row: ActionRecord | null): void {
    if (found === null) return;
    for (const v of Array.isArray(found) ? (found as readonly Violation[]) : [found as Violation]) {
      const actor = this.#actors[v.actorId];
      if (!actor) {
        const returned = `a violation for actor ${String(v.actorId)}, which this run does not have`;
        const error = new UserCodeError(method, returned, {
          returned, advice: 'Give each violation the actorId of an action the checker was told of',
          ...(row ? { action: { seq: row.seq, action: row.action, actorId: row.actorId, ...(this.#actors[row.actorId] ? { actorName: this.#actors[row.actorId]!.name } : {}) } } : {}),
        }).with({ prefix: `checker '${checker.name}' ` });
        this.#fail(error);
        throw error;
      }
      this.complaint(actor, v.actionSeq, checker.severity ?? 'urgent', v.message, `checker:${checker.name}`,
        toJson({ checker: checker.name, actions: v.actions, ...v.detail }), v.simTime);
    }
  }
}
