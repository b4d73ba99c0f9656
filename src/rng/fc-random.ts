/**
 * Drives fast-check arbitraries from a beamulator rng stream (`rng.draw(arb)`), so typed fuzz
 * inputs are seeded in normal runs, read from the actor's tape in fuzz runs, recorded by
 * RecordingRng and replayed exactly.
 *
 * No runtime import of fast-check or pure-rand here (types only): every run loads the rngs, and
 * importing fast-check costs ~50 ms; a behavior that draws imports fast-check itself for its
 * arbitraries. `StreamRandom` implements fast-check's `Random` surface structurally (fast-check 4's
 * arbitraries only call `nextInt`, `nextBigInt` and `clone` on it; covered by test/fuzz/draw.test.ts).
 */
import type { Arbitrary, Random } from 'fast-check';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** What the adapter needs from a stream: raw uint32 draws, the shared `int` mapping, a state. */
export interface DrawSource {
  nextUint32(): number;
  int(min: number, max: number): number;
  getState(): { state: number[] };
}

const TWO_31 = 2147483648;
const DOUBLE_FACTOR = 134217728; // 2^27
const DOUBLE_DIVISOR = 2 ** -53;

/**
 * A pure-rand 8 `RandomGenerator` over a stream, for `new fc.Random(new StreamGenerator(rng))`
 * when fast-check's own `Random` mapping is wanted (0 = the minimum of every range, not the shrink
 * target: `fc.integer()` then draws -2^31 from zeros). `rng.draw` uses {@link StreamRandom} instead.
 * `next()` gives int32 values as pure-rand does, mapped so that the stream's 0 is pure-rand's
 * lowest value (its `uniformInt` adds 2^31), so a 0 draw is the minimum of a range. `clone()` does NOT fork: the clone reads the same stream
 * (a tape or a recording cannot be forked without desynchronising it from what is recorded).
 * No `jump` (fast-check then adds its own, unused by `generate`).
 */
export class StreamGenerator implements RandomGenerator {
  readonly #source: DrawSource;

  constructor(source: DrawSource) {
    this.#source = source;
  }

  clone(): StreamGenerator {
    return new StreamGenerator(this.#source);
  }

  next(): number {
    return this.#source.nextUint32() - TWO_31;
  }

  getState(): readonly number[] {
    return this.#source.getState().state;
  }
}

/**
 * fast-check's `Random` (structurally) over a stream, with `nextInt`/`nextBigInt` mapped so that
 * the stream's value k is the k-th value in fast-check's shrink order: 0 is the range's shrink target (0, or the
 * bound nearest to 0), then +1, -1, +2, -2, ... So a tape of zeros draws fast-check's "smallest"
 * values: `fc.integer()` → 0, `fc.string()` → '', `fc.array(...)` → [], `fc.constantFrom(a, b)` → a.
 * Integer draws go through the stream's `int(0, span - 1)` (one value when the span fits 32 bits),
 * so RecordingRng records them as canonical indices (as do `next(bits)`, `nextBoolean`, `nextDouble`,
 * which go through `nextInt`); bigint ranges wider than 32 bits use raw uint32 values.
 * `clone()` does not fork: the clone reads the same stream (see {@link StreamGenerator}).
 */
export class StreamRandom implements Random {
  readonly #source: DrawSource;

  constructor(source: DrawSource) {
    this.#source = source;
  }

  clone(): StreamRandom {
    return new StreamRandom(this.#source);
  }

  next(bits: number): number {
    return this.nextInt(0, 2 ** bits - 1);
  }

  nextBoolean(): boolean {
    return this.nextInt(0, 1) === 1;
  }

  /** As fast-check's: 53 random bits in [0, 1); 0 draws give 0. */
  nextDouble(): number {
    const a = this.next(26);
    const b = this.next(27);
    return (a * DOUBLE_FACTOR + b) * DOUBLE_DIVISOR;
  }

  getState(): readonly number[] {
    return this.#source.getState().state;
  }

  nextInt(): number;
  nextInt(min: number, max: number): number;
  nextInt(min?: number, max?: number): number {
    const lo = min ?? -TWO_31;
    const hi = max ?? TWO_31 - 1;
    const k = this.#source.int(0, hi - lo);
    const target = lo > 0 ? lo : hi < 0 ? hi : 0;
    const up = hi - target;
    const down = target - lo;
    const m = Math.min(up, down);
    let v: number;
    if (k <= 2 * m) v = k % 2 === 1 ? target + (k + 1) / 2 : target - k / 2;
    else v = up > down ? target + (k - m) : target - (k - m);
    return Math.min(hi, Math.max(lo, v));
  }

  nextBigInt(min: bigint, max: bigint): bigint {
    const span = max - min + 1n;
    let k: bigint;
    if (span <= 0x100000000n) k = BigInt(this.#source.int(0, Number(span - 1n)));
    else {
      let acc = 0n;
      for (let bits = span - 1n; bits > 0n; bits >>= 32n) acc = (acc << 32n) | BigInt(this.#source.nextUint32() >>> 0);
      k = acc % span;
    }
    const target = min > 0n ? min : max < 0n ? max : 0n;
    const up = max - target;
    const down = target - min;
    const m = up < down ? up : down;
    if (k <= 2n * m) return k % 2n === 1n ? target + (k + 1n) / 2n : target - k / 2n;
    return up > down ? target + (k - m) : target - (k - m);
  }
}

/** One value of `arb`, generated from `source` without bias (the stream decides everything). */
export function drawFrom<T>(source: DrawSource, arb: Arbitrary<T>): T {
  return arb.generate(new StreamRandom(source), undefined).value;
}
