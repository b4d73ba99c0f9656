// The worked example of docs/vitest.md: every replay file of replays/ is a test. Each one is
// replayed offline (the recorded answers are served back: no target, no DuckDB file) and must
// match its recording action by action. Fuzz failures land in replays/ too (see fuzz.test.ts).
import { replayTests } from 'beamulator/vitest';

replayTests('replays');
