import type { Action } from '../actions/action.ts';
import type { Rng } from '../rng/rng.ts';
import type { Outcome, Severity } from '../store/records.ts';
import type { Duration } from '../util/duration.ts';
import type { Stop } from './stop.ts';
import type { Complaint } from './complaint.ts';
import type { ParamValues } from '../util/params.ts';
import type { Json } from '../store/records.ts';
import type { ActorInfo, ActorMessage, ActorQuery, ActorRef } from './run-control.ts';

/** The outcome of `ctx.execute`. It never throws for target failures: check `ok`. */
export interface ActionResult<R> {
  ok: boolean;
  outcome: Outcome;
  /** The action's return value when `ok`. */
  value: R | undefined;
  /** The failure message when not `ok`. */
  error: string | null;
  /** The action's `seq` in the action log. */
  seq: number;
  latencyMs: number;
}

export interface ExecuteOptions<A, R, S> {
  /** Expectations checked after the action; each that fires is recorded as a complaint. */
  complaints?: ReadonlyArray<Complaint<A, R, S>>;
}

/**
 * What a behavior's `act(ctx)` sees: the actor's own state, config, tags and rng, the virtual
 * time, and the ways to act on the target.
 */
export interface ActorContext<S = any, C = any, V = ParamValues> {
  readonly actorId: number;
  readonly name: string;
  readonly behavior: string;
  /** The actor's state: mutate it or assign a new value. Keep it JSON-serializable. */
  state: S;
  /** Per-actor config from the population (read-only). */
  readonly config: C;
  /** The run's parameters, resolved (`--param`, env, defaults) and frozen; the same for every actor. */
  readonly params: V;
  readonly tags: Set<string>;
  /** This actor's seeded random stream: every random choice goes through it. */
  readonly rng: Rng;
  /** Virtual time: sim ms since the run started. */
  readonly now: number;
  /** Virtual time as a date (the run's sim epoch + now). */
  readonly date: Date;
  /** This actor's turn number, from 1. */
  readonly turn: number;
  /**
   * Runs an action against the target and logs it. Target failures come back as `ok: false`
   * (outcome `error`); an exception in the action's own code is outcome `crash`.
   */
  execute<A, R>(action: Action<A, R>, args: A, options?: ExecuteOptions<A, R, S>): Promise<ActionResult<R>>;
  /** Waits in virtual time, mid-turn (reading a page before clicking). Other actors act meanwhile. */
  sleep(duration: Duration): Promise<void>;
  /** Records a complaint that no single action's predicate expresses. */
  complain(message: string, options?: { severity?: Severity; detail?: unknown }): void;
  /** Return this from `act` to end the actor. */
  stop(reason?: string): Stop;
  /**
   * Other actors of the run that match `query` (default: all that have not stopped), as frozen
   * copies in id order. This actor is left out unless asked for by its id. In a sharded run only
   * this shard's actors are seen, and naming (by id or name) one of another shard throws.
   */
  actors(query?: ActorQuery): ActorInfo[];
  /**
   * Sends `message` (plain JSON, copied) to an actor (by id) or to every other actor `query`
   * matches when it is delivered. Delivery is at the end of the engine's step, in a fixed order
   * (send time, sender id, order of sending): the recipient sees it on its next turn, or wakes
   * from `nextMessage` at once. Each send is logged as a `message` event. An unknown id, or one
   * in another shard, throws.
   *
   * @example
   * ctx.send({ tag: 'seller' }, { wants: 'lamp', maxPrice: 40 });
   */
  send(to: ActorRef | ActorQuery, message: Json): void;
  /** Takes every message waiting in this actor's inbox, oldest first (empty when none). */
  messages(): ActorMessage[];
  /**
   * Takes the oldest waiting message; with none, pauses the turn (like `sleep`: other actors act
   * meanwhile) until one is delivered, or `timeout` passes (then null). No timeout: it waits as
   * long as the run lasts.
   *
   * @example
   * const offer = await ctx.nextMessage({ timeout: '10m' });
   * if (offer === null) return '1h'; // nobody answered
   */
  nextMessage(options?: { timeout?: Duration }): Promise<ActorMessage | null>;
}
