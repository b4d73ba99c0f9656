import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'fixtures/**/*.test.ts', 'examples/**/*.test.ts'],
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
