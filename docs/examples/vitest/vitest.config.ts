// vitest.config.ts of the worked example in docs/vitest.md. Run it from the repository root:
//   npx vitest run --config docs/examples/vitest/vitest.config.ts
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['docs/examples/vitest/**/*.test.ts'],
    // A simulated day takes about a second of wall time; a long simulation takes longer than vitest's 5 s default.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // forks (the default) and threads both work.
    pool: 'forks',
  },
});
