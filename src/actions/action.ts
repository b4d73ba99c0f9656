import type { HttpClient } from '../connectors/http-client.ts';
import type { ParamValues } from '../util/params.ts';
import { asksForPage } from './asks-for-page.ts';

declare global {
  /**
   * The type of `io.page`: Playwright's `Page` once `beamulator/browser` is imported
   * (`import type { Page } from 'beamulator/browser'`). Kept out of the main entry point because
   * Playwright's types need Node's (`@types/node`), which a project may not load.
   */
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by beamulator/browser
  interface BeamulatorPage {}
}

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
  /**
   * The actor's browser page (Playwright, Debian's Chromium): one browser context per actor, made
   * on its first browser action, its clock following the actor's sim time. Only for actions that
   * ask for it: destructure `{ page }` in the action's parameters (or define it with
   * `defineAction(name, fn, { browser: true })`). Its requests are recorded as the action's exchanges.
   * Typed as Playwright's `Page` once `beamulator/browser` is imported.
   */
  page: BeamulatorPage;
}

/** An action's implementation: the only code that touches the target. */
export type ActionFn<A, R> = (args: A, io: ActionIO) => Promise<R>;

/** A named action. The action log stores `name`; behaviors pass the action itself to `ctx.execute`. */
export interface Action<A = any, R = any> {
  readonly name: string;
  readonly run: ActionFn<A, R>;
  /** Per-action timeout in ms (overrides the simulation's). */
  readonly timeoutMs?: number;
  /** The action drives the actor's browser page (`io.page`); see ActionIO.page. */
  readonly browser?: boolean;
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
 *
 * An action that destructures `{ page }` drives the actor's browser page instead:
 * @example
 * import type {} from 'beamulator/browser'; // types io.page as Playwright's Page
 * export const ui = defineActions({
 *   addTodoInUi: async (args: { title: string }, { page }) => {
 *     await page.getByPlaceholder('What needs doing?').fill(args.title);
 *     await page.getByRole('button', { name: 'Add' }).click();
 *     return page.locator('li').count();
 *   },
 * });
 */
export function defineActions<T extends Record<string, ActionFn<any, any>>>(fns: T): ActionMap<T> {
  const out: Record<string, Action> = {};
  for (const [name, run] of Object.entries(fns)) {
    if (typeof run !== 'function') throw new TypeError(`defineActions: '${name}' is not a function`);
    out[name] = Object.freeze(asksForPage(run) ? { name, run, browser: true } : { name, run });
  }
  return out as ActionMap<T>;
}

/**
 * One action with an explicit name and options: `timeout` in ms; `browser: true` gives it the
 * actor's page (`io.page`) when it does not destructure `{ page }` itself.
 *
 * @example
 * const openHome = defineAction('openHome', async (_args: {}, io) => { await io.page.goto('/'); }, { browser: true });
 */
export function defineAction<A, R>(name: string, run: ActionFn<A, R>, options: { timeout?: number; browser?: boolean } = {}): Action<A, R> {
  return Object.freeze({
    name, run,
    ...(options.timeout !== undefined ? { timeoutMs: options.timeout } : {}),
    ...(options.browser ?? asksForPage(run) ? { browser: true } : {}),
  });
}
