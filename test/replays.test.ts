// Replays every file of replays/ (offline: no target needed), one test each: the committed
// recordings of the bundled example and every failure the fuzzer found stay regression tests.
// Regenerate the example's files with `node --import tsx test/support/make-replays.ts`.
import { replayTests } from 'beamulator/vitest';

replayTests('replays');
