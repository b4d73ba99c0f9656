import { RngBase } from './rng-base.ts';
import type { RngState, Weighted } from './rng.ts';

/** The options of a weighted choice that can be chosen (positive weight), in order; throws like RngBase for bad weights. */
export function positiveOptions<T>(options: readonly Weighted<T>[] | Readonly<Record<string, number>>): Weighted<T>[] {
  const pairs = (Array.isArray(options) ? options : Object.entries(options)) as readonly Weighted<T>[];
  for (const [, w] of pairs) {
    if (!(w >= 0)) throw new RangeError(`rng.weighted: weight ${w} is not a non-negative number`);
  }
  const positive = pairs.filter(([, w]) => w > 0);
  if (positive.length === 0) throw new RangeError('rng.weighted: needs at least one positive weight');
  return positive;
}

/** Options of a {@link TapeRng}. */
export interface TapeRngOptions {
  /** Report `retired` once the actor has started its last taped turn (default false: zero-fill forever). */
  retire?: boolean;
  /** Extra sim ms before the next turn, per segment: `pauses[k]` once segment k is over (see FuzzActorSpec.pauses). */
  pauses?: readonly number[];
}

/**
 * The fuzz-mode rng: reads an actor's choices from a tape of per-turn segments (uint32 values),
 * with the shared mapping rules (value 0 = least choice). Draws past the end of a segment give 0.
 * One exception: `weighted` maps value k to the (k mod n)-th option of positive weight (see below).
 *
 * Segment layout (the same one {@link RecordingRng} writes):
 * - `tape[0]` is the **setup** segment: everything drawn before the actor's first turn, in order:
 *   the engine's arrival draw (only when the population entry has a `start.jitter`) and the draws
 *   of the behavior's `initialState` (e.g. faker names).
 * - `tape[n]` (n >= 1) is **turn n**: with overlap on, first the span drawn when the turn is popped
 *   (the engine calls `beginTurn()` before drawing it, so deleting a turn's segment deletes its
 *   span too), then the behavior's draws during that turn (including the overlap span drawn when a
 *   mid-turn `ctx.sleep` wakes up).
 *
 * So a tape of length L gives the actor max(1, L - 1) turns when `retire` is on: it retires at the
 * end of turn L - 1 (or of turn 1 when the tape has no turn segment at all).
 *
 * @example
 * const rng = new TapeRng([[], [0, 2], [1]], { retire: true });
 */
export class TapeRng extends RngBase {
  readonly tape: readonly (readonly number[])[];
  /** The sim time each turn began at, by segment (the engine says it; a shrink keeps deleted turns' time with it). */
  readonly turnStarts: Array<number | undefined> = [];
  readonly #retire: boolean;
  readonly #pauses: readonly number[];
  #segment = 0;
  #pos = 0;

  constructor(tape: readonly (readonly number[])[], options: TapeRngOptions = {}) {
    super();
    this.tape = tape;
    this.#retire = options.retire ?? false;
    this.#pauses = options.pauses ?? [];
  }

  override beginTurn(at?: number): void {
    this.#segment++;
    this.#pos = 0;
    if (at !== undefined) this.turnStarts[this.#segment] = at;
  }

  /** The current segment's pause (0 when the spec has none). */
  pauseMs(): number {
    return this.#pauses[this.#segment] ?? 0;
  }

  nextUint32(): number {
    const segment = this.tape[this.#segment];
    if (!segment || this.#pos >= segment.length) {
      this.#pos++;
      return 0;
    }
    return segment[this.#pos++]! >>> 0;
  }

  /**
   * Tape mapping for weighted choices: value k picks the (k mod n)-th option of positive weight, so
   * 0 is the first option and canonical values stay small (the weights shape seeded runs, not tapes).
   */
  override weighted<T>(options: readonly Weighted<T>[] | Readonly<Record<string, number>>): T {
    const positive = positiveOptions<T>(options);
    return positive[this.nextUint32() % positive.length]![0];
  }

  /** True once the actor has started its last taped turn (and `retire` is on). */
  get retired(): boolean {
    return this.#retire && this.#segment >= Math.max(1, this.tape.length - 1);
  }

  /** `[segment, position]`: the tape itself belongs to the fuzz spec, not to the state. */
  getState(): RngState {
    return { kind: 'tape', state: [this.#segment, this.#pos] };
  }
}
