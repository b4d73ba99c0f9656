import type { RunResult } from '../engine/run-simulation.ts';
import type { ExchangeRecord, RunRecord } from '../store/records.ts';
import type { RecordedRun, SeedSource } from './recorded-run.ts';

/** What `runSimulation` from `beamulator/vitest` resolves to: a finished run, read back from its store. */
export interface TestRun extends RecordedRun {
  readonly kind: 'run';
  readonly seedSource: SeedSource;
  /** What beamulator's own runSimulation returned (status, stop reason, crashes, timings). */
  readonly result: RunResult;
  /** The simulation file, relative to the working directory, when known. */
  readonly file: string | null;
  /** The run's row (seed, resolved config, status, code hash), as stored: what a replay starts from. */
  readonly run: RunRecord;
  /** Every HTTP exchange of the run: what an offline replay serves back. */
  readonly exchanges: readonly ExchangeRecord[];
}
