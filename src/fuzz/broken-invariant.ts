import type { FuzzInvariant, FuzzRunView } from './fuzz-target.ts';

/**
 * The message of the first invariant the run breaks, else null. One place for a campaign's runs
 * and a replay's check that a recorded invariant failure recurs.
 *
 * @example
 * const message = brokenInvariant(target.fuzz.invariants, { spec, actions, complaints });
 */
export function brokenInvariant(invariants: readonly FuzzInvariant[], view: FuzzRunView): string | null {
  for (const invariant of invariants) {
    const message = invariant(view);
    if (message) return message;
  }
  return null;
}
