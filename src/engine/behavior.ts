import type { Duration } from '../util/duration.ts';
import type { ActorContext } from './actor-context.ts';
import type { Stop } from './stop.ts';
import type { ParamValues } from '../util/params.ts';

/** What a turn returns: the sim-time wait until the actor's next turn, or `ctx.stop()`. */
export type TurnResult = Duration | Stop;

/** What `initialState` gets when it is a function. */
export interface InitInput<C, V = ParamValues> {
  actorId: number;
  name: string;
  config: C;
  rng: import('../rng/rng.ts').Rng;
  /** The run's parameters (see SimulationSpec.params). */
  params: V;
}

/**
 * `initialState` as a function. Declared as a method so that, like `act`, it is checked
 * bivariantly: a behavior typed for one simulation's parameters fits any population.
 */
type InitialStateFn<S, C, V> = { bivarianceHack(init: InitInput<C, V>): S }['bivarianceHack'];

/**
 * A persona: how an actor decides what to do next. `S` is its state, `C` its per-actor config,
 * `V` the type of the run's parameters (`ctx.params`): behaviors are written before the
 * simulation that uses them, so they name it themselves, e.g. `ParamValues<typeof params>` of
 * a `defineParams` declaration both share; by default any parameter values.
 */
export interface Behavior<S = any, C = any, V = ParamValues> {
  readonly name: string;
  /**
   * The state an actor starts with (a value is deep-copied per actor; a function is called per
   * actor, when it is spawned and again when it restarts after a crash). A function that throws
   * stops the run (kept as `failed`; the CLI exits 6 naming it and the line of your code).
   */
  readonly initialState: S | InitialStateFn<S, C, V>;
  /** Tags every actor of this behavior starts with. */
  readonly tags?: readonly string[];
  /**
   * One turn. `await ctx.execute(...)` and `await ctx.sleep(...)` any number of times; return the
   * wait. A turn that throws is a crash of the actor, recorded as an event: the actor restarts
   * with a fresh state (see SimulationSpec.restart), the run goes on, and the CLI exits 6 after
   * it, naming the behavior and the line of your code that threw.
   */
  act(ctx: ActorContext<S, C, V>): Promise<TurnResult> | TurnResult;
}

/**
 * Defines a behavior.
 *
 * @example
 * export const procrastinator = defineBehavior({
 *   name: 'Procrastinator',
 *   initialState: { todos: [] as string[] },
 *   async act(ctx) {
 *     const todos = await ctx.execute(actions.listTodos, { user: ctx.config.user });
 *     if (ctx.rng.chance(0.2)) await ctx.sleep('5m');
 *     return ctx.rng.int(30, 120) * 60_000; // next turn in 30..120 sim minutes
 *   },
 * });
 */
export function defineBehavior<S, C = Record<string, unknown>, V = ParamValues>(behavior: Behavior<S, C, V>): Behavior<S, C, V> {
  if (!behavior || typeof behavior.name !== 'string' || behavior.name === '') {
    throw new TypeError('defineBehavior: a behavior needs a non-empty name');
  }
  if (typeof behavior.act !== 'function') throw new TypeError(`defineBehavior: behavior '${behavior.name}' needs an act(ctx) function`);
  return Object.freeze({ ...behavior });
}
