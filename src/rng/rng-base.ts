import { createRequire } from 'node:module';
import type { Faker } from '@faker-js/faker';
import type { Arbitrary } from 'fast-check';
import { drawFrom } from './fc-random.ts';
import type { Rng, RngState, Weighted } from './rng.ts';

const TWO_32 = 4294967296;

const require = createRequire(import.meta.url);
let fakerEN: Faker | undefined;

/**
 * faker's English instance, loaded on first use: its locale data costs every process that loads the
 * rngs ~25 ms (more on a busy machine), and most commands and many simulations never ask for fake
 * data. `rng.faker` is a synchronous getter, so this uses require(), which loads faker's ES module
 * build synchronously on Node >= 20.19 (the same instance an `import` of it gets).
 */
function englishFaker(): Faker {
  return (fakerEN ??= (require('@faker-js/faker/locale/en') as typeof import('@faker-js/faker/locale/en')).faker);
}

/**
 * Derives every operation from `nextUint32()` with the shared mapping rules
 * (0 is the least choice), so seeded, tape-backed and recording rngs agree.
 */
export abstract class RngBase implements Rng {
  /** The next unsigned 32-bit value of the stream. */
  abstract nextUint32(): number;
  abstract getState(): RngState;

  beginTurn(): void {}

  next(): number {
    return this.nextUint32() / TWO_32;
  }

  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`rng.int(${min}, ${max}): need integers with min <= max`);
    }
    const span = max - min + 1;
    if (span <= TWO_32) return min + (this.nextUint32() % span);
    // Wider than 32 bits: combine two draws (rare; keeps 0 as the least value).
    return min + Math.floor((this.nextUint32() * TWO_32 + this.nextUint32()) % span);
  }

  float(min = 0, max = 1): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    // 0 draws `false`: a true outcome needs a value in the top p-share of the range.
    return this.nextUint32() % 1000 >= 1000 - Math.round(p * 1000);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('rng.pick: the array is empty');
    return items[this.int(0, items.length - 1)]!;
  }

  weighted<T>(options: readonly Weighted<T>[] | Readonly<Record<string, number>>): T {
    const pairs = (Array.isArray(options) ? options : Object.entries(options)) as readonly Weighted<T>[];
    let total = 0;
    for (const [, w] of pairs) {
      if (!(w >= 0)) throw new RangeError(`rng.weighted: weight ${w} is not a non-negative number`);
      total += w;
    }
    if (pairs.length === 0 || total <= 0) throw new RangeError('rng.weighted: needs at least one positive weight');
    let x = this.next() * total;
    for (const [value, w] of pairs) {
      if (x < w) return value;
      x -= w;
    }
    return pairs[pairs.length - 1]![0];
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = out[i]!;
      out[i] = out[j]!;
      out[j] = tmp;
    }
    return out;
  }

  draw<T>(arb: Arbitrary<T>): T {
    return drawFrom(this, arb);
  }

  get faker(): Faker {
    const faker = englishFaker();
    faker.seed(this.nextUint32());
    return faker;
  }
}
