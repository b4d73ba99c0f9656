import type { ActionRecord } from '../store/records.ts';
import type { Redactor } from '../store/redact.ts';
import { clip } from '../util/clip.ts';

/**
 * Counts what a run's (or a replay's) actions did, for the lines a user needs at the end: a
 * target that could not be reached at all (exit 4), and a target that answered every action with
 * a failure (a warning: the run itself worked, but it tested nothing).
 *
 * @example
 * const tally = new ActionTally(outputRedactor(project));
 * await runSimulationInternal(sim, { hooks: { onAction: tally.add } });
 * if (tally.targetDown) ...; const warning = tally.warning();
 */
export class ActionTally {
  actions = 0;
  unreachable = 0;
  /** The error of the last action that could not reach the target. */
  lastUnreachable = '';
  #failed = 0;
  readonly #errors = new Map<string, number>();
  readonly #redactor: Redactor | null;

  /** `redactor` hides the secrets error messages quote (the lines this tally gives are printed). */
  constructor(redactor: Redactor | null = null) {
    this.#redactor = redactor;
  }

  readonly add = (a: ActionRecord): void => {
    this.actions++;
    if (a.outcome !== 'error') return;
    this.#failed++;
    const error = a.error === null ? '(no message)' : this.#redactor ? this.#redactor.text(a.error) : a.error;
    if (error.startsWith('cannot reach')) {
      this.unreachable++;
      this.lastUnreachable = error;
    }
    // Bounded: a run's distinct messages can be many (ids in them); the common one shows early.
    if (this.#errors.has(error) || this.#errors.size < 1000) this.#errors.set(error, (this.#errors.get(error) ?? 0) + 1);
  };

  /** Every action failed because the target could not be reached (exit 4). */
  get targetDown(): boolean {
    return this.unreachable > 0 && this.unreachable === this.actions;
  }

  /**
   * A warning when every action failed while the target was reachable (it answered 500, or
   * something that is not JSON, to everything), else null. Not a failure of the run: the
   * simulation may mean it, but a user who expected a working target must not miss it.
   */
  warning(): string | null {
    if (this.actions === 0 || this.#failed < this.actions || this.targetDown) return null;
    let common = '';
    let count = 0;
    for (const [error, n] of this.#errors) if (n > count) [common, count] = [error, n];
    const all = this.actions === 1 ? 'the only action failed' : `every one of ${this.actions} actions failed`;
    const most = count === this.actions ? `all with '${clip(common, 160)}'` : `most often with '${clip(common, 160)}' (${count} times)`;
    return `warning: ${all}, ${most}. Is the target healthy?`;
  }
}
