import type { Action } from '../actions/action.ts';
import type { ParamValues } from '../util/params.ts';
import type { ActionResult } from './actor-context.ts';

/**
 * What a population entry's `fromTarget` gets: a way to read the target through actions (logged
 * like any action, as the run's 'seeder' actor), the run's parameters and the target's url.
 */
export interface SeedContext<V = ParamValues> {
  /** Runs an action against the target and logs it; failures come back as `ok: false`, as in `ctx.execute`. */
  execute<A, R>(action: Action<A, R>, args: A): Promise<ActionResult<R>>;
  readonly params: V;
  readonly targetUrl: string;
}

/** One actor `fromTarget` found on the target. */
export interface SeededActor<C = unknown> {
  /** The actor's name (default: the entry's name prefix and a number, as for counted actors). */
  name?: string;
  /** The actor's config (default `{}`). Plain JSON. */
  config?: C;
  /** The actor's initial state, used instead of the behavior's `initialState`. Plain JSON. */
  state: unknown;
}
