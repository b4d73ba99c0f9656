// The worked example of docs/vitest.md: a fuzz campaign as a test. fast-check searches
// populations of actors and their choices for a complaint; a failure is shrunk, recorded, and
// written to replays/ as a replay file (which replays.test.ts then keeps as a regression test).
import { fuzzTest } from 'beamulator/vitest';

// The bundled todo app with its planted bugs off: the campaign finds nothing and the test passes.
// Try 'fuzz/stale-read.fuzz.ts' to see a failure: the shrunk run, its replay file and the command.
fuzzTest('the todo app survives a fuzz campaign', 'fuzz/bugs-off.fuzz.ts', {
  runs: 100,            // property runs of the search
  timeLimitMs: 20_000,  // wall-time cap of the search (and, separately, shrinkTimeLimitMs of the shrink)
  seed: 42,             // BEAMULATOR_SEED=<n> pins it when this is left out
});
