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

export { runSimulation } from './run-simulation.ts';
export type { TestRunOptions } from './run-simulation.ts';
export type { RunHandle } from './run-handle.ts';
export { isRecordedRun } from './recorded-run.ts';
export type { RecordedRun, SeedSource } from './recorded-run.ts';
export { resolveSeed, seedEnvVar } from './resolve-seed.ts';
export { keepRuns, keepRunsEnvVar } from './keep-runs.ts';
export { reproduceCommand } from '../util/reproduce-command.ts';
export type { ReproduceSettings } from '../util/reproduce-command.ts';
export { runFooter } from './run-footer.ts';
export type { TestContext } from './run-footer.ts';
export { listComplaints } from './list-complaints.ts';
export { beamulatorMatchers } from './matchers.ts';
export { setupMatchers } from './setup-matchers.ts';
export type { SeverityOption } from './severity-option.ts';
export type { Invariant } from './to-satisfy-invariant.ts';
export type { MatcherOutcome } from './matcher-outcome.ts';
export type { ReplayIdenticallyOptions } from './to-replay-identically.ts';
export { replayTests, checkReplayFile, listReplayFiles, ReplayFileFailure } from './replay-tests.ts';
export type { ReplayTestsOptions, ReplayFileOutcome } from './replay-tests.ts';
export { replayCommand } from './replay-command.ts';
export { fuzzTest, runFuzzTest, formatFuzzFailure, FuzzTestFailure } from './fuzz-test.ts';
export type { FuzzTestOptions } from './fuzz-test.ts';
export type { ReplayHow } from './replay-command.ts';

// Registered on import, like jest-dom's 'vitest' entry: `import { runSimulation } from
// 'beamulator/vitest'` is all a test file needs. setupMatchers() is idempotent.
setupMatchers();
