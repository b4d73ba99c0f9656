import type { Outcome } from '../store/records.ts';
import type { RecordedRun } from './recorded-run.ts';
import type { SeverityOption } from './severity-option.ts';
import { toHaveComplained } from './to-have-complained.ts';
import { toHaveNoComplaints } from './to-have-no-complaints.ts';
import { toHaveOutcomes } from './to-have-outcomes.ts';
import { toReplayIdentically, type ReplayIdenticallyOptions } from './to-replay-identically.ts';
import { toSatisfyInvariant, type TestInvariant } from './to-satisfy-invariant.ts';

/** Every beamulator matcher: what setupMatchers (run when `beamulator/vitest` is imported) registers on `expect`. */
export const beamulatorMatchers = {
  toHaveNoComplaints,
  toHaveComplained,
  toSatisfyInvariant,
  toHaveOutcomes,
  toReplayIdentically,
};

declare module 'vitest' {
  // T is the received value: a TestRun's invariant gets a TestRun.
  interface Matchers<T = any> {
    /** No complaint at or above `severity` (default: none at all). Fails listing up to 5, with run id, seed and reproduce command. */
    toHaveNoComplaints(options?: SeverityOption): void;
    /** Some complaint's message contains `expected` (or matches the RegExp), at or above `severity`. */
    toHaveComplained(expected: string | RegExp, options?: SeverityOption): void;
    /** `invariant(run)` returns true or nothing; false or a string (the reason) fails. */
    toSatisfyInvariant(invariant: TestInvariant<T extends RecordedRun ? T : RecordedRun>, description?: string): void;
    /** Exactly these numbers of actions with each given outcome, like `{ crash: 0, error: 0 }`. */
    toHaveOutcomes(expected: Partial<Record<Outcome, number>>): void;
    /**
     * Replays the run (rerun by default; `offline: true` serves the recorded answers) and passes when
     * every action matches the original. Asynchronous: `await expect(run).toReplayIdentically()`.
     */
    toReplayIdentically(options?: ReplayIdenticallyOptions): Promise<void>;
  }
}
