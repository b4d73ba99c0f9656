import { RngBase } from './rng-base.ts';
import type { Rng, RngState, Weighted } from './rng.ts';
import { positiveOptions } from './tape-rng.ts';

const TWO_32 = 4294967296;

/** A source of raw uint32 draws (a SeededRng, a TapeRng: any RngBase). */
export interface Uint32Source {
  nextUint32(): number;
  /** Makes the weighted choice itself (one draw); the recorder stores the chosen option's index. */
  weighted<T>(options: readonly Weighted<T>[]): T;
  getState(): RngState;
  /** Forwarded (a TapeRng needs it to move to its next segment). */
  beginTurn?(at?: number): void;
  /** Forwarded (a TapeRng's pauses keep a re-recorded spec's turns at their sim times). */
  pauseMs?(): number;
  /** Forwarded (a retiring TapeRng: re-recording a shrunk spec keeps its turn count). */
  readonly retired?: boolean;
}

/**
 * Wraps a seeded (or tape-backed) stream and records the **canonical tape** of every draw, in the per-turn
 * segment layout of {@link TapeRng} (segment 0 = setup, segment n = turn n). Running the same
 * simulation with `new TapeRng(recording.tape)` makes exactly the same choices.
 *
 * Canonical values are the smallest tape values that give the same choice:
 * `int(min, max) = k` records `k - min`; `chance(p)` records `1000 - round(1000p)` when true and
 * `0` when false; `pick` records the index; `weighted` records the chosen option's index among those of positive
 * weight (TapeRng's weighted mapping); everything derived from `next()`/`nextUint32()`
 * (`next`, `float`, one value per `faker` access) records the raw uint32. `draw(arbitrary)` records
 * what fast-check consumed, in order: integer choices as canonical indices (through `int`), raw uint32s
 * for bigint ranges wider than 32 bits (see `StreamRandom` in fc-random.ts).
 *
 * @example
 * const rng = new RecordingRng(SeededRng.forActor('42', 0));
 * rng.int(3, 9); // say 7: records 4
 * new TapeRng(rng.tape).int(3, 9); // 7
 */
export class RecordingRng extends RngBase implements Rng {
  readonly #inner: Uint32Source;
  readonly #tape: number[][] = [[]];

  constructor(inner: Uint32Source) {
    super();
    this.#inner = inner;
  }

  /** The recorded tape so far (segment 0 = setup, then one segment per turn). */
  get tape(): number[][] {
    return this.#tape;
  }

  #record(value: number): void {
    this.#tape[this.#tape.length - 1]!.push(value);
  }

  override beginTurn(at?: number): void {
    this.#inner.beginTurn?.(at);
    this.#tape.push([]);
  }

  pauseMs(): number {
    return this.#inner.pauseMs?.() ?? 0;
  }

  get retired(): boolean {
    return this.#inner.retired ?? false;
  }

  nextUint32(): number {
    const v = this.#inner.nextUint32() >>> 0;
    this.#record(v);
    return v;
  }

  override int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`rng.int(${min}, ${max}): need integers with min <= max`);
    }
    const span = max - min + 1;
    if (span <= TWO_32) {
      const k = this.#inner.nextUint32() % span;
      this.#record(k);
      return min + k;
    }
    const k = Math.floor((this.#inner.nextUint32() * TWO_32 + this.#inner.nextUint32()) % span);
    this.#record(Math.floor(k / TWO_32));
    this.#record(k % TWO_32);
    return min + k;
  }

  override chance(p: number): boolean {
    const threshold = 1000 - Math.round(p * 1000);
    const result = this.#inner.nextUint32() % 1000 >= threshold;
    this.#record(result ? Math.max(0, threshold) : 0);
    return result;
  }

  /** The inner stream chooses (by weight when seeded); the tape gets the option's index among those of positive weight. */
  override weighted<T>(options: readonly Weighted<T>[] | Readonly<Record<string, number>>): T {
    const positive = positiveOptions<T>(options);
    const value = this.#inner.weighted(positive);
    this.#record(Math.max(0, positive.findIndex(([v]) => Object.is(v, value))));
    return value;
  }

  getState(): RngState {
    return this.#inner.getState();
  }
}
