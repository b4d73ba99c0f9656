import type { Action } from '../actions/action.ts';
import type { ActionRecord, ComplaintRecord, Json, Severity } from '../store/records.ts';
import type { InvariantVerdict } from './invariant-verdict.ts';

export type { InvariantVerdict } from './invariant-verdict.ts';

/**
 * A broken expectation found by a checker. The engine records it as a complaint of the actor
 * who saw it, on the action that revealed it, with `trigger` = `checker:<name>` and a detail
 * `{ checker, actions, ...detail }` that points at the actions involved.
 */
export interface Violation {
  message: string;
  /** The actor who saw it: the complaint is recorded as theirs. */
  actorId: number;
  /** The action that revealed it (usually the read): the complaint's actionSeq. */
  actionSeq: number | null;
  /** Sim time of that action. */
  simTime: number;
  /** The actions involved, by role (seqs): `{ write: 12, read: 40 }`, `{ write: 12, overlapping: [13], read: 40 }`. */
  actions: Readonly<Record<string, number | readonly number[]>>;
  /** More to store with the complaint (key, field, expected and seen values...). */
  detail?: Readonly<Record<string, Json>>;
}

/** What a checker returns for one action: nothing, one violation, or several. */
export type Violations = Violation | readonly Violation[] | null;

/**
 * One run's worth of a checker's state: told every recorded action as it happens. A method that
 * throws stops the run (kept with status `failed`; the CLI exits 6 naming the checker, the action
 * and the line of your code that threw).
 */
export interface StartedChecker {
  /**
   * Called for each recorded action, in the order actions finish (seq order per actor), whatever
   * its outcome: a failed action (`error`, `crash`) has `result` null.
   */
  onAction(record: ActionRecord): Violations;
  /** Called once when the run ends (to flush anything held back); not called when the run stopped on an error. */
  atEnd?(): Violations;
}

/**
 * A consistency checker over the action log. It holds no state itself: `start()` makes a fresh
 * `StartedChecker` for each run, so a simulation (and every fuzz iteration) can reuse it.
 */
export interface Checker {
  /** Names the checker in complaints (`trigger: 'checker:<name>'`). */
  readonly name: string;
  /** Severity of its complaints (default 'urgent'). */
  readonly severity?: Severity;
  /** Called once per run, before its first action. */
  start(): StartedChecker;
}

/** Identity helper that gives a hand-written checker its type. */
export function defineChecker(checker: Checker): Checker {
  return checker;
}

/** What an invariant sees of an actor. */
export interface ActorView {
  readonly id: number;
  readonly name: string;
  readonly behavior: { readonly name: string };
  readonly config: unknown;
  /** The actor's state (do not mutate it). */
  readonly state: unknown;
}

/**
 * A live, read-only view of the run so far. Nothing is copied: the arrays grow as the run goes
 * on (keep no reference to them across checks if you need a snapshot).
 */
export interface RunView {
  /** Every action recorded so far, in the order they finished. */
  readonly actions: readonly ActionRecord[];
  /** Every complaint recorded so far. */
  readonly complaints: readonly ComplaintRecord[];
  /** Current sim time. */
  readonly simTime: number;
  /** Per-turn invariants: the actor whose turn just ended. At the end: null. */
  readonly actor: ActorView | null;
  /** Every actor of the run. */
  readonly actors: readonly ActorView[];
  /**
   * Runs an action against the target to look at its state (a probe), as the actor whose turn
   * ended (at the end: the run's first actor, actor 0, whatever acted last, so probes replay
   * identically even after overlapping steps). It is logged, checked and replayed like any action,
   * marked by a `probe` event; the complaint of a broken invariant points at its last probe. The
   * answer is `ctx.execute`'s.
   *
   * @example
   * check: async (run) => {
   *   const todos = await run.execute(actions.listTodos, { user: 'admin' });
   *   return todos.ok && new Set(todos.value.map((t) => t.id)).size !== todos.value.length ? 'duplicate todo ids' : null;
   * }
   */
  execute<A, R>(action: Action<A, R>, args: A): Promise<{ ok: boolean; value: R | undefined; error: string | null; seq: number }>;
}

/**
 * A simulation's invariant over the run (docs/invariants.md relates it to a fuzz target's): a
 * named check that returns null while it holds, and a message (or `{ message, detail }`) when it
 * is broken, or a promise of one when it queries the target through `view.execute`. Checked
 * after every turn (`every: 'turn'`; the turns of an overlapping step once the step is over, in
 * dispatch order) or once when the run ends (`every: 'end'`, the default). A
 * broken one is recorded as a complaint (trigger `invariant:<name>`, message = what `check`
 * returned, detail `{ invariant, every, turn?, probes?, detail? }`). A per-turn invariant
 * complains as the actor whose turn ended, when it breaks after that actor's turn, and again for
 * that actor only after it held in between; an end invariant complains as the run's first actor
 * (actor 0, which its probes run as), with no actionSeq unless it probed the target.
 *
 * A check that throws (or rejects) is a bug in the check, not a broken invariant: the run stops
 * there, is kept with status `failed`, and the CLI exits 6 naming the invariant and the line of
 * your code that threw. A probe never throws for the target's failures: check its `ok`.
 *
 * @example
 * const noDuplicateIds: Invariant = {
 *   name: 'no duplicate ids',
 *   check: (view) => {
 *     const ids = view.actions.filter((a) => a.action === 'createTodo' && a.outcome === 'ok').map((a) => (a.result as { id: string }).id);
 *     return new Set(ids).size === ids.length ? null : { message: 'two creates got the same id', detail: { ids } };
 *   },
 * };
 */
export interface Invariant {
  name: string;
  check: (view: RunView) => InvariantVerdict | Promise<InvariantVerdict>;
  every?: 'turn' | 'end';
  /** Default 'urgent'. */
  severity?: Severity;
}
