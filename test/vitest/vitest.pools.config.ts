// Runs the beamulator/vitest tests once per pool, as two projects:
//   npx vitest run --config test/vitest/vitest.pools.config.ts
// (The root config runs them too, with the default pool, forks.)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shared = { include: ['test/vitest/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 };

export default defineConfig({
  root,
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      { test: { ...shared, name: 'forks', pool: 'forks' } },
      { test: { ...shared, name: 'threads', pool: 'threads' } },
    ],
  },
});
