// A vitest of its own for replay-folders.check.ts, started by replay-tests.test.ts: what
// replayTests registers for a missing folder, an empty one and a good one has to be seen from
// outside the run (a test cannot watch its own file's tests fail).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export default defineConfig({
  root,
  ssr: { resolve: { conditions: ['beamulator-source', ...defaultServerConditions] } },
  resolve: { conditions: ['beamulator-source', ...defaultServerConditions] },
  test: { include: ['test/vitest/replay-folders/*.check.ts'], testTimeout: 60_000 },
});
