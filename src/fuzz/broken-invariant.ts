import { brokenVerdict } from '../checkers/invariant-verdict.ts';
import type { Json } from '../store/records.ts';
import { callUser } from '../util/user-code.ts';
import type { FuzzInvariant, FuzzRunView } from './fuzz-target.ts';

/** A fuzz target's invariant that a run broke: its name (what identifies the failure), message and detail. */
export interface BrokenFuzzInvariant {
  invariant: string;
  message: string;
  /** The check's detail, as JSON; null when it gave none. */
  detail: Json;
}

/**
 * The first invariant the run breaks, else null. One place for a campaign's runs, the recording
 * of the shrunk failure and a replay's check that a recorded invariant failure recurs.
 *
 * @example
 * const broken = brokenInvariant(target.fuzz.invariants, { spec, actions, complaints, events }, target.name);
 * if (broken) console.log(`${broken.invariant}: ${broken.message}`);
 */
export function brokenInvariant(invariants: readonly FuzzInvariant[], view: FuzzRunView, target = 'the fuzz target'): BrokenFuzzInvariant | null {
  for (const invariant of invariants) {
    // The user's code: what it throws is reported as theirs (util/user-code.ts), not as a broken invariant.
    const verdict = callUser(`fuzz target '${target}' invariant '${invariant.name}'`, () => invariant.check(view), { doing: `fuzz '${target}'` });
    const broken = brokenVerdict(verdict, invariant.name);
    if (broken) return { invariant: invariant.name, ...broken };
  }
  return null;
}
