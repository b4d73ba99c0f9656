import type {
  ActionRecord, ActorRecord, ComplaintRecord, EventRecord, ExchangeRecord, RunKind, RunRecord, RunSummary,
} from '../store/records.ts';

/** Where a run's seed came from (see resolveSeed for the rule). */
export type SeedSource = 'options' | 'env' | 'simulation' | 'random';

/**
 * What the beamulator matchers read: a finished run with its recorded rows loaded in memory.
 *
 * `runSimulation` from `beamulator/vitest` resolves to one (a TestRun). Anything else that
 * produces an object of this shape, with `kind` telling what made it, works with every matcher
 * as it is: that is how other kinds of runs (a replay, a fuzz iteration) plug in.
 */
export interface RecordedRun {
  readonly kind: RunKind;
  readonly runId: string;
  /** The simulation's name. */
  readonly simulation: string;
  readonly seed: string;
  /** Where the seed came from, when known; failure messages say how to pin it. */
  readonly seedSource?: SeedSource;
  readonly summary: RunSummary;
  readonly actors: readonly ActorRecord[];
  readonly actions: readonly ActionRecord[];
  readonly complaints: readonly ComplaintRecord[];
  readonly events: readonly EventRecord[];
  /** The DuckDB file the run was kept in, or null when it was recorded in memory and discarded. */
  readonly db: string | null;
  /** The exact command (or call) that repeats the run. */
  readonly reproduce: string;
  /** Environment the run depended on (see `reproduceEnv`): set again by the rerun line of failure messages. */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra lines for failure messages (caveats about reproducing, for example). */
  readonly notes?: readonly string[];
  /** The run's row as stored; with `exchanges`, what `toReplayIdentically` replays (a TestRun has both). */
  readonly run?: RunRecord;
  /** Every HTTP exchange of the run (served back by an offline replay). */
  readonly exchanges?: readonly ExchangeRecord[];
}

/** True for a value shaped like a RecordedRun (checked structurally, so it works across module copies). */
export function isRecordedRun(value: unknown): value is RecordedRun {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.runId === 'string' && typeof v.seed === 'string' && typeof v.reproduce === 'string'
    && Array.isArray(v.complaints) && Array.isArray(v.actions) && Array.isArray(v.events) && Array.isArray(v.actors)
    && typeof v.summary === 'object' && v.summary !== null;
}
