import type { Json, Outcome } from '../store/records.ts';

/**
 * Which actors a query or a message means: every given field must match (none given: all).
 * `name` matches exactly; a behavior is named by its `name`.
 */
export interface ActorQuery {
  id?: number;
  name?: string;
  behavior?: string;
  tag?: string;
  /** Include actors that have stopped (default false: only those still taking turns or waiting). */
  stopped?: boolean;
}

/**
 * One actor as a query sees it: a frozen copy, taken when asked. Changing it changes nothing;
 * it is plain JSON, so it can go over HTTP as it is.
 */
export interface ActorInfo {
  readonly id: number;
  readonly name: string;
  readonly behavior: string;
  readonly tags: readonly string[];
  readonly state: Json;
  readonly config: Json;
  /** The actor has stopped (ctx.stop(), gave up after crashes): it takes no more turns. */
  readonly stopped: boolean;
}

/** A message in an actor's inbox (see ActorContext.send). */
export interface ActorMessage {
  /** Order of delivery in the run, from 0: messages are delivered in this order. */
  readonly seq: number;
  /** The sending actor's id, or null for one sent with RunControl.send. */
  readonly from: number | null;
  /** Sim time it was sent (and delivered: delivery is at the end of the engine's step). */
  readonly sentAt: number;
  readonly body: Json;
}

/** Who made a control call: stored with its event, so the log says where each change came from. */
export interface ControlSource {
  /** What made the call, e.g. `dashboard`, `test`, `script` (default `api`). */
  source?: string;
  /** Which client of that source (a dashboard tab, a user). */
  clientId?: string;
}

/** Options of RunControl.spawn. */
export interface SpawnOptions extends ControlSource {
  /** Each actor's config (default `{}`); plain JSON. */
  config?: Json;
  /** The actor's name (with a number after it when spawning more than one); default `<behavior> #<id>`. */
  name?: string;
  /** Tags on top of the behavior's own. */
  tags?: readonly string[];
}

/** What RunControl.runAction returns: the action's record, as the log holds it. */
export interface ControlActionResult {
  seq: number;
  ok: boolean;
  outcome: Outcome;
  result: Json;
  error: string | null;
  latencyMs: number;
}

/** An actor, named by its id or by a snapshot of it. */
export type ActorRef = number | { readonly id: number };

/**
 * Changes a running simulation's population: handed to `RunOptions.onControl` when the actors are
 * about to start, usable until the run ends. JSON in, JSON out (ids, names, plain data), so a
 * dashboard can call it over HTTP.
 *
 * Every change is queued and applied between two steps of the engine, at the current sim time,
 * and recorded as a `control` event (with the step, the arguments and `source`/`clientId`):
 * a replay applies the same changes at the same step, so a run changed mid-way replays exactly.
 * Each change's promise settles once it has been applied; one that cannot be applied (an unknown
 * behavior or actor, bad arguments, the run has ended) rejects with a BeamulatorError and changes
 * nothing. Queries (`actors`) change nothing and are not recorded.
 *
 * @example
 * let control: RunControl | undefined;
 * await runSimulation(sim, {
 *   onControl: (c) => (control = c),
 *   hooks: {
 *     onAction: (a) => {
 *       // After the 500th action, ten more shoppers arrive and the first is told about a sale.
 *       if (a.seq !== 500) return;
 *       void control!.spawn('Shopper', 10, { tags: ['late'], source: 'script' })
 *         .then(([first]) => control!.send(first!.id, { sale: true }));
 *     },
 *   },
 * });
 */
export interface RunControl {
  /** Spawns `count` (default 1) new actors of a behavior the simulation knows (its population or `behaviors`); they take their first turn at once. */
  spawn(behavior: string, count?: number, options?: SpawnOptions): Promise<ActorInfo[]>;
  /** Removes an actor: it takes no more turns (a turn it is in the middle of is dropped) and no query shows it. */
  remove(actor: ActorRef, options?: ControlSource): Promise<void>;
  /** Gives an actor another behavior: same id, name, config, state and tags; its next turn is the new behavior's. */
  replace(actor: ActorRef, behavior: string, options?: ControlSource): Promise<ActorInfo>;
  /** Runs one of the simulation's actions (by name) as `actor`, logged as that actor's action. */
  runAction(actor: ActorRef, action: string, args: Json, options?: ControlSource): Promise<ControlActionResult>;
  /**
   * Changes an actor's state: a patch (an object) is merged over it; a function returns the new
   * state. A patch is recorded as given, a function's result as the whole new state.
   */
  setState(actor: ActorRef, change: Record<string, Json> | ((state: Json) => unknown), options?: ControlSource): Promise<ActorInfo>;
  tag(actor: ActorRef, tag: string, options?: ControlSource): Promise<ActorInfo>;
  untag(actor: ActorRef, tag: string, options?: ControlSource): Promise<ActorInfo>;
  /** Sends a message to an actor or to every actor a query matches (see ActorContext.send); resolves to the number of recipients. */
  send(to: ActorRef | ActorQuery, message: Json, options?: ControlSource): Promise<number>;
  /** The actors a query matches, by id, as frozen copies (not recorded: a read changes nothing). */
  actors(query?: ActorQuery): ActorInfo[];
}
