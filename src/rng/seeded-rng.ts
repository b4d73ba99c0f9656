import seedrandom from 'seedrandom';
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { RngBase } from './rng-base.ts';
import type { RngState } from './rng.ts';

/**
 * The normal-mode rng: one independent stream per actor, derived from `(runSeed, actorId)`,
 * so adding an actor never perturbs the others. The stream is pure-rand's xoroshiro128+
 * (four int32 of state: cheap to keep for a million actors and to log); seedrandom mixes the
 * string seed into its start.
 *
 * @example
 * const rng = SeededRng.forActor('42', 7);
 * rng.int(1, 6);
 * const again = SeededRng.fromState(rng.getState()); // continues exactly where rng is
 */
export class SeededRng extends RngBase {
  #gen: RandomGenerator;

  private constructor(gen: RandomGenerator) {
    super();
    this.#gen = gen;
  }

  /** The stream of actor `actorId` in a run seeded with `runSeed`. */
  static forActor(runSeed: string, actorId: number): SeededRng {
    return SeededRng.fromKey(`${runSeed}:actor:${actorId}`);
  }

  /** A stream for any label (e.g. engine-level draws that belong to no actor). */
  static fromKey(key: string): SeededRng {
    return new SeededRng(xoroshiro128plus(seedrandom.alea(key).int32()));
  }

  static fromState(state: RngState): SeededRng {
    if (state.kind !== 'xoroshiro128plus') throw new Error(`cannot restore rng: unknown kind '${state.kind}'`);
    return new SeededRng(xoroshiro128plusFromState(state.state));
  }

  nextUint32(): number {
    return this.#gen.next() >>> 0;
  }

  getState(): RngState {
    return { kind: 'xoroshiro128plus', state: [...this.#gen.getState()] };
  }
}
