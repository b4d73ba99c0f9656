import fc from 'fast-check';
import type { FuzzSpec } from '../replay/fuzz-spec.ts';
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
  const actor = fc.record({
    behavior: fc.constantFrom(...settings.behaviors),
    config: fc.constantFrom(...settings.configs),
    tape,
  });
  return fc.record({
    actors: fc.array(actor, { minLength: 0, maxLength: settings.maxActors }),
    overlap: fc.constant(settings.overlap),
  });
}
