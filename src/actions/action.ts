import type { HttpClient } from '../connectors/http-client.ts';
import type { ParamValues } from '../util/params.ts';

/** What an action's code gets besides its args: the connectors, bound to the run's target. */
export interface ActionIO {
  /** HTTP client for the target (relative paths resolve against the target url); records every exchange. */
  http: HttpClient;
  /** The target's base url. */
  targetUrl: string;
  /** Aborted when the action times out or the run is stopped. */
  signal: AbortSignal;
  /** The run's parameters (see SimulationSpec.params), untyped: cast to the simulation's `ParamValues<...>`. */
  params: ParamValues;
}

/** An action's implementation: the only code that touches the target. */
export type ActionFn<A, R> = (args: A, io: ActionIO) => Promise<R>;

/** A named action. The action log stores `name`; behaviors pass the action itself to `ctx.execute`. */
export interface Action<A = any, R = any> {
  readonly name: string;
  readonly run: ActionFn<A, R>;
  /** Per-action timeout in ms (overrides the simulation's). */
  readonly timeoutMs?: number;
}

type ActionMap<T> = { [K in keyof T]: T[K] extends ActionFn<infer A, infer R> ? Action<A, R> : never };

/**
 * Names a set of actions; each key becomes the action's logged name.
 *
 * @example
 * export const actions = defineActions({
 *   createTodo: async (args: { user: User; title: string }, { http }) => {
 *     const res = await http.post('/todos', { json: { title: args.title }, headers: auth(args.user) });
 *     if (res.status !== 201) fail(`create returned ${res.status}`, res.json());
 *     return res.json<Todo>();
 *   },
 * });
 * // in a behavior: await ctx.execute(actions.createTodo, { user, title: 'milk' })
 */
export function defineActions<T extends Record<string, ActionFn<any, any>>>(fns: T): ActionMap<T> {
  const out: Record<string, Action> = {};
  for (const [name, run] of Object.entries(fns)) {
    if (typeof run !== 'function') throw new TypeError(`defineActions: '${name}' is not a function`);
    out[name] = Object.freeze({ name, run });
  }
  return out as ActionMap<T>;
}

/** One action with an explicit name and options. */
export function defineAction<A, R>(name: string, run: ActionFn<A, R>, options: { timeout?: number } = {}): Action<A, R> {
  return Object.freeze({ name, run, ...(options.timeout !== undefined ? { timeoutMs: options.timeout } : {}) });
}
