import type { Action } from '../actions/action.ts';
import type { VirtualClock } from '../clock/virtual-clock.ts';
import type { Rng } from '../rng/rng.ts';
import type { Severity } from '../store/records.ts';
import { parseDuration, type Duration } from '../util/duration.ts';
import { toJson } from '../util/to-json.ts';
import { describeThrown, userCodeError, userFrame, type UserCodeError } from '../util/user-code.ts';
import type { Actor } from './actor.ts';
import type { ActionResult, ActorContext, ExecuteOptions } from './actor-context.ts';
import type { ParamValues } from '../util/params.ts';
import { ActionCall, type ActionRunContext } from './execute-action.ts';
import type { RunRecorder } from './run-recorder.ts';
import { STOP, type Stop } from './stop.ts';
import type { PopulationControl } from './population-control.ts';
import type { ActorInfo, ActorMessage, ActorQuery, ActorRef } from './run-control.ts';
import type { Json } from '../store/records.ts';

/** What an actor's ctx needs from the run it is in (the engine). */
export interface TurnRun {
  readonly clock: VirtualClock;
  readonly params: ParamValues;
  /** The engine's step: stored with each action. */
  readonly step: number;
  readonly recorder: RunRecorder;
  /** What the actor's actions are executed with. */
  readonly actionRun: ActionRunContext;
  /** Pauses the actor's turn for `ms` of sim time. */
  sleep(actor: Actor, ms: number): Promise<void>;
  /** Stops the run: the user's code threw where it cannot go on (see Engine.fail). */
  fail(error: UserCodeError): void;
  /** Queries and messages (see PopulationControl). */
  readonly control: PopulationControl;
  /** Pauses the actor's turn until a message is delivered to it or `ms` pass (Infinity: no timeout). */
  waitForMessage(actor: Actor, ms: number): Promise<void>;
}

/** The `ctx` of one turn. Thin: everything lives on the actor and the run. */
export class ActorContextImpl<S = any, C = any> implements ActorContext<S, C> {
  readonly #run: TurnRun;
  readonly #actor: Actor;

  constructor(run: TurnRun, actor: Actor) {
    this.#run = run;
    this.#actor = actor;
  }

  get actorId(): number { return this.#actor.id; }
  get name(): string { return this.#actor.name; }
  get behavior(): string { return this.#actor.behavior.name; }
  get state(): S { return this.#actor.state as S; }
  set state(value: S) { this.#actor.state = value; }
  get config(): C { return this.#actor.config as C; }
  get params(): ParamValues { return this.#run.params; }
  get tags(): Set<string> { return this.#actor.tags; }
  get rng(): Rng { return this.#actor.rng; }
  get now(): number { return this.#actor.now; }
  get date(): Date { return this.#run.clock.date(this.#actor.now); }
  get turn(): number { return this.#actor.turns; }

  sleep(duration: Duration): Promise<void> {
    return this.#run.sleep(this.#actor, parseDuration(duration, 'ctx.sleep duration'));
  }

  stop(reason?: string): Stop {
    return reason === undefined ? STOP : { stop: true, reason };
  }

  actors(query: ActorQuery = {}): ActorInfo[] {
    return this.#run.control.query(query, this.#actor);
  }

  send(to: ActorRef | ActorQuery, message: Json): void {
    this.#run.control.post(this.#actor, to, message);
  }

  messages(): ActorMessage[] {
    return this.#run.control.drain(this.#actor);
  }

  async nextMessage(options: { timeout?: Duration } = {}): Promise<ActorMessage | null> {
    const { control } = this.#run;
    const actor = this.#actor;
    const waiting = control.take(actor);
    if (waiting) return waiting;
    const ms = options.timeout === undefined ? Infinity : parseDuration(options.timeout, 'ctx.nextMessage timeout');
    await this.#run.waitForMessage(actor, ms);
    return control.take(actor) ?? null;
  }

  complain(message: string, options: { severity?: Severity; detail?: unknown } = {}): void {
    const actor = this.#actor;
    this.#run.recorder.complaint(actor, actor.lastActionSeq, options.severity ?? 'annoying', message, 'ctx.complain', toJson(options.detail ?? null));
  }

  async execute<A, R>(action: Action<A, R>, args: A, options?: ExecuteOptions<A, R, S>): Promise<ActionResult<R>> {
    if (!action || typeof action.run !== 'function' || typeof action.name !== 'string') {
      throw new TypeError(`ctx.execute needs an action made with defineActions (got ${typeof action})`);
    }
    const run = this.#run;
    const { recorder } = run;
    const actor = this.#actor;
    const seq = recorder.nextActionSeq();
    actor.lastActionSeq = seq;
    // executeAction's steps, inline: one async frame (a promise, a coroutine and a microtask) less per action.
    const call = new ActionCall(run.actionRun, action, seq, actor.id, actor.now, run.step);
    try {
      call.succeeded(await call.start(args));
    } catch (thrown) {
      call.failed(thrown);
    }
    // The run ended while it was in flight (its actor was released by a stop): nothing more of this
    // turn is recorded; the coroutine waits forever and is collected.
    if (call.dropped) return new Promise<never>(() => {});
    const record = call.finish(args);
    const value = call.value;
    recorder.action(record);
    const { outcome, error, result } = record;
    if (outcome === 'crash') {
      recorder.crash({ actorId: actor.id, what: `action ${action.name} (#${seq})`, error: describeThrown(call.thrown), at: userFrame(call.thrown) });
    }
    const complaints = options?.complaints;
    if (complaints) for (const complaint of complaints) {
      let fired: boolean;
      try {
        fired = complaint.when({ args, result: value, outcome, error, state: actor.state as S });
      } catch (thrown) {
        // Stops the run even if act() catches what this throws.
        const failure = userCodeError(`complaint '${complaint.message}' when()`, thrown, {
          action: { seq, action: action.name, actorId: actor.id, actorName: actor.name },
          ...(outcome !== 'ok' ? { advice: `The action failed (outcome ${outcome}), so its result is undefined` } : {}),
        });
        run.fail(failure);
        throw failure;
      }
      if (fired) {
        recorder.complaint(actor, seq, complaint.severity ?? 'annoying', complaint.message, complaint.when.toString(), { action: action.name, args: record.args, outcome, result, error });
      }
    }
    return { ok: outcome === 'ok', outcome, value, error, seq, latencyMs: record.latencyMs };
  }
}
