// Runs the beamulator/vitest tests once per pool, as two projects:
//   npx vitest run --config test/vitest/vitest.pools.config.ts
// (The root config runs them too, with the default pool, forks.)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shared = { include: ['test/vitest/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 };

export default defineConfig({
  root,
  // As in the root config: `import 'beamulator'` resolves to src/, one instance with the modules
  // the tests import by path (test/vitest/package-entry.test.ts checks it).
  ssr: { resolve: { conditions: ['beamulator-source', ...defaultServerConditions] } },
  resolve: { conditions: ['beamulator-source', ...defaultServerConditions] },
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      { extends: true, test: { ...shared, name: 'forks', pool: 'forks' } },
      { extends: true, test: { ...shared, name: 'threads', pool: 'threads' } },
    ],
  },
});
