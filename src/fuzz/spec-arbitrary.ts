import fc from 'fast-check';
import type { FuzzSpec } from '../engine/fuzz-spec.ts';
import type { FuzzSettings } from './fuzz-target.ts';

/**
 * The spec arbitrary (shapes measured by the prototype): population `minLength: 0` (trailing
 * actors stay removable), per-turn tape segments with `size: 'medium'`, full-range u32 values.
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
