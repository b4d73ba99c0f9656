import type { Faker } from '@faker-js/faker';
import type { Arbitrary } from 'fast-check';

/** An option with its weight, for {@link Rng.weighted}. */
export type Weighted<T> = readonly [value: T, weight: number];

/**
 * Every random decision of a run goes through an actor's `Rng`: the behaviors' choices and the
 * engine's own (arrival, stagger). The seeded implementation draws from a per-actor stream; the
 * fuzz implementations (tape-backed, recording) implement the same interface, so any behavior can
 * be fuzzed and shrunk without a rewrite.
 *
 * Mapping rules shared by all implementations: each draw consumes one unsigned 32-bit value (a
 * `draw(arbitrary)` as many as fast-check asks for), and the value 0 is the "least" choice (min
 * integer, `false`, first option, shortest wait; for `draw`, fast-check's smallest value).
 *
 * @example
 * const team = ctx.rng.pick(['red', 'blue']);
 * if (ctx.rng.chance(0.3)) await ctx.execute(actions.deleteTodo, { id });
 * const title = ctx.rng.faker.lorem.sentence(3);
 * const odd = ctx.rng.draw(fc.string({ unit: 'grapheme' })); // typed fuzz input
 */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** A float in [min, max). */
  float(min?: number, max?: number): number;
  /** True with probability `p` (0..1). */
  chance(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** One value, chosen with probability proportional to its weight. Accepts pairs or a record of weights. */
  weighted<T>(options: readonly Weighted<T>[]): T;
  weighted<K extends string>(options: Readonly<Record<K, number>>): K;
  /** A shuffled copy. */
  shuffle<T>(items: readonly T[]): T[];
  /**
   * Seeded fake data (@faker-js/faker, English). Each access draws one value from this stream
   * and reseeds a shared Faker with it, so use it right away:
   * `ctx.rng.faker.person.firstName()`; do not keep the object across an `await`.
   */
  readonly faker: Faker;
  /**
   * One value of a fast-check arbitrary, generated from this stream (seeded in a normal run, the
   * actor's tape in a fuzz run; recorded and replayed like any draw). A tape of zeros gives
   * fast-check's "smallest" values (0, '', [], the first constant): the stream's value k is the
   * k-th value of each range in fast-check's shrink order. Generated without bias, and
   * `mrng.clone()` inside arbitraries reads the same stream (so `fc.clone` copies are not equal).
   */
  draw<T>(arb: Arbitrary<T>): T;
  /** Called by the engine at the start of each turn, due at sim time `at` (tape-backed rngs start a new segment). */
  beginTurn(at?: number): void;
  /**
   * Extra sim ms the engine adds before the actor's next turn: asked at its arrival (before turn 1)
   * and when each turn ends. Only tape-backed streams have it (a fuzz spec's `pauses`); none is 0.
   */
  pauseMs?(): number;
  /** A JSON snapshot of the stream's position, to restart it exactly. */
  getState(): RngState;
  /** True when a tape-backed stream has run out of choices and its actor should retire. */
  readonly retired?: boolean;
}

/** Serializable rng position. */
export interface RngState {
  kind: string;
  state: number[];
}
