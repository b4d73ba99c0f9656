import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../src/rng/seeded-rng.ts';
import { RngBase } from '../../src/rng/rng-base.ts';
import type { RngState } from '../../src/rng/rng.ts';

/** A stream of fixed values: checks the shared mapping rules (0 is the least choice). */
class FixedRng extends RngBase {
  constructor(private values: number[]) { super(); }
  nextUint32(): number { return this.values.shift() ?? 0; }
  getState(): RngState { return { kind: 'fixed', state: this.values }; }
}

describe('SeededRng', () => {
  it('gives each actor its own reproducible stream', () => {
    const a1 = SeededRng.forActor('seed', 1);
    const a1again = SeededRng.forActor('seed', 1);
    const a2 = SeededRng.forActor('seed', 2);
    const xs = Array.from({ length: 20 }, () => a1.int(0, 1_000_000));
    expect(Array.from({ length: 20 }, () => a1again.int(0, 1_000_000))).toEqual(xs);
    expect(Array.from({ length: 20 }, () => a2.int(0, 1_000_000))).not.toEqual(xs);
  });

  it('restores from its state and continues exactly', () => {
    const rng = SeededRng.forActor('s', 0);
    rng.int(0, 10);
    const copy = SeededRng.fromState(JSON.parse(JSON.stringify(rng.getState())));
    expect(Array.from({ length: 10 }, () => copy.next())).toEqual(Array.from({ length: 10 }, () => rng.next()));
  });

  it('keeps draws in range and roughly uniform', () => {
    const rng = SeededRng.forActor('u', 0);
    const counts = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 60_000; i++) counts[rng.int(1, 6) - 1]!++;
    for (const c of counts) expect(c).toBeGreaterThan(9_000);
    for (let i = 0; i < 1000; i++) {
      const f = rng.float(2, 3);
      expect(f).toBeGreaterThanOrEqual(2);
      expect(f).toBeLessThan(3);
    }
    let yes = 0;
    for (let i = 0; i < 10_000; i++) if (rng.chance(0.25)) yes++;
    expect(yes).toBeGreaterThan(2200);
    expect(yes).toBeLessThan(2800);
  });

  it('picks, weighs and shuffles from the stream', () => {
    const rng = SeededRng.forActor('w', 0);
    const seen = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const v = rng.weighted([['a', 1], ['b', 3]] as const);
      seen.set(v, (seen.get(v) ?? 0) + 1);
    }
    expect(seen.get('b')! / 10_000).toBeGreaterThan(0.7);
    expect(rng.weighted({ only: 1, never: 0 })).toBe('only');
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const shuffled = rng.shuffle(items);
    expect([...shuffled].sort()).toEqual(items);
    expect(items).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => rng.pick([])).toThrow(/empty/);
    expect(() => rng.int(5, 1)).toThrow(/min <= max/);
  });

  it('draws the same fake data for the same stream', () => {
    const names = (rng: SeededRng) => [rng.faker.person.fullName(), rng.faker.lorem.sentence(3)];
    expect(names(SeededRng.forActor('f', 3))).toEqual(names(SeededRng.forActor('f', 3)));
    expect(names(SeededRng.forActor('f', 3))).not.toEqual(names(SeededRng.forActor('f', 4)));
  });
});

describe('mapping rules shared by every rng', () => {
  it('maps the value 0 to the least choice', () => {
    const rng = new FixedRng([]);
    expect(rng.int(5, 9)).toBe(5);
    expect(rng.chance(0.9)).toBe(false);
    expect(rng.pick(['first', 'second'])).toBe('first');
    expect(rng.next()).toBe(0);
  });

  it('maps values with mod for ints and the top share for chance', () => {
    expect(new FixedRng([7]).int(0, 4)).toBe(2);
    expect(new FixedRng([999]).chance(0.001)).toBe(true);
    expect(new FixedRng([998]).chance(0.001)).toBe(false);
    expect(new FixedRng([700]).chance(0.3)).toBe(true);
  });
});
