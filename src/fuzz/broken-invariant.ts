import { callUser } from '../util/user-code.ts';
import type { FuzzInvariant, FuzzRunView } from './fuzz-target.ts';

/**
 * The message of the first invariant the run breaks, else null. One place for a campaign's runs
 * and a replay's check that a recorded invariant failure recurs.
 *
 * @example
 * const message = brokenInvariant(target.fuzz.invariants, { spec, actions, complaints });
 */
export function brokenInvariant(invariants: readonly FuzzInvariant[], view: FuzzRunView, target = 'the fuzz target'): string | null {
  for (const [i, invariant] of invariants.entries()) {
    // The user's code: what it throws is reported as theirs (util/user-code.ts).
    const message = callUser(`fuzz target '${target}' invariants[${i}]${invariant.name ? ` (${invariant.name})` : ''}`, () => invariant(view), { doing: `fuzz '${target}'` });
    if (message) return message;
  }
  return null;
}
