import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import type { FuzzActorSpec, FuzzSpec } from '../replay/fuzz-spec.ts';
import type { FuzzSettings } from './fuzz-target.ts';

/**
 * The spec arbitrary. Each shape is the one that shrank best when the design was tried out on
 * planted bugs before this code was written: population `minLength: 0` (fast-check shrinks an
 * array by dropping from the front, so with `minLength: 1` the last actor could never go),
 * per-turn tape segments (deleting a choice shifts only the rest of its own turn) with
 * `size: 'medium'` (fast-check 4's default `small` makes tapes too short to reach deep bugs),
 * and full-range u32 values (a narrower range cannot cover the largest `int()` range).
 * Segment 0 is the actor's setup segment (see TapeRng), so a tape holds up to maxTurns + 1 segments.
 */
export function specArbitrary(settings: FuzzSettings): fc.Arbitrary<FuzzSpec> {
  const value = fc.nat({ max: 0xffffffff });
  const tape = fc.array(fc.array(value, { maxLength: settings.maxDrawsPerTurn }), { maxLength: settings.maxTurns + 1, size: 'medium' });
  const actor = settings.sharedConfigs
    ? fc.record({ behavior: fc.constantFrom(...settings.behaviors), config: fc.constantFrom(...settings.configs[settings.behaviors[0]!]!), tape })
    : perBehaviorActor(settings, tape);
  return fc.record({
    actors: fc.array(actor, { minLength: 0, maxLength: settings.maxActors }),
    overlap: fc.constant(settings.overlap),
  });
}

/**
 * Actors whose config list depends on their behavior: a config index (shrinking towards each
 * list's first, "least" config) taken modulo the behavior's list. The unmapper lets fast-check
 * shrink a spec it is handed as an example (a recorded run), which `chain` could not.
 */
function perBehaviorActor(settings: FuzzSettings, tape: fc.Arbitrary<number[][]>): fc.Arbitrary<FuzzActorSpec> {
  const { configs } = settings;
  const most = Math.max(...settings.behaviors.map((b) => configs[b]!.length));
  return fc.record({ behavior: fc.constantFrom(...settings.behaviors), config: fc.nat({ max: most - 1 }), tape }).map(
    ({ behavior, config, tape: t }) => {
      const list = configs[behavior]!;
      return { behavior, config: list[config % list.length]!, tape: t };
    },
    (value) => {
      const { behavior, config, tape: t } = value as FuzzActorSpec;
      const index = configs[behavior]?.findIndex((c) => c === config || isDeepStrictEqual(c, config)) ?? -1;
      if (index < 0) throw new Error(`not an actor of this target: ${JSON.stringify(value)}`);
      return { behavior, config: index, tape: t };
    },
  );
}
