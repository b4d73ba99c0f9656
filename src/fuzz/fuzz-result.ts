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
  /** The shrunk failure run again (see reproduceRuns); null when nothing was found or not checked. */
  reproduced: Reproduction | null;
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
