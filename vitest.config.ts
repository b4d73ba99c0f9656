import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // `import 'beamulator'` in tests, examples and fuzz targets resolves to src/ (package.json's
  // "beamulator-source" condition), the same modules the unit tests import by path: one instance.
  ssr: { resolve: { conditions: ['beamulator-source', ...defaultServerConditions] } },
  resolve: { conditions: ['beamulator-source', ...defaultServerConditions] },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'fixtures/**/*.test.ts', 'examples/**/*.test.ts'],
    // The consumer test's project is installed and tested in a temp folder, not here.
    exclude: ['**/node_modules/**', 'test/consumer/project/**'],
    // ensure-chromium: the browser tests drive Debian's Chromium; CI (root, from nothing) gets it installed.
    globalSetup: ['./test/support/build-dist.ts', './test/support/ensure-chromium.ts'],
    setupFiles: ['./test/support/stop-leftover-children.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest's default is one worker less than the cores: a single worker on the 2-core CI machines.
    // Most test time is spent waiting on child processes and loopback HTTP, so two overlap well
    // (measured here: 262 s -> 163 s for the whole suite).
    maxWorkers: 2,
  },
});
