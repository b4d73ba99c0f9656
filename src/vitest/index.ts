/**
 * beamulator/vitest: run simulations as vitest tests and assert on what they recorded.
 *
 * Importing this module registers the matchers (toHaveNoComplaints, toHaveComplained,
 * toSatisfyInvariant, toHaveOutcomes, toReplayIdentically) on vitest's `expect` and adds their types.
 *
 * @example
 * import { expect, test } from 'vitest';
 * import { runSimulation } from 'beamulator/vitest';
 *
 * test('no complaints in a simulated day', async () => {
 *   const run = await runSimulation('examples/todo/todo.sim.ts', { duration: '8h' });
 *   expect(run).toHaveNoComplaints();
 * });
 *
 * @packageDocumentation
 */
import { setupMatchers } from './setup-matchers.ts';
// The matchers' types (`declare module 'vitest'` in matchers.ts) reach a user's program through
// this import, which the published index.d.ts keeps.
import './matchers.ts';

// What a test author uses; the helpers these are built on (seed resolution, failure-message
// formatting, reproduce commands) are not exported. test/consumer/public-api.test.ts pins this list.
export { runSimulation } from './run-simulation.ts';
export type { TestRunOptions } from './run-simulation.ts';
export type { TestRun } from './test-run.ts';
export type { RecordedRun, SeedSource } from './recorded-run.ts';
export { setupMatchers } from './setup-matchers.ts';
export type { SeverityOption } from './severity-option.ts';
export type { TestInvariant } from './to-satisfy-invariant.ts';
export type { ReplayIdenticallyOptions } from './to-replay-identically.ts';
export { replayTests, checkReplayFile } from './replay-tests.ts';
export type { ReplayTestsOptions, ReplayFileOutcome } from './replay-tests.ts';
export { fuzzTest, runFuzzTest } from './fuzz-test.ts';
export type { FuzzTestOptions, FuzzTestOutcome } from './fuzz-test.ts';

// Registered on import, like jest-dom's 'vitest' entry: `import { runSimulation } from
// 'beamulator/vitest'` is all a test file needs. setupMatchers() is idempotent.
setupMatchers();
