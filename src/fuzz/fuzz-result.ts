import type { FuzzSpec } from '../replay/fuzz-spec.ts';
import type { ActionRecord, ActorRecord, ComplaintRecord } from '../store/records.ts';
import type { Reproduction } from './reproduce.ts';
import type { FuzzFailure } from './run-outcome.ts';
import type { FuzzCoverage } from './fuzz-coverage.ts';

/** What `fuzz()` found for one target (see fuzz.ts). */
export interface FuzzResult {
  target: string;
  found: boolean;
  /** Stopped by the signal. */
  interrupted: boolean;
  /** Property runs of the search. */
  runs: number;
  /** Successful shrink steps. */
  shrinks: number;
  /** Property runs while shrinking. */
  shrinkRuns: number;
  /** Shrink candidates that failed once but not again in a row (see confirmRuns): the race did not always bite. */
  unconfirmed: number;
  /**
   * The shrunk failure's replay file replayed in fresh processes, as `beamulator replay <file>`
   * would (see reproduceRuns): in how many the failure recurred. Null when nothing was found or not checked.
   */
  reproduced: Reproduction | null;
  /**
   * Recordings of the shrunk spec made until one failed the same way (at most 5): the kept run,
   * its actions, complaints and replay file, are that failing run's. `failed` false: none did
   * (a race that stopped biting), and the kept run is the last, passing one.
   */
  recordings: { made: number; failed: boolean };
  seed: number;
  /** The shrunk, canonical spec (null when nothing was found). */
  spec: FuzzSpec | null;
  /** The recorded fuzz run (null when nothing was found or db is false). */
  runId: string | null;
  replayFile: string | null;
  failure: FuzzFailure | null;
  /** The complaint that failed the run (null for an invariant, a crash or no failure). */
  complaint: ComplaintRecord | null;
  /** The shrunk run's actors and action log (args, results, details and configs redacted, as in the store). */
  actors: Array<Pick<ActorRecord, 'actorId' | 'behavior' | 'name' | 'config'>>;
  actions: ActionRecord[];
  /** Actions that invariants ran to query the target: seq -> invariant name. */
  probes: Record<number, string>;
  complaints: ComplaintRecord[];
  /** What the search explored (all of its runs, passing or not). */
  coverage: FuzzCoverage;
  timings: { searchMs: number; shrinkMs: number; recordMs: number; totalMs: number; firstFailureMs: number | null };
}
